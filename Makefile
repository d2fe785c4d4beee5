# The two commands a newcomer needs: `make demo` and `make test` (`make test-fast` while working).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-fast lint format messages install install-dev bench security clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

## Run the demo news site with its embedded Redis, a Celery worker and beat (Ctrl-C stops all).
## Development mode (DJANGO_DEBUG=1): a secret key is made once and kept in var/.
demo: export DJANGO_DEBUG = 1
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo

## Run the whole test suite (uses DATABASE_URL / REDIS_URL when set, else SQLite + embedded Redis)
## and report the line coverage of moderation/: under pyproject.toml's fail_under, it fails
## (a narrower PYTEST_ARGS selection needs --no-cov).
test: lint
	$(BIN)/python -m pytest --cov --cov-report=term-missing:skip-covered $(PYTEST_ARGS)

## The tests not marked slow, without lint: no process started (worker, Redis, server, browser,
## Python, wheel build) and no long stream played. Under 2 minutes; `make test` runs them all.
test-fast: install-dev
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

## Style, the import contracts (pyproject.toml: [tool.importlinter]) and the types of the whole app.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy moderation

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Rebuild the Italian translation catalogue after changing strings (the .mo is committed).
messages: install-dev
	cd moderation && ../$(BIN)/django-admin makemessages -l it --no-obsolete && ../$(BIN)/django-admin compilemessages -l it

## Static security analysis: bandit's medium and high findings in moderation/, each one
## justified by a comment on its line (the test fails on any that is not).
security: install-dev
	$(BIN)/bandit -r moderation -ll -q --exit-zero
	$(BIN)/python -m pytest -q tests/test_access.py -k bandit

## Every benchmark (PostgreSQL and Redis on loopback); DATA=../shared/datasets adds the classifiers'.
bench: install-dev
	$(BIN)/python bench/run_all.py $(if $(DATA),--data $(DATA))

clean:
	rm -rf $(VENV) var db.sqlite3 staticfiles test-artifacts
