#!/bin/bash
# syncsnoop: sync(), syncfs(), fsync(), fdatasync(), sync_file_range() and
# msync() made by processes with unique names are reported once each, with
# the right PID and call, on every hook path; each filter keeps what it
# should and only that.
. "$(dirname "$0")/../lib.sh"
need python3 jq setpriv

TOOL=syncsnoop
# The system interpreter if there is one: -u runs it as nobody.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(python3 -c 'import sys; print(sys.executable)')
HELPER=$TOP/tests/integration/helpers/syncsnoop_calls.py
OUT=$TMP/out

m=$(marker sy)
CALLS=(sync syncfs fsync fdatasync sync_file_range msync)
C1=sy1_$RANDOM
C2=sy2_$RANDOM
# The file each helper syncs (nobody may open it for writing too).
DAT=$TMP/$m.dat
touch "$DAT"
chmod 666 "$DAT"

# calls [-T] NAME: make every call as a process named NAME (prints "ready PID TID").
calls() { "$PY" "$HELPER" "$@" "$DAT" "${CALLS[@]}"; }

# start_calls OUTFILE [-T] NAME: run the helper waiting for OUTFILE.go; sets
# HELPER_PID and HELPER_TID once it is ready, HELPER_JOB to wait for it.
start_calls() {
	local out=$1
	shift
	rm -f "$out" "$out.go"
	$RUN "$PY" "$HELPER" -w "$out.go" "$@" "$DAT" "${CALLS[@]}" >"$out" 2>&1 &
	HELPER_JOB=$!
	wait_for "$out" '^ready ' 10 || return 1
	read -r _ HELPER_PID HELPER_TID <"$out"
}
RUN=

# go_calls OUTFILE: let the helper started by start_calls make its calls, and wait for it.
go_calls() {
	touch "$1.go"
	wait "$HELPER_JOB"
}

# The lines of every call once by process PID named NAME.
want_all() { for c in "${CALLS[@]}"; do echo "$1 $2 $c"; done | sort; }

# Every text line of a marked helper (either name), as "PID NAME CALL", sorted.
marked() { awk '$3 ~ /^sy[12]_/ { print $2, $3, $4 }' "$OUT" | sort; }

# --- every call, on every hook path -----------------------------------------
basic_check() {
	local name=$1 pid got
	shift
	if ! start_tool "$OUT" "$TOOL" "$@"; then
		fail "$name" "did not start: $(head -c 300 "$OUT.err")"
		return
	fi
	calls "$C1" >"$TMP/h.basic"
	read -r _ pid _ <"$TMP/h.basic"
	wait_for "$OUT" " $C1 +msync$" 5
	sleep 0.1
	stop_tool
	got=$(marked)
	if [ "$got" = "$(want_all "$pid" "$C1")" ]; then
		ok "$name"
	else
		fail "$name" "pid $pid, got: $(echo $got | head -c 400)"
	fi
}

basic_check "-v: each call once with its PID on the best path" -v
check_path "best path: entry tracepoints, ring buffer, CO-RE against the cut BTF" "$OUT.err" \
	kinds=tracepoint sys_enter_sync=tracepoint sys_enter_syncfs=tracepoint \
	sys_enter_fsync=tracepoint sys_enter_fdatasync=tracepoint \
	sys_enter_sync_file_range=tracepoint sys_enter_msync=tracepoint buffer=ringbuf core=cut
check "header is TIME(s) PID COMM CALL" grep -qE '^TIME\(s\) +PID +COMM +CALL$' "$OUT"
check "TIME(s) is seconds since the start" grep -qE "^[0-9]+\.[0-9]{3} +[0-9]+ +$C1 +sync$" "$OUT"
BPFSCOPE_AVOID=ringbuf basic_check "perf buffer path (BPFSCOPE_AVOID=ringbuf)" -v
check_path "BPFSCOPE_AVOID=ringbuf takes the perf buffer" "$OUT.err" buffer=perfbuf \
	kinds=tracepoint
# Kernels without syscall tracepoints: raw_syscalls' entry, forced by avoiding them.
BPFSCOPE_AVOID=tracepoint basic_check "raw_syscalls path (BPFSCOPE_AVOID=tracepoint)" -v
check_path "the raw_syscalls path is taken without syscall tracepoints" "$OUT.err" \
	kinds=raw_tp sys_enter=raw_tp buffer=ringbuf

# --- --json: ids, call names and what each call names ------------------------
json_check() {
	local name=$1 pid tid got want
	shift
	if ! start_tool "$OUT" "$TOOL" --json "$@"; then
		fail "$name" "did not start: $(cat "$OUT.err")"
		return
	fi
	calls -T "$C1" >"$TMP/h.json"
	read -r _ pid tid <"$TMP/h.json"
	wait_for "$OUT" "\"tid\":$tid,.*\"call\":\"msync\"" 5
	stop_tool
	# "pid tid call fd-or-address" per call, from the tool and from the helper.
	got=$(jq -r --arg c "$C1" 'select(.comm == $c) |
		"\(.pid) \(.tid) \(.call) \(.fd // .addr // 0)"' "$OUT" 2>&1 | sort)
	want=$(awk -v p="$pid" -v t="$tid" 'NR > 1 { print p, (NR <= 7 ? p : t), $1, $2 }' \
		"$TMP/h.json" | sort)
	if [ -n "$want" ] && [ "$got" = "$want" ]; then
		ok "$name"
	else
		fail "$name" "$(diff <(echo "$want") <(echo "$got") | head -c 600)"
	fi
}
json_check "--json: PID, TID, call, and the descriptor (msync: address) of each call"
BPFSCOPE_AVOID=tracepoint json_check "--json on the raw_syscalls path: the same arguments" -v
check_path "--json on the raw_syscalls path: raw_syscalls taken" "$OUT.err" kinds=raw_tp

# --- -T -U: time of day and UID columns ---------------------------------------
if start_tool "$OUT" "$TOOL" -T -U; then
	calls "$C1" >"$TMP/h.T"
	read -r _ pid _ <"$TMP/h.T"
	wait_for "$OUT" " $C1 +msync$" 5
	stop_tool
	if grep -qE '^TIME +TIME\(s\) +UID +PID +COMM +CALL$' "$OUT" &&
		grep -qE "^[0-9]{2}:[0-9]{2}:[0-9]{2} +[0-9]+\.[0-9]{3} +0 +$pid +$C1 +fsync$" "$OUT"; then
		ok "-T -U add TIME and UID columns"
	else
		fail "-T -U add TIME and UID columns" "$(head -1 "$OUT"; grep " $C1 " "$OUT" | head -2)"
	fi
else
	fail "-T -U add TIME and UID columns" "did not start: $(cat "$OUT.err")"
fi

# filter_check NAME FILTER-ARGS...: after start_calls started the helper to
# keep (C1), the other helper (C2) makes its calls first; only C1's may be shown.
filter_check() {
	local name=$1 got
	shift
	if ! start_tool "$OUT" "$TOOL" "$@"; then
		fail "$name" "did not start: $(cat "$OUT.err")"
		kill "$HELPER_JOB" 2>/dev/null
		return
	fi
	calls "$C2" >/dev/null
	go_calls "$TMP/h.f"
	wait_for "$OUT" " $C1 +msync$" 5
	sleep 0.3
	stop_tool
	got=$(marked)
	if [ "$got" = "$(want_all "$HELPER_PID" "$C1")" ]; then
		ok "$name"
	else
		fail "$name" "pid $HELPER_PID: $(echo $got | head -c 400)"
	fi
}

if start_calls "$TMP/h.f" "$C1"; then
	filter_check "-p PID shows that process only" -p "$HELPER_PID"
else
	fail "-p PID shows that process only" "helper: $(cat "$TMP/h.f")"
fi
if start_calls "$TMP/h.f" "$C1"; then
	filter_check "-n NAME shows matching commands only" -n "${C1:1}"
else
	fail "-n NAME shows matching commands only" "helper: $(cat "$TMP/h.f")"
fi
if RUN=run_as_nobody start_calls "$TMP/h.f" "$C1"; then
	filter_check "-u UID shows that user's calls only" -u 65534
else
	fail "-u UID shows that user's calls only" "helper: $(cat "$TMP/h.f")"
fi

cgroot=$(findmnt -n -o TARGET -t cgroup2 | head -1)
cg=$cgroot/bpfscope-syncsnoop-$$
if [ -z "$cgroot" ] || ! mkdir "$cg" 2>/dev/null; then
	skip "-c CGROUP shows that cgroup only" "no writable cgroup v2 hierarchy"
elif on_exit rmdir "$cg" && start_calls "$TMP/h.f" "$C1" &&
	echo "$HELPER_PID" >"$cg/cgroup.procs"; then
	filter_check "-c CGROUP shows that cgroup only" -c "$cg"
else
	fail "-c CGROUP shows that cgroup only" "helper: $(cat "$TMP/h.f")"
fi

# -t: the helper's second thread; its main thread makes the same calls first.
if start_calls "$TMP/h.f" -T "$C1" && start_tool "$OUT" "$TOOL" -t "$HELPER_TID" --json; then
	go_calls "$TMP/h.f"
	wait_for "$OUT" '"call":"msync"' 5
	sleep 0.3
	stop_tool
	got=$(jq -r --arg c "$C1" 'select(.comm == $c) | "\(.pid) \(.tid)"' "$OUT" |
		uniq -c)
	if [ "$(echo $got)" = "6 $HELPER_PID $HELPER_TID" ]; then
		ok "-t TID shows that thread only"
	else
		fail "-t TID shows that thread only" "want 6 of $HELPER_PID $HELPER_TID, got: $got"
	fi
else
	fail "-t TID shows that thread only" "did not start: $(cat "$OUT.err" "$TMP/h.f")"
fi

# --- -d: stops by itself ------------------------------------------------------
start=$(date +%s)
timeout 20 "$BIN/$TOOL" -d 1 >"$OUT" 2>"$OUT.err"
rc=$?
if [ $rc = 0 ] && [ $(($(date +%s) - start)) -lt 10 ] && head -1 "$OUT" | grep -q '^TIME(s) '; then
	ok "-d 1 traces for a second and exits 0"
else
	fail "-d 1 traces for a second and exits 0" "rc=$rc $(cat "$OUT.err")"
fi

# --- bad input ----------------------------------------------------------------
for args in "-p 0" "-t x1" "-n this_name_is_too_long" "-d 0" "-u no_such_user_xyz" "5"; do
	timeout 10 "$BIN/$TOOL" $args >"$OUT" 2>"$OUT.err" # one accepted would trace on
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$OUT.err")" = 1 ] && grep -q "^$TOOL: " "$OUT.err"; then
		ok "bad input '$args' is a one-line usage error"
	else
		fail "bad input '$args' is a one-line usage error" "rc=$rc $(cat "$OUT.err")"
	fi
done
