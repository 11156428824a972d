#!/bin/sh
# make bench: every benchmark in tests/bench, each reporting ratios to
# baselines measured in the same run.
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
mkdir -p tests/out
sh conf/pg.sh start tests/out/pg || exit 1
trap 'sh conf/pg.sh stop tests/out/pg' EXIT INT TERM
rc=0
for b in tests/bench/*.mjs; do
	echo "== $b"
	node "$b" || rc=1
done
exit $rc
