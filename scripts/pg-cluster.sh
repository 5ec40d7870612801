#!/usr/bin/env bash
# A private PostgreSQL cluster for a test that has to stop and start its database (the shared
# test cluster of scripts/test.sh must stay up for every other test).
#   scripts/pg-cluster.sh start DIR PORT     initdb DIR if new, start it on 127.0.0.1:PORT
#   scripts/pg-cluster.sh stop DIR           fast shutdown (sessions are terminated), waits
#   scripts/pg-cluster.sh restart DIR PORT   stop, then start
# Runs initdb/pg_ctl as the postgres user when run as root (scripts/lib.sh).
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

usage() { echo "usage: $0 start|stop|restart DIR [PORT]" >&2; exit 64; }

# The postmaster pg_ctl leaves running inherits this script's descriptors. Close every one above
# stderr (but the script itself, which bash reads through one), so that a caller waiting for this
# script to end (on a pipe, or on the socket Foundation's Process watches) does not wait for the
# cluster instead.
self="$(readlink -f "$0")"
for fd in /proc/$$/fd/*; do
  n="${fd##*/}"
  [ "$n" -gt 2 ] 2>/dev/null || continue
  [ "$(readlink "$fd" 2>/dev/null)" = "$self" ] && continue
  eval "exec $n>&-" 2>/dev/null || true
done
[ $# -ge 2 ] || usage
command="$1" dir="$2" port="${3:-}"

case "$command" in
  start)
    [ -n "$port" ] || usage
    cluster_start "$dir" "$port"
    ;;
  stop)
    cluster_stop "$dir"
    # cluster_stop ignores pg_ctl's result: report a cluster that is still running.
    if [ -f "$dir/postmaster.pid" ]; then log "$dir did not stop"; exit 1; fi
    ;;
  restart)
    [ -n "$port" ] || usage
    cluster_stop "$dir"
    cluster_start "$dir" "$port"
    ;;
  *) usage ;;
esac
