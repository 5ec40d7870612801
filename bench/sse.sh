#!/usr/bin/env bash
# 2,000 open /v1/events streams while messages are posted: posts/s and p99, event delivery
# latency p50/p99 (each message carries its send time) and the server's RSS (VmRSS/VmHWM).
# Seeds the reference volumes (bench/seed.sql) into a private cluster first.
#   bench/sse.sh            env: STREAMS=2000 RATE=100 CONCURRENCY=32 PHASE_SECONDS=10 PORT=(a free one)
set -euo pipefail
. "$(dirname "$0")/common.sh"
STREAMS="${STREAMS:-2000}"; RATE="${RATE:-100}"; CONCURRENCY="${CONCURRENCY:-32}"; SECONDS_PER_PHASE="${PHASE_SECONDS:-10}"
PORT="${PORT:-$(free_port)}"

ensure_build_dependencies
build_release
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

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
export DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
"$TRACKMYCRIME_BIN" migrate
log "seeding (3 forces, 100,000 victims, cases and tokens)"
psql -v ON_ERROR_STOP=1 -q -d "$DATABASE_URL" -f "$BENCH_DIR/seed.sql"
TARGETS="$BENCH_DIR/data/sse-targets-$STAMP.txt"
psql -v ON_ERROR_STOP=1 -qAt -F ' ' -d "$DATABASE_URL" -c "SELECT token, case_id FROM bench_targets ORDER BY n LIMIT $STREAMS" > "$TARGETS"

HOST=127.0.0.1 PORT="$PORT" LOG_REQUESTS=false "$TRACKMYCRIME_BIN" serve > "$BENCH_DIR/data/sse-server-$STAMP.log" 2>&1 &
SERVER=$!
wait_healthy "http://127.0.0.1:$PORT"
python3 "$BENCH_DIR/sse_load.py" --port "$PORT" --targets "$TARGETS" --pid "$SERVER" --streams "$STREAMS" \
  --rate "$RATE" --concurrency "$CONCURRENCY" --seconds "$SECONDS_PER_PHASE"
echo "targets: delivery p99 < 100 ms with $STREAMS idle streams; RSS < 200 MiB (figures are noisy on a shared box)"
