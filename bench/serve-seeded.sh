#!/usr/bin/env bash
# For ../shared/peers/run_all.sh --target trackmycrime URL 'bench/serve-seeded.sh':
# migrates the database in $DATABASE_URL, seeds it in SQL with the reference volumes
# (bench/seed.sql), writes "<token> <case_id>" lines to $TARGETS_OUT, then serves on $PORT.
set -euo pipefail
. "$(dirname "$0")/common.sh"
: "${DATABASE_URL:?}" "${PORT:?}" "${TARGETS_OUT:?}"
ensure_build_dependencies
build_release
export HOST=127.0.0.1 LOG_REQUESTS="${LOG_REQUESTS:-true}"
"$TRACKMYCRIME_BIN" migrate
log "seeding (3 forces, 100,000 victims, cases and tokens)"
psql -v ON_ERROR_STOP=1 -q -d "$DATABASE_URL" -f "$BENCH_DIR/seed.sql"
psql -v ON_ERROR_STOP=1 -qAt -F ' ' -d "$DATABASE_URL" -c "SELECT token, case_id FROM bench_targets ORDER BY n" > "$TARGETS_OUT"
log "seeded; $(wc -l < "$TARGETS_OUT") targets in $TARGETS_OUT"
exec "$TRACKMYCRIME_BIN" serve
