# Two commands on a fresh machine with only Python 3.11+:
#   make run    the portal with demo data at http://127.0.0.1:8000 (web, worker, beat)
#   make test   the whole suite
# PostgreSQL and Redis: DATABASE_URL / REDIS_URL, else the servers on the default
# ports, else embedded ones in var/ (see jipp/devstack.py).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CATALOGUE := locale/id/LC_MESSAGES/django
DEVSTACK := $(BIN)/python -m jipp.devstack

# Development defaults; production sets these in its own environment.
export DEBUG ?= true
export DEMO_PASSWORD ?= jipp-demo-2020

.PHONY: install run test check format messages clean bench bench-scale loadtest

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

$(CATALOGUE).mo: $(CATALOGUE).po $(STAMP)
	$(BIN)/python -m jipp.catalogue compile

install: $(STAMP) $(CATALOGUE).mo

run: install
	mkdir -p var
	$(DEVSTACK) -- sh -c '\
		$(BIN)/python manage.py migrate --noinput && \
		$(BIN)/python manage.py seed_demo && \
		PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho --procfile Procfile start'

test: install
	CONN_MAX_AGE=0 $(DEVSTACK) --test -- $(BIN)/python -m pytest $(PYTEST_ARGS)

# Load test of the catalogue at 100,000 innovations (bench/run.py; needs wrk), then the
# reminder sweep and the outbox at 50,000 plans (bench/reminders.py); results in
# docs/PERFORMANCE.md. Options: BENCH_ARGS="--innovations 2000 --duration 3 --only list",
# BENCH_REMINDER_ARGS="--plans 5000 --due 1000 --send 1000".
bench: install
	$(DEVSTACK) -- $(BIN)/python -m bench.run $(BENCH_ARGS)
	$(DEVSTACK) -- $(BIN)/python -m bench.reminders $(BENCH_REMINDER_ARGS)

# The curve at 10,000, 100,000 and 1,000,000 innovations (plans at half), cold and warm,
# median and 95th percentile, and the reminder sweep at each size (bench/scale.py); results
# kept in docs/bench/ and drawn in docs/PERFORMANCE.md. The 1,000,000 point takes about 40
# minutes and 11 GB: BENCH_SCALE_ARGS="--sizes 10000,100000" measures the smaller ones only.
bench-scale: install
	$(DEVSTACK) -- $(BIN)/python -m bench.scale $(BENCH_SCALE_ARGS)

# 50 people at once for 2 minutes on the bench database (bench/load.py, locust), results
# in docs/PERFORMANCE.md. Options: LOAD_ARGS="--users 20 --minutes 1".
loadtest: install
	$(DEVSTACK) -- $(BIN)/python -m bench.load $(LOAD_ARGS)

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(DEVSTACK) -- $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m jipp.catalogue check
	@# Django's deployment checks with production settings (a throwaway key, never used).
	DEBUG=false ALLOWED_HOSTS=jipp.go.id SITE_URL=https://jipp.go.id \
		SECRET_KEY="check-deploy-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the Indonesian catalogue from the source strings, then translate what is new.
messages: install
	$(BIN)/python manage.py makemessages --locale id --no-obsolete --add-location file \
		--ignore '.venv/*' --ignore 'var/*'

clean:
	rm -rf $(VENV) var/staticfiles var/celerybeat-schedule*
