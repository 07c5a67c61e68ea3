#!/bin/sh
# Runs a libFuzzer target over its committed corpus for a while: every corpus file
# is executed first (the regression inputs), then new inputs are mutated from them
# into a scratch directory so the committed corpus is never written to.
# Usage: run-fuzz.sh TARGET CORPUS SECONDS [DICTIONARY] ($FUZZ_SECONDS overrides
# SECONDS).
set -eu
target=$1
corpus=$2
seconds=${FUZZ_SECONDS:-$3}
dict=${4:+-dict=$4}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
exec "$target" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=1024 \
    -print_final_stats=1 ${dict} -artifact_prefix="$(pwd)/$(basename "$target")-" "$scratch" "$corpus"
