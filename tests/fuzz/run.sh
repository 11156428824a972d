#!/bin/sh
# Fuzz the inbound e-document path (tests/fuzz/edoc_fuzz.c) with libFuzzer
# for a bounded time.
#
#   usage: sh tests/fuzz/run.sh [SECONDS]      (default 60)
#
# Builds build/fuzz/edoc_fuzz with clang (-fsanitize=fuzzer,address,
# undefined) and runs it from the seed corpus tests/fuzz/corpus; new
# inputs go to tests/out/fuzz/corpus (not committed), crashes, leaks,
# timeouts and out-of-memory cases to tests/out/fuzz/ as crash-*, leak-*,
# timeout-*, oom-* (libFuzzer prints the path). Exit status: libFuzzer's
# (0 if nothing was found).
secs=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
out=tests/out/fuzz
mkdir -p build/fuzz "$out/corpus" || exit 2
pc=$(pkg-config --cflags libxml-2.0 xmlsec1-openssl) || exit 2
libs=$(pkg-config --libs libxml-2.0 xmlsec1-openssl) || exit 2
# shellcheck disable=SC2086
clang -std=c99 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -Iportal $pc -o build/fuzz/edoc_fuzz tests/fuzz/edoc_fuzz.c \
    portal/edoc.c portal/ubl.c $libs -lssl -lcrypto || exit 2
G2B_XSD_DIR=xsd exec build/fuzz/edoc_fuzz -max_total_time="$secs" \
    -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -dict=tests/fuzz/xml.dict -artifact_prefix="$out/" -print_final_stats=1 \
    "$out/corpus" tests/fuzz/corpus
