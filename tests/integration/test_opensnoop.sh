#!/bin/bash
# opensnoop: opens of files unique to this run are reported with the right
# process, descriptor and error; each filter keeps what it should and only that.
. "$(dirname "$0")/../lib.sh"
need python3 setpriv

TOOL=opensnoop
# The system interpreter if there is one: -u runs it as nobody.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(python3 -c 'import sys; print(sys.executable)')
OUT=$TMP/out

# A helper that opens its PATH arguments and prints "pid tid fd path" for each
# (fd is -errno on failure).  -w FILE: print "ready PID TID" and wait for FILE
# first; -T: open all paths but the first in a second thread (TID is its id);
# -c: create for writing; -2: use openat2(); -d DIR: open relative to DIR's fd.
cat >"$TMP/opener.py" <<'EOF'
import ctypes, os, sys, threading, time

args = sys.argv[1:]
go = dirfd = None
thread = create = use2 = False
while args and args[0].startswith('-'):
    opt = args.pop(0)
    if opt == '-w':
        go = args.pop(0)
    elif opt == '-T':
        thread = True
    elif opt == '-c':
        create = True
    elif opt == '-2':
        use2 = True
    elif opt == '-d':
        dirfd = os.open(args.pop(0), os.O_RDONLY | os.O_DIRECTORY)
flags = os.O_WRONLY | os.O_CREAT if create else os.O_RDONLY

class OpenHow(ctypes.Structure):
    _fields_ = [('flags', ctypes.c_uint64), ('mode', ctypes.c_uint64),
                ('resolve', ctypes.c_uint64)]

def openat2(path):
    libc = ctypes.CDLL(None, use_errno=True)
    how = OpenHow(flags | os.O_CLOEXEC, 0o644 if create else 0, 0)
    fd = libc.syscall(437, -100, path.encode(), ctypes.byref(how), ctypes.sizeof(how))
    if fd < 0:
        raise OSError(ctypes.get_errno(), 'openat2')
    return fd

def do_open(path):
    try:
        if use2:
            fd = openat2(path)
        elif dirfd is not None:
            fd = os.open(path, flags, 0o644, dir_fd=dirfd)
        else:
            fd = os.open(path, flags, 0o644)
    except OSError as e:
        fd = -e.errno
    print(os.getpid(), threading.get_native_id(), fd, path, flush=True)

def open_all(paths):
    for p in paths:
        do_open(p)

worker = None
if thread:
    start = threading.Event()
    worker = threading.Thread(target=lambda: (start.wait(), open_all(args[1:])), daemon=True)
    worker.start()
    while worker.native_id is None:
        time.sleep(0.01)
if go:
    print('ready', os.getpid(), worker.native_id if worker else threading.get_native_id(),
          flush=True)
    deadline = time.monotonic() + 60		# never outlive a test that failed
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            sys.exit('opener: no go')
        time.sleep(0.02)
if thread:
    open_all(args[:1])
    start.set()
    worker.join()
else:
    open_all(args)
EOF

opener() { "$PY" "$TMP/opener.py" "$@"; }

# start_opener OUTFILE ARGS...: run the helper waiting for $OUTFILE.go; sets
# HELPER_PID and HELPER_TID once it is ready, HELPER_JOB to wait for it.
start_opener() {
	local out=$1
	shift
	rm -f "$out.go"
	"$PY" "$TMP/opener.py" -w "$out.go" "$@" >"$out" 2>&1 &
	HELPER_JOB=$!
	wait_for "$out" '^ready ' 10 || return 1
	read -r _ HELPER_PID HELPER_TID <"$out"
}

# Lines of $OUT whose last field is exactly PATH.
lines_for() { awk -v p="$1" '$NF == p' "$OUT"; }

# Field N (1-based) of the first line of $OUT for PATH.
field_for() { lines_for "$1" | head -1 | awk -v n="$2" '{ print $n }'; }

# The helper's "pid tid fd path" line for PATH.
opened() { awk -v p="$2" '$4 == p { print $1, $2, $3 }' "$1"; }

m=$(marker os)
echo data >"$TMP/$m.a"
echo data >"$TMP/$m.b"
chmod 644 "$TMP/$m.a" "$TMP/$m.b"

# --- basic: PID, COMM, FD and ERR of a successful open ------------------------
basic_check() {
	local name=$1 pid fd
	shift
	if ! start_tool "$OUT" "$TOOL" "$@"; then
		fail "$name" "did not start: $(head -c 300 "$OUT.err")"
		return
	fi
	opener "$TMP/$m.a" >"$TMP/h.basic"
	read -r pid _ fd < <(opened "$TMP/h.basic" "$TMP/$m.a")
	wait_for "$OUT" "$m\.a$" 5
	stop_tool
	local line
	line=$(lines_for "$TMP/$m.a" | head -1)
	if [ -z "$line" ]; then
		fail "$name" "no line for $TMP/$m.a; got: $(head -c 400 "$OUT")"
	elif [ "$(awk '{ print $1, $3, $4 }' <<<"$line")" != "$pid $fd 0" ]; then
		fail "$name" "expected PID $pid FD $fd ERR 0, got: $line"
	else
		ok "$name"
	fi
}

basic_check "successful open shows PID, FD and ERR 0"
# Each path forced with BPFSCOPE_AVOID, and -v to say which one was taken
# (check_path: tests/lib.sh).  The best path reads the arguments from the
# saved registers at the syscall's exit alone (bpf_task_pt_regs).
basic_check "-v: the same on the best path" -v
check_path "best path: exit tracepoints only, ring buffer, CO-RE against the cut BTF" "$OUT.err" \
	kinds=tracepoint sys_exit_openat=tracepoint sys_enter_openat=- buffer=ringbuf core=cut
BPFSCOPE_AVOID=ringbuf basic_check "perf buffer path (BPFSCOPE_AVOID=ringbuf)" -v
check_path "BPFSCOPE_AVOID=ringbuf takes the perf buffer" "$OUT.err" buffer=perfbuf \
	sys_exit_openat=tracepoint
BPFSCOPE_AVOID=task_pt_regs basic_check "entry/exit path (BPFSCOPE_AVOID=task_pt_regs)" -v
check_path "BPFSCOPE_AVOID=task_pt_regs takes the entry/exit pair" "$OUT.err" \
	sys_enter_openat=tracepoint sys_exit_openat=tracepoint sys_enter_openat2=tracepoint \
	buffer=ringbuf
BPFSCOPE_AVOID=corebtf basic_check "CO-RE against the whole kernel BTF (BPFSCOPE_AVOID=corebtf)" -v
check_path "BPFSCOPE_AVOID=corebtf relocates against the whole kernel BTF" "$OUT.err" core=whole \
	sys_exit_openat=tracepoint sys_enter_openat=-
# Kernels without syscall tracepoints: raw_syscalls' exit, forced by avoiding them.
BPFSCOPE_AVOID=tracepoint basic_check "raw_syscalls path (BPFSCOPE_AVOID=tracepoint)" -v
check_path "the raw_syscalls path is taken without syscall tracepoints" "$OUT.err" \
	kinds=raw_tp sys_exit=raw_tp buffer=ringbuf
BPFSCOPE_AVOID=tracepoint,ringbuf basic_check "raw_syscalls path with the perf buffer" -v
check_path "BPFSCOPE_AVOID=tracepoint,ringbuf takes raw_syscalls and the perf buffer" "$OUT.err" \
	kinds=raw_tp sys_exit=raw_tp buffer=perfbuf

# --- header and optional columns ----------------------------------------------
if start_tool "$OUT" "$TOOL" -T -U -e; then
	opener "$TMP/$m.a" >/dev/null
	wait_for "$OUT" "$m\.a$" 5
	stop_tool
	re='^[0-9]{2}:[0-9]{2}:[0-9]{2} +0 +[0-9]+ +[^ ]+ +[0-9]+ +0 +[0-7]{8} /'
	hdr=$(head -1 "$OUT")
	line=$(lines_for "$TMP/$m.a" | head -1)
	if [ "$(echo $hdr)" = "TIME UID PID COMM FD ERR FLAGS PATH" ] &&
		[[ $line =~ $re ]]; then
		ok "-T -U -e add TIME, UID and FLAGS columns"
	else
		fail "-T -U -e add TIME, UID and FLAGS columns" "header '$hdr' line '$line'"
	fi
else
	fail "-T -U -e add TIME, UID and FLAGS columns" "did not start: $(cat "$OUT.err")"
fi

# --- -x: failed opens only ----------------------------------------------------
if start_tool "$OUT" "$TOOL" -x; then
	opener "$TMP/$m.a" "$TMP/$m.missing" >"$TMP/h.x"
	wait_for "$OUT" "$m\.missing$" 5
	stop_tool
	read -r pid _ _ < <(opened "$TMP/h.x" "$TMP/$m.missing")
	line=$(lines_for "$TMP/$m.missing" | head -1)
	if [ "$(awk '{ print $1, $3, $4 }' <<<"$line")" != "$pid -1 2" ]; then
		fail "-x shows a failed open with FD -1 and ERR 2" "pid $pid, got: '$line'"
	else
		ok "-x shows a failed open with FD -1 and ERR 2"
	fi
	if [ -n "$(lines_for "$TMP/$m.a")" ]; then
		fail "-x hides successful opens" "$(grep -v -- ' -1 ' "$OUT" | head -3)"
	else
		ok "-x hides successful opens"
	fi
else
	fail "-x" "did not start: $(cat "$OUT.err")"
fi
if start_tool "$OUT" "$TOOL" -x --json; then
	opener "$TMP/$m.a" "$TMP/$m.missing" >/dev/null
	wait_for "$OUT" "$m\.missing\"" 5
	stop_tool
	if "$PY" -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(not recs or any(r["fd"] != -1 or r["err"] <= 0 for r in recs))' "$OUT"; then
		ok "-x --json: every record is a failure"
	else
		fail "-x --json: every record is a failure" "$(grep -v '"fd":-1' "$OUT" | head -3)"
	fi
else
	fail "-x --json" "did not start: $(cat "$OUT.err")"
fi

# --- -p: only the chosen process ----------------------------------------------
if start_opener "$TMP/h.p" "$TMP/$m.a" && start_tool "$OUT" "$TOOL" -p "$HELPER_PID"; then
	opener "$TMP/$m.b" >/dev/null		# another process, first
	touch "$TMP/h.p.go"
	wait "$HELPER_JOB"
	wait_for "$OUT" "$m\.a$" 5
	sleep 0.3
	stop_tool
	if [ "$(field_for "$TMP/$m.a" 1)" = "$HELPER_PID" ] && [ -z "$(lines_for "$TMP/$m.b")" ] &&
		! awk -v p="$HELPER_PID" 'NR > 1 && $1 != p { bad = 1 } END { exit !bad }' "$OUT"; then
		ok "-p PID shows that process only"
	else
		fail "-p PID shows that process only" "pid $HELPER_PID: $(head -c 400 "$OUT")"
	fi
else
	fail "-p PID shows that process only" "did not start: $(cat "$OUT.err" 2>/dev/null)"
fi

# --- -t: only the chosen thread -----------------------------------------------
if start_opener "$TMP/h.t" -T "$TMP/$m.b" "$TMP/$m.a" &&
	start_tool "$OUT" "$TOOL" -t "$HELPER_TID" --json; then
	touch "$TMP/h.t.go"
	wait "$HELPER_JOB"
	wait_for "$OUT" "$m\.a\"" 5
	sleep 0.3
	stop_tool
	got=$("$PY" -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
print(sorted({(r["pid"], r["tid"]) for r in recs}), sorted({r["path"] for r in recs}))
' "$OUT" 2>&1)
	want="[($HELPER_PID, $HELPER_TID)] ['$TMP/$m.a']"
	if [ "$got" = "$want" ]; then
		ok "-t TID shows that thread only"
	else
		fail "-t TID shows that thread only" "want $want got $got"
	fi
else
	fail "-t TID shows that thread only" "did not start: $(cat "$OUT.err" 2>/dev/null)"
fi

# --- -n: command name filter (substring) --------------------------------------
name=osn$RANDOM
ln -s "$PY" "$TMP/$name"
if start_tool "$OUT" "$TOOL" -n "${name:1}"; then
	opener "$TMP/$m.b" >/dev/null		# comm python3...: not shown
	"$TMP/$name" "$TMP/opener.py" "$TMP/$m.a" >"$TMP/h.n"
	wait_for "$OUT" "$m\.a$" 5
	sleep 0.2
	stop_tool
	read -r pid _ _ < <(opened "$TMP/h.n" "$TMP/$m.a")
	if [ "$(field_for "$TMP/$m.a" 1) $(field_for "$TMP/$m.a" 2)" = "$pid $name" ] &&
		[ -z "$(lines_for "$TMP/$m.b")" ] &&
		! awk -v n="$name" 'NR > 1 && $2 != n { bad = 1 } END { exit !bad }' "$OUT"; then
		ok "-n NAME shows matching commands only"
	else
		fail "-n NAME shows matching commands only" "$(head -c 400 "$OUT")"
	fi
else
	fail "-n NAME shows matching commands only" "did not start: $(cat "$OUT.err")"
fi

# --- -u: user filter ----------------------------------------------------------
if start_tool "$OUT" "$TOOL" -u 65534; then
	opener "$TMP/$m.b" >/dev/null
	run_as_nobody "$PY" "$TMP/opener.py" "$TMP/$m.a" >"$TMP/h.u"
	wait_for "$OUT" "$m\.a$" 5
	sleep 0.2
	stop_tool
	read -r pid _ _ < <(opened "$TMP/h.u" "$TMP/$m.a")
	if [ "$(field_for "$TMP/$m.a" 1)" = "$pid" ] && [ -z "$(lines_for "$TMP/$m.b")" ]; then
		ok "-u UID shows that user's opens only"
	else
		fail "-u UID shows that user's opens only" "$(head -c 400 "$OUT")"
	fi
else
	fail "-u UID shows that user's opens only" "did not start: $(cat "$OUT.err")"
fi

# --- -c: cgroup filter ---------------------------------------------------------
cgroot=$(findmnt -n -o TARGET -t cgroup2 | head -1)
cg=$cgroot/bpfscope-opensnoop-$$
if [ -z "$cgroot" ] || ! mkdir "$cg" 2>/dev/null; then
	skip "-c CGROUP shows that cgroup only" "no writable cgroup v2 hierarchy"
elif on_exit rmdir "$cg" && start_opener "$TMP/h.c" "$TMP/$m.a" &&
	echo "$HELPER_PID" >"$cg/cgroup.procs" && start_tool "$OUT" "$TOOL" -c "$cg"; then
	opener "$TMP/$m.b" >/dev/null		# outside the cgroup, first
	touch "$TMP/h.c.go"
	wait "$HELPER_JOB"
	wait_for "$OUT" "$m\.a$" 5
	sleep 0.3
	stop_tool
	if [ "$(field_for "$TMP/$m.a" 1)" = "$HELPER_PID" ] && [ -z "$(lines_for "$TMP/$m.b")" ]; then
		ok "-c CGROUP shows that cgroup only"
	else
		fail "-c CGROUP shows that cgroup only" "$(head -c 400 "$OUT")"
	fi
else
	fail "-c CGROUP shows that cgroup only" "did not start: $(cat "$OUT.err" 2>/dev/null)"
fi

# --- --json -------------------------------------------------------------------
if start_tool "$OUT" "$TOOL" --json; then
	opener -c "$TMP/$m.new" "$TMP/$m.nope/x" >"$TMP/h.j"
	wait_for "$OUT" "$m\.nope/x\"" 5
	stop_tool
	read -r pid tid fd < <(opened "$TMP/h.j" "$TMP/$m.new")
	err=$("$PY" - "$OUT" "$TMP/$m" "$pid" "$tid" "$fd" <<'EOF'
import json, sys
out, m = sys.argv[1:3]
pid, tid, fd = map(int, sys.argv[3:6])
recs = {}
for line in open(out):
    r = json.loads(line)		# every line must be valid JSON
    recs[r['path']] = r
new, bad = recs.get(m + '.new'), recs.get(m + '.nope/x')
want = {'pid': pid, 'tid': tid, 'fd': fd, 'err': 0, 'uid': 0, 'syscall': 'openat'}
if not new or any(new.get(k) != v for k, v in want.items()):
    sys.exit('created file: want %s got %s' % (want, new))
if not {'O_WRONLY', 'O_CREAT', 'O_CLOEXEC'} <= set(new['flag_names']) or new['mode'] != 0o644:
    sys.exit('flags/mode: %s' % new)
if not isinstance(new['ts'], float) or not new['comm'] or len(new['time']) != 8:
    sys.exit('ts/comm/time: %s' % new)
if not bad or (bad['fd'], bad['err'], bad.get('error')) != (-1, 2, 'ENOENT'):
    sys.exit('failed open: %s' % bad)
EOF
)
	if [ $? = 0 ]; then ok "--json: valid JSON Lines with the right fields"
	else fail "--json: valid JSON Lines with the right fields" "$err"; fi
else
	fail "--json: valid JSON Lines with the right fields" "did not start: $(cat "$OUT.err")"
fi

# --- openat2() ----------------------------------------------------------------
openat2_check() {
	local name=$1 pid fd
	shift
	if ! start_tool "$OUT" "$TOOL" --json "$@"; then
		fail "$name" "did not start: $(cat "$OUT.err")"
		return
	fi
	opener -2 "$TMP/$m.a" >"$TMP/h.2"
	wait_for "$OUT" "$m\.a\"" 3
	stop_tool
	read -r pid _ fd < <(opened "$TMP/h.2" "$TMP/$m.a")
	if [ "$fd" = -38 ]; then
		skip "$name" "kernel has no openat2() (needs Linux >= 5.6)"
	elif "$PY" -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(not any(r["path"] == sys.argv[2] and r["syscall"] == "openat2" and
    r["pid"] == int(sys.argv[3]) and r["fd"] == int(sys.argv[4]) and
    "O_CLOEXEC" in r["flag_names"] for r in recs))' "$OUT" "$TMP/$m.a" "$pid" "$fd"; then
		ok "$name"
	else
		fail "$name" "fd $fd: $(grep -F "$m" "$OUT" | head -3)"
	fi
}
openat2_check "openat2() is reported with its flags"
BPFSCOPE_AVOID=tracepoint openat2_check "openat2() through raw_syscalls" -v
check_path "openat2() through raw_syscalls: raw_syscalls taken" "$OUT.err" kinds=raw_tp

# --- -f: flag filter ----------------------------------------------------------
if start_tool "$OUT" "$TOOL" -f O_CREAT,O_TRUNC; then
	opener "$TMP/$m.a" >/dev/null
	opener -c "$TMP/$m.created" >/dev/null
	wait_for "$OUT" "$m\.created$" 5
	stop_tool
	if [ -n "$(lines_for "$TMP/$m.created")" ] && [ -z "$(lines_for "$TMP/$m.a")" ]; then
		ok "-f O_CREAT shows creating opens only"
	else
		fail "-f O_CREAT shows creating opens only" "$(grep -F "$m" "$OUT" | head -3)"
	fi
else
	fail "-f O_CREAT shows creating opens only" "did not start: $(cat "$OUT.err")"
fi

# --- control characters are escaped -------------------------------------------
weird="$TMP/${m}_tab"$'\t'"esc"$'\x1b'"[31m_nl"$'\n'"end"
echo x >"$weird"

# run_weird OUTFILE ARGS...: trace the open of $weird; false if it was not seen.
run_weird() {
	local out=$1 seen
	shift
	start_tool "$out" "$TOOL" "$@" || return 1
	opener "$weird" >/dev/null
	wait_for "$out" "${m}_tab" 5
	seen=$?
	stop_tool
	return $seen
}

if run_weird "$OUT" && run_weird "$OUT.json" --json; then
	if grep -qF "${m}_tab\\x09esc\\x1b[31m_nl\\x0aend" "$OUT" &&
		! LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$OUT" "$OUT.json" &&
		"$PY" -c '
import json, sys
sys.exit(not any(json.loads(l)["path"] == sys.argv[2] for l in open(sys.argv[1])))' \
			"$OUT.json" "$weird"; then
		ok "control characters in paths are escaped"
	else
		fail "control characters in paths are escaped" "$(grep -a "${m}_tab" "$OUT" | cat -v)"
	fi
else
	fail "control characters in paths are escaped" "no event: $(cat "$OUT.err")"
fi

# --- a COMM shown with escapes keeps the columns after it aligned ------------
cname=o$'\t's$'\xff'
ln -s "$PY" "$TMP/$cname"
if start_tool "$OUT" "$TOOL"; then
	"$TMP/$cname" "$TMP/opener.py" "$TMP/$m.b" >/dev/null
	wait_for "$OUT" "$m\.b$" 5
	stop_tool
	if "$PY" - "$OUT" "$TMP/$m.b" <<'EOF'
import sys
lines = open(sys.argv[1], encoding='ascii').read().splitlines()
head, line = lines[0], [l for l in lines if l.endswith(' ' + sys.argv[2])][0]
fd, err = head.index(' FD ') + 3, head.index(' ERR ') + 4
sys.exit(not (' o\\x09s\\xff ' in line and line[fd - 3:fd].strip().isdigit() and
              line[err - 3:err] == '  0' and line[err] == ' '))
EOF
	then
		ok "a COMM shown with escapes keeps FD and ERR under their headers"
	else
		fail "a COMM shown with escapes keeps FD and ERR under their headers" \
			"$(head -1 "$OUT"; grep -aF "$m.b" "$OUT" | head -2)"
	fi
else
	fail "a COMM shown with escapes keeps FD and ERR under their headers" "did not start"
fi

# --- long paths are cut at 255 bytes, and say so ------------------------------
long_path_check() {
	local name=$1 long cut
	shift
	long=$TMP/$(printf 'a%.0s' {1..100})/$(printf 'b%.0s' {1..100})/$(printf 'c%.0s' {1..100})
	mkdir -p "$long"
	long=$long/$m.long
	echo x >"$long"
	cut=${long:0:255}
	if ! start_tool "$OUT" "$TOOL" "$@"; then
		fail "$name" "did not start: $(cat "$OUT.err")"
		return
	fi
	opener "$long" >/dev/null
	wait_for "$OUT" "ccc" 5
	stop_tool
	if [ "$1" = --json ]; then
		"$PY" -c '
import json, sys
sys.exit(not any(r["path"] == sys.argv[2] and r["path_truncated"]
    for r in map(json.loads, open(sys.argv[1]))))' "$OUT" "$cut"
	else
		[ -n "$(lines_for "$cut...")" ]
	fi
	if [ $? = 0 ]; then ok "$name"; else fail "$name" "$(grep ccc "$OUT" | head -2)"; fi
}
long_path_check "a path longer than 255 bytes is cut and marked" --json
BPFSCOPE_AVOID=ringbuf long_path_check "a long path is cut and marked on the perf buffer path" -v
check_path "a long path on the perf buffer path: perf buffer taken" "$OUT.err" buffer=perfbuf

# --- -F: relative paths from the cwd or dirfd, across a mount -----------------
full_path_check() {
	local name=$1 sub dir
	shift
	mkdir -p "$TMP/d1/mnt"
	if ! mountpoint -q "$TMP/d1/mnt"; then
		if mount -t tmpfs bpfscope-test "$TMP/d1/mnt" 2>/dev/null; then
			on_exit umount "$TMP/d1/mnt"
		fi
	fi
	mkdir -p "$TMP/d1/mnt/d2"
	echo x >"$TMP/d1/mnt/d2/$m.rel"
	dir=$(realpath "$TMP/d1/mnt/d2")
	if ! start_tool "$OUT" "$TOOL" -F "$@"; then
		fail "$name" "did not start: $(cat "$OUT.err")"
		return
	fi
	(cd "$dir" && opener "$m.rel" "../$m.none" >/dev/null)
	opener -d "$dir" "$m.rel" >/dev/null
	wait_for "$OUT" "$m\.rel$" 5
	sleep 0.3
	stop_tool
	if [ "$(lines_for "$dir/$m.rel" | wc -l)" = 2 ] && [ -n "$(lines_for "$dir/../$m.none")" ]; then
		ok "$name"
	else
		fail "$name" "want $dir/$m.rel twice: $(grep -F "$m" "$OUT" | head -3)"
	fi
}
full_path_check "-F joins relative paths to the cwd or dirfd, across mounts"
BPFSCOPE_AVOID=task_pt_regs full_path_check "-F on the entry/exit path" -v
check_path "-F on the entry/exit path: entry and exit taken" "$OUT.err" \
	sys_enter_openat=tracepoint sys_exit_openat=tracepoint
BPFSCOPE_AVOID=tracepoint full_path_check "-F through raw_syscalls" -v
check_path "-F through raw_syscalls: raw_syscalls taken" "$OUT.err" kinds=raw_tp sys_exit=raw_tp

# --- -d: stops by itself ------------------------------------------------------
start=$(date +%s)
timeout 20 "$BIN/$TOOL" -d 1 >"$OUT" 2>"$OUT.err"
rc=$?
if [ $rc = 0 ] && [ $(($(date +%s) - start)) -lt 10 ] && head -1 "$OUT" | grep -q '^PID '; then
	ok "-d 1 traces for a second and exits 0"
else
	fail "-d 1 traces for a second and exits 0" "rc=$rc $(cat "$OUT.err")"
fi

# --- bad input ----------------------------------------------------------------
for args in "-f O_BOGUS" "-f O_WRONLY -f ," "-f O_WRONLY,,O_CREAT" "-n this_name_is_too_long" \
	"-d 0" "-p 0"; do
	timeout 10 "$BIN/$TOOL" $args >"$OUT" 2>"$OUT.err" # one accepted would trace on
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$OUT.err")" = 1 ] && grep -q "^$TOOL: " "$OUT.err"; then
		ok "bad input '$args' is a one-line usage error"
	else
		fail "bad input '$args' is a one-line usage error" "rc=$rc $(cat "$OUT.err")"
	fi
done
