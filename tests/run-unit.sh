#!/bin/sh
# Run cmocka unit test binaries and sum their results.
#
#   usage: sh tests/run-unit.sh BIN...
#
# Shows each binary's output, adds up cmocka's summary lines
# ("[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), listed below:"),
# and counts a binary that crashes, exits non-zero without a FAILED line
# (e.g. an ASan/UBSan abort or a leak report), or prints no summary at all
# as 1 failure. The last line is always "unit: N passed, N failed"; the
# exit status is 1 if anything failed, else 0.

if [ $# -eq 0 ]; then
	echo "usage: sh tests/run-unit.sh BIN..." >&2
	echo "unit: 0 passed, 0 failed"
	exit 2
fi

# cmocka must print its default (stdout/stderr) format for the parsing.
unset CMOCKA_MESSAGE_OUTPUT CMOCKA_XML_FILE
# UBSan only reports and carries on by default: make it stop the binary
# so that undefined behaviour counts as a failure.
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export UBSAN_OPTIONS

out=$(mktemp "${TMPDIR:-/tmp}/run-unit.XXXXXX") || exit 2
trap 'rm -f "$out"' EXIT
trap 'rm -f "$out"; exit 130' INT TERM

total_pass=0
total_fail=0

for bin in "$@"; do
	case "$bin" in
	*/*)	cmd=$bin ;;
	*)	cmd=./$bin ;;
	esac
	echo "== $bin"
	"$cmd" >"$out" 2>&1
	rc=$?
	cat "$out"

	pass=0 fail=0 seen=0 failline=0
	# Sum every summary line (a binary may run several groups). The
	# patterns are searched anywhere in a line: stdout and stderr are
	# interleaved when both go to the same file.
	eval "$(awk '
		{
			if (match($0, /\[  PASSED  \] [0-9]+ test\(s\)\./)) {
				s = substr($0, RSTART + 13, RLENGTH - 13)
				sub(/ .*/, "", s)
				p += s; seen = 1
			}
			if (match($0, /\[  FAILED  \] [0-9]+ test\(s\), listed below:/)) {
				s = substr($0, RSTART + 13, RLENGTH - 13)
				sub(/ .*/, "", s)
				f += s; fl = 1
			}
		}
		END {
			printf "pass=%d fail=%d seen=%d failline=%d\n", \
			    p, f, seen, fl
		}
	' "$out")"

	if [ "$rc" -ne 0 ] && [ "$failline" -eq 0 ]; then
		if [ "$rc" -gt 128 ]; then
			echo "run-unit: $bin killed by signal $((rc - 128)): counted as 1 failure"
		else
			echo "run-unit: $bin exited with status $rc without a FAILED line: counted as 1 failure"
		fi
		fail=$((fail + 1))
	elif [ "$rc" -eq 0 ] && [ "$seen" -eq 0 ] && [ "$failline" -eq 0 ]; then
		echo "run-unit: $bin printed no cmocka summary: counted as 1 failure"
		fail=$((fail + 1))
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
done

echo "unit: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] || exit 1
exit 0
