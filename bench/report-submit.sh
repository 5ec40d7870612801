#!/usr/bin/env bash
# Anonymous online report submission (POST /v1/reports) at 64 connections with wrk: reports/s
# and latency percentiles, against a throwaway PostgreSQL cluster and our release build. Each
# request body differs a little (bench/wrk/report-submit.lua); RATE_LIMIT_REPORTS_PER_HOUR is set
# far above the offered load so that the per-address limit (all of wrk comes from 127.0.0.1)
# never answers 429. Afterwards the references are checked: one per report, per force and year
# numbered 1..n without gaps or duplicates.
#   bench/report-submit.sh     env: DURATION=15 WARMUP=5 CONNECTIONS=64 THREADS=2 RUNS=2 PORT=18020
#                              FORCES="kent surrey sussex" (reports spread over these forces' counters)
set -euo pipefail
. "$(dirname "$0")/common.sh"
DURATION="${DURATION:-15}"; WARMUP="${WARMUP:-5}"; CONNECTIONS="${CONNECTIONS:-64}"; THREADS="${THREADS:-2}"
RUNS="${RUNS:-2}"; PORT="${PORT:-18020}"; export FORCES="${FORCES:-kent surrey sussex}"

ensure_build_dependencies
ensure_bench_tools
build_release

STAMP="$(date +%Y%m%d-%H%M%S)"
mkdir -p "$BENCH_DIR/data"
PGDIR="$(mktemp -d /tmp/trackmycrime-bench-pg.XXXXXX)"
PGPORT="$(free_port)"
SERVER=""
cleanup() {
  [ -n "$SERVER" ] && kill -TERM "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  cluster_stop "$PGDIR"; rm -rf "$PGDIR"
}
trap cleanup EXIT
cluster_start "$PGDIR" "$PGPORT"
DB="postgresql://postgres@127.0.0.1:$PGPORT/postgres"

DATABASE_URL="$DB" HOST=127.0.0.1 PORT="$PORT" RATE_LIMIT_REPORTS_PER_HOUR=1000000 \
  "$TRACKMYCRIME_BIN" serve > "$BENCH_DIR/data/report-submit-server-$STAMP.log" 2>&1 &
SERVER=$!
wait_healthy "http://127.0.0.1:$PORT"
for code in $FORCES; do
  psql -q -d "$DB" -c "INSERT INTO forces (code, name) VALUES ('$code', initcap('$code') || ' Police') ON CONFLICT DO NOTHING"
done

LUA="$BENCH_DIR/wrk/report-submit.lua"
URL="http://127.0.0.1:$PORT"
log "warm-up ${WARMUP}s"
wrk -t "$THREADS" -c "$CONNECTIONS" -d "${WARMUP}s" -s "$LUA" "$URL" > /dev/null
for r in $(seq 1 "$RUNS"); do
  line="$(wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s -s "$LUA" "$URL" | grep '^RESULT')"
  echo "run $r ($CONNECTIONS connections, ${DURATION}s, forces: $FORCES): ${line#RESULT }"
done

echo
echo "server peak RSS: $(peak_rss_mib "$SERVER") MiB; machine: $(nproc) CPUs, shared (figures are noisy)"
psql -qAt -d "$DB" -F ' ' -c "
  SELECT f.code, count(r.id), coalesce(max(c.last), 0),
         count(DISTINCT r.reference) = count(r.id) AND count(r.id) = coalesce(max(c.last), 0)
  FROM forces f LEFT JOIN reports r ON r.submitted_force_id = f.id
  LEFT JOIN report_reference_counters c ON c.force_id = f.id
  GROUP BY f.code ORDER BY f.code" | while read -r code n last ok; do
  echo "references $code: $n reports, counter at $last, gap-free and unique: $ok"
done
