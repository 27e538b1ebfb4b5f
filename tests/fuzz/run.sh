#!/bin/bash
# run.sh SECONDS [TARGET...]: run the fuzz targets (build/fuzz/fuzz_*, made by
# `make fuzz-bins`) for SECONDS each, all at once (each on one CPU), over a
# corpus kept in build/fuzz/corpus-TARGET and the seeds of seeds.sh.  A crash,
# a leak, a sanitizer report or an input that runs over 10 s (-timeout) ends
# a target with a non-zero status and its input saved as
# build/fuzz/TARGET-crash-*; prints a summary line per target; the exit
# status is the number of targets that failed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-600}
shift
fuzz=$top/build/fuzz
targets=${*:-$(cd "$fuzz" && ls fuzz_* 2>/dev/null | grep -v '\.')}
[ -n "$targets" ] || { echo "run.sh: no fuzz targets in $fuzz (make fuzz-bins)" >&2; exit 1; }
seeds=$fuzz/seeds
rm -rf "$seeds"
"$top/tests/fuzz/seeds.sh" "$seeds" || { echo "run.sh: seeds.sh failed" >&2; exit 1; }

declare -A pid
for t in $targets; do
	kind=${t#fuzz_}
	mkdir -p "$fuzz/corpus-$kind"
	"$fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$fuzz/$t-crash-" \
		"$fuzz/corpus-$kind" "$seeds/$kind" >"$fuzz/$t.log" 2>&1 &
	pid[$t]=$!
done
failed=0
for t in $targets; do
	wait "${pid[$t]}"
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$fuzz/$t.log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$fuzz/$t.log" | tail -n 1)
	if [ "$rc" = 0 ]; then
		echo "$t: clean, ${runs:-?} runs in $secs s, ${cov:-cov: ?}, corpus $(ls "$fuzz/corpus-${t#fuzz_}" | wc -l) inputs"
	else
		echo "$t: FAILED (status $rc) after ${runs:-?} runs; see $fuzz/$t.log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$fuzz/$t.log" | head -n 5
		failed=$((failed + 1))
	fi
done
exit $failed
