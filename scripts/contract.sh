#!/usr/bin/env bash
# Contract tests: schemathesis (from PyPI, pinned in scripts/contract/requirements.txt, installed
# into a virtual environment under .build/contract) against the running server and its
# openapi.yaml, once per role: anonymous, victim, officer, supervisor, integration key,
# sysadmin and admin. Checks: no 5xx, every status code documented, documented content types,
# bodies that match the documented schemas.
#
#   scripts/contract.sh            # a private PostgreSQL cluster on a free loopback port
#   DATABASE_URL=… scripts/contract.sh   # a throwaway database of yours (it is migrated and seeded)
#
# CONTRACT_EXAMPLES (default 20): examples per operation and phase; CONTRACT_SEED: replay a run
# (every run prints its seed); CONTRACT_ROLES: a subset, e.g. "victim officer"; CONTRACT_ARGS:
# more schemathesis options (e.g. "--phases fuzzing"); CONTRACT_LANES: roles run side by side
# (default 2); TRACKMYCRIME_BIN: a built server (else the debug build is built or reused).
# Reports, each role's output and the server's log are in .build/contract/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. scripts/lib.sh

SCHEMATHESIS_VERSION="4.32.5"
EXAMPLES="${CONTRACT_EXAMPLES:-20}"
SEED="${CONTRACT_SEED:-$(python3 -c 'import secrets; print(secrets.randbelow(2**31))')}"
ALL_ROLES="anonymous victim officer supervisor integration sysadmin admin"
ROLES="${CONTRACT_ROLES:-$ALL_ROLES}"
for role in $ROLES; do
  case " $ALL_ROLES " in *" $role "*) ;; *) echo "unknown role $role (roles: $ALL_ROLES)" >&2; exit 2 ;; esac
done
ROLE_TIMEOUT=420   # seconds per role (it takes 30-100 s); a run that takes longer is a failure
WORK="$ROOT/.build/contract"
mkdir -p "$WORK"

ensure_build_dependencies
ensure_contract_dependencies

# --- schemathesis, pinned, in its own virtual environment ------------------------------------
VENV="$WORK/venv"
ST="$VENV/bin/schemathesis"
if ! { [ -x "$ST" ] && "$ST" --version 2>/dev/null | grep -qx "schemathesis, version $SCHEMATHESIS_VERSION"; }; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  timeout 600 "$VENV/bin/pip" install --quiet --disable-pip-version-check --timeout 60 \
    -r scripts/contract/requirements.txt
fi
"$ST" --version | grep -qx "schemathesis, version $SCHEMATHESIS_VERSION" || { log "schemathesis $SCHEMATHESIS_VERSION is not installed"; exit 1; }

# --- the server binary -----------------------------------------------------------------------
BIN="${TRACKMYCRIME_BIN:-}"
if [ -z "$BIN" ]; then
  log "building trackmycrime (debug)"
  swift build --product trackmycrime
  BIN="$(swift build --show-bin-path)/trackmycrime"
fi
[ -x "$BIN" ] || { log "no server binary at $BIN"; exit 1; }

# --- database, server, cleanup ---------------------------------------------------------------
PGDIR=""
SERVER_PID=""
LANE_PIDS=()
cleanup() {
  local pid
  for pid in "${LANE_PIDS[@]}"; do
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
  done
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$PGDIR" ]; then cluster_stop "$PGDIR"; rm -rf "$PGDIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${DATABASE_URL:-}" ]; then
  PGDIR="$(mktemp -d /tmp/trackmycrime-contract-pg.XXXXXX)"
  PGPORT="$(free_port)"
  cluster_start "$PGDIR" "$PGPORT"
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc "CREATE DATABASE trackmycrime"
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/trackmycrime"
fi

PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
# Test-run settings only (the defaults are not changed): a cheap bcrypt cost, and rate limits
# and lockout high enough that thousands of generated requests from one address are not
# turned away. 429 is still documented wherever the server can answer it.
export HOST=127.0.0.1 PORT BCRYPT_COST=4 LOG_REQUESTS=true \
  RATE_LIMIT_REPORTS_PER_HOUR=1000000 RATE_LIMIT_REGISTRATIONS_PER_HOUR=1000000 RATE_LIMIT_LOGINS_PER_HOUR=1000000 \
  LOGIN_LOCKOUT_THRESHOLD=1000

log "migrating and seeding the demo force"
"$BIN" migrate >/dev/null
"$BIN" seed-demo >/dev/null
SYSADMIN_EMAIL="contract-sysadmin@contract.example"
SYSADMIN_PASSWORD="contract-sysadmin-password"
printf '%s' "$SYSADMIN_PASSWORD" | "$BIN" create-sysadmin --email "$SYSADMIN_EMAIL" --name "Contract Sysadmin" --password-stdin >/dev/null 2>&1 \
  || log "sysadmin $SYSADMIN_EMAIL exists already"

"$BIN" serve > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  curl -fsS --max-time 2 "$BASE/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$WORK/server.log" >&2; log "the server exited"; exit 1; }
  sleep 0.5
done
curl -fsS --max-time 2 "$BASE/readyz" >/dev/null || { log "the server is not ready after 60 s"; exit 1; }
log "server (pid $SERVER_PID) at $BASE; log in $WORK/server.log"

# --- one credential per role (and a second session for the logout operation) -----------------
json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
login() {
  curl -fsS --max-time 10 -X POST "$BASE/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$2\"}" | json_field token
}
declare -A TOKEN LOGOUT_TOKEN
for account in victim:victim@demo.example:demo-victim-password \
               officer:officer@demo.kent.example:demo-officer-password \
               supervisor:supervisor@demo.kent.example:demo-supervisor-password \
               admin:admin@demo.kent.example:demo-admin-password \
               "sysadmin:$SYSADMIN_EMAIL:$SYSADMIN_PASSWORD"; do
  IFS=: read -r role email password <<< "$account"
  TOKEN[$role]="$(login "$email" "$password")"
  LOGOUT_TOKEN[$role]="$(login "$email" "$password")"
done
TOKEN[integration]="$(curl -fsS --max-time 10 -X POST "$BASE/v1/forces/kent/api-keys" \
  -H "Authorization: Bearer ${TOKEN[admin]}" -H 'Content-Type: application/json' \
  -d '{"name":"contract tests"}' | json_field key)"
LOGOUT_TOKEN[integration]="${TOKEN[integration]}"   # integration keys cannot log out (403)

# Real ids for the path parameters (half of the generated values), so that operations are
# exercised past their 404s.
TMC_TOKEN_VICTIM="${TOKEN[victim]}" TMC_TOKEN_OFFICER="${TOKEN[officer]}" TMC_TOKEN_SUPERVISOR="${TOKEN[supervisor]}" \
  TMC_TOKEN_ADMIN="${TOKEN[admin]}" TMC_TOKEN_INTEGRATION="${TOKEN[integration]}" \
  python3 scripts/contract/fixtures.py "$BASE" > "$WORK/fixtures.toml"

# --- schemathesis, role by role ---------------------------------------------------------------
CHECKS="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
config_for() {
  local role="$1"
  echo 'request-timeout = 10'
  echo '# No state carried between runs (a run is replayed from its seed alone).'
  echo 'cache = { enabled = false }'
  # One worker per run (lanes give the parallelism): with threads, hypothesis on Python 3.11
  # (Debian 12's) now and then fails with "AST constructor recursion depth mismatch".
  echo "workers = ${CONTRACT_WORKERS:-1}"
  case "$role" in anonymous | sysadmin)
    # Nearly every operation answers these roles 401 or 403 before it reads its input, so
    # the coverage phase's boundary values would only repeat that; the fuzzing phase
    # (valid and invalid inputs) still reaches the operations they may call.
    echo 'phases = { coverage = { enabled = false } }' ;;
  esac
  # The request id tags the server's log lines with the role (for the summary).
  if [ "$role" != anonymous ]; then
    echo "headers = { Authorization = \"Bearer \${TMC_CONTRACT_TOKEN}\", X-Request-Id = \"contract-$role\" }"
  else
    echo "headers = { X-Request-Id = \"contract-$role\" }"
  fi
  echo
  cat "$WORK/fixtures.toml"
  if [ "$role" != anonymous ]; then
    echo
    echo '# logout revokes the token it carries: it gets a session of its own.'
    echo '[[operations]]'
    echo 'include-operation-id = "logout"'
    echo "headers = { Authorization = \"Bearer \${TMC_CONTRACT_LOGOUT_TOKEN}\", X-Request-Id = \"contract-$role\" }"
  fi
  cat <<'TOML'

# An open event stream never ends by itself: read it briefly, a few times.
[[operations]]
include-operation-id = "streamEvents"
request-timeout = 1.5
generation = { max-examples = 5 }
TOML
}

# One role's run; its row goes to $WORK/row-<role>.tsv and a failure is reported at once.
run_role() {
  local role="$1" started=$SECONDS st_status=0 status
  if [ "$role" != anonymous ]; then
    status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$BASE/v1/me" -H "Authorization: Bearer ${TOKEN[$role]}")"
    if [ "$status" != 200 ]; then
      log "contract: the $role credential no longer works (GET /v1/me: $status); another role revoked it"
      printf '%s\t-\t-\t-\t0\t1\n' "$role" > "$WORK/row-$role.tsv"
      return
    fi
  fi
  config_for "$role" > "$WORK/$role.toml"
  rm -rf "$WORK/report-$role"
  log "contract: $role started"
  TMC_CONTRACT_TOKEN="${TOKEN[$role]:-}" TMC_CONTRACT_LOGOUT_TOKEN="${LOGOUT_TOKEN[$role]:-}" \
    timeout --kill-after=10 "$ROLE_TIMEOUT" \
    "$ST" --config-file "$WORK/$role.toml" --no-color run "$BASE/openapi.yaml" --url "$BASE" \
      --checks "$CHECKS" --max-examples "$EXAMPLES" --seed "$SEED" --generation-database none \
      --report json --report-dir "$WORK/report-$role" ${CONTRACT_ARGS:-} > "$WORK/$role.log" 2>&1 || st_status=$?
  python3 - "$role" "$((SECONDS - started))" "$st_status" "$WORK/report-$role" > "$WORK/row-$role.tsv" <<'PY'
import glob, json, sys
role, elapsed, status, folder = sys.argv[1:5]
reports = glob.glob(folder + "/*.json")
if not reports:
    print(f"{role}\t-\t-\t-\t{elapsed}\t{status}")
    sys.exit()
report = json.load(open(reports[0]))
ops, cases = report["operations"], report["test_cases"]
print(f"{role}\t{ops['tested']}/{ops['selected']}\t{cases['generated']}\t{cases['unique_failures']}\t{elapsed}\t{status}")
PY
  if [ "$st_status" -ne 0 ]; then
    {
      log "contract: $role FAILED (exit status $st_status):"
      sed -n '/^=* \(FAILURES\|ERRORS\) =*$/,/^=* \(WARNINGS\|SUMMARY\) =*$/p' "$WORK/$role.log" | head -200
      tail -5 "$WORK/$role.log"
      log "contract: $role: full output in $WORK/$role.log"
    } >&2
  else
    log "contract: $role passed in $((SECONDS - started)) s"
  fi
}

# Roles run in CONTRACT_LANES (default 2) parallel lanes, then the admin alone: the admin
# disables staff accounts and revokes integration keys, which would pull the credentials
# from under the other roles. No other role can invalidate another's credential (each
# role's logout uses a session of its own).
LANES="${CONTRACT_LANES:-2}"
rm -f "$WORK"/row-*.tsv
log "schemathesis $SCHEMATHESIS_VERSION, seed $SEED, $EXAMPLES examples per operation, roles: $ROLES, $LANES lanes"
lane_roles=()
i=0
for role in $ROLES; do
  [ "$role" = admin ] && continue
  lane_roles[$((i % LANES))]+="$role "
  i=$((i + 1))
done
LANE_PIDS=()
for lane in "${lane_roles[@]}"; do
  ( for role in $lane; do run_role "$role"; done ) &
  LANE_PIDS+=($!)
done
for pid in "${LANE_PIDS[@]}"; do wait "$pid" || true; done
LANE_PIDS=()
case " $ROLES " in *" admin "*) run_role admin ;; esac

SUMMARY="$WORK/summary.tsv"
: > "$SUMMARY"
FAILED=()
for role in $ROLES; do
  if [ -f "$WORK/row-$role.tsv" ]; then cat "$WORK/row-$role.tsv" >> "$SUMMARY"; else printf '%s\t-\t-\t-\t0\t1\n' "$role" >> "$SUMMARY"; fi
  [ "$(cut -f6 "$WORK/row-$role.tsv" 2>/dev/null)" = 0 ] || FAILED+=("$role")
done

# The figures: per role, from schemathesis's JSON report (operations tested, test cases
# generated, unique failures) and from the server's log (requests answered, how many
# operations answered at least once with a 2xx, i.e. were exercised past validation and
# authorization).
python3 - "$SUMMARY" "$WORK/server.log" "$SEED" >&2 <<'PY'
import collections, json, sys
summary, server_log, seed = sys.argv[1:4]
served = collections.defaultdict(collections.Counter)
succeeded = collections.defaultdict(set)
for line in open(server_log, errors="replace"):
    try:
        entry = json.loads(line)
    except ValueError:
        continue
    request_id = entry.get("request_id", "")
    if entry.get("msg") != "request" or not request_id.startswith("contract-"):
        continue
    role = request_id[len("contract-"):]
    served[role][entry["status"] // 100] += 1
    if 200 <= entry["status"] < 300:
        succeeded[role].add(entry["method"] + " " + entry["route"])
print(f"\n{'role':12} {'operations':>10} {'examples':>9} {'failures':>8} {'requests':>9} {'2xx':>6} {'4xx':>6} {'5xx':>4} {'ops 2xx':>7} {'seconds':>7}")
total = 0
for line in open(summary):
    role, ops, cases, failures, elapsed, status = line.rstrip("\n").split("\t")
    total += int(cases) if cases.isdigit() else 0
    c = served[role]
    print(f"{role:12} {ops:>10} {cases:>9} {failures:>8} {sum(c.values()):>9} {c[2]:>6} {c[4]:>6} {c[5]:>4} {len(succeeded[role]):>7} {elapsed:>7}")
print(f"total: {total} test cases generated (seed {seed}); 'ops 2xx' counts operations answered at least once with a 2xx")
PY

if [ ${#FAILED[@]} -gt 0 ]; then
  log "contract tests FAILED for: ${FAILED[*]} (replay with CONTRACT_SEED=$SEED)"
  exit 1
fi
log "contract tests passed"
