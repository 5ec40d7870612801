#!/usr/bin/env bash
# The test command: installs what is missing, starts a throwaway PostgreSQL cluster on a free
# loopback port, runs these stages in order, stopping at the first that fails, and stops the
# cluster whatever happens:
#   xctest    the XCTest suite (swift test; arguments go to it)
#   fuzz      the HTTP parser fuzz target, libFuzzer + AddressSanitizer, for 60 s
#             (fuzz/run.sh; TMC_FUZZ_SECONDS to change)
#   contract  schemathesis against the running server as every role (scripts/contract.sh)
# TMC_TEST_STAGES chooses stages, e.g. TMC_TEST_STAGES=xctest or "fuzz contract". Without it:
# every stage when the command has no arguments (CI runs it so), only xctest when arguments
# for swift test are given (scripts/test.sh --filter RouterTests).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. scripts/lib.sh

if [ -n "${TMC_TEST_STAGES+set}" ]; then
  STAGES="${TMC_TEST_STAGES//,/ }"
elif [ $# -gt 0 ]; then
  STAGES="xctest"
else
  STAGES="xctest fuzz contract"
fi
for stage in $STAGES; do
  case "$stage" in xctest | fuzz | contract) ;; *) log "unknown stage '$stage' (stages: xctest fuzz contract)"; exit 2 ;; esac
done
has_stage() { [[ " $STAGES " == *" $1 "* ]]; }
[ -n "${STAGES// /}" ] || { log "no stage chosen"; exit 2; }

ensure_build_dependencies

# A stage's commands run where `set -e` does not apply (bash ignores it inside a function
# called as a condition), so each stage chains its commands with && itself.
TIMES=()
run_stage() {
  local name="$1" started=$SECONDS status=0
  shift
  log "stage $name"
  "$@" || status=$?
  if [ "$status" -ne 0 ]; then
    log "stage $name FAILED (exit status $status) after $((SECONDS - started)) s"
    exit "$status"
  fi
  TIMES+=("$name $((SECONDS - started)) s")
  log "stage $name passed in $((SECONDS - started)) s"
}

PGDIR=""
cleanup() {
  if [ -n "$PGDIR" ]; then cluster_stop "$PGDIR"; rm -rf "$PGDIR"; fi
  if [ ${#TIMES[@]} -gt 0 ]; then log "stages passed: $(IFS=,; echo "${TIMES[*]}" | sed 's/,/, /g')"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if has_stage xctest || has_stage contract; then
  PGDIR="$(mktemp -d /tmp/trackmycrime-test-pg.XXXXXX)"
  PGPORT="$(free_port)"
  cluster_start "$PGDIR" "$PGPORT"
  export TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
  log "test cluster at $TEST_DATABASE_URL"
fi

xctest() {
  swift build --build-tests && swift test --skip-build --disable-swift-testing "$@"
}

contract() {
  # The server from the build the suite used (built now when the suite did not run), and a
  # fresh database in the test cluster.
  local bin
  if ! has_stage xctest; then swift build --product trackmycrime || return; fi
  bin="$(swift build --show-bin-path)/trackmycrime" || return
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -q -c "DROP DATABASE IF EXISTS trackmycrime_contract" \
    -c "CREATE DATABASE trackmycrime_contract" || return
  TRACKMYCRIME_BIN="$bin" DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/trackmycrime_contract" scripts/contract.sh
}

has_stage xctest && run_stage xctest xctest "$@"
has_stage fuzz && run_stage fuzz fuzz/run.sh "${TMC_FUZZ_SECONDS:-60}"
has_stage contract && run_stage contract contract
exit 0
