# Quick start: `make run` (the whole system on http://127.0.0.1:8000) and `make test`.
# Both create and reuse the virtual environment in .venv.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-dates lint check messages venv lock upgrade-deps clean

venv: $(STAMP)

# The venv installs exactly the pins of the lock files (requirements-dev.txt holds the runtime
# pins of requirements.txt plus the dev tools), every file checked against its hash; then the
# project itself, without dependencies. A changed lock file reinstalls.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml scripts/system-packages.sh
	@bash scripts/system-packages.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# Lock files from pyproject.toml (pip-tools). `make lock` after changing the dependencies there:
# the pins already in the lock files stay, only what changed is resolved. `make upgrade-deps`
# moves every pin to the newest release pyproject.toml allows. The dev lock is constrained by
# the runtime one, so both hold the same version of every shared package. Locked from the public
# index only (no local pip configuration), so the hashes are those of PyPI's files.
PIP_COMPILE = env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null \
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

lock: $(STAMP)
	$(PIP_COMPILE) --output-file requirements.txt pyproject.toml
	$(PIP_COMPILE) --extra dev --constraint requirements.txt --output-file requirements-dev.txt pyproject.toml

upgrade-deps: LOCK_ARGS = --upgrade
upgrade-deps: lock

run: $(STAMP)
	PORT=$(PORT) $(PY) manage.py run_stack

# Spread over every core (pytest-xdist; each worker has its own test database, test_<name>_gwN);
# TEST_WORKERS=0 runs the suite in this one process (easier to debug with pdb).
TEST_WORKERS ?= auto
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

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
