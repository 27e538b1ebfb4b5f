#!/bin/bash
# drsnoop: two marked writers in a small memory cgroup the test creates must
# reclaim their own page cache: --memcg shows that reclaim (PID, name, LAT >
# 0, and the pages reclaimed add up to what the limit forced out), -p and -n
# keep one writer and drop the other; without --memcg only the page
# allocator's direct reclaim is shown, which a roomy machine does not do.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/helpers/oomkill_memcg.sh"
need jq

n=$$$RANDOM
c1=d1$n c2=d2$n
c1=${c1:0:15} c2=${c2:0:15}
MB=48 LIMIT_MB=16
memcg_create "bpfscope_drsnoop_$n" ${LIMIT_MB}M || skip_all "cannot create a memory cgroup"
cg=$MEMCG
# Page cache only a disk can take back (tmpfs pages need swap, which the cgroup has not).
dir=$TMP
[ "$(stat -f -c %T "$TMP")" != tmpfs ] || dir=$(mktemp -d "$TOP/build/drsnoop.XXXXXX")
on_exit "rm -rf '$dir'"
cp /bin/dd "$dir/$c1" && cp /bin/dd "$dir/$c2"

# writer COMM &: wait in the cgroup for $dir/go, then write MB MiB as COMM ($! is its PID).
writer() {
	exec sh -c 'echo $$ >"$1/cgroup.procs" || exit 1
		while [ ! -e "$2/go" ]; do sleep 0.02; done
		exec "$2/$3" if=/dev/zero of="$2/$3.out" bs=1M count="$4" status=none' \
		_ "$cg" "$dir" "$1" "$MB"
}
writer "$c1" &
w1=$!
writer "$c2" &
w2=$!

# The instances: NAME AVOID ARGS, all watching the same writers.
RUNS="all||-v --memcg
pid||--memcg -p $w1
name||--memcg -n $c2
plain||
json||--memcg --json
ext||--memcg -e -T -U
raw|tp_btf|-v --memcg
tp|tp_btf,raw_tp|-v --memcg"
started=
while IFS='|' read -r name avoid args; do
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" drsnoop $args; then
		eval "pid_$name=$TOOL_PID"
		started="$started $name"
	else
		fail "drsnoop [$name] starts" "$(tail -n 2 "$TMP/$name.err")"
	fi
done <<<"$RUNS"
touch "$dir/go"
wait $w1
rc1=$?
wait $w2
rc2=$?
check "the workload: both writers wrote $MB MiB" test "$rc1 $rc2 $(stat -c %s "$dir/$c1.out" "$dir/$c2.out" | tr '\n' ' ')" = "0 0 $((MB << 20)) $((MB << 20)) "
sleep 0.3
for name in $started; do
	eval "TOOL_PID=\$pid_$name"
	stop_tool INT || fail "drsnoop [$name] stops with status 0" "status $?"
done

# rows FILE PID: the text rows of that PID (TIME COMM TID LAT(ms) PAGES TYPE).
rows() { awk -v p="$2" '$3 == p' "$1"; }
r1=$(rows "$TMP/all" $w1) r2=$(rows "$TMP/all" $w2)
check "--memcg: rows of both writers, named, typed memcg" test -n "$r1" -a -n "$r2" -a \
	"$(awk -v c="$c1" '$2 != c || $6 != "memcg"' <<<"$r1")$(awk -v c="$c2" '$2 != c || $6 != "memcg"' <<<"$r2")" = ""
check "--memcg: a reclaim of the marked writer took LAT > 0" \
	awk '$4 > 0 { found = 1 } END { exit !found }' <<<"$r1"
pages=$(awk '{ s += $5 } END { print s + 0 }' <<<"$r1
$r2")
lo=$(((2 * MB - LIMIT_MB) * 256 * 9 / 10)) hi=$((2 * MB * 256 + 4096))
check "--memcg: the pages reclaimed ($pages) are what the limit forced out ($lo..$hi)" \
	test "$pages" -ge $lo -a "$pages" -le $hi
check_path "drsnoop [all] takes tp_btf" "$TMP/all.err" kinds=tp_btf buffer=ringbuf core=cut \
	mm_vmscan_memcg_reclaim_end=tp_btf mm_vmscan_direct_reclaim_begin=tp_btf
check "header: TIME COMM TID LAT(ms) PAGES TYPE" \
	grep -qE '^TIME +COMM +TID +LAT\(ms\) PAGES TYPE$' "$TMP/all"

check "-p PID: rows of that writer only" test -n "$(rows "$TMP/pid" $w1)" -a \
	"$(awk -v p=$w1 'NR > 2 && $3 != p' "$TMP/pid")" = ""
check "-n NAME: rows of that writer only" test -n "$(rows "$TMP/name" $w2)" -a \
	"$(awk -v c="$c2" 'NR > 2 && $2 != c' "$TMP/name")" = ""
check "without --memcg: the header of upstream, no TYPE" \
	grep -qE '^TIME +COMM +TID +LAT\(ms\) PAGES$' "$TMP/plain"
if [ -z "$(rows "$TMP/plain" $w1)$(rows "$TMP/plain" $w2)" ]; then
	ok "without --memcg: no row for reclaim the cgroup limit forced"
else
	fail "without --memcg: no row for reclaim the cgroup limit forced" "$(rows "$TMP/plain" $w1 | head -n 2)"
fi
# Direct reclaim proper needs the whole machine short of memory: seen only if
# something else caused it.
if awk 'NR > 2 { n++; if ($4 > 0) lat = 1 } END { exit !(n && lat) }' "$TMP/plain"; then
	ok "direct reclaim seen, with LAT > 0"
else
	skip "direct reclaim with LAT > 0" \
		"no direct reclaim here during the test ($(awk '/^MemAvailable/ { print int($2 / 1024) }' /proc/meminfo) MiB available; memcg limits reclaim otherwise)"
fi

if jq -e -s --argjson p $w1 --arg c "$c1" 'map(select(.pid == $p)) |
	length > 0 and all(.tid == $p and .comm == $c and .type == "memcg" and .uid == 0 and
	(.pages | type) == "number" and (.time | test("^[0-9]{2}:[0-9]{2}:[0-9]{2}$"))) and
	any(.lat_ms > 0)' "$TMP/json" >/dev/null; then
	ok "--json: the writer's reclaims as objects"
else
	fail "--json: the writer's reclaims as objects" "$(head -c 400 "$TMP/json")"
fi

mem_kb=$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)
check "-e -T -U: header TIME TIME(s) UID COMM TID LAT(ms) PAGES FREE(KB) TYPE" \
	grep -qE '^TIME +TIME\(s\) +UID +COMM +TID +LAT\(ms\) +PAGES +FREE\(KB\) TYPE$' "$TMP/ext"
check "-e -T -U: the writer's rows: UID 0, seconds since start, free KiB within MemTotal" \
	awk -v p=$w1 -v m="$mem_kb" '$5 == p { n++; if ($3 != 0 || $2 !~ /^[0-9]+\.[0-9][0-9][0-9]$/ ||
		$2 > 60 || $8 <= 0 || $8 > m) bad = 1 } END { exit !(n && !bad) }' "$TMP/ext"

for name in raw tp; do
	kind=raw_tp
	[ $name = tp ] && kind=tracepoint
	check "drsnoop [$name] (BPFSCOPE_AVOID) shows the writer's reclaims" test -n "$(rows "$TMP/$name" $w1)"
	check_path "drsnoop [$name] takes $kind" "$TMP/$name.err" kinds=$kind \
		mm_vmscan_direct_reclaim_end=$kind mm_vmscan_memcg_reclaim_begin=$kind
done
