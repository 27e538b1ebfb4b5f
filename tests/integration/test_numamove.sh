#!/bin/bash
# numamove on this host.  With one NUMA node nothing is ever migrated as
# misplaced (the migrations themselves are tested in the guests, booted with
# two nodes: tests/vm/guest/test_numamove.sh): the lines' format, zeros, the
# note saying why, JSON, INTERVAL COUNT, each hook kind, and the error when
# no hook works.
. "$(dirname "$0")/../lib.sh"
need jq

[ -x "$BIN/numamove" ] || skip_all "bin/numamove is not built"
nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)

run() {
	local out=$TMP/$1
	shift
	timeout 10 "$BIN/numamove" "$@" >"$out" 2>"$out.err"
}

HEADER=$(printf '%-10s %18s %18s' TIME NUMA_migrations NUMA_migrations_ms)
run text -v 1 2
rc=$?
lines=$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2} {20}0 {18}0$' "$TMP/text")
if [ $rc = 0 ] && [ "$(head -n 1 "$TMP/text")" = "$HEADER" ] && [ "$lines" = 2 ] &&
	[ "$(wc -l <"$TMP/text")" = 3 ]; then
	ok "numamove 1 2: TIME NUMA_migrations NUMA_migrations_ms, two lines of zeros, then exits with 0"
else
	fail "numamove 1 2: TIME NUMA_migrations NUMA_migrations_ms, two lines of zeros, then exits with 0" \
		"status $rc: $(head -c 300 "$TMP/text")"
fi
check_path "numamove takes tp_btf" "$TMP/text.err" kinds=tp_btf \
	mm_migrate_pages_start=tp_btf mm_migrate_pages=tp_btf
if [ "$nodes" = 1 ]; then
	check "numamove says why nothing migrates on one NUMA node" \
		grep -qx 'numamove: this machine has one NUMA node: no page is ever misplaced, the counts stay 0' \
		"$TMP/text.err"
else
	skip "numamove says why nothing migrates on one NUMA node" "this machine has $nodes nodes"
fi

# JSON: one object per interval, zeros, the interval's length; the note stays on stderr.
run json --json 1 2
rc=$?
if [ $rc = 0 ] && jq -e -s 'length == 2 and all(.[]; (.time | test("^[0-9]{2}:[0-9]{2}:[0-9]{2}$"))
	and .secs == 1 and .migrations == 0 and .migrations_ms == 0 and .migrations_ns == 0)' \
	"$TMP/json" >/dev/null; then
	ok "numamove --json 1 2: two objects {time, secs, migrations: 0, migrations_ms: 0, migrations_ns: 0}"
else
	fail "numamove --json 1 2: two objects {time, secs, migrations: 0, migrations_ms: 0, migrations_ns: 0}" \
		"status $rc: $(head -c 300 "$TMP/json")"
fi

# Each forced hook kind loads and attaches here; Ctrl-C prints the interval it cut short.
for path in tp_btf:raw_tp tp_btf,raw_tp:tracepoint; do
	avoid=${path%%:*} kind=${path#*:}
	if ! BPFSCOPE_AVOID=$avoid start_tool "$TMP/$kind" numamove -v 30; then
		fail "numamove [avoid=$avoid] starts" "$(head -c 300 "$TMP/$kind.err")"
		continue
	fi
	sleep 0.2
	stop_tool
	rc=$?
	if [ $rc = 0 ] && [ "$(sed -n 2p "$TMP/$kind" | awk '{ print $2, $3 }')" = "0 0" ]; then
		ok "numamove [avoid=$avoid]: SIGINT prints the partial interval and exits with 0"
	else
		fail "numamove [avoid=$avoid]: SIGINT prints the partial interval and exits with 0" \
			"status $rc: $(head -c 300 "$TMP/$kind")"
	fi
	check_path "numamove: BPFSCOPE_AVOID=$avoid takes $kind" "$TMP/$kind.err" kinds=$kind \
		mm_migrate_pages_start=$kind mm_migrate_pages=$kind
done

# Without any usable hook (here: no fentry, no kprobes): one line naming what each lacks.
BPFSCOPE_AVOID=tp_btf,raw_tp,tracepoint "$BIN/numamove" >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && [ ! -s "$TMP/o" ] &&
	grep -q '^numamove: cannot trace NUMA misplaced-page migrations on this kernel: tp_btf .*raw_tp .*tracepoint .*fentry .*kprobe ' "$TMP/e"; then
	ok "numamove: no usable hook is a one-line error"
else
	fail "numamove: no usable hook is a one-line error" "status $rc: $(cat "$TMP/e")"
fi
