#!/usr/bin/env bash
# Authenticated reads against our server alone, on the reference volumes (bench/seed.sql):
#   GET /v1/me            (bearer token lookup + the caller)          workload "me"
#   GET /v1/cases/{id}    (as the case's victim)                      workload "case-read"
#   POST /v1/cases/{id}/messages (as the case's victim)               workload "message-post"
# wrk -t2 -c64 after a warm-up; prints req/s, p50, p99 and the server's peak RSS.
#   bench/authenticated.sh        env: WORKLOADS="me case-read" (or any of: me case-read message-post) DURATION=15 WARMUP=5 RUNS=1
# The side-by-side comparison with the reference implementation is run_all.sh (see README).
set -euo pipefail
. "$(dirname "$0")/common.sh"
export DURATION="${DURATION:-15}" WARMUP="${WARMUP:-5}" RUNS="${RUNS:-1}"
WORKLOADS="${WORKLOADS:-me case-read}"
PORT="${PORT:-18011}"

ensure_build_dependencies
ensure_bench_tools
prepare_peers
build_release
cp "$BENCH_DIR"/wrk/*.lua "$PEERS/wrk/"

STAMP="$(date +%Y%m%d-%H%M%S)"
PGDIR="$(mktemp -d /tmp/trackmycrime-bench-pg.XXXXXX)"
PGPORT="$(free_port)"
SERVER=""
cleanup() {
  [ -n "$SERVER" ] && kill -TERM -- "-$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  cluster_stop "$PGDIR"; rm -rf "$PGDIR"
}
trap cleanup EXIT
cluster_start "$PGDIR" "$PGPORT"
psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE bench"
TARGETS="$BENCH_DIR/data/targets-authenticated.txt"
DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/bench" PORT="$PORT" TARGETS_OUT="$TARGETS" \
  setsid "$BENCH_DIR/serve-seeded.sh" > "$BENCH_DIR/data/authenticated-server-$STAMP.log" 2>&1 &
SERVER=$!
wait_healthy "http://127.0.0.1:$PORT" "$SERVER" || { tail -5 "$BENCH_DIR/data/authenticated-server-$STAMP.log"; exit 1; }
SERVER_PID="$(ss -ltnpH "sport = :$PORT" | grep -o 'pid=[0-9]*' | cut -d= -f2 | head -1)"

cd "$PEERS"
export WRK_DIR="$PEERS/wrk" TARGETS
# CPU per request (server, PostgreSQL) is far steadier than req/s on a shared machine.
printf '%-10s %10s %8s %8s %7s %12s %12s\n' workload "req/s" "p50 ms" "p99 ms" errors "srv us/req" "pg us/req"
for r in $(seq 1 "$RUNS"); do
  for w in $WORKLOADS; do
    case "$w" in me) script=me.lua;; case-read) script=case_read.lua;; message-post) script=message_post.lua;; *) echo "unknown workload $w"; exit 2;; esac
    wrk -t2 -c64 -d"${WARMUP}s" -s "wrk/$script" "http://127.0.0.1:$PORT/" > /dev/null 2>&1
    PG_PIDS="$(postgres_pids "$PGDIR")"
    srv0=$(cpu_ticks "$SERVER_PID"); pg0=$(cpu_ticks $PG_PIDS)
    res="$(wrk -t2 -c64 -d"${DURATION}s" --latency -s "wrk/$script" "http://127.0.0.1:$PORT/" | grep '^RESULT')"
    srv1=$(cpu_ticks "$SERVER_PID"); pg1=$(cpu_ticks $PG_PIDS)
    v() { echo "$res" | grep -o "$1=[-0-9.]*" | cut -d= -f2; }
    errs=$(( $(v err_connect) + $(v err_read) + $(v err_write) + $(v err_timeout) + $(v err_status) ))
    tick_us=$(( 1000000 / $(getconf CLK_TCK) ))
    printf '%-10s %10.0f %8.2f %8.2f %7d %12.0f %12.0f\n' "$w" "$(awk -v n="$(v requests)" -v d="$(v duration_us)" 'BEGIN{print n/(d/1e6)}')" \
      "$(awk -v x="$(v p50_us)" 'BEGIN{print x/1000}')" "$(awk -v x="$(v p99_us)" 'BEGIN{print x/1000}')" "$errs" \
      "$(awk -v t=$((srv1 - srv0)) -v u=$tick_us -v n="$(v requests)" 'BEGIN{print t*u/n}')" \
      "$(awk -v t=$((pg1 - pg0)) -v u=$tick_us -v n="$(v requests)" 'BEGIN{print t*u/n}')"
  done
done
echo "server peak RSS: $(peak_rss_mib "$SERVER_PID") MiB"
