"""`make bench`: load tests of the portal's pages (see bench/run.py, docs/PERFORMANCE.md)."""
