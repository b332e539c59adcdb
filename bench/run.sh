#!/usr/bin/env bash
# Load-test the ticket pages and API with wrk against gunicorn on the bench database.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_bench bench/run.sh
#   CASES="a3 f" DURATION=5s bench/run.sh                 # some cases, short
#   WORKER_CLASS=gthread WORKERS=2 GTHREADS=4 bench/run.sh  # gunicorn threads instead of processes
#
# Environment (defaults): DATABASE_URL (…/itsm_bench), PORT (8077), WORKERS (4 gunicorn
# workers), WORKER_CLASS (sync; gthread), GTHREADS (threads per gthread worker, 4), THREADS (2 wrk
# threads), CONNECTIONS (8), DURATION (20s), WARMUP (3s), CASES ("a a3 a4 b b2 c d e f f2 g h"),
# BENCH_CODE (this checkout; another tree, e.g. a `git archive` snapshot, to measure that code
# instead), KEEP_CREATED (0: the tickets the POST cases filed are deleted at the end).
# Cases (bench/queries.py has the same keys): a queue, a3/a4 queue search 打印机/卡纸, b/b2 my
# tickets, c detail, d API list, e API create, f/f2 API search 卡纸/打印机, g KPI quarter
# dashboard (gm), h portal submit (the end user's form, POST with CSRF).
# Output: bench/results/run-<time>/ (wrk outputs, gunicorn log, CPU per process group,
# queries.json, summary.md, summary.json).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
CODE=${BENCH_CODE:-$ROOT}
PY=$ROOT/.venv/bin/python
PORT=${PORT:-8077}
WORKERS=${WORKERS:-4}
WORKER_CLASS=${WORKER_CLASS:-sync}
GTHREADS=${GTHREADS:-4}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
CASES=${CASES:-"a a3 a4 b b2 c d e f f2 g h"}
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
# Steady state: gunicorn.conf.py replaces each worker after 1,000 requests (GUNICORN_MAX_REQUESTS),
# and a new worker's start (importing the app, first renders, a new database connection) stalls
# the 2 cores for a second or more: p95 of 0.5-2.8 s in the cases it lands in. The bench turns
# it off, and lifts the API's per-user rate limit (1,200/min) that one token would hit at once
# (bench/README.md). Set either to measure with it.
export GUNICORN_MAX_REQUESTS=${GUNICORN_MAX_REQUESTS:-0}
export API_THROTTLE_USER=${API_THROTTLE_USER:-1000000/min}
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
KPI_CONTRACT=$(field '["kpi"]["contract"]')
KPI_QUARTER=$(field '["kpi"]["quarter"]')

echo "== SQL queries and in-process time per request"
"$PY" "$BENCH_DIR/cpu.py" wait-quiet "${QUIET_MAX_BUSY:-0.3}" "${QUIET_TIMEOUT:-300}" >/dev/null
(cd "$CODE" && "$PY" "$BENCH_DIR/queries.py" --cases "$(echo $CASES | tr ' ' ',')" \
    --out "$OUT/queries.json") | tee "$OUT/queries.txt"

if [ "$WORKER_CLASS" = gthread ]; then
    WORKER_ARGS=(-k gthread --threads "$GTHREADS")
    echo "== gunicorn: $WORKERS gthread workers × $GTHREADS threads on :$PORT"
else
    WORKER_ARGS=(-k "$WORKER_CLASS")
    echo "== gunicorn: $WORKERS $WORKER_CLASS workers on :$PORT"
fi
(cd "$CODE" && exec "$ROOT/.venv/bin/gunicorn" itsm.wsgi:application -w "$WORKERS" \
    "${WORKER_ARGS[@]}" -b "127.0.0.1:$PORT" --log-level warning \
    --error-logfile "$OUT/gunicorn.log") &
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
# The CSRF cookie a login left (Django rotates it at login): a form POST sends it back, as
# cookie and as csrfmiddlewaretoken.
csrf_of() { awk '$6 == "csrftoken" {print $7}' "$OUT/cookies-$1.txt"; }
DESK_COOKIE=$(login desk)
ENDUSER_COOKIE=$(login "$ENDUSER")
USER2_COOKIE=$(login user2)
GM_COOKIE=$(login gm)
PORTAL_COOKIE=$(login user)  # the demo end user who files on DEMO-DESKTOP (case h)
PORTAL_CSRF=$(csrf_of user)
TOKEN=$(curl -fs -H 'Content-Type: application/json' \
    -d '{"username": "desk", "password": "demo12345"}' "$BASE/api/auth/token/" |
    "$PY" -c 'import json,sys; print(json.load(sys.stdin)["token"])')
[ -n "$DESK_COOKIE" ] && [ -n "$ENDUSER_COOKIE" ] && [ -n "$USER2_COOKIE" ] && [ -n "$TOKEN" ] &&
    [ -n "$GM_COOKIE" ] && [ -n "$PORTAL_COOKIE" ] && [ -n "$PORTAL_CSRF" ] ||
    { echo "login failed"; cat "$OUT/gunicorn.log"; exit 1; }

count_created() {
    psql "$DATABASE_URL" -Atc "SELECT count(*) FROM tickets_ticket WHERE title LIKE '压测工单 $RUN %'"
}

PRINTER=%E6%89%93%E5%8D%B0%E6%9C%BA  # 打印机, URL-encoded (wrk takes the URL as given)
JAM=%E5%8D%A1%E7%BA%B8               # 卡纸
# key | label | method | path | lua | cookie | auth
case_def() {
    case $1 in
        a)  echo "dispatch queue (desk)|GET|/tickets/queue/?view=open|get.lua|$DESK_COOKIE|" ;;
        a3) echo "queue search 打印机 (desk)|GET|/tickets/queue/?view=open&q=$PRINTER|get.lua|$DESK_COOKIE|" ;;
        a4) echo "queue search 卡纸 (desk)|GET|/tickets/queue/?view=open&q=$JAM|get.lua|$DESK_COOKIE|" ;;
        b)  echo "my tickets ($ENDUSER)|GET|/tickets/mine/|get.lua|$ENDUSER_COOKIE|" ;;
        b2) echo "my tickets (user2, few tickets)|GET|/tickets/mine/|get.lua|$USER2_COOKIE|" ;;
        c)  echo "ticket detail $NUMBER (desk)|GET|/tickets/$NUMBER/|get.lua|$DESK_COOKIE|" ;;
        d)  echo "API list ?open=true (desk token)|GET|/api/tickets/?open=true|get.lua||Token $TOKEN" ;;
        e)  echo "API create ticket (desk token)|POST|/api/tickets/|create.lua||Token $TOKEN" ;;
        f)  echo "API search 卡纸 (desk token)|GET|/api/tickets/?q=$JAM|get.lua||Token $TOKEN" ;;
        f2) echo "API search 打印机 (desk token)|GET|/api/tickets/?q=$PRINTER|get.lua||Token $TOKEN" ;;
        g)  echo "KPI dashboard $KPI_CONTRACT $KPI_QUARTER (gm)|GET|/kpi/?contract=$KPI_CONTRACT&period=quarter&quarter=$KPI_QUARTER|get.lua|$GM_COOKIE|" ;;
        h)  echo "portal submit (user, form with CSRF)|POST|/tickets/new/|submit.lua|$PORTAL_COOKIE; csrftoken=$PORTAL_CSRF|" ;;
        *)  echo "unknown case $1" >&2; exit 1 ;;
    esac
}

for key in $CASES; do
    IFS='|' read -r label method path lua cookie auth <<<"$(case_def "$key")"
    # One request by hand first: the right status, not a redirect to the login page.
    if [ "$key" = h ]; then  # the portal form: a redirect to the new ticket
        status=$(curl -s -o "$OUT/$key.sample" -w '%{http_code}' -H "Cookie: $cookie" \
            --data-urlencode "csrfmiddlewaretoken=$PORTAL_CSRF" \
            --data-urlencode "submission_key=$("$PY" -c 'import uuid; print(uuid.uuid4())')" \
            --data-urlencode "contract=DEMO-DESKTOP" --data-urlencode "kind=fault" \
            --data-urlencode "service_type=hardware" --data-urlencode "title=压测工单 $RUN check" \
            "$BASE$path")
        want=302
    elif [ "$method" = POST ]; then
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
    export BENCH_COOKIE=$cookie BENCH_AUTH=$auth BENCH_REQUESTER=$REQUESTER BENCH_RUN=$RUN \
        BENCH_CSRF=$PORTAL_CSRF
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
    # Through the ORM: a filed ticket has clocks, entries and history rows; its cascades know them.
    (cd "$CODE" && "$PY" manage.py shell -v 0 -c '
from tickets.models import Ticket
created = Ticket.objects.filter(title__startswith="压测工单 ")
ids = list(created.values_list("pk", flat=True))
Ticket.history.filter(id__in=ids).delete()
print("deleted", created.delete()[0], "rows of", len(ids), "bench tickets")')
    psql "$DATABASE_URL" -qAt -c "VACUUM (ANALYZE) tickets_ticket" -c "VACUUM (ANALYZE) tickets_entry" \
        -c "VACUUM (ANALYZE) sla_clock" >/dev/null
fi

"$PY" "$BENCH_DIR/summarize.py" "$OUT" | tee "$OUT/summary.md"
echo "== results in $OUT"
