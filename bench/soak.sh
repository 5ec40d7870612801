#!/usr/bin/env bash
# Soak: a bounded run of mixed traffic against our release build on a private cluster seeded with
# the reference volumes (bench/seed.sql), all at once for DURATION seconds (default 300):
#   GET /v1/cases/{id} as the case's victim          wrk, READ_CONNECTIONS (32)   peers/wrk/case_read.lua
#   POST /v1/cases/{id}/messages as the victim       wrk, POST_CONNECTIONS (16)   peers/wrk/message_post.lua
#   POST /v1/reports, anonymous                      wrk, REPORT_CONNECTIONS (16) bench/wrk/report-submit.lua
#   SSE_STREAMS (16) open /v1/events streams of officers, who receive every message of their force
#                                                    bench/soak_sse.py
# 64 request connections by default, plus the streams. Prints per request type: requests/s,
# p50/p99, non-2xx answers and socket errors; events the streams received; the server's RSS every
# 10 s, at minute 1 (a fifth of the run) and at the end, and their ratio.
# Exits 1 on any error (a non-2xx answer, a socket error, a stream that failed or ended early)
# or when RSS at the end exceeds RSS at a fifth of the run by more than RSS_GROWTH_LIMIT (10%).
# Every report comes from 127.0.0.1, so RATE_LIMIT_REPORTS_PER_HOUR is raised far above the
# offered load (as in bench/report-submit.sh); nobody logs in (seeded tokens), so the login
# lockout does not come into it.
#   bench/soak.sh      env: DURATION=300 READ_CONNECTIONS=32 POST_CONNECTIONS=16 REPORT_CONNECTIONS=16
#                           SSE_STREAMS=16 RSS_GROWTH_LIMIT=10 PORT=(a free one)
set -euo pipefail
. "$(dirname "$0")/common.sh"
DURATION="${DURATION:-300}"
READ_CONNECTIONS="${READ_CONNECTIONS:-32}"; POST_CONNECTIONS="${POST_CONNECTIONS:-16}"; REPORT_CONNECTIONS="${REPORT_CONNECTIONS:-16}"
SSE_STREAMS="${SSE_STREAMS:-16}"; RSS_GROWTH_LIMIT="${RSS_GROWTH_LIMIT:-10}"
PORT="${PORT:-$(free_port)}"
for v in DURATION READ_CONNECTIONS POST_CONNECTIONS REPORT_CONNECTIONS SSE_STREAMS RSS_GROWTH_LIMIT PORT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || { log "$v must be a whole number"; exit 64; }
done
[ "$DURATION" -ge 20 ] || { log "DURATION must be at least 20 (RSS is sampled every 10 s)"; exit 64; }

ensure_build_dependencies
ensure_bench_tools
prepare_peers
build_release
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$BENCH_DIR/data/soak-$STAMP"
mkdir -p "$OUT"
PGDIR="$(mktemp -d /tmp/trackmycrime-bench-pg.XXXXXX)"
PGPORT="$(free_port)"
SERVER=""
JOBS=()
cleanup() {
  for pid in "${JOBS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$SERVER" ] && kill -TERM "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  cluster_stop "$PGDIR"; rm -rf "$PGDIR"
}
trap cleanup EXIT
cluster_start "$PGDIR" "$PGPORT"
export DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
"$TRACKMYCRIME_BIN" migrate > /dev/null
log "seeding (3 forces, 100,000 victims, cases and tokens)"
psql -v ON_ERROR_STOP=1 -q -d "$DATABASE_URL" -f "$BENCH_DIR/seed.sql"
TARGETS="$OUT/targets.txt"
psql -v ON_ERROR_STOP=1 -qAt -F ' ' -d "$DATABASE_URL" -c "SELECT token, case_id FROM bench_targets ORDER BY n" > "$TARGETS"
# Officers for the streams, spread over the forces, with tokens of their own.
STAFF="$OUT/staff-tokens.txt"
psql -v ON_ERROR_STOP=1 -qAt -d "$DATABASE_URL" -v streams="$SSE_STREAMS" > "$STAFF" <<'SQL'
CREATE TEMP TABLE soak_staff AS
  SELECT id, encode(gen_random_bytes(32), 'hex') AS token
  FROM users WHERE role = 'officer' AND email LIKE '%@bench.police.uk' ORDER BY email LIMIT :'streams'::int;
INSERT INTO tokens (token_hash, user_id, expires_at)
  SELECT sha256(convert_to(token, 'UTF8')), id, now() + interval '1 day' FROM soak_staff;
SELECT token FROM soak_staff;
SQL
MESSAGES_BEFORE="$(psql -qAt -d "$DATABASE_URL" -c "SELECT count(*) FROM messages")"

HOST=127.0.0.1 PORT="$PORT" LOG_REQUESTS=false RATE_LIMIT_REPORTS_PER_HOUR=1000000 \
  "$TRACKMYCRIME_BIN" serve > "$OUT/server.log" 2>&1 &
SERVER=$!
wait_healthy "http://127.0.0.1:$PORT" "$SERVER"

URL="http://127.0.0.1:$PORT"
log "soak: ${DURATION}s; $READ_CONNECTIONS reading, $POST_CONNECTIONS posting, $REPORT_CONNECTIONS reporting connections; $SSE_STREAMS streams"
if [ "$SSE_STREAMS" -gt 0 ]; then
  python3 "$BENCH_DIR/soak_sse.py" --port "$PORT" --tokens "$STAFF" --seconds "$DURATION" > "$OUT/sse.txt" 2>&1 &
  JOBS+=($!)
  sleep 1 # the streams open before the load starts
fi
(cd "$PEERS" && WRK_DIR="$PEERS/wrk" TARGETS="$TARGETS" STRICT_STATUS=1 \
  wrk -t1 -c"$READ_CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s wrk/case_read.lua "$URL/" > "$OUT/read.txt" 2>&1) &
JOBS+=($!)
(cd "$PEERS" && WRK_DIR="$PEERS/wrk" TARGETS="$TARGETS" STRICT_STATUS=1 \
  wrk -t1 -c"$POST_CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s wrk/message_post.lua "$URL/" > "$OUT/post.txt" 2>&1) &
JOBS+=($!)
FORCES="kent surrey sussex" wrk -t1 -c"$REPORT_CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$BENCH_DIR/wrk/report-submit.lua" "$URL" \
  > "$OUT/report.txt" 2>&1 &
JOBS+=($!)

# The server's RSS every 10 s while the load runs.
RSS="$OUT/rss.txt"
: > "$RSS"
START=$SECONDS
for t in $(seq 10 10 "$DURATION"); do
  while [ $((SECONDS - START)) -lt "$t" ]; do sleep 0.2; done
  kib="$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER/status" 2>/dev/null || echo 0)"
  echo "$t $kib" >> "$RSS"
  printf '[soak] %4ds  RSS %6.1f MiB\n' "$t" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')"
done
for pid in "${JOBS[@]}"; do wait "$pid" || true; done
JOBS=()

# Figures.
field() { grep -o "$2=[-0-9.]*" "$1" | head -1 | cut -d= -f2; }
errors=0
echo
printf '%-18s %11s %9s %9s %8s %8s %8s\n' "request type" requests "req/s" "p50 ms" "p99 ms" non-2xx socket
for kind in read post; do
  f="$OUT/$kind.txt"
  grep -q '^RESULT' "$f" || { echo "wrk ($kind) printed no result:"; cat "$f"; exit 1; }
  n="$(field "$f" requests)"; us="$(field "$f" duration_us)"
  bad="$(field "$f" non2xx)"
  sock=$(( $(field "$f" err_connect) + $(field "$f" err_read) + $(field "$f" err_write) + $(field "$f" err_timeout) ))
  name="case read"; [ "$kind" = post ] && name="message post"
  printf '%-18s %11d %9.1f %9.2f %8.2f %8d %8d\n' "$name" "$n" "$(awk -v n="$n" -v d="$us" 'BEGIN { print n / (d / 1e6) }')" \
    "$(awk -v x="$(field "$f" p50_us)" 'BEGIN { print x / 1000 }')" "$(awk -v x="$(field "$f" p99_us)" 'BEGIN { print x / 1000 }')" "$bad" "$sock"
  errors=$((errors + bad + sock))
  if [ "$kind" = post ]; then POSTED=$((n - bad)); fi
done
f="$OUT/report.txt"
grep -q '^RESULT' "$f" || { echo "wrk (report) printed no result:"; cat "$f"; exit 1; }
bad="$(field "$f" other_status)"; sock="$(field "$f" socket_errors)"
printf '%-18s %11d %9.1f %9.2f %8.2f %8d %8d\n' "report submission" "$(field "$f" requests)" "$(field "$f" rps)" \
  "$(field "$f" p50_ms)" "$(field "$f" p99_ms)" "$bad" "$sock"
errors=$((errors + bad + sock))
CREATED="$(field "$f" created)"

if [ "$SSE_STREAMS" -gt 0 ]; then
  grep -q '^RESULT' "$OUT/sse.txt" || { echo "soak_sse.py printed no result:"; cat "$OUT/sse.txt"; exit 1; }
  sse_errors="$(field "$OUT/sse.txt" errors)"
  echo "SSE: $(field "$OUT/sse.txt" streams) streams held ${DURATION}s, $(field "$OUT/sse.txt" events) events received" \
       "($(field "$OUT/sse.txt" events_per_s)/s), $(field "$OUT/sse.txt" comments) comments; streams failed or ended early: $sse_errors"
  grep '^  stream error' "$OUT/sse.txt" || true
  errors=$((errors + sse_errors))
  # Messages were posted to every force all along: streams that saw none mean live events are broken.
  if [ "$(field "$OUT/sse.txt" events)" -eq 0 ]; then echo "the streams received no events"; errors=$((errors + 1)); fi
fi

# What the database holds agrees with what was acknowledged: everything acknowledged, plus at most
# one request per connection that wrk sent but stopped waiting for when the time was up.
read -r messages reports < <(psql -qAt -F ' ' -d "$DATABASE_URL" -c "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM reports)")
messages=$((messages - MESSAGES_BEFORE))
echo "database: $messages messages (acknowledged $POSTED), $reports reports (acknowledged $CREATED)"

early_t=$((DURATION / 5 / 10 * 10)); [ "$early_t" -ge 10 ] || early_t=10
early="$(awk -v t="$early_t" '$1 == t { print $2 }' "$RSS")"
late_t="$(tail -1 "$RSS" | cut -d' ' -f1)"; late="$(tail -1 "$RSS" | cut -d' ' -f2)"
echo "RSS: $(awk -v k="$early" 'BEGIN { printf "%.1f", k / 1024 }') MiB at ${early_t}s (a fifth of the run)," \
     "$(awk -v k="$late" 'BEGIN { printf "%.1f", k / 1024 }') MiB at ${late_t}s; ratio $(awk -v a="$early" -v b="$late" 'BEGIN { printf "%.3f", b / a }')" \
     "(limit $(awk -v l="$RSS_GROWTH_LIMIT" 'BEGIN { printf "%.2f", 1 + l / 100 }')); peak $(peak_rss_mib "$SERVER") MiB"
echo "machine: $(nproc) CPUs, shared with the load generators and PostgreSQL (figures are noisy); files in $OUT"

status=0
if [ "$errors" -ne 0 ]; then echo "FAIL: $errors errors"; status=1; fi
if [ "$messages" -lt "$POSTED" ] || [ "$messages" -gt $((POSTED + POST_CONNECTIONS)) ] \
   || [ "$reports" -lt "$CREATED" ] || [ "$reports" -gt $((CREATED + REPORT_CONNECTIONS)) ]; then
  echo "FAIL: the database does not hold what was acknowledged"; status=1
fi
if awk -v a="$early" -v b="$late" -v l="$RSS_GROWTH_LIMIT" 'BEGIN { exit !(b > a * (1 + l / 100)) }'; then
  echo "FAIL: RSS grew by more than ${RSS_GROWTH_LIMIT}% between ${early_t}s and ${late_t}s"; status=1
fi
if [ "$status" -eq 0 ]; then echo "PASS: no errors, RSS flat"; fi
exit "$status"
