#!/usr/bin/env bash
# `make test-dates`: the non-browser suite with the system clock moved to other dates, to prove no
# test (and no demo fixture) depends on today's date. libfaketime (Debian's `faketime`) moves the
# clock of the test process and every process it starts; PostgreSQL and Redis keep the real one,
# which the code never asks (it reads the clock through itsm.clock / django.utils.timezone).
#
# The dates: the first working Monday of a year chinesecalendar may not cover (2027-01-04), the
# middle of that year (2027-06-15) and a leap day (2028-02-29). Override with TEST_DATES.
# The runs go in parallel, each on its own test database; a failed run prints its log's tail.
set -uo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
DATES="${TEST_DATES:-2027-01-04 2027-06-15 2028-02-29}"
# Browser tests are left out (they drive a real Chromium, whose own clock faketime would not
# move consistently), and so are the tests that start servers of their own: the fault tests of
# tests/faults (a private PostgreSQL cluster and Redis, timing their answers) and the slow ones
# (gunicorn, celery, redis-server, PgBouncer, moto…): libfaketime moves their clocks too, and a
# redis-server whose clock jumped years never answers. Everything else runs.
MARKS="${TEST_DATES_MARKS:-not e2e and not faults and not slow}"

if ! command -v faketime >/dev/null 2>&1; then
  bash scripts/system-packages.sh
fi
command -v faketime >/dev/null 2>&1 || { echo "faketime is not installed (apt-get install faketime)" >&2; exit 2; }

# One date: its run spreads over every core (pytest-xdist); several: one process per date, the
# dates side by side.
set -- $DATES
if [ "$#" -eq 1 ]; then WORKERS="${TEST_WORKERS:-auto}"; else WORKERS=0; fi

logs="$(mktemp -d)"
pids=()
for day in $DATES; do
  env_db=()
  if [ -n "${DATABASE_URL:-}" ]; then
    # One test database per date: pytest-django names it test_<name>, so give each run its own.
    env_db=(DATABASE_URL="${DATABASE_URL%/*}/$(basename "${DATABASE_URL%%\?*}")_${day//-/}")
  fi
  echo "test-dates: $day ..."
  # -m: the thread-safe libfaketime (the suite has threaded concurrency tests).
  env "${env_db[@]}" faketime -m "$day 10:00:00" "$PY" -m pytest -q -p no:cacheprovider -n "$WORKERS" \
    -m "$MARKS" ${PYTEST_ARGS:-} >"$logs/$day.log" 2>&1 &
  pids+=("$!")
done
status=0
set -- $DATES
for pid in "${pids[@]}"; do
  day="$1"; shift
  if wait "$pid"; then
    echo "test-dates: $day passed: $(tail -n 1 "$logs/$day.log")"
  else
    status=1
    echo "test-dates: $day FAILED" >&2
    grep -E "^(FAILED|ERROR) " "$logs/$day.log" >&2 || tail -n 40 "$logs/$day.log" >&2
    tail -n 1 "$logs/$day.log" >&2
  fi
done
echo "test-dates: logs in $logs"
exit $status
