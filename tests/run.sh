#!/bin/bash
# The test runner behind `sudo make test`: unit tests for lib/, then one
# integration test file per tool.  Ends with "N passed, N failed, N skipped".
# Usage: tests/run.sh [REGEX]   run only test files whose name matches REGEX
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
filter=${1:-.}
passed=0 failed=0 skipped=0
log=$(mktemp /tmp/bpfscope-run.XXXXXX)

if [ "$(id -u)" != 0 ]; then
	echo "tests must run as root: sudo make test" >&2
	exit 1
fi
scripts/test-setup.sh || exit 1

run_one() {
	local name=$1
	shift
	echo "# $name"
	timeout -k 10 600 "$@" 2>&1 | tee -a "$log" | sed -u 's/^/  /'
	local rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ]; then
		echo "not ok - $name: exited with status $rc" | tee -a "$log" | sed 's/^/  /'
	fi
}

for t in build/tests/test_*; do
	[ -x "$t" ] || continue
	[[ $t =~ $filter ]] || continue
	run_one "unit/$(basename "$t")" "$t"
done
for t in tests/integration/test_*.sh; do
	[ -f "$t" ] || continue
	[[ $t =~ $filter ]] || continue
	run_one "integration/$(basename "$t" .sh)" bash "$t"
done

passed=$(grep -c '^ok - ' "$log")
failed=$(grep -c '^not ok - ' "$log")
skipped=$(grep -c '^skip - ' "$log")
if [ "$failed" -gt 0 ]; then
	echo
	echo "Failures:"
	grep '^not ok - ' "$log" | sed 's/^/  /'
fi
if [ "$skipped" -gt 0 ]; then
	echo "Skipped:"
	grep '^skip - ' "$log" | sed 's/^/  /'
fi
rm -f "$log"
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
