#!/bin/bash
# The test runner behind `sudo make test`: unit tests for lib/, then one
# integration test file per tool.  Ends with "N passed, N failed, N skipped".
# Then the kernel matrix (tests/vm/run.sh): the tools tested on other kernels.
# Usage: tests/run.sh [--host|--vm] [REGEX]
#   --host  only this kernel; --vm  only the matrix; REGEX  only matching test files
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
host=1 vm=1
case ${1:-} in
--host) vm=0; shift ;;
--vm) host=0; shift ;;
esac
filter=${1:-.}
[ "$filter" = . ] || vm=0
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
	timeout -k 10 "${limit:-600}" "$@" 2>&1 | tee -a "$log" | sed -u 's/^/  /'
	local rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ]; then
		echo "not ok - $name: exited with status $rc" | tee -a "$log" | sed 's/^/  /'
	fi
}

start=$(date +%s)
for t in build/tests/test_*; do
	[ $host = 1 ] && [ -x "$t" ] || continue
	[[ $t =~ $filter ]] || continue
	run_one "unit/$(basename "$t")" "$t"
done
for t in tests/integration/test_*.sh; do
	[ $host = 1 ] && [ -f "$t" ] || continue
	[[ $t =~ $filter ]] || continue
	run_one "integration/$(basename "$t" .sh)" bash "$t"
done
[ $host = 1 ] && echo "# host tests: $(($(date +%s) - start)) s"
if [ $vm = 1 ]; then
	rm -f build/matrix.txt
	BPFSCOPE_MATRIX_OUT=$TOP/build/matrix.txt limit=3600 run_one "kernel matrix" bash tests/vm/run.sh
	[ -s build/matrix.txt ] && tests/vm/matrix-table.sh build/matrix.txt README.md
fi

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
