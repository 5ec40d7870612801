#!/usr/bin/env bash
# GET /healthz at 64 connections: our server beside nginx serving a static file of the same
# kind, in interleaved rounds, through the reference harness's bench.sh. Prints req/s, p50, p99,
# the server's peak RSS and our/nginx throughput ratio per round.
#   bench/healthz.sh            env: RUNS=3 DURATION=15 WARMUP=5 PORT=18010
set -euo pipefail
. "$(dirname "$0")/common.sh"
RUNS="${RUNS:-3}"; export DURATION="${DURATION:-15}" WARMUP="${WARMUP:-5}"
PORT="${PORT:-18010}"

ensure_build_dependencies
ensure_bench_tools
prepare_peers
build_release

STAMP="$(date +%Y%m%d-%H%M%S)"
RESULTS="$BENCH_DIR/data/healthz-$STAMP.tsv"
PGDIR="$(mktemp -d /tmp/trackmycrime-bench-pg.XXXXXX)"
PGPORT="$(free_port)"
SERVER=""
cleanup() {
  [ -n "$SERVER" ] && kill -TERM "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  "$PEERS/nginx.sh" stop >/dev/null 2>&1 || true
  cluster_stop "$PGDIR"; rm -rf "$PGDIR"
}
trap cleanup EXIT
cluster_start "$PGDIR" "$PGPORT"

DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres" HOST=127.0.0.1 PORT="$PORT" \
  "$TRACKMYCRIME_BIN" serve > "$BENCH_DIR/data/healthz-server-$STAMP.log" 2>&1 &
SERVER=$!
wait_healthy "http://127.0.0.1:$PORT" "$SERVER"
"$PEERS/nginx.sh" start
NGINX_PID="$("$PEERS/nginx.sh" pid)"

echo "dummy 00000000-0000-4000-8000-000000000000" > "$BENCH_DIR/data/healthz-targets.txt"
for r in $(seq 1 "$RUNS"); do
  for target in nginx trackmycrime; do
    if [ "$target" = nginx ]; then url=http://127.0.0.1:18080; pid="$NGINX_PID"; else url="http://127.0.0.1:$PORT"; pid="$SERVER"; fi
    WORKLOADS=healthz RUNS=1 RUN_FIRST="$r" TARGETS="$BENCH_DIR/data/healthz-targets.txt" RESULTS="$RESULTS" \
      SERVER_PID="$pid" PG_PID="" "$PEERS/bench.sh" "$url" "$target" | tail -n +2
  done
done

echo
echo "trackmycrime peak RSS: $(peak_rss_mib "$SERVER") MiB"
awk -F'\t' '$5 ~ /^[0-9]+$/ { rps[$2, $5] = $10; p99[$2, $5] = $13; if ($5 > last) last = $5 }
  END {
    for (r = 1; r <= last; r++) {
      printf "round %s: trackmycrime %s req/s (p99 %s ms), nginx %s req/s  ->  ratio %.2f\n",
        r, rps["trackmycrime", r], p99["trackmycrime", r], rps["nginx", r], rps["trackmycrime", r] / rps["nginx", r]
      sum += rps["trackmycrime", r] / rps["nginx", r]; n++
    }
    if (n) printf "mean ratio trackmycrime/nginx: %.2f (target >= 0.6)\n", sum / n
  }' "$RESULTS"
echo "raw rows: $RESULTS"
