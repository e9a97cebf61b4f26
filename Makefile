# Pregón: `make run` starts everything, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run setup test test-browser test-postgres lint bench messages tutorials deliverable clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/pregon setup

run: setup
	$(BIN)/pregon run

test: $(STAMP)
	$(BIN)/pytest -q

test-postgres: $(STAMP)
	PREGON_DATABASE_URL=$${PREGON_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/pregon} $(BIN)/pytest -q

test-browser: $(STAMP)
	$(BIN)/pytest -q -m browser

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pregon makemigrations --check --dry-run
	msgfmt --check -o /dev/null locale/es/LC_MESSAGES/django.po

# The delivery pack (R22): the checklist, the credentials sheet and the manual, as PDFs.
deliverable: $(STAMP)
	$(BIN)/pregon deliverable

bench: $(STAMP)
	$(BIN)/python bench/run.py

# The video tutorials, recorded from the real screens in a fresh demo instance.
tutorials: $(STAMP)
	$(BIN)/pregon tutorials

messages: $(STAMP)
	$(BIN)/pregon makemessages -l es --ignore='.venv/*' --ignore='var/*' --ignore='static/vendor/*' --no-location --no-obsolete
	$(BIN)/pregon compilemessages --ignore='.venv/*'

clean:
	rm -rf $(VENV) var/test.sqlite3
