# Shared by scripts/run.sh, scripts/test.sh and bench/: installs what is missing and manages
# private PostgreSQL clusters. Sourced, not run.

log() { printf '[trackmycrime] %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
    apt_updated=1
  fi
  log "installing: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
  done
  return 1
}

# PostgreSQL server (with pgcrypto, in contrib for 15+ on Debian), libpq headers, pkg-config.
ensure_build_dependencies() {
  local missing=()
  command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
  [ -f /usr/include/postgresql/libpq-fe.h ] || missing+=(libpq-dev)
  pg_bindir >/dev/null || missing+=(postgresql postgresql-contrib)
  command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
  command -v swift >/dev/null 2>&1 || { log "swift is not on PATH (expected at /opt/swift/usr/bin)"; export PATH="/opt/swift/usr/bin:$PATH"; }
}

# What `swiftc -sanitize=fuzzer,address` needs (fuzz/run.sh): the toolchain's own libFuzzer and
# AddressSanitizer runtimes (shipped with the Swift toolchain for Linux, not installable apart
# from it), the gold linker the Swift driver uses, and libstdc++ (libFuzzer is C++).
ensure_fuzz_dependencies() {
  command -v swiftc >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
  local resources missing=() runtime found=""
  resources="$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")/lib"
  for runtime in "$resources"/clang/*/lib/*/libclang_rt.fuzzer*.a "$resources"/swift/clang/lib/*/libclang_rt.fuzzer*.a; do
    [ -f "$runtime" ] && found="$runtime"
  done
  if [ -z "$found" ]; then
    log "this Swift toolchain has no libFuzzer runtime (libclang_rt.fuzzer) under $resources; use the swift.org toolchain for Linux"
    return 1
  fi
  command -v ld.gold >/dev/null 2>&1 || missing+=(binutils)
  command -v gcc >/dev/null 2>&1 || missing+=(gcc)
  case "$(gcc -print-file-name=libstdc++.so 2>/dev/null)" in /*) ;; *) missing+=(g++) ;; esac
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
  # Debian 13 moved gold out of binutils.
  command -v ld.gold >/dev/null 2>&1 || apt_install binutils-gold
}

# What scripts/contract.sh needs besides the build: Python 3 with venv (schemathesis is
# installed from PyPI into a virtual environment under .build, never system-wide).
ensure_contract_dependencies() {
  local missing=()
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# The user that owns cluster files: initdb refuses to run as root.
pg_user() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }

as_pg_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# cluster_start DIR PORT: initdb DIR if it is new, then start it on 127.0.0.1:PORT.
cluster_start() {
  local dir="$1" port="$2" bin
  bin="$(pg_bindir)" || { log "no PostgreSQL server binaries found"; return 1; }
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown "$(pg_user)" "$dir"; fi
  chmod 700 "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    log "initdb $dir"
    as_pg_user "$bin/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null || return 1
  fi
  as_pg_user "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 -c shared_buffers=256MB -c fsync=on" \
    start >/dev/null || { tail -20 "$dir/server.log" >&2; return 1; }
}

cluster_stop() {
  local dir="$1" bin
  bin="$(pg_bindir)" || return 0
  [ -f "$dir/postmaster.pid" ] || return 0
  as_pg_user "$bin/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}
