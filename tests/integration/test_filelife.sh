#!/bin/bash
# filelife: copies of a script with unique names create files and delete
# them after a known time: each is reported once, by the deleting process's
# PID and name, with its age and name: on ext4 (this machine's root; exact,
# ext4_unlink_enter), xfs on a loop device (exact, xfs_remove) and tmpfs (no
# tracepoint: unlink() matched by the start directory for a bare name, by the
# name for a path with directories); creat() creates too; a file that existed
# before is not reported; -p keeps one process; the fallbacks count the same.
. "$(dirname "$0")/../lib.sh"
need jq python3 losetup mkfs.xfs truncate

EXT4=$TMP/ext4
mkdir -p "$EXT4" "$TMP/tmpfs"
mount -t tmpfs none "$TMP/tmpfs" && on_exit "umount $TMP/tmpfs" || bail_out "mount tmpfs" "failed"
mkdir -p "$TMP/tmpfs/sub"
XFS=
if truncate -s 300M "$TMP/xfs.img" && mkfs.xfs -q "$TMP/xfs.img" 2>/dev/null &&
	loop=$(losetup -f --show "$TMP/xfs.img") && on_exit "losetup -d $loop" &&
	mkdir -p "$TMP/xfs" && mount -t xfs "$loop" "$TMP/xfs" && on_exit "umount $TMP/xfs"; then
	XFS=$TMP/xfs
fi

# churn TAG HOW CREATE DELETE SECS [CWD]: a copy of the helper called "fl$TAG..."
# (its command name), started now, waiting for $GO; its PID in PID_TAG.
N=0
churn() {
	local tag=$1 name
	shift
	name=fl$tag$RANDOM
	cp "$TOP/tests/integration/helpers/filelife_churn.py" "$TMP/$name"
	"$TMP/$name" "$TMP/pid.$tag" "$GO" "$@" >"$TMP/age.$tag" 2>"$TMP/err.$tag" &
	N=$((N + 1))
	eval "NAME_$tag=$name"
}
pid_of() { cat "$TMP/pid.$1"; }
name_of() { eval "echo \$NAME_$1"; }

# event FILE TAG NAME: "COMM AGE MATCH" of the event of process TAG for file NAME.
event() {
	jq -r --argjson p "$(pid_of "$2")" --arg f "$3" \
		'select(.pid == $p and .file == $f) | "\(.comm) \(.age_s) \(.match)"' "$1"
}

# age_ok AGE LOW HIGH
age_ok() { awk -v a="$1" -v l="$2" -v h="$3" 'BEGIN { exit !(a >= l && a <= h) }'; }

# check_event NAME FILE TAG FNAME MATCH LOW HIGH: one event, right comm, match kind and age.
check_event() {
	local name=$1 got comm age match n
	got=$(event "$2" "$3" "$4")
	n=$(grep -c . <<<"$got")
	read -r comm age match <<<"$got"
	if [ "$n" = 1 ] && [ "$comm" = "$(name_of "$3")" ] && [ "$match" = "$5" ] && age_ok "$age" "$6" "$7"; then
		ok "$name"
	else
		fail "$name" "got [$got] ($n events), want [$(name_of "$3") $6..$7 $5]"
	fi
}

# wait_all: the churn processes have finished (each fails its check otherwise).
wait_all() { wait $(jobs -p | grep -vx "$TOOL_PID") 2>/dev/null; }

old=$(marker old)
: >"$EXT4/$old"

GO=$TMP/go.1
start_tool "$TMP/out" filelife --json -v || bail_out "filelife starts" "$(head -c 300 "$TMP/out.err")"
a=$(marker a) b=$(marker b) c=$(marker c) d=$(marker d) x=$(marker x)
churn E open "$EXT4/$a" "$a" 1.0 "$EXT4"
churn C creat "$EXT4/$b" "$EXT4/$b" 0.3
churn T open "$TMP/tmpfs/$c" "$c" 0.5 "$TMP/tmpfs"
churn S open "sub/$d" "$TMP/tmpfs/sub/$d" 0.2 "$TMP/tmpfs"
[ -n "$XFS" ] && churn X open "$XFS/$x" "$XFS/$x" 0.4
while [ "$(ls "$TMP"/pid.? 2>/dev/null | wc -l)" -lt $N ]; do sleep 0.02; done
touch "$GO"
wait_all
rm -f "$EXT4/$old"
sleep 0.3
stop_tool INT || fail "filelife stops with status 0" "$(tail -n 2 "$TMP/out.err")"
check_path "best path here: ext4/xfs tp_btf, open and unlink syscall tracepoints" "$TMP/out.err" \
	kinds=tp_btf+tracepoint ext4_unlink_enter=tp_btf xfs_remove=tp_btf \
	sys_exit_openat=tracepoint sys_exit_unlink=tracepoint vfs_unlink=-
check_event "ext4: open(O_CREAT), 1 s, unlink by the same process: PID, COMM, AGE 1.0-1.5" \
	"$TMP/out" E "$a" exact 1.0 1.5
check_event "ext4: a file created with creat() (AGE 0.3-0.8)" "$TMP/out" C "$b" exact 0.3 0.8
check_event "tmpfs: unlink of a bare name, matched in the cwd (AGE 0.5-1.0)" \
	"$TMP/out" T "$c" dir 0.5 1.0
check_event "tmpfs: unlink of a path with directories, matched by name (AGE 0.2-0.7)" \
	"$TMP/out" S "$d" name 0.2 0.7
if [ -n "$XFS" ]; then
	check_event "xfs on a loop device: exact (xfs_remove), AGE 0.4-0.9" "$TMP/out" X "$x" exact 0.4 0.9
else
	skip "xfs on a loop device" "cannot make or mount one"
fi
if grep -qF -- "$old" "$TMP/out"; then fail "a file created before tracing is not reported" "shown"
else ok "a file created before tracing is not reported"; fi

# -p: only that process's delete; text columns.
rm -f "$TMP"/pid.?
N=0
GO=$TMP/go.2
a=$(marker a) b=$(marker b)
churn E open "$EXT4/$a" "$EXT4/$a" 0.2
churn O open "$EXT4/$b" "$EXT4/$b" 0.2
while [ "$(ls "$TMP"/pid.? 2>/dev/null | wc -l)" -lt 2 ]; do sleep 0.02; done
if start_tool "$TMP/p" filelife -p "$(pid_of E)"; then
	touch "$GO"
	wait_all
	sleep 0.3
	stop_tool INT
	check "header: TIME PID COMM AGE(s) FILE" grep -qE '^TIME +PID +COMM +AGE\(s\) +FILE$' "$TMP/p"
	check "-p PID: that process's file, with its PID and COMM" \
		grep -qE "^[0-9:]{8} +$(pid_of E) +$(name_of E) +0\.[2-7][0-9] +$a\$" "$TMP/p"
	if grep -qF -- "$b" "$TMP/p"; then fail "-p PID leaves the other process out" "$(cat "$TMP/p")"
	else ok "-p PID leaves the other process out"; fi
else
	touch "$GO"
	wait_all
	fail "filelife -p starts" "$(head -c 300 "$TMP/p.err")"
fi

# Fallbacks: raw tracepoints for ext4; raw_syscalls for opens and unlinks (tmpfs).
for avoid in tp_btf tracepoint; do
	rm -f "$TMP"/pid.?
	N=0
	GO=$TMP/go.$avoid
	a=$(marker a) c=$(marker c)
	churn E open "$EXT4/$a" "$EXT4/$a" 0.2
	churn T open "$TMP/tmpfs/$c" "$c" 0.2 "$TMP/tmpfs"
	while [ "$(ls "$TMP"/pid.? 2>/dev/null | wc -l)" -lt 2 ]; do sleep 0.02; done
	if ! BPFSCOPE_AVOID=$avoid start_tool "$TMP/$avoid" filelife --json -v; then
		touch "$GO"
		wait_all
		fail "filelife (BPFSCOPE_AVOID=$avoid) starts" "$(head -c 300 "$TMP/$avoid.err")"
		continue
	fi
	touch "$GO"
	wait_all
	sleep 0.3
	stop_tool INT
	case $avoid in
	tp_btf) want="kinds=raw_tp+tracepoint ext4_unlink_enter=raw_tp sys_exit_unlinkat=tracepoint" ;;
	tracepoint) want="kinds=raw_tp+tp_btf ext4_unlink_enter=tp_btf sys_exit=raw_tp" ;;
	esac
	check_path "BPFSCOPE_AVOID=$avoid takes $want" "$TMP/$avoid.err" $want
	check_event "BPFSCOPE_AVOID=$avoid: the ext4 file" "$TMP/$avoid" E "$a" exact 0.2 0.7
	check_event "BPFSCOPE_AVOID=$avoid: the tmpfs file" "$TMP/$avoid" T "$c" dir 0.2 0.7
done
