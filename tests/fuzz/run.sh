#!/bin/sh
# Fuzz with libFuzzer for a bounded time: the inbound e-document path
# (tests/fuzz/edoc_fuzz.c, target "edoc") or the bid path's one-pass
# certificate check (tests/fuzz/cert_fuzz.c, target "cert").
#
#   usage: sh tests/fuzz/run.sh [SECONDS] [edoc|cert]   (default 60 edoc)
#
# Builds build/fuzz/TARGET_fuzz with clang (-fsanitize=fuzzer,address,
# undefined) and runs it from its seed corpus (tests/fuzz/corpus,
# tests/fuzz/cert-corpus); new inputs go to tests/out/fuzz/corpus or
# tests/out/fuzz/cert-corpus (not committed), crashes, leaks, timeouts and
# out-of-memory cases to tests/out/fuzz/ as [cert-]crash-*, leak-*,
# timeout-*, oom-* (libFuzzer prints the path). Exit status: libFuzzer's
# (0 if nothing was found).
secs=${1:-60}
target=${2:-edoc}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
out=tests/out/fuzz
mkdir -p build/fuzz "$out/corpus" "$out/cert-corpus" || exit 2
cflags="-std=c99 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
case $target in
edoc)
	pc=$(pkg-config --cflags libxml-2.0 xmlsec1-openssl) || exit 2
	libs=$(pkg-config --libs libxml-2.0 xmlsec1-openssl) || exit 2
	# shellcheck disable=SC2086
	clang $cflags -Iportal -Ibidding $pc -o build/fuzz/edoc_fuzz \
	    tests/fuzz/edoc_fuzz.c portal/edoc.c portal/ubl.c bidding/ca.c \
	    bidding/seal.c $libs -lssl -lcrypto || exit 2
	G2B_XSD_DIR=xsd exec build/fuzz/edoc_fuzz -max_total_time="$secs" \
	    -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	    -dict=tests/fuzz/xml.dict -artifact_prefix="$out/" \
	    -print_final_stats=1 "$out/corpus" tests/fuzz/corpus
	;;
cert)
	# shellcheck disable=SC2086
	clang $cflags -Ibidding -Iportal -o build/fuzz/cert_fuzz \
	    tests/fuzz/cert_fuzz.c bidding/ca.c bidding/seal.c \
	    -lssl -lcrypto || exit 2
	exec build/fuzz/cert_fuzz -max_total_time="$secs" -max_len=4096 \
	    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$out/cert-" \
	    -print_final_stats=1 "$out/cert-corpus" tests/fuzz/cert-corpus
	;;
*)
	echo "usage: sh tests/fuzz/run.sh [SECONDS] [edoc|cert]" >&2
	exit 2
	;;
esac
