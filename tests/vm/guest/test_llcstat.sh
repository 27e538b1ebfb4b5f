# llcstat in the guest: qemu (TCG) gives it no hardware PMU, which it must say
# in one line; where the guest has one, it counts.  With the software
# stand-ins (BPFSCOPE_PMU=software: page faults for references), a dd that
# faults in a 1 MiB buffer gets a row with at least its 256 faults (the tool
# stopped by SIGINT once dd is done, not at a set time that dd's start may
# outlast).
. /tests/lib.sh

if [ -e /sys/bus/event_source/devices/cpu ]; then
	llcstat 1 >"$TMP/hw" 2>"$TMP/hw.err"
	if [ $? = 0 ] && grep -q '^Total References: [1-9]' "$TMP/hw"; then
		ok "llcstat: the guest's PMU counts references"
	else
		fail "llcstat: the guest's PMU counts references" "$(tail -n 2 "$TMP/hw.err")"
	fi
else
	llcstat 1 >"$TMP/hw" 2>"$TMP/hw.err"
	rc=$?
	if [ $rc = 1 ] && [ "$(wc -l <"$TMP/hw.err")" = 1 ] &&
		grep -q '^llcstat: this machine has no hardware PMU' "$TMP/hw.err"; then
		ok "llcstat: no hardware PMU in this guest: one line naming it"
	else
		fail "llcstat: no hardware PMU in this guest: one line" "status $rc: $(cat "$TMP/hw.err")"
	fi
fi

if start_tool "$TMP/out" env BPFSCOPE_PMU=software llcstat -v -c 1 120; then
	dd if=/dev/zero of=/dev/null bs=1M count=1 2>/dev/null &
	d=$!
	wait $d
	stop_tool
	rc=$?
	n=$(awk -v p=$d '$1 == p { n += $4 } END { print n + 0 }' "$TMP/out")
	if [ $rc = 0 ] && [ "$n" -ge 256 ] && grep -q '^Total References: ' "$TMP/out"; then
		ok "llcstat [software]: dd's row has $n references (page faults, >= 256)"
	else
		fail "llcstat [software]: dd's row" "status $rc, $n: $(head -c 300 "$TMP/out") $(tail -n 2 "$TMP/out.err")"
	fi
	check_path "llcstat [software]: page-faults and context-switches perf events" "$TMP/out.err" \
		kinds=perf_event page-faults=perf_event context-switches=perf_event core=cut
	matrix_line llcstat software "$TMP/out.err"
else
	fail "llcstat [software]: start" "$(tail -n 3 "$TMP/out.err")"
fi
