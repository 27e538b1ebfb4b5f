#!/bin/bash
# The fuzz targets of the parsers of files a traced process controls (ELF
# objects and debug files, perf maps; tests/fuzz/), briefly, under ASan and
# UBSan: the seeds and what the fuzzer finds in a few seconds from them and
# from the corpus earlier runs kept in build/fuzz/.  `make fuzz` runs them at
# length (FUZZ_TIME, 10 min by default).
. "$(dirname "$0")/../lib.sh"

secs=${BPFSCOPE_FUZZ_SECS:-8}
targets=$(cd "$TOP/build/fuzz" 2>/dev/null && ls fuzz_* 2>/dev/null | grep -v '\.')
if [ -z "$targets" ]; then
	skip_all "fuzz targets not built: clang's fuzzer runtime is missing (Debian: libclang-rt-dev; make deps installs it)"
fi
"$TOP/tests/fuzz/run.sh" "$secs" >"$TMP/fuzz.out" 2>&1
for t in $targets; do
	line=$(grep "^$t: " "$TMP/fuzz.out")
	runs=$(sed -n 's/.*clean, \([0-9]*\) runs.*/\1/p' <<<"$line")
	if [ -n "$runs" ] && [ "$runs" -ge 1000 ]; then
		ok "$t: $runs inputs in $secs s, no crash, leak, sanitizer report or hang"
	else
		fail "$t runs clean" "${line:-no result}: $(grep -v '^fuzz_' "$TMP/fuzz.out" | head -n 5 | tr '\n' ' ')"
	fi
done
