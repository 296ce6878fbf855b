# Survey Atlas — set-up and everyday commands. Only Python 3.11+ is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install serve test lint format check bench browsers clean screenshots

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed

# Run the app on the embedded SQLite database with the survey loaded and the
# literature map's PageRank and clusters computed (again only when papers or
# citations changed since the last build).
serve: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_survey
	DJANGO_DEBUG=1 $(BIN)/python manage.py build_map --if-stale
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Run the whole suite; DATABASE_URL=postgres://... selects PostgreSQL.
test: install
	DJANGO_SECRET_KEY=test-only-key $(BIN)/pytest $(PYTEST_ARGS)

# PNGs of the main pages for the README, from a running server (make serve).
screenshots: install
	$(BIN)/python -m tests.browser.screenshots --base http://$(HOST):$(PORT) --out docs/screenshots

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks at 100,000 papers / 1,000,000 citations on PostgreSQL (its own
# database); regenerates BENCHMARKS.md. Takes about 15 minutes the first time.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/atlas_bench
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SECRET_KEY=bench-only-key DJANGO_DEBUG=0 \
		$(BIN)/python -m bench.run --papers 100000 --citations 1000000 --create-db \
		--json test-output/bench.json

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-output .pytest_cache .ruff_cache
