#!/usr/bin/env bash
# The test command: installs what is missing, starts a throwaway PostgreSQL cluster on a free
# loopback port, runs the whole suite against it, and stops the cluster even when tests fail.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. scripts/lib.sh

ensure_build_dependencies

PGDIR="$(mktemp -d /tmp/trackmycrime-test-pg.XXXXXX)"
PGPORT="$(free_port)"
cleanup() { cluster_stop "$PGDIR"; rm -rf "$PGDIR"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

cluster_start "$PGDIR" "$PGPORT"
export TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
log "test cluster at $TEST_DATABASE_URL"

swift build --build-tests
swift test --skip-build --disable-swift-testing "$@"
