#!/bin/bash
# mountsnoop: mount calls with unique sources and paths, made in a private
# mount namespace, are reported with the caller's PID, TID and mount
# namespace, their decoded arguments and their result; a failing mount with
# its error; each filter keeps what it should and only that.
. "$(dirname "$0")/../lib.sh"
need python3 unshare jq

TOOL=mountsnoop
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(python3 -c 'import sys; print(sys.executable)')
CALLS=$TOP/tests/integration/helpers/mountsnoop_calls.py
OUT=$TMP/out
m=$(marker mnt)
DIR=$TMP/$m.dir
mkdir -p "$DIR"

# calls OUTFILE ARGS...: the helper in a private mount namespace of its own.
calls() {
	local out=$1
	shift
	unshare -m --propagation private "$PY" "$CALLS" "$@" >"$out" 2>&1
}

# start_calls OUTFILE ARGS...: the same, waiting for OUTFILE.go; HELPER_PID once ready.
start_calls() {
	local out=$1
	shift
	rm -f "$out.go"
	unshare -m --propagation private "$PY" "$CALLS" -w "$out.go" "$@" >"$out" 2>&1 &
	HELPER_JOB=$!
	wait_for "$out" '^ready ' 10 || return 1
	read -r _ HELPER_PID _ <"$out"
}

# ids HELPEROUT: "PID TID MNTNS" the helper printed.
ids() { awk '$1 == "pid" { print $2, $4, $6 }' "$1"; }

# The CALL texts the helper's first three calls must be shown as.
mount_ok="mount(\"$m.src\", \"$DIR\", \"tmpfs\", MS_NOSUID | MS_NODEV, \"size=1m,mode=0700\") = 0"
mount_fail="mount(\"$m.src\", \"$DIR/none\", \"tmpfs\", 0x0, NULL) = -ENOENT"
umount_ok="umount(\"$DIR\", MNT_DETACH) = 0"

# line_for CALLTEXT: the line of $OUT ending with it.
line_for() { awk -v c="$1" 'substr($0, length($0) - length(c) + 1) == c' "$OUT"; }

# --- basic: each call with its PID, TID, namespace, arguments and result ------
basic_check() {
	local name=$1 pid tid ns c line bad=
	shift
	if ! start_tool "$OUT" "$TOOL" "$@"; then
		fail "$name" "did not start: $(head -c 300 "$OUT.err")"
		return
	fi
	calls "$TMP/h.basic" "$m.src" "$DIR"
	wait_for "$OUT" "umount\(\"$DIR\"" 5
	stop_tool
	read -r pid tid ns < <(ids "$TMP/h.basic")
	for c in "$mount_ok" "$mount_fail" "$umount_ok"; do
		line=$(line_for "$c")
		[ "$(awk '{ print $1, $2, $3, $4 }' <<<"$line")" = "python3 $pid $tid $ns" ] ||
			bad+="want 'python3 $pid $tid $ns ... $c', got '$line'; "
	done
	if [ -z "$bad" ]; then ok "$name"; else fail "$name" "$bad $(head -c 300 "$OUT")"; fi
}

# Each path forced with BPFSCOPE_AVOID, and -v to say which one was taken.
basic_check "mount, a failing mount (ENOENT) and umount2 with PID, TID, MNT_NS, arguments" -v
check_path "best path: the exit tracepoints alone (bpf_task_pt_regs), ring buffer, CO-RE against the cut BTF" \
	"$OUT.err" kinds=tracepoint sys_exit_mount=tracepoint sys_exit_umount=tracepoint \
	sys_exit_fsopen=tracepoint sys_enter_mount=- sys_enter_fsopen=- buffer=ringbuf core=cut
# (Each run on the syscall tracepoints takes ~1 s to stop: 6.18 takes ~0.08 s
# to detach each of the 10; raw_syscalls' two go at once.)
BPFSCOPE_AVOID=tracepoint,ringbuf basic_check "raw_syscalls path, perf buffer" -v
check_path "BPFSCOPE_AVOID=tracepoint,ringbuf takes raw_syscalls and the perf buffer" \
	"$OUT.err" kinds=raw_tp sys_enter=raw_tp sys_exit=raw_tp buffer=perfbuf

# --- the new mount API, and --json ---------------------------------------------
newapi_check() {
	local name=$1 err
	shift
	if ! start_tool "$OUT" "$TOOL" --json "$@"; then
		fail "$name" "did not start: $(head -c 300 "$OUT.err")"
		return
	fi
	calls "$TMP/h.new" -n "$m.src" "$DIR"
	wait_for "$OUT" '"call":"fspick"' 5
	stop_tool
	err=$("$PY" - "$OUT" "$TMP/h.new" "$m" "$DIR" "${LAT:-0}" 2>&1 <<'PYEOF'
import json, sys
out, helper, m, d = sys.argv[1:5]
lat = sys.argv[5] == '1'  # the entry is traced: lat_ns measured
h = [l.split() for l in open(helper)]
pid, tid, ns = (int(x) for x in h[0][1::2])
res = [(c, int(r)) for c, r in h[1:]]
recs = [json.loads(l) for l in open(out)]     # every line must be valid JSON
mine = [r for r in recs if r['pid'] == pid and r['comm'] == 'python3']  # not unshare's
got = [(r['call'] if r['call'] != 'umount' else 'umount2', r['ret']) for r in mine]
if got != res:
    sys.exit('calls and results: want %s got %s' % (res, got))
if any((r['tid'], r['mnt_ns'], r['comm']) != (tid, ns, 'python3') or
       ('lat_ns' in r) != lat or r.get('lat_ns', 1) <= 0 for r in mine):
    sys.exit('ids: want %s got %s' % ((pid, tid, ns), mine[0]))
mnt, bad = mine[0], mine[1]
want = {'source': m + '.src', 'target': d, 'fs': 'tmpfs', 'flags': 6,
        'flag_names': ['MS_NOSUID', 'MS_NODEV'], 'data': 'size=1m,mode=0700'}
if any(mnt.get(k) != v for k, v in want.items()) or 'error' in mnt:
    sys.exit('mount: want %s got %s' % (want, mnt))
if (bad['error'], bad['data'], bad['target']) != ('ENOENT', None, d + '/none'):
    sys.exit('failed mount: %s' % bad)
if (mine[2]['target'], mine[2]['flag_names']) != (d, ['MNT_DETACH']):
    sys.exit('umount: %s' % mine[2])
if len(mine) > 3:
    fso, cfg, create, fsm, mv, attr, tree, pick = mine[3:11]
    fd = fso['ret']
    checks = [
        (fso['fs'], fso['flag_names']) == ('tmpfs', ['FSOPEN_CLOEXEC']),
        (cfg['fd'], cfg['cmd_name'], cfg['key'], cfg['value'], cfg['aux']) ==
        (fd, 'FSCONFIG_SET_STRING', 'size', '2m', 0),
        (create['cmd_name'], create['key'], create['value']) == ('FSCONFIG_CMD_CREATE', None, 0),
        (fsm['fd'], fsm['flag_names'], fsm['attr_flags_names']) ==
        (fd, ['FSMOUNT_CLOEXEC'], ['MOUNT_ATTR_NOEXEC']),
        (mv['from_dfd'], mv['from_path'], mv['to_dfd'], mv['to_path'], mv['flag_names']) ==
        (fsm['ret'], '', -100, d, ['MOVE_MOUNT_F_EMPTY_PATH']),
        (attr['path'], attr['attr']['attr_set_names'], attr['size']) ==
        (d, ['MOUNT_ATTR_RDONLY'], 32),
        (tree['path'], tree['flag_names']) == (d, ['OPEN_TREE_CLONE', 'OPEN_TREE_CLOEXEC']),
        (pick['path'], pick['flag_names']) == (d, ['FSPICK_CLOEXEC']),
    ]
    if not all(checks):
        sys.exit('new mount API: checks %s: %s' % (checks, mine[3:]))
elif any(c != 'umount2' and c != 'mount' for c, _ in res):
    sys.exit('new mount API calls not shown')
PYEOF
)
	if [ $? = 0 ]; then ok "$name"; else fail "$name" "$err"; fi
}
newapi_check "--json: mount, umount2 and the new mount API, each with its arguments and result"
LAT=1 BPFSCOPE_AVOID=tracepoint newapi_check "--json: the new mount API through raw_syscalls" -v
check_path "the new mount API through raw_syscalls: raw_syscalls taken" "$OUT.err" kinds=raw_tp
LAT=1 BPFSCOPE_AVOID=task_pt_regs newapi_check \
	"--json without bpf_task_pt_regs: entry and exit pairs, lat_ns measured" -v
check_path "without bpf_task_pt_regs: the entry and exit tracepoints" "$OUT.err" \
	sys_enter_mount=tracepoint sys_exit_mount=tracepoint sys_enter_fspick=tracepoint

# --- -d: a line per field ------------------------------------------------------
if start_tool "$OUT" "$TOOL" -d -t; then
	calls "$TMP/h.d" "$m.src" "$DIR"
	wait_for "$OUT" "TARGET: $DIR/none" 5
	stop_tool
	read -r pid tid ns < <(ids "$TMP/h.d")
	# the block of the failing mount, from its PID line to the blank line after it
	block=$(awk -v d="$DIR/none" '/^ +PID:/ { b = "" } { b = b $0 "\n" }
		/^$/ { if (b ~ ("TARGET: " d "\n")) printf "%s", b }' "$OUT")
	want="    PID:    $pid
    TID:    $tid
    COMM:   python3
    OP:     MOUNT
    RET:    -ENOENT
    LAT:    XXus
    MNT_NS: $ns
    FS:     tmpfs
    SOURCE: $m.src
    TARGET: $DIR/none
    DATA:   
    FLAGS:  0x0"
	got=$(sed 's/^    LAT:    [0-9]*us$/    LAT:    XXus/' <<<"$block")
	if [ "$got" = "$want" ] && grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' "$OUT" &&
		! grep -q 'COMM.*CALL' "$OUT"; then
		ok "-d -t: a block per call, as upstream, after its time"
	else
		fail "-d -t: a block per call, as upstream, after its time" "got: $block"
	fi
else
	fail "-d -t: a block per call" "did not start: $(cat "$OUT.err")"
fi

# --- -x: failed calls only; -t: a time column -------------------------------------
if start_tool "$OUT" "$TOOL" -x -t; then
	calls "$TMP/h.x" "$m.src" "$DIR"
	wait_for "$OUT" "$DIR/none" 5
	sleep 0.3
	stop_tool
	if [ -n "$(line_for "$mount_fail")" ] && [ -z "$(line_for "$mount_ok")" ] &&
		[ -z "$(line_for "$umount_ok")" ]; then
		ok "-x shows the failing mount only"
	else
		fail "-x shows the failing mount only" "$(grep -F "$m" "$OUT" | head -3)"
	fi
	if [ "$(head -1 "$OUT" | tr -s ' ')" = "TIME COMM PID TID MNT_NS CALL" ] &&
		line_for "$mount_fail" | grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2} python3 '; then
		ok "-t adds a TIME column"
	else
		fail "-t adds a TIME column" "$(head -3 "$OUT")"
	fi
else
	fail "-x -t" "did not start: $(cat "$OUT.err")"
fi

# --- -p: only the chosen process ------------------------------------------------
m2=$(marker mnt2)
mkdir -p "$TMP/$m2.dir"
if start_calls "$TMP/h.p" "$m.src" "$DIR" && start_tool "$OUT" "$TOOL" -p "$HELPER_PID"; then
	calls "$TMP/h.p2" "$m2.src" "$TMP/$m2.dir"	# another process, first
	touch "$TMP/h.p.go"
	wait "$HELPER_JOB"
	wait_for "$OUT" "umount\(\"$DIR\"" 5
	stop_tool
	if [ "$(line_for "$mount_ok" | awk '{ print $2 }')" = "$HELPER_PID" ] &&
		! grep -qF "$m2" "$OUT" &&
		! awk -v p="$HELPER_PID" 'NR > 1 && $2 != p { bad = 1 } END { exit !bad }' "$OUT"; then
		ok "-p PID shows that process only"
	else
		fail "-p PID shows that process only" "pid $HELPER_PID: $(head -c 400 "$OUT")"
	fi
else
	kill_tool
	fail "-p PID shows that process only" "did not start: $(cat "$OUT.err" 2>/dev/null)"
fi

# --- -n: command name filter ----------------------------------------------------
name=mnt$RANDOM
ln -s "$PY" "$TMP/$name"
if start_tool "$OUT" "$TOOL" -n "${name:1}"; then
	calls "$TMP/h.n2" "$m2.src" "$TMP/$m2.dir"	# comm python3: not shown
	unshare -m --propagation private "$TMP/$name" "$CALLS" "$m.src" "$DIR" >"$TMP/h.n"
	wait_for "$OUT" "umount\(\"$DIR\"" 5
	stop_tool
	if [ "$(line_for "$mount_ok" | awk '{ print $1 }')" = "$name" ] && ! grep -qF "$m2" "$OUT"; then
		ok "-n NAME shows matching commands only"
	else
		fail "-n NAME shows matching commands only" "$(head -c 400 "$OUT")"
	fi
else
	fail "-n NAME shows matching commands only" "did not start: $(cat "$OUT.err")"
fi

# --- strings from the caller are escaped -------------------------------------------
weird="$m.src"$'\t\x1b[31m'
if BPFSCOPE_AVOID=tracepoint start_tool "$OUT" "$TOOL"; then
	calls "$TMP/h.e" "$weird" "$DIR"
	wait_for "$OUT" "umount\(\"$DIR\"" 5
	stop_tool
	if grep -qF "mount(\"$m.src\\x09\\x1b[31m\", \"$DIR\"" "$OUT" &&
		! LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$OUT"; then
		ok "control characters in a mount source are escaped"
	else
		fail "control characters in a mount source are escaped" "$(grep -aF "$m" "$OUT" | cat -v)"
	fi
else
	fail "control characters in a mount source are escaped" "did not start"
fi

# --- bad input ---------------------------------------------------------------------
for args in "-p 0" "--duration 0" "-n this_name_is_too_long" "-d 1"; do
	timeout 10 "$BIN/$TOOL" $args >"$OUT" 2>"$OUT.err"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$OUT.err")" = 1 ] && grep -q "^$TOOL: " "$OUT.err"; then
		ok "bad input '$args' is a one-line usage error"
	else
		fail "bad input '$args' is a one-line usage error" "rc=$rc $(cat "$OUT.err")"
	fi
done
