#!/bin/sh
# Run one node:test layer (e2e or browser) and end with
# "LAYER: N passed, N failed". Output of each file is kept under tests/out.
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
layer=$1
out=tests/out
mkdir -p "$out"
files=$(ls tests/"$layer"/*.test.mjs 2>/dev/null)
if [ -z "$files" ]; then
	echo "$layer: 0 passed, 0 failed"
	exit 0
fi
# shellcheck disable=SC2086
# A test that hangs fails after 10 minutes instead of stalling the run.
node --test --test-concurrency=1 --test-timeout=600000 --test-reporter=tap \
    --test-reporter-destination="$out/$layer.tap" \
    --test-reporter=spec --test-reporter-destination=stdout $files
rc=$?
p=$(grep -E '^# pass [0-9]+' "$out/$layer.tap" | tail -1 | awk '{print $3}')
f=$(grep -E '^# fail [0-9]+' "$out/$layer.tap" | tail -1 | awk '{print $3}')
c=$(grep -E '^# cancelled [0-9]+' "$out/$layer.tap" | tail -1 | awk '{print $3}')
p=${p:-0}; f=${f:-0}; c=${c:-0}
f=$((f + c))
[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
echo "$layer: $p passed, $f failed"
[ "$f" -eq 0 ]
