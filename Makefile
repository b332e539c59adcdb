# Quick start: `make run` (the whole system on http://127.0.0.1:8000) and `make test`.
# Both create and reuse the virtual environment in .venv.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-dates lint check messages venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml scripts/system-packages.sh
	@bash scripts/system-packages.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	PORT=$(PORT) $(PY) manage.py run_stack

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# The non-browser suite with the system clock moved to 2027-01-04, 2027-06-15 and 2028-02-29
# (libfaketime; TEST_DATES="…" for others): no test may depend on today's date.
test-dates: $(STAMP)
	PY=$(PY) bash scripts/test-dates.sh

# ruff; the app layering of DESIGN.md (import-linter contracts in pyproject.toml); no import
# cycle between files; every import inside a function says why; no model change without a
# migration.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) scripts/check_import_cycles.py --all
	$(PY) scripts/check_local_imports.py
	$(PY) manage.py makemigrations --check --dry-run

# Refresh the translation catalogues after changing strings (needs GNU gettext), then edit
# locale/zh_Hans/LC_MESSAGES/django.po and compile. The compiled .mo files are committed, so a
# fresh machine shows Chinese without gettext installed.
messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --add-location file -i '.venv/*' -i 'var/*'
	$(PY) manage.py compilemessages -l zh_Hans -i '.venv' -i 'var'

clean:
	rm -rf var/broker var/celerybeat-schedule* var/staticfiles
