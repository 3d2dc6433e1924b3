# EOMS — two commands on a fresh machine:
#   make run    start EOMS on SQLite with demo data at http://127.0.0.1:8000
#   make test   install the dev tools and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
export EOMS_DATA_DIR ?= $(CURDIR)/var
STAMP := $(VENV)/.stamp-$(shell cat pyproject.toml requirements/constraints.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint check-translations messages install dev browser clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(VENV)/bin/python pyproject.toml requirements/constraints.txt
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c requirements/constraints.txt -e ".[dev]"
	rm -f $(VENV)/.stamp-*
	touch $(STAMP)

install dev: $(STAMP)

run: $(STAMP)
	EOMS_HTTPS=$${EOMS_HTTPS:-0} $(VENV)/bin/eoms run

browser:
	@scripts/ensure-chromium

test: $(STAMP) browser
	$(PY) -m pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(VENV)/bin/ruff check eoms tests scripts bench
	$(VENV)/bin/mypy eoms
	$(VENV)/bin/lint-imports
	EOMS_DATA_DIR=$$(mktemp -d) $(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/check_translations.py

messages: $(STAMP)
	cd eoms && ../$(PY) ../manage.py makemessages -l en -l zh_Hans --no-obsolete --add-location file -i "static/*"
	$(PY) scripts/compile_messages.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
