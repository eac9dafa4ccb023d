-- wrk's report gives the 50th, 75th, 90th and 99th percentiles; the bench also wants the
-- 95th. wrk calls done() once at the end with the latency distribution (microseconds).
done = function(summary, latency, requests)
  io.write(string.format("p95_us %d\n", latency:percentile(95.0)))
end
