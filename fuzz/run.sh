#!/usr/bin/env bash
# Builds the HTTP parser fuzz target with libFuzzer and AddressSanitizer and runs it for a
# bounded time (default 60 s): fuzz/run.sh [SECONDS]. Exits non-zero when libFuzzer reports
# anything (crash, sanitizer report, leak, timeout, out of memory) or the build fails. New
# findings are written to fuzz/artifacts/; keep each one as a regression test in
# Tests/TMCHTTPTests. The corpus grows in .build/fuzz/corpus between runs; the full log of the
# last run is .build/fuzz/fuzz.log.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SECONDS_TO_RUN="${1:-60}"
case "$SECONDS_TO_RUN" in '' | *[!0-9]*) echo "usage: fuzz/run.sh [SECONDS]" >&2; exit 2 ;; esac
. "$ROOT/scripts/lib.sh"
ensure_fuzz_dependencies

OUT="$ROOT/.build/fuzz"
mkdir -p "$OUT" "$ROOT/fuzz/artifacts" "$OUT/corpus"
cp -n "$ROOT"/fuzz/corpus/http-parser/* "$OUT/corpus/" 2>/dev/null || true
SOURCES=(
  "$ROOT"/Sources/TMCHTTP/Parser/*.swift
  "$ROOT"/Sources/TMCHTTP/Message/*.swift
  "$ROOT"/Sources/TMCHTTP/Server/HTTPResponder.swift
  "$ROOT"/Sources/TMCHTTP/Server/HTTPServerConfiguration.swift
  "$ROOT"/fuzz/HTTPParserFuzzTarget.swift
)
echo "[fuzz] building with -sanitize=fuzzer,address"
if ! swiftc -swift-version 6 -O -g -sanitize=fuzzer,address -parse-as-library -module-name TMCHTTPFuzz \
  "${SOURCES[@]}" -o "$OUT/http-parser-fuzzer" > "$OUT/build.log" 2>&1; then
  cat "$OUT/build.log" >&2
  echo "[fuzz] build failed" >&2
  exit 1
fi

echo "[fuzz] running for ${SECONDS_TO_RUN}s (log: $OUT/fuzz.log)"
# libFuzzer stops by itself after -max_total_time; the outer timeout only guards against a
# fuzzer that never returns (it would be killed after a minute's grace). One input runs in
# about a millisecond; -timeout (seconds per input) catches a hang.
UNIT_TIMEOUT=10
status=0
SWIFT_BACKTRACE=enable=no timeout --kill-after=10 "$((SECONDS_TO_RUN + 60))" \
  "$OUT/http-parser-fuzzer" "$OUT/corpus" \
  -max_total_time="$SECONDS_TO_RUN" -max_len=4096 -timeout="$UNIT_TIMEOUT" -rss_limit_mb=2048 \
  -artifact_prefix="$ROOT/fuzz/artifacts/" -print_final_stats=1 > "$OUT/fuzz.log" 2>&1 || status=$?

grep -E "^#[0-9]+.*(DONE|pulse)|^Done|^stat::" "$OUT/fuzz.log" | tail -8 || true
REPORT="^==[0-9]+== ?ERROR|^SUMMARY: |deadly signal|ALARM: working on the last Unit|out-of-memory|Fatal error"
ARTIFACTS="$(grep -oE "Test unit written to [^ ]+" "$OUT/fuzz.log" | sed 's/^Test unit written to //' || true)"

# A timeout and nothing else: replay the input. The parser is deterministic, so an input that
# now runs in time did not hang; the machine stalled (a loaded CI runner, a paused VM). That is
# reported, and the run counts as clean.
if [ "$status" -ne 0 ] && grep -q "ALARM: working on the last Unit" "$OUT/fuzz.log" \
   && ! grep -qE "AddressSanitizer|LeakSanitizer|deadly signal|out-of-memory|Fatal error" "$OUT/fuzz.log" \
   && [ "$(printf '%s\n' "$ARTIFACTS" | grep -c .)" = 1 ] && [ -f "$ARTIFACTS" ]; then
  if SWIFT_BACKTRACE=enable=no timeout 120 "$OUT/http-parser-fuzzer" -timeout="$UNIT_TIMEOUT" -runs=3 "$ARTIFACTS" > "$OUT/replay.log" 2>&1; then
    echo "[fuzz] warning: libFuzzer timed out on an input that replays in time ($(grep -oE 'timeout after [0-9]+ seconds' "$OUT/fuzz.log" | head -1)); the machine stalled, the parser did not hang; input kept as $ARTIFACTS.stalled" >&2
    mv "$ARTIFACTS" "$ARTIFACTS.stalled"
    echo "[fuzz] no findings (the run ended early, after $(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/fuzz.log" | tail -1) inputs)"
    exit 0
  fi
fi

if [ "$status" -ne 0 ] || grep -qE "$REPORT" "$OUT/fuzz.log"; then
  echo "[fuzz] FAILED (exit status $status); the report:" >&2
  grep -nE "$REPORT" "$OUT/fuzz.log" | head -5 >&2 || true
  tail -60 "$OUT/fuzz.log" >&2
  echo "[fuzz] inputs that reproduce it (run: $OUT/http-parser-fuzzer FILE):" >&2
  printf '  %s\n' $ARTIFACTS >&2
  [ "$status" -ne 0 ] || status=1
  exit "$status"
fi
echo "[fuzz] no findings in ${SECONDS_TO_RUN}s"
