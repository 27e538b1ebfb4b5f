#!/bin/bash
# dcstat: dcache lookups have no tracepoint, only fentry/fexit or kprobes on
# lookup_fast and d_lookup.  Where the kernel has neither (this development
# machine), one line names what is missing and the status is 1; where it has
# them, a storm of opens of unique missing names lifts REFS, SLOW and MISS by
# at least the storm.  The guest tests (tests/vm/guest/test_dcstat.sh) run
# both hook kinds on Debian's 6.1 and 6.12.
. "$(dirname "$0")/../lib.sh"

check "a zero interval is a one-line error" bash -c \
	"! '$BIN/dcstat' 0 2>'$TMP/e' && [ \$(wc -l <'$TMP/e') = 1 ] && grep -q '^dcstat: ' '$TMP/e'"
check "a count that is not a number is a one-line error" bash -c \
	"! '$BIN/dcstat' 1 x 2>'$TMP/e' && [ \$(wc -l <'$TMP/e') = 1 ]"

if start_tool "$TMP/out" dcstat --json 1; then
	n=300
	m=$(marker dcstat)
	for ((i = 0; i < n; i++)); do true 2>/dev/null <"$TMP/$m.$i"; done
	stop_tool INT
	read -r refs slow miss < <(jq -s '[map(.refs), map(.slow), map(.miss)] | map(add) | @sh' \
		-r "$TMP/out")
	if [ "${refs:-0}" -ge $n ] && [ "${slow:-0}" -ge $n ] && [ "${miss:-0}" -ge $n ]; then
		ok "a storm of $n misses lifts REFS, SLOW and MISS by at least $n"
	else
		fail "a storm of $n misses lifts REFS, SLOW and MISS by at least $n" "$refs $slow $miss"
	fi
	check "header-less JSON has hit_pct" jq -e 'has("hit_pct") and has("refs_per_sec")' "$TMP/out"
else
	err=$(cat "$TMP/out.err")
	if [ "$(wc -l <"$TMP/out.err")" = 1 ] && [ ! -s "$TMP/out" ] &&
		grep -qE '^dcstat: this machine has no hook for dcache lookups: fentry lookup_fast: .+; kprobe lookup_fast: .+' <<<"$err"; then
		ok "no fentry, no kprobes: one line naming both, nothing on stdout"
	else
		fail "no fentry, no kprobes: one line naming both, nothing on stdout" "$err"
	fi
	if [ ! -e /sys/bus/event_source/devices/kprobe ]; then
		check "the line says the kernel has no kprobes" grep -q 'kprobe lookup_fast: kernel has no kprobes' "$TMP/out.err"
	fi
	"$BIN/dcstat" >/dev/null 2>&1
	check "the status is 1" test $? = 1
fi
