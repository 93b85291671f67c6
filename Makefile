# Two commands: `make run` (demo on SQLite) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test lint format install install-test translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) seed-demo --claims 300
	$(FLASK) run --host 127.0.0.1 --port 5000

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-extract the strings to translate and merge them into the Arabic catalogue.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o /tmp/qayd-messages.pot --ignore-dirs=".venv tests" .
	$(BIN)/pybabel update -i /tmp/qayd-messages.pot -d commission/translations
	$(BIN)/pybabel compile -d commission/translations

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache .ruff_cache
