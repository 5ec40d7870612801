#!/usr/bin/env bash
# Builds the HTTP parser fuzz target with libFuzzer and AddressSanitizer and runs it for a
# bounded time (default 60 s): fuzz/run.sh [SECONDS]. New crashes are written to
# fuzz/artifacts/; keep each one as a regression test in Tests/TMCHTTPTests.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SECONDS_TO_RUN="${1:-60}"
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
swiftc -swift-version 6 -O -g -sanitize=fuzzer,address -parse-as-library -module-name TMCHTTPFuzz \
  "${SOURCES[@]}" -o "$OUT/http-parser-fuzzer" > "$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
echo "[fuzz] running for ${SECONDS_TO_RUN}s"
SWIFT_BACKTRACE=enable=no "$OUT/http-parser-fuzzer" "$OUT/corpus" \
  -max_total_time="$SECONDS_TO_RUN" -max_len=4096 -timeout=5 -rss_limit_mb=2048 \
  -artifact_prefix="$ROOT/fuzz/artifacts/" -print_final_stats=1 2>&1 | grep -E "^#|Done|stat::|ERROR|SUMMARY|crash|deadly" | tail -15
