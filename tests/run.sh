#!/usr/bin/env bash
# Runs every test suite in BUILD/tests and sums their results into the one
# closing line `N passed, N failed`. cmocka suites report through their own
# summary lines; script suites (tests/*.sh) print `N passed, N failed`.
set -u
build=${1:?usage: run.sh BUILD_DIR}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() { # count LABEL: add the counts found in $log, or one failure if none
	local p f
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$log" | tail -n1)
		f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$log" | tail -n1)
		p=${p:-0}
		f=${f:-0}
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "suite $1 exited $rc without reporting a failure: counted as one" >&2
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "suite $1 ran no test: counted as a failure" >&2
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	echo "=== $name"
	"$t" >"$log" 2>&1
	rc=$?
	grep -v '^\[       OK \]\|^\[ RUN      \]' "$log"
	count "$name"
done

for s in tests/*_test.sh; do
	[ -f "$s" ] || continue
	name=$(basename "$s")
	echo "=== $name"
	BUILD="$build" bash "$s" >"$log" 2>&1
	rc=$?
	cat "$log"
	count "$name"
done

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
