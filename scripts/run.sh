#!/usr/bin/env bash
# The run command: installs what is missing, builds in release mode and serves on
# 127.0.0.1:8080 (HOST/PORT to change). Without DATABASE_URL it starts a private PostgreSQL
# cluster under .local/pg (kept between runs), migrates, seeds a demo force with demo accounts
# and prints how to call it. Ctrl-C stops the server and that cluster.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. scripts/lib.sh

ensure_build_dependencies
log "building (release)"
swift build -c release --product trackmycrime 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
BIN="$(swift build -c release --show-bin-path)/trackmycrime"
[ -x "$BIN" ] || { log "build failed"; exit 1; }

export HOST="${HOST:-127.0.0.1}" PORT="${PORT:-8080}"
PGDIR=""
if [ -z "${DATABASE_URL:-}" ]; then
  PGDIR="$ROOT/.local/pg"
  # The cluster runs as the postgres user, which must be able to reach the project folder.
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
    PGDIR="/var/tmp/trackmycrime-pg-$(printf '%s' "$ROOT" | md5sum | cut -c1-8)"
    log "postgres cannot reach $ROOT; keeping the local cluster in $PGDIR instead"
  fi
  PGPORT="${LOCAL_PG_PORT:-55433}"
  cluster_start "$PGDIR" "$PGPORT"
  stop_cluster() { log "stopping the local PostgreSQL cluster"; cluster_stop "$PGDIR"; }
  trap stop_cluster EXIT
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'trackmycrime'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc "CREATE DATABASE trackmycrime"
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/trackmycrime"
  log "local PostgreSQL at $DATABASE_URL (data in $PGDIR)"
  "$BIN" migrate
  if "$BIN" --help | grep -q seed-demo && "$BIN" seed-demo --help >/dev/null 2>&1; then "$BIN" seed-demo; fi
fi

cat >&2 <<MSG

TrackMyCrime is starting on http://$HOST:$PORT  (Ctrl-C stops it)
  curl http://$HOST:$PORT/healthz
  curl http://$HOST:$PORT/readyz
  curl http://$HOST:$PORT/openapi.yaml

MSG
"$BIN" serve &
SERVER=$!
forward() { kill -TERM "$SERVER" 2>/dev/null || true; }
trap forward INT TERM
wait "$SERVER" || true
wait "$SERVER" 2>/dev/null || true
