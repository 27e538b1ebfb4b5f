# drsnoop in the guest: a reader of a loop device in a memory cgroup of 8 MiB
# must reclaim the device's page cache; drsnoop --memcg shows those reclaims
# for its PID with LAT > 0 on each hook kind and buffer.
. /tests/lib.sh
cg=/sys/fs/cgroup/vm_drsnoop_$$
if ! { grep -qw memory /sys/fs/cgroup/cgroup.subtree_control ||
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control; } 2>/dev/null ||
	! mkdir "$cg" || ! echo 8M >"$cg/memory.max"; then
	skip_all "no cgroup v2 memory controller"
fi
dd if=/dev/zero of="$TMP/img" bs=1M count=32 2>/dev/null
dev=$(losetup -f 2>/dev/null) && losetup "$dev" "$TMP/img" 2>/dev/null ||
	{ rmdir "$cg"; skip_all "no loop device"; }

INSTANCES="best||kinds=tp_btf,mm_vmscan_memcg_reclaim_end=tp_btf,buffer=ringbuf
raw|tp_btf|kinds=raw_tp,mm_vmscan_direct_reclaim_begin=raw_tp,mm_vmscan_memcg_reclaim_end=raw_tp
tp|tp_btf,raw_tp|kinds=tracepoint,mm_vmscan_direct_reclaim_end=tracepoint,mm_vmscan_memcg_reclaim_begin=tracepoint
perfbuf|ringbuf|buffer=perfbuf"
echo "$INSTANCES" >"$TMP/instances"
started=
while IFS='|' read -r name avoid want; do
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" drsnoop -v --memcg; then
		eval "pid_$name=$TOOL_PID"
		started="$started $name"
	else
		fail "drsnoop [$name] starts" "$(tail -n 2 "$TMP/$name.err")"
	fi
done <"$TMP/instances"

sh -c 'echo $$ >"$1/cgroup.procs" || exit 1; exec dd if="$2" of=/dev/null bs=1M' _ "$cg" "$dev" \
	2>/dev/null &
reader=$!
wait $reader
rc=$?
[ $rc = 0 ] || fail "drsnoop: the reader reads the loop device" "exit status $rc"
sleep 0.3

while IFS='|' read -r name avoid want; do
	case " $started " in *" $name "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$name"
	stop_tool
	rc=$?
	if [ $rc = 0 ] && awk -v p=$reader '$3 == p && $2 == "dd" && $6 == "memcg" && $4 > 0 { f = 1 }
		END { exit !f }' "$TMP/$name"; then
		ok "drsnoop [$name] --memcg shows the reader's reclaims with LAT > 0"
	else
		fail "drsnoop [$name] --memcg shows the reader's reclaims with LAT > 0" \
			"exit status $rc, pid $reader: $(tail -n 2 "$TMP/$name")"
	fi
	want=$(echo "$want" | tr ',' ' ')
	check_path "drsnoop [$name] takes $want" "$TMP/$name.err" $want
	path=best
	[ -z "$avoid" ] || path=avoid=$avoid
	matrix_line drsnoop "$path" "$TMP/$name.err"
done <"$TMP/instances"
losetup -d "$dev"
rm -f "$TMP/img"
rmdir "$cg"
