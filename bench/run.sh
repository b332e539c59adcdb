#!/usr/bin/env bash
# Load-test the ticket pages and API with wrk against gunicorn on the bench database.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_bench bench/run.sh
#
# Environment (defaults): DATABASE_URL (…/itsm_bench), PORT (8077), WORKERS (4), THREADS (2),
# CONNECTIONS (8), DURATION (20s), WARMUP (3s), CASES ("a b b2 c d e"), BENCH_CODE (this
# checkout; another tree, e.g. a `git archive` snapshot, to measure that code instead).
# Output: bench/results/run-<time>/ (wrk outputs, gunicorn log, CPU per process group,
# queries.json, summary.md, summary.json).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
CODE=${BENCH_CODE:-$ROOT}
PY=$ROOT/.venv/bin/python
PORT=${PORT:-8077}
WORKERS=${WORKERS:-4}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
CASES=${CASES:-"a b b2 c d e"}
BASE=http://127.0.0.1:$PORT
RUN=run-$(date +%Y%m%d-%H%M%S)
OUT=$ROOT/bench/results/$RUN
mkdir -p "$OUT"

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/itsm_bench}
export DEBUG=false
export SECRET_KEY=${SECRET_KEY:-bench-only-secret-key-not-for-production-0123456789abcdef}
export ALLOWED_HOSTS=127.0.0.1,localhost,testserver
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECURE_HSTS_SECONDS=0
# A real broker, but a queue nobody consumes: what the web tier does on commit is measured,
# delivery is not. The queue key is deleted at the end.
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export CELERY_QUEUE=${CELERY_QUEUE:-bench}
export ITSM_VAR_DIR=$ROOT/bench/results/var
export LOG_LEVEL=WARNING
export BENCH_CODE=$CODE
STATIC_ROOT=$(mktemp -d /tmp/itsm-bench-static.XXXXXX)
export STATIC_ROOT
export BENCH_LUA=$BENCH_DIR/lua

GUNICORN_PID=
cleanup() {
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill "$GUNICORN_PID"
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    rm -rf "$STATIC_ROOT"
    redis-cli -u "$REDIS_URL" DEL "$CELERY_QUEUE" "_kombu.binding.$CELERY_QUEUE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

if ! command -v wrk >/dev/null; then
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

echo "== $RUN: code $CODE ($(cd "$CODE" && git rev-parse --short HEAD 2>/dev/null || cat "$CODE/.bench-commit" 2>/dev/null || echo '?')), $DATABASE_URL"
echo "== collectstatic into $STATIC_ROOT"
(cd "$CODE" && "$PY" manage.py collectstatic --noinput -v 0)

echo "== subjects"
SUBJECTS=$(cd "$CODE" && "$PY" "$BENCH_DIR/common.py")
echo "$SUBJECTS" | tee "$OUT/subjects.json"
field() { echo "$SUBJECTS" | "$PY" -c "import json,sys; d=json.load(sys.stdin); print(d$1)"; }
ENDUSER=$(field '["enduser"]["username"]')
REQUESTER=$(field '["user"]["id"]')
NUMBER=$(field '["detail"]["number"]')

echo "== SQL queries per request (in-process)"
"$PY" "$BENCH_DIR/cpu.py" wait-quiet "${QUIET_MAX_BUSY:-0.3}" "${QUIET_TIMEOUT:-300}" >/dev/null
(cd "$CODE" && "$PY" "$BENCH_DIR/queries.py" --out "$OUT/queries.json") | tee "$OUT/queries.txt"

echo "== gunicorn: $WORKERS sync workers on :$PORT"
(cd "$CODE" && exec "$ROOT/.venv/bin/gunicorn" itsm.wsgi:application -w "$WORKERS" \
    -b "127.0.0.1:$PORT" --log-level warning --error-logfile "$OUT/gunicorn.log") &
GUNICORN_PID=$!
for _ in $(seq 1 100); do
    curl -fs -o /dev/null "$BASE/login/" && break
    kill -0 "$GUNICORN_PID" 2>/dev/null || { echo "gunicorn died:"; cat "$OUT/gunicorn.log"; exit 1; }
    sleep 0.2
done

# Session cookie: GET the login page for the CSRF token, POST the form.
login() {
    local user=$1 jar="$OUT/cookies-$1.txt" csrf
    curl -fs -c "$jar" -b "$jar" -o /dev/null "$BASE/login/"
    csrf=$(awk '$6 == "csrftoken" {print $7}' "$jar")
    curl -fs -c "$jar" -b "$jar" -o /dev/null -H "Referer: $BASE/login/" \
        --data-urlencode "username=$user" --data-urlencode "password=demo12345" \
        --data-urlencode "csrfmiddlewaretoken=$csrf" "$BASE/login/"
    awk '$6 == "sessionid" {print "sessionid=" $7}' "$jar"
}
DESK_COOKIE=$(login desk)
ENDUSER_COOKIE=$(login "$ENDUSER")
USER2_COOKIE=$(login user2)
TOKEN=$(curl -fs -H 'Content-Type: application/json' \
    -d '{"username": "desk", "password": "demo12345"}' "$BASE/api/auth/token/" |
    "$PY" -c 'import json,sys; print(json.load(sys.stdin)["token"])')
[ -n "$DESK_COOKIE" ] && [ -n "$ENDUSER_COOKIE" ] && [ -n "$USER2_COOKIE" ] && [ -n "$TOKEN" ] ||
    { echo "login failed"; cat "$OUT/gunicorn.log"; exit 1; }

count_created() {
    psql "$DATABASE_URL" -Atc "SELECT count(*) FROM tickets_ticket WHERE title LIKE '压测工单 $RUN %'"
}

# key | label | method | path | lua | cookie | auth
case_def() {
    case $1 in
        a)  echo "dispatch queue (desk)|GET|/tickets/queue/?view=open|get.lua|$DESK_COOKIE|" ;;
        b)  echo "my tickets ($ENDUSER)|GET|/tickets/mine/|get.lua|$ENDUSER_COOKIE|" ;;
        b2) echo "my tickets (user2, few tickets)|GET|/tickets/mine/|get.lua|$USER2_COOKIE|" ;;
        c)  echo "ticket detail $NUMBER (desk)|GET|/tickets/$NUMBER/|get.lua|$DESK_COOKIE|" ;;
        d)  echo "API list ?open=true (desk token)|GET|/api/tickets/?open=true|get.lua||Token $TOKEN" ;;
        e)  echo "API create ticket (desk token)|POST|/api/tickets/|create.lua||Token $TOKEN" ;;
    esac
}

for key in $CASES; do
    IFS='|' read -r label method path lua cookie auth <<<"$(case_def "$key")"
    # One request by hand first: the right status, not a redirect to the login page.
    if [ "$method" = POST ]; then
        status=$(curl -s -o "$OUT/$key.sample" -w '%{http_code}' -H "Authorization: $auth" \
            -H 'Content-Type: application/json' -d "{\"contract\": \"DEMO-DESKTOP\", \"service_type\": \"hardware\", \"title\": \"压测工单 $RUN check\", \"requester\": $REQUESTER, \"priority\": 3, \"channel\": \"phone\"}" \
            "$BASE$path")
        want=201
    else
        status=$(curl -s -o "$OUT/$key.sample" -w '%{http_code}' ${cookie:+-H "Cookie: $cookie"} \
            ${auth:+-H "Authorization: $auth"} "$BASE$path")
        want=200
    fi
    if [ "$status" != "$want" ]; then
        echo "($key) $label: $method $path answered $status, expected $want"; tail -30 "$OUT/gunicorn.log"; exit 1
    fi
    export BENCH_COOKIE=$cookie BENCH_AUTH=$auth BENCH_REQUESTER=$REQUESTER BENCH_RUN=$RUN
    echo "== ($key) $label: $method $path — warm-up $WARMUP, then $DURATION, -t$THREADS -c$CONNECTIONS"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout 30s -s "$BENCH_LUA/$lua" "$BASE$path" \
        >/dev/null
    # Other work on the machine (a test suite…) would take CPU from the measured stack.
    idle_before=$("$PY" "$BENCH_DIR/cpu.py" wait-quiet "${QUIET_MAX_BUSY:-0.3}" "${QUIET_TIMEOUT:-300}")
    echo "   machine busy before the run: $idle_before cores"
    before_created=$( [ "$method" = POST ] && count_created || echo 0)
    "$PY" "$BENCH_DIR/cpu.py" >"$OUT/$key.cpu-before.json"
    TIMEFORMAT="%3U %3S"  # CPU seconds of wrk itself (user, system)
    # --timeout as gunicorn's worker timeout: slow answers are measured, not dropped.
    { time wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 30s --latency \
        -s "$BENCH_LUA/$lua" \
        "$BASE$path" | tee "$OUT/$key.wrk.txt"; } 2>"$OUT/$key.wrk-cpu.txt"
    "$PY" "$BENCH_DIR/cpu.py" >"$OUT/$key.cpu-after.json"
    after_created=$( [ "$method" = POST ] && count_created || echo 0)
    printf '{"key": "%s", "label": "%s", "method": "%s", "path": "%s", "created": %d, "busy_before": %s}\n' \
        "$key" "$label" "$method" "$path" $((after_created - before_created)) "$idle_before" \
        >"$OUT/$key.meta.json"
done

if [ "${KEEP_CREATED:-0}" != 1 ]; then  # leave the data set as generate.py made it
    psql "$DATABASE_URL" -qAt >/dev/null <<'SQL'
CREATE TEMP TABLE bench_created AS SELECT id FROM tickets_ticket WHERE title LIKE '压测工单 %';
DELETE FROM tickets_entry WHERE ticket_id IN (SELECT id FROM bench_created);
DELETE FROM tickets_historicalticket WHERE id IN (SELECT id FROM bench_created);
DELETE FROM tickets_ticket WHERE id IN (SELECT id FROM bench_created);
VACUUM (ANALYZE) tickets_ticket;
VACUUM (ANALYZE) tickets_entry;
SQL
fi

"$PY" "$BENCH_DIR/summarize.py" "$OUT" | tee "$OUT/summary.md"
echo "== results in $OUT"
