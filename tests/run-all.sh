#!/bin/sh
# make test: every test layer, then one closing line "N passed, N failed".
#   tests/run-all.sh UNIT_BIN...
# Layers: unit (cmocka), catalog check, e2e (real server over HTTP), browser
# (headless Chromium). A throwaway PostgreSQL cluster lives under
# tests/out/pg for the run and is stopped at the end.
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
out=tests/out
mkdir -p "$out"
passed=0
failed=0

tally() {	# tally LAYER FILE: add "LAYER: N passed, N failed" from FILE
	line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed" "$2" | tail -1)
	if [ -z "$line" ]; then
		echo "$1: no result line (counted as 1 failure)"
		failed=$((failed + 1))
		return
	fi
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	passed=$((passed + p))
	failed=$((failed + f))
}

sh tests/run-unit.sh "$@" 2>&1 | tee "$out/unit.txt"
tally unit "$out/unit.txt"

sh tests/check-i18n.sh 2>&1 | tee "$out/i18n.txt"
tally i18n "$out/i18n.txt"

# One cluster for the server layers; old test databases are dropped first.
sh conf/pg.sh start "$out/pg" || { echo "0 passed, $((failed + 1)) failed"; exit 1; }
trap 'sh conf/pg.sh stop "$out/pg"' EXIT INT TERM
run=$out/pg/run
for db in $(psql -X -At -h "$run" -U postgres -d postgres \
    -c "SELECT datname FROM pg_database WHERE datname LIKE 'g2b_t%'"); do
	psql -X -q -h "$run" -U postgres -d postgres -c "DROP DATABASE $db" || true
done

for layer in e2e browser; do
	sh tests/run-layer.sh "$layer" 2>&1 | tee "$out/$layer.txt"
	tally "$layer" "$out/$layer.txt"
done

# What failed, last, where a reader of only the run's tail still sees it:
# each failing test's TAP block up to its stack trace (30 lines at most).
if [ "$failed" -ne 0 ]; then
	echo
	echo "failures:"
	for tap in "$out/e2e.tap" "$out/browser.tap"; do
		[ -f "$tap" ] || continue
		awk '/^ *not ok [0-9]+ - / && !/# SKIP/ { on = 1; n = 0 }
		    on && /^ *stack: / { on = 0; print ""; next }
		    on && n < 30 { print; n++ }' "$tap"
	done
fi
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
