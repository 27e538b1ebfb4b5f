#!/bin/bash
# fsdist: the histograms of a helper's operations on ext4, xfs and btrfs loop
# file systems count exactly what it did (3 reads, 2 writes, 2 opens, 1 fsync,
# 2 stats: one by descriptor, one by path), and nothing of another process
# (-p) or file system; -m, -T and interval/count change the output as asked.
# common-args: -t ext4
. "$(dirname "$0")/../lib.sh"
need python3 jq losetup mkfs.ext4 mkfs.xfs mkfs.btrfs
. "$TOP/tests/integration/helpers/fsslower_lib.sh"

for fs in ext4 xfs btrfs; do
	mount_loop $fs $([ $fs = ext4 ] && echo 64 || echo 320) || bail_out "$fs loop file system" "mount failed"
done
m=$(marker fsd)
want="read=3 write=2 open=2 fsync=1 getattr=2"

# counts FILE: "op=N ..." of the last JSON object, in the order of $want.
counts() {
	tail -n 1 "$1" | jq -r '[.hists[] | {(.operation): .hist.total}] | add // {} |
		"read=\(.read // 0) write=\(.write // 0) open=\(.open // 0) fsync=\(.fsync // 0) getattr=\(.getattr // 0)"' 2>&1
}

# run_dist TOOL ARGS...: the tool on process A while A works on $TMP/FS/$m and
# B (another process) on $TMP/FS/$m.b and on ext4 (another file system).
run_dist() {
	local tool=$1 fs=$2
	shift 2
	work_start A "${m: -12}" "$TMP/$fs/$m.a"
	work_start B "${m: -12}" "$TMP/$fs/$m.b"
	work_start C "${m: -12}" "$TMP/ext4/$m.c"
	start_tool "$TMP/out" "$tool" "$@" -p "${WPID[A]}" || return 1
	work_go A
	work_go B
	work_go C
	sleep 0.3
	stop_tool INT
}

for fs in ext4 xfs btrfs; do
	run_dist fsdist $fs -t $fs --json || bail_out "fsdist -t $fs starts" "$(cat "$TMP/out.err")"
	got=$(counts "$TMP/out")
	check "$fs: exactly the operations of process A ($want)" test "$got" = "$want"
done
check "--json: unit usecs and the file system" test "$(tail -n 1 "$TMP/out" | jq -r '"\(.unit) \(.fs)"')" = "usecs btrfs"

run_dist xfsdist xfs -m -T || bail_out "xfsdist -m -T starts" "$(cat "$TMP/out.err")"
check "xfsdist: text, a section per operation" test "$(grep -c "^operation = '" "$TMP/out")" = 5
check "xfsdist -m: milliseconds" grep -qE '^ +msecs +: count +distribution' "$TMP/out"
check "xfsdist -T: a time line" grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' "$TMP/out"
fsyncs=$(awk "/^operation = 'fsync'/ { on = 1; next } /^operation/ { on = 0 } on && /->/ { n += \$5 } END { print n }" "$TMP/out")
check "xfsdist: the fsync counted once" test "$fsyncs" = 1

timeout 10 "$BIN/fsdist" -t ext4 --json 1 2 >"$TMP/out" 2>"$TMP/err"
check "interval and count: 2 objects, then exit 0" test "$? $(wc -l <"$TMP/out")" = "0 2"
for t in nfsdist zfsdist; do
	timeout 10 "$BIN/$t" --json 1 1 >"$TMP/out" 2>"$TMP/err"
	check "$t: a clean run with empty histograms here" \
		test "$? $(jq -c '.hists' "$TMP/out") $(wc -c <"$TMP/err")" = "0 [] 0"
done
"$BIN/ext4dist" -v 1 1 >/dev/null 2>"$TMP/err"
check "ext4dist -v: ext4 through system calls here" grep -q '^ext4dist: ext4 through system calls' "$TMP/err"
check_path "ext4dist -v: raw_syscalls via tp_btf" "$TMP/err" sys_enter=tp_btf sys_exit=tp_btf
