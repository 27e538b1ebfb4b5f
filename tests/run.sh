#!/bin/bash
# The test runner behind `sudo make test`: unit tests for lib/ and one
# integration test file per tool on this kernel, then the kernel matrix
# (tests/vm/run.sh): the tools tested on other kernels.  Ends with the time
# each file took and "N passed, N failed, N skipped".
#
# Usage: tests/run.sh [--host|--vm] [REGEX]
#   --host  only this kernel; --vm  only the matrix
#   REGEX   only the test files whose path or job name matches; without --vm
#           the matrix is left out, with --vm REGEX picks the guest test files
#
# Host test files run BPFSCOPE_TEST_JOBS at a time (default 4: they mostly
# wait for events), each one's output printed in one piece when it ends.  A
# file with a line "# serial" runs alone, before the others: it measures
# something system-wide or loads the CPUs.  A file with a line "# per-tool"
# runs once per tool in bin/, as its own job ("FILE[TOOL]", TOOLS=TOOL).  An
# integration file that does not reach its end (tests/lib.sh: done_testing)
# fails.  The jobs start longest first, by the times of the last run
# (build/test-times.txt, rewritten at the end).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
host=1 vm=1
case ${1:-} in
--host) vm=0; shift ;;
--vm) host=0; shift ;;
esac
filter=${1:-.}
[ "$filter" = . ] || [ $host = 0 ] || vm=0
JOBS=${BPFSCOPE_TEST_JOBS:-4}
TIMES=$TOP/build/test-times.txt
WORK=$(mktemp -d /tmp/bpfscope-run.XXXXXX)
log=$WORK/log
: >"$log"
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT

if [ "$(id -u)" != 0 ]; then
	echo "tests must run as root: sudo make test" >&2
	exit 1
fi
scripts/test-setup.sh || exit 1

# now: seconds since the epoch, with microseconds.
now() { echo "$EPOCHREALTIME"; }
# since T0: seconds from T0 to now, one decimal.
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# run_one NAME TIMENAME COMMAND...: run in the foreground, output streamed (the matrix).
run_one() {
	local name=$1 tname=$2 t0=$EPOCHREALTIME
	shift 2
	echo "# $name"
	timeout -k 10 "${limit:-600}" "$@" 2>&1 | tee -a "$log" | sed -u 's/^/  /'
	local rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ]; then
		echo "not ok - $name: exited with status $rc" | tee -a "$log" | sed 's/^/  /'
	fi
	echo "# time $tname $(since "$t0")" >>"$log"
}

# --- the host jobs -----------------------------------------------------------

NAMES=() FILES=() TOOLSOF=() SERIAL=()
add_job() { NAMES+=("$1") FILES+=("$2") TOOLSOF+=("$3") SERIAL+=("$4"); }

if [ $host = 1 ]; then
	for t in build/tests/test_*; do
		[ -x "$t" ] && [[ $t =~ $filter ]] || continue
		add_job "unit/$(basename "$t")" "$t" "" 0
	done
	for t in tests/integration/test_*.sh; do
		[ -f "$t" ] || continue
		serial=0
		grep -qE '^# serial([ :(]|$)' "$t" && serial=1
		name=integration/$(basename "$t" .sh)
		if grep -qE '^# per-tool([ :(]|$)' "$t"; then
			for tool in ${TOOLS:-$(cd tools && ls -d -- */ | tr -d /)}; do
				[[ $t =~ $filter ]] || [[ $name[$tool] =~ $filter ]] || continue
				add_job "$name[$tool]" "$t" "$tool" "$serial"
			done
		elif [[ $t =~ $filter ]]; then
			add_job "$name" "$t" "" "$serial"
		fi
	done
fi

# start_job I: run job I in the background, output and status in $WORK/I.*.
start_job() {
	local i=$1
	(
		t0=$EPOCHREALTIME
		if [[ ${FILES[$i]} == *.sh ]]; then
			# Sourced, then done_testing: "# done testing" only if it got to its
			# end (the status of its last command does not matter then).
			env ${TOOLSOF[$i]:+TOOLS=${TOOLSOF[$i]}} timeout -k 10 600 \
				bash -c '. "$0"; done_testing' "${FILES[$i]}"
		else
			timeout -k 10 600 "${FILES[$i]}"
		fi
		rc=$?
		# CPU time of the job's processes (those it waited for).
		times >"$WORK/$i.times"
		cpu=$(awk 'NR == 2 { gsub(/[ms]/, " "); printf "%.1f", $1 * 60 + $2 + $3 * 60 + $4 }' \
			"$WORK/$i.times")
		echo "$rc $(since "$t0") $cpu" >"$WORK/$i.status"
	) >"$WORK/$i.out" 2>&1 </dev/null &
	PID_JOB[$!]=$i
}

# end_job I: print job I's output in one piece, indented, and log it.
end_job() {
	local i=$1 name=${NAMES[$1]} out=$WORK/$1.out rc secs cpu
	read -r rc secs cpu <"$WORK/$i.status"
	if [ "$rc" = 124 ]; then
		echo "not ok - $name: still running after 600 s, stopped" >>"$out"
	elif [ "$rc" != 0 ]; then
		echo "not ok - $name: exited with status $rc" >>"$out"
	fi
	if [[ ${FILES[$i]} == *.sh ]] && ! grep -qx '# done testing' "$out"; then
		echo "not ok - $name: ended before its last line (an exit or a shell error;" \
			"tests/tally.sh: skip_all, bail_out)" >>"$out"
	fi
	{ echo "# file $name"; grep -vx '# done testing' "$out"; } >>"$log"
	echo "# time $name $secs" >>"$log"
	echo "# cpu $name $cpu" >>"$log"
	echo "# $name ($secs s, CPU $cpu s)"
	grep -vx '# done testing' "$out" | sed 's/^/  /'
}

# Longest first, by the last run's times; jobs never timed first of all.
order_jobs() {
	local i
	for i in "${!NAMES[@]}"; do
		[ "${SERIAL[$i]}" = "$1" ] || continue
		echo "$(awk -v n="${NAMES[$i]}" '$2 == n { t = $1 } END { print t == "" ? 1e9 : t }' \
			"$TIMES" 2>/dev/null || echo 1e9) $i"
	done | sort -k1,1gr -k2,2n | awk '{ print $2 }'
}

declare -A PID_JOB
start=$(now) host_secs=
if [ $host = 1 ]; then
	# Files marked serial, one at a time.
	for i in $(order_jobs 1); do
		start_job "$i"
		wait "$!"
		end_job "$i"
	done
	# The others, JOBS at a time, each printed when it ends.
	running=0
	for i in $(order_jobs 0) end; do
		while [ $running -ge "$JOBS" ] || { [ "$i" = end ] && [ $running -gt 0 ]; }; do
			wait -n -p done_pid
			end_job "${PID_JOB[$done_pid]}"
			running=$((running - 1))
		done
		[ "$i" = end ] && break
		start_job "$i"
		running=$((running + 1))
	done
	host_secs=$(since "$start")
	echo "# time host $host_secs" >>"$log"
	echo "# host tests: $host_secs s ($JOBS at a time)"
fi
if [ $vm = 1 ]; then
	vm_tests=
	if [ "$filter" != . ]; then
		for t in tests/vm/guest/test_*.sh; do
			[[ $t =~ $filter ]] && vm_tests="$vm_tests $TOP/$t"
		done
		[ -n "$vm_tests" ] || echo "skip - kernel matrix: no guest test matches $filter" >>"$log"
	fi
	if [ "$filter" = . ] || [ -n "$vm_tests" ]; then
		rm -f build/matrix.txt
		BPFSCOPE_VM_TESTS=${vm_tests# } BPFSCOPE_MATRIX_OUT=$TOP/build/matrix.txt limit=3600 \
			run_one "kernel matrix" vm bash tests/vm/run.sh
		[ -s build/matrix.txt ] && [ "$filter" = . ] &&
			tests/vm/matrix-table.sh build/matrix.txt README.md
	fi
fi
total=$(since "$start")

passed=$(grep -c '^ok - ' "$log")
failed=$(grep -c '^not ok - ' "$log")
skipped=$(grep -c '^skip - ' "$log")

# Times: every host job, then each kernel's guest files, slowest first, in
# groups by the name's directory ("integration", "vm/6.1.0-57", ...).
sed -n 's/^# time \([^ ]*\) \([0-9.]*\)$/\2 \1/p' "$log" >"$WORK/times"
if [ -s "$WORK/times" ]; then
	echo
	echo "Times (s), slowest first:"
	awk '$2 != "host" && $2 != "vm" { g = $2; sub(/\/[^\/]*$/, "", g)
		r = g == "unit" ? 1 : g == "integration" ? 2 : 3
		print r, g, $1, substr($2, length(g) + 2) }' "$WORK/times" | sort -k1,1n -k2,2 -k3,3gr |
		awk '$2 != g { if (g != "") printf "\n"; g = $2; k = 0; printf "%s:", g }
			{ if (k++ % 3 == 0) printf "\n"; printf " %7.1f %-27s", $3, $4 }
			END { printf "\n" }'
	echo "total: $total s${host_secs:+, host $host_secs s (CPU $(awk '$2 == "cpu" { n += $4 }
		END { printf "%.0f", n }' "$log") s)}$(
		awk '$2 == "vm" { printf ", kernel matrix %s s", $1 }' "$WORK/times")"
	mkdir -p "$(dirname "$TIMES")"
	# Keep the times of jobs this run left out.
	{ awk '{ print $2, $1 }' "$WORK/times"; [ -f "$TIMES" ] && awk '{ print $2, $1 }' "$TIMES"; } |
		awk '!seen[$1]++ { print $2, $1 }' | sort -k2 >"$TIMES.tmp" && mv "$TIMES.tmp" "$TIMES"
fi
# Skips and failures last, where a log cut to its head and tail still shows them.
if [ "$skipped" -gt 0 ]; then
	echo
	echo "Skipped:"
	grep '^skip - ' "$log" | sed 's/^/  /'
fi
if [ "$failed" -gt 0 ]; then
	echo
	echo "Failures (the file's section above has the detail):"
	awk '/^# file / { f = $3 } /^not ok - \[/ { print "  " $0; next }
		/^not ok - / { print "  " f ": " $0 }' "$log"
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
