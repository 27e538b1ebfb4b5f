#!/bin/bash
# vfsstat: shells that stop themselves until the tools are attached, then make
# a known burst of reads, writes, fsyncs, opens and creates (each count
# different, so a column mix-up shows).  Each run must count exactly the burst
# its filter selects (-c cgroup, -p list), on each hook kind this kernel has,
# and a system-wide run at least all of them.
. "$(dirname "$0")/../lib.sh"
need busybox jq

[ -x "$BIN/vfsstat" ] || skip_all "bin/vfsstat is not built"
PY=/usr/bin/python3
[ -x "$PY" ] || skip_all "needs $PY"
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cg2" ] || skip_all "needs a cgroup v2 hierarchy"
cg=$cg2/$(marker vfs)
mkdir "$cg" || bail_out "vfsstat: make a cgroup" "mkdir $cg failed"
on_exit "rmdir $cg"

# reap_at_exit PID: kill PID at the end if it is still a child of this shell
# (an exited one's number may belong to someone else by then).
reap_at_exit() {
	on_exit "[ \"\$(sed 's/.*) //' /proc/$1/stat 2>/dev/null | cut -d' ' -f2)\" = $BASHPID ] && kill -KILL $1"
}

# wait_stopped PID: until the process has stopped itself (SIGSTOP).
wait_stopped() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = T ] && return 0
		sleep 0.02
	done
	return 1
}

# burst N M K [CGROUP]: a shell (in CGROUP) that stops itself, then in a new
# directory N times writes f(i mod M) (creating M files) and reads it twice
# (ash reads a line a byte at a time: 2 reads each), then fsyncs K of the
# files: READ 4N, WRITE N, FSYNC K, OPEN 3N+K, CREATE M.  Its PID in $!.
burst() {
	local dir=$TMP/burst.$RANDOM$RANDOM
	mkdir "$dir"
	busybox sh -c '[ -z "$5" ] || echo $$ >"$5/cgroup.procs"; cd "$4"; kill -STOP $$
		i=0; while [ $i -lt $1 ]; do
			f=f$((i % $2)); echo x >$f; read l <$f; read l <$f; i=$((i + 1)); done
		s=; i=0; while [ $i -lt $3 ]; do s="$s f$i"; i=$((i + 1)); done
		exec sync $s' _ "$1" "$2" "$3" "$dir" "${4:-}" &
	reap_at_exit $!
}

# mknods N: a process that stops itself, then creates N files with mknod(2).
mknods() {
	local dir=$TMP/mknod.$RANDOM$RANDOM
	mkdir "$dir"
	"$PY" -c 'import os, signal, sys
os.chdir(sys.argv[1])
os.kill(os.getpid(), signal.SIGSTOP)
for i in range(int(sys.argv[2])): os.mknod("m%d" % i)' "$dir" "$1" &
	reap_at_exit $!
}

# start_bg OUT ARGS...: vfsstat ARGS in the background until attached; its PID in BG.
start_bg() {
	local out=$TMP/$1 i
	shift
	BPFSCOPE_READY_FILE=$out.ready env --default-signal=INT "$BIN/vfsstat" "$@" >"$out" \
		2>"$out.err" &
	BG=$!
	reap_at_exit $BG
	for ((i = 0; i < 200; i++)); do
		[ -e "$out.ready" ] && return 0
		kill -0 $BG 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

burst 10 5 3 "$cg" # in the cgroup: READ 40 WRITE 10 FSYNC 3 OPEN 33 CREATE 5
in_cg=$!
burst 7 4 2 # READ 28 WRITE 7 FSYNC 2 OPEN 23 CREATE 4
b7=$!
mknods 3 # CREATE 3
mk3=$!
burst 3 2 1 # READ 12 WRITE 3 FSYNC 1 OPEN 10 CREATE 2
raw3=$!
for p in $in_cg $b7 $mk3 $raw3; do
	wait_stopped $p || bail_out "vfsstat: workload" "process $p did not stop itself"
done

started=1
start_bg all -v --json 30 && all=$BG || started=0
start_bg list --json -p $b7,$mk3 30 && list=$BG || started=0
BPFSCOPE_AVOID=tp_btf start_bg raw -v --json -p $raw3 30 && raw=$BG || started=0
start_bg cg -c "$cg" 1 && incg=$BG || started=0
start_bg cgcount -c "$cg" 1 3 && cgcount=$BG || started=0
[ $started = 1 ] || bail_out "vfsstat: start" "$(cat "$TMP"/*.err | head -c 600)"

# The -c run's intervals: the bursts go right after its first line, in the
# intervals after it, however many they take (on a loaded machine a burst may
# wait seconds for the disk); the run is stopped once the interval they ended
# in is out (the next line).  The first line must be 0, the others add up.
wait_for "$TMP/cg" '^[0-9:]+: ' 3 || bail_out "vfsstat -c: a first line" "$(cat "$TMP/cg")"
kill -CONT $in_cg $b7 $mk3 $raw3
wait $in_cg $b7 $mk3 $raw3
n=$(grep -c '^[0-9:]*: ' "$TMP/cg")
for ((i = 0; i < 100; i++)); do
	[ "$(grep -c '^[0-9:]*: ' "$TMP/cg")" -gt "$n" ] && break
	sleep 0.05
done
sleep 0.2
for p in $all $list $raw $incg; do kill -INT $p; done
status=
for p in $all $list $raw $incg; do
	wait $p
	status="$status $?"
done
# INTERVAL COUNT: that run exits by itself after its third line.
await_exit $cgcount 5
rc=$EXIT_STATUS

# -c CGROUP INTERVAL COUNT: libbpf-tools' header, three lines, then it exits.
header='TIME         READ/s  WRITE/s  FSYNC/s   OPEN/s CREATE/s'
rows=$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}:  ( {0,7}[0-9]+ ){4} {0,7}[0-9]+$' "$TMP/cgcount")
if [ "$rc" = 0 ] && [ "$(head -n 1 "$TMP/cgcount")" = "$header" ] && [ "$rows" = 3 ] &&
	[ "$(wc -l <"$TMP/cgcount")" = 4 ]; then
	ok "vfsstat -c CG 1 3: the header, then three lines of rates, then exits"
else
	fail "vfsstat -c CG 1 3: the header, then three lines of rates, then exits" \
		"status $rc: $(head -c 400 "$TMP/cgcount")"
fi
# -c CGROUP INTERVAL: 0 before the bursts, then the burst in the cgroup, in
# whichever intervals it fell (the last one, cut short by SIGINT, quiet).
rows=$(awk 'NR > 1 { $1 = ""; print }' "$TMP/cg" | tr '\n' '|')
first=$(awk 'NR == 2 { $1 = ""; print }' "$TMP/cg")
rest=$(awk 'NR > 2 { for (i = 2; i <= 6; i++) n[i] += $i }
	END { print "", n[2] + 0, n[3] + 0, n[4] + 0, n[5] + 0, n[6] + 0 }' "$TMP/cg")
if [ "$(head -n 1 "$TMP/cg")" = "$header" ] && [ "$first" = ' 0 0 0 0 0' ] &&
	[ "$rest" = ' 40 10 3 33 5' ]; then
	ok "vfsstat -c: 0 before the burst, then the burst in the cgroup (READ WRITE FSYNC OPEN CREATE), nothing else"
else
	fail "vfsstat -c: 0 before the burst, then the burst in the cgroup (READ WRITE FSYNC OPEN CREATE), nothing else" \
		"rows [$rows]: first [$first] want [ 0 0 0 0 0], the others add up to [$rest] want [ 40 10 3 33 5]"
fi

if [ "$status" = " 0 0 0 0" ]; then
	ok "vfsstat: every run stops on SIGINT with status 0"
else
	fail "vfsstat: every run stops on SIGINT with status 0" "statuses:$status"
fi

# counts OUT: "read write fsync open create" of a --json run, summed over its objects.
counts() {
	jq -s -r 'map([.read, .write, .fsync, .open, .create]) | transpose | map(add) | @tsv' \
		"$TMP/$1" 2>/dev/null | tr '\t' ' '
}

# -p A,B --json: one object for the interval cut short, rates by its length.
if jq -e -s 'length == 1 and (.[0] | (.time | test("^[0-9]{2}:[0-9]{2}:[0-9]{2}$"))
	and .secs > 0 and .secs < 30
	and ([.read, .write, .fsync, .open, .create] == [28, 7, 2, 23, 7])
	and .read_per_sec == ((.read / .secs) | floor)
	and .create_per_sec == ((.create / .secs) | floor))' "$TMP/list" >/dev/null; then
	ok "vfsstat -p A,B --json: a burst and 3 mknod(2)s counted exactly, rates by the interval's length"
else
	fail "vfsstat -p A,B --json: a burst and 3 mknod(2)s counted exactly, rates by the interval's length" \
		"$(head -c 400 "$TMP/list")"
fi

read -r r w f o c <<<"$(counts all)"
if [ "${r:-0}" -ge 80 ] && [ "${w:-0}" -ge 20 ] && [ "${f:-0}" -ge 6 ] && [ "${o:-0}" -ge 66 ] &&
	[ "${c:-0}" -ge 14 ]; then
	ok "vfsstat (all): at least every marked call ($r $w $f $o $c)"
else
	fail "vfsstat (all): at least every marked call" "counted [$r $w $f $o $c], want >= [80 20 6 66 14]"
fi
check_path "vfsstat takes tp_btf sys_exit (no fentry or kprobes here)" "$TMP/all.err" \
	kinds=tp_btf sys_exit=tp_btf vfs_read=-

check_path "vfsstat: BPFSCOPE_AVOID=tp_btf takes raw_tp" "$TMP/raw.err" kinds=raw_tp sys_exit=raw_tp
check "vfsstat [raw_tp] -p: the burst exactly" test "$(counts raw)" = "12 3 1 10 2"

# Without any usable hook: one line naming what each alternative lacks.
BPFSCOPE_AVOID=tp_btf,raw_tp "$BIN/vfsstat" >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && [ ! -s "$TMP/o" ] &&
	grep -q '^vfsstat: cannot trace VFS calls on this kernel: fentry vfs_read: .*kprobe vfs_read: .*tp_btf sys_exit: .*raw_tp sys_exit: ' "$TMP/e"; then
	ok "vfsstat: no usable hook is a one-line error"
else
	fail "vfsstat: no usable hook is a one-line error" "status $rc: $(cat "$TMP/e")"
fi
