# Shared by the bench/ scripts: a writable copy of the reference harness, tools, our release
# build, and a server started against a database. Sourced, not run.
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
. "$ROOT/scripts/lib.sh"

PEERS_SRC="${PEERS_SRC:-$ROOT/../shared/peers}"
PEERS="$BENCH_DIR/data/peers"

# A writable copy of ../shared/peers (it keeps its results and virtualenv beside its scripts).
prepare_peers() {
  [ -d "$PEERS_SRC" ] || { log "reference harness not found at $PEERS_SRC (set PEERS_SRC)"; return 1; }
  mkdir -p "$PEERS"
  cp -r "$PEERS_SRC"/. "$PEERS"/
  chmod -R u+w "$PEERS"
}

ensure_bench_tools() {
  local need=()
  command -v wrk >/dev/null 2>&1 || need+=(wrk)
  command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  command -v pgbench >/dev/null 2>&1 || need+=(postgresql-contrib)
  command -v ss >/dev/null 2>&1 || need+=(iproute2)
  if [ ${#need[@]} -gt 0 ]; then apt_install "${need[@]}"; fi
}

build_release() {
  log "building (release)"
  (cd "$ROOT" && swift build -c release --product trackmycrime 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]') || true
  TRACKMYCRIME_BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/trackmycrime"
  [ -x "$TRACKMYCRIME_BIN" ] || { log "release build failed"; return 1; }
}

# wait_healthy URL [PID]: until /healthz answers (up to 10 minutes: seeding takes a while), or
# until PID has exited.
wait_healthy() {
  local url="$1" pid="${2:-}"
  for _ in $(seq 3000); do
    curl -sf -o /dev/null --max-time 2 "$url/healthz" && return 0
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then log "the server exited before answering"; return 1; fi
    sleep 0.2
  done
  log "$url did not come up"; return 1
}

# Peak resident set size of a process, in MiB (VmHWM).
peak_rss_mib() {
  awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null
}

# CPU time (user + system, in clock ticks) used so far by the given processes, all threads.
cpu_ticks() {
  local total=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] || continue
    total=$(( total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat") ))
  done
  echo "$total"
}

# The postmaster of the cluster in $1 and its children (backends, writers).
postgres_pids() {
  local postmaster
  postmaster="$(head -1 "$1/postmaster.pid" 2>/dev/null)" || return 0
  echo "$postmaster" $(pgrep -P "$postmaster")
}
