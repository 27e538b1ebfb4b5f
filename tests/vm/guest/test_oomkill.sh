# oomkill in the guest: a marked shell that grows a string past its memory
# cgroup's 16 MiB is killed for its own allocation; one instance per hook kind
# (the oom:mark_victim tracepoint through tp_btf, raw_tp and tracepoint;
# oom_kill_process() through fentry and kprobe) must each name it as trigger
# and victim, the function hooks with the cgroup's size (4096 pages).
. /tests/lib.sh
cg=/sys/fs/cgroup/vm_oomkill_$$
comm=vm_oom_$$
if ! { grep -qw memory /sys/fs/cgroup/cgroup.subtree_control ||
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control; } 2>/dev/null ||
	! mkdir "$cg" || ! echo 16M >"$cg/memory.max"; then
	skip_all "no cgroup v2 memory controller"
fi
[ ! -e "$cg/memory.swap.max" ] || echo 0 >"$cg/memory.swap.max"

# NAME AVOID WANT(check_path, commas) PAGES (N: any number): the instances, all watching the same kill.
INSTANCES="best||kinds=tp_btf,mark_victim=tp_btf,signal_generate=tp_btf,buffer=ringbuf|N pages RSS
raw|tp_btf|kinds=raw_tp,mark_victim=raw_tp,signal_generate=raw_tp|N pages RSS
tp|tp_btf,raw_tp|kinds=tracepoint,mark_victim=tracepoint,signal_generate=tracepoint|N pages RSS
fentry|tp_btf,raw_tp,tracepoint|kinds=fentry,oom_kill_process=fentry|4096 pages
kprobe|tp_btf,raw_tp,tracepoint,fentry|kinds=kprobe,oom_kill_process=kprobe|4096 pages
perfbuf|ringbuf|buffer=perfbuf|N pages RSS"
echo "$INSTANCES" >"$TMP/instances"
started=
while IFS='|' read -r name avoid want pages; do
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" oomkill -v; then
		eval "pid_$name=$TOOL_PID"
		started="$started $name"
	else
		fail "oomkill [$name] starts" "$(tail -n 2 "$TMP/$name.err")"
	fi
done <"$TMP/instances"

# The kernel's OOM report (a stack dump with the user RIP) stays off the
# console, where the harness reads "RIP: " as a kernel complaint.
read -r printk _ </proc/sys/kernel/printk
echo 3 >/proc/sys/kernel/printk
sh -c 'echo $$ >"$1/cgroup.procs" && printf %s "$2" >/proc/$$/comm || exit 1
	x=0123456789abcdef; while :; do x=$x$x; done' _ "$cg" "$comm" &
victim=$!
wait $victim
rc=$?
echo "$printk" >/proc/sys/kernel/printk
[ $rc = 137 ] || fail "oomkill: the marked shell is killed (137)" "exit status $rc"

while IFS='|' read -r name avoid want pages; do
	case " $started " in *" $name "*) ;; *) continue ;; esac
	wait_for "$TMP/$name" "OOM kill of PID $victim " 3
	eval "TOOL_PID=\$pid_$name"
	stop_tool
	rc=$?
	re="^[0-9:]{8} Triggered by PID $victim \(\"$comm\"\), OOM kill of PID $victim"
	re="$re \(\"$comm\"\), $(echo "$pages" | sed 's/^N/[0-9]+/'), loadavg: [0-9. /]+\$"
	if [ $rc = 0 ] && [ "$(grep -cE "$re" "$TMP/$name")" = 1 ]; then
		ok "oomkill [$name] names the marked shell as trigger and victim ($pages)"
	else
		fail "oomkill [$name] names the marked shell as trigger and victim ($pages)" \
			"exit status $rc: $(tail -n 2 "$TMP/$name")"
	fi
	want=$(echo "$want" | tr ',' ' ')
	check_path "oomkill [$name] takes $want" "$TMP/$name.err" $want
	path=best
	[ -z "$avoid" ] || path=avoid=$avoid
	matrix_line oomkill "$path" "$TMP/$name.err"
done <"$TMP/instances"
rmdir "$cg"
