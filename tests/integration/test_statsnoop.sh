#!/bin/bash
# statsnoop: stat(), lstat(), newfstatat(), statx() and statfs() calls on
# paths unique to this run, made by processes with unique names, are reported
# with the right PID, RET, ERR and path on every hook path; each filter keeps
# what it should and only that.
. "$(dirname "$0")/../lib.sh"
need python3 jq setpriv

TOOL=statsnoop
# The system interpreter if there is one: -u runs it as nobody.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(python3 -c 'import sys; print(sys.executable)')
HELPER=$TOP/tests/integration/helpers/statsnoop_calls.py
OUT=$TMP/out

m=$(marker st)
A=$TMP/$m.a
MISSING=$TMP/$m.missing
echo data >"$A"
chmod 644 "$A"
# Every call on the marked file, and a stat() that fails with ENOENT.
ALL=(stat "$A" lstat "$A" newfstatat "$A" statx "$A" statfs "$A" stat "$MISSING")
C1=st1_$RANDOM
C2=st2_$RANDOM

# calls NAME CALL PATH...: make the calls as a process named NAME (prints "ready PID TID").
calls() { "$PY" "$HELPER" "$@"; }

# start_calls OUTFILE ARGS...: run the helper waiting for OUTFILE.go; sets
# HELPER_PID and HELPER_TID once it is ready, HELPER_JOB to wait for it.
start_calls() {
	local out=$1
	shift
	rm -f "$out" "$out.go"
	$RUN "$PY" "$HELPER" -w "$out.go" "$@" >"$out" 2>&1 &
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

# marked [FILE]: the text lines of a command named C1 or C2 on a path of this run.
marked() { awk -v m="$m" '($2 ~ /^st[12]_/) && index($0, m)' "${1:-$OUT}"; }

# The lines ALL gives for process PID named NAME (sorted: the perf buffer is per CPU).
want_all() {
	printf '%s\n' "$1 $2 0 0 $A" "$1 $2 0 0 $A" "$1 $2 0 0 $A" "$1 $2 0 0 $A" \
		"$1 $2 0 0 $A" "$1 $2 -1 2 $MISSING" | sort
}

# --- every call, on every hook path -----------------------------------------
# basic_check NAME TOOL-ARGS...: the marked calls appear once each, with the
# helper's PID, RET 0 / ERR 0 (RET -1 / ERR 2 for the missing file).
basic_check() {
	local name=$1 pid got
	shift
	if ! start_tool "$OUT" "$TOOL" "$@"; then
		fail "$name" "did not start: $(head -c 300 "$OUT.err")"
		return
	fi
	calls "$C1" "${ALL[@]}" >"$TMP/h.basic"
	read -r _ pid _ <"$TMP/h.basic"
	wait_for "$OUT" "$m\.missing$" 5
	sleep 0.1
	stop_tool
	got=$(marked | awk '{ print $1, $2, $3, $4, $5 }' | sort)
	if [ "$got" = "$(want_all "$pid" "$C1")" ]; then
		ok "$name"
	else
		fail "$name" "pid $pid, got: $(echo $got | head -c 400)"
	fi
}

basic_check "-v: each call with its PID, RET and ERR on the best path" -v
check_path "best path: exit tracepoints alone, ring buffer, CO-RE against the cut BTF" "$OUT.err" \
	kinds=tracepoint sys_exit_newfstatat=tracepoint sys_exit_newstat=tracepoint \
	sys_exit_newlstat=tracepoint sys_exit_statx=tracepoint sys_exit_statfs=tracepoint \
	sys_enter_newfstatat=- buffer=ringbuf core=cut
check "header is PID COMM RET ERR PATH" grep -qE '^PID +COMM +RET ERR PATH$' "$OUT"
BPFSCOPE_AVOID=task_pt_regs basic_check "entry/exit path (BPFSCOPE_AVOID=task_pt_regs)" -v
check_path "BPFSCOPE_AVOID=task_pt_regs takes the entry/exit pairs" "$OUT.err" \
	kinds=tracepoint sys_enter_newstat=tracepoint sys_exit_newstat=tracepoint \
	sys_enter_statx=tracepoint sys_exit_statfs=tracepoint buffer=ringbuf
BPFSCOPE_AVOID=ringbuf basic_check "perf buffer path (BPFSCOPE_AVOID=ringbuf)" -v
check_path "BPFSCOPE_AVOID=ringbuf takes the perf buffer" "$OUT.err" buffer=perfbuf \
	sys_exit_newfstatat=tracepoint
# Kernels without syscall tracepoints: raw_syscalls' exit, forced by avoiding them.
BPFSCOPE_AVOID=tracepoint basic_check "raw_syscalls path (BPFSCOPE_AVOID=tracepoint)" -v
check_path "the raw_syscalls path is taken without syscall tracepoints" "$OUT.err" \
	kinds=raw_tp sys_exit=raw_tp buffer=ringbuf

# --- --json: the call names, ids, errors; escaped and long paths ------------
W="$TMP/${m}_nl"$'\n'"x"$'\x1b'"[31m"
LONG=$TMP/$m/$(printf 'a%.0s' {1..300})
if start_tool "$OUT" "$TOOL" --json; then
	calls -T "$C1" "${ALL[@]}" stat "$W" statx "$LONG" >"$TMP/h.json"
	read -r _ pid tid <"$TMP/h.json"
	wait_for "$OUT" "aaaa\"" 5
	stop_tool
	# One line per call, thread and path: "syscall ret err error dirfd tid path"
	got=$(jq -r --arg m "$m" --arg c "$C1" --argjson p "$pid" \
		'select(.comm == $c and .pid == $p and (.path | contains($m))) |
		[.syscall, .ret, .err, .error // "-", .dirfd // "-", .tid, .path,
		.path_truncated] | @json' "$OUT" 2>&1 | sort)
	want=$(for t in "$pid" "$tid"; do
		for c in stat lstat statfs; do
			jq -nc --arg c $c --arg p "$A" --argjson t "$t" '[$c, 0, 0, "-", "-", $t, $p, false]'
		done
		for c in newfstatat statx; do
			jq -nc --arg c $c --arg p "$A" --argjson t "$t" '[$c, 0, 0, "-", -100, $t, $p, false]'
		done
		jq -nc --arg p "$MISSING" --argjson t "$t" '["stat", -1, 2, "ENOENT", "-", $t, $p, false]'
		jq -nc --arg p "$W" --argjson t "$t" '["stat", -1, 2, "ENOENT", "-", $t, $p, false]'
		jq -nc --arg p "${LONG:0:255}" --argjson t "$t" \
			'["statx", -1, 2, "ENOENT", -100, $t, $p, true]'
	done | sort)
	if [ "$got" = "$want" ]; then
		ok "--json: each call by name, with PID, TID, RET, ERR, dirfd and path"
	else
		fail "--json: each call by name, with PID, TID, RET, ERR, dirfd and path" \
			"$(diff <(echo "$want") <(echo "$got") | head -c 600)"
	fi
else
	fail "--json: each call by name, with PID, TID, RET, ERR, dirfd and path" \
		"did not start: $(cat "$OUT.err")"
fi

# --- text: control bytes escaped, long paths cut and marked -----------------
if start_tool "$OUT" "$TOOL"; then
	calls "$C1" stat "$W" statx "$LONG" >/dev/null
	wait_for "$OUT" "aaaa\.\.\.$" 5
	stop_tool
	line=$(grep -aF -- "${m}_nl" "$OUT")
	if [[ $line == *" $C1 "*" -1   2 $TMP/${m}_nl\\x0ax\\x1b[31m" ]] &&
		! LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$OUT"; then
		ok "control bytes in paths are escaped"
	else
		fail "control bytes in paths are escaped" "$(grep -a "${m}_nl" -A1 "$OUT" | cat -v)"
	fi
	check "a path longer than 255 bytes is cut there and marked ..." \
		grep -qF " $C1 " <(grep -F -- " ${LONG:0:255}..." "$OUT")
else
	fail "control bytes in paths are escaped" "did not start: $(cat "$OUT.err")"
fi

# --- -x: failed calls only (with -T and -U: time of day and UID columns) ----
if start_tool "$OUT" "$TOOL" -x -T -U; then
	calls "$C1" "${ALL[@]}" >"$TMP/h.x"
	read -r _ pid _ <"$TMP/h.x"
	wait_for "$OUT" "$m\.missing$" 5
	stop_tool
	got=$(awk -v m="$m" 'index($0, m)' "$OUT")
	if [[ $got =~ ^[0-9]{2}:[0-9]{2}:[0-9]{2}\ +0\ +$pid\ +$C1\ +-1\ +2\ $MISSING$ ]]; then
		ok "-x shows the failed call only (RET -1, ERR 2)"
	else
		fail "-x shows the failed call only (RET -1, ERR 2)" "pid $pid: $got"
	fi
	check "-T -U add TIME and UID columns" grep -qE '^TIME +UID +PID +COMM +RET ERR PATH$' "$OUT"
else
	fail "-x shows the failed call only (RET -1, ERR 2)" "did not start: $(cat "$OUT.err")"
fi

# --- -t: seconds since the start ---------------------------------------------
if start_tool "$OUT" "$TOOL" -t; then
	calls "$C1" stat "$A" >"$TMP/h.t"
	read -r _ pid _ <"$TMP/h.t"
	wait_for "$OUT" "$m\.a$" 5
	stop_tool
	if grep -qE '^TIME\(s\) +PID +COMM +RET ERR PATH$' "$OUT" &&
		grep -qE "^[0-9]+\.[0-9]{3} +$pid +$C1 +0 +0 $A$" "$OUT"; then
		ok "-t adds a TIME(s) column"
	else
		fail "-t adds a TIME(s) column" "$(head -1 "$OUT"; marked)"
	fi
else
	fail "-t adds a TIME(s) column" "did not start: $(cat "$OUT.err")"
fi

# filter_check NAME FILTER-ARGS... : after a setup that started the helper to
# keep (C1, start_calls) and set KEEP_PID, the other helper (C2) runs first;
# only C1's calls may be shown.
filter_check() {
	local name=$1 got
	shift
	if ! start_tool "$OUT" "$TOOL" "$@"; then
		fail "$name" "did not start: $(cat "$OUT.err")"
		kill "$HELPER_JOB" 2>/dev/null
		return
	fi
	calls "$C2" "${ALL[@]}" >/dev/null
	go_calls "$TMP/h.f"
	wait_for "$OUT" "$m\.missing$" 5
	sleep 0.3
	stop_tool
	got=$(marked | awk '{ print $1, $2, $3, $4, $5 }' | sort)
	if [ "$got" = "$(want_all "$HELPER_PID" "$C1")" ]; then
		ok "$name"
	else
		fail "$name" "pid $HELPER_PID: $(echo $got | head -c 400)"
	fi
}

if start_calls "$TMP/h.f" "$C1" "${ALL[@]}"; then
	filter_check "-p PID shows that process only" -p "$HELPER_PID"
else
	fail "-p PID shows that process only" "helper: $(cat "$TMP/h.f")"
fi
if start_calls "$TMP/h.f" "$C1" "${ALL[@]}"; then
	filter_check "-n NAME shows matching commands only" -n "${C1:1}"
else
	fail "-n NAME shows matching commands only" "helper: $(cat "$TMP/h.f")"
fi

# -u: the kept helper runs as nobody, the other as root.
if RUN=run_as_nobody start_calls "$TMP/h.f" "$C1" "${ALL[@]}"; then
	filter_check "-u UID shows that user's calls only" -u 65534
else
	fail "-u UID shows that user's calls only" "helper: $(cat "$TMP/h.f")"
fi

cgroot=$(findmnt -n -o TARGET -t cgroup2 | head -1)
cg=$cgroot/bpfscope-statsnoop-$$
if [ -z "$cgroot" ] || ! mkdir "$cg" 2>/dev/null; then
	skip "-c CGROUP shows that cgroup only" "no writable cgroup v2 hierarchy"
elif on_exit rmdir "$cg" && start_calls "$TMP/h.f" "$C1" "${ALL[@]}" &&
	echo "$HELPER_PID" >"$cg/cgroup.procs"; then
	filter_check "-c CGROUP shows that cgroup only" -c "$cg"
else
	fail "-c CGROUP shows that cgroup only" "helper: $(cat "$TMP/h.f")"
fi

# --tid: the helper's second thread; its main thread makes the same calls first.
if start_calls "$TMP/h.f" -T "$C1" "${ALL[@]}" && start_tool "$OUT" "$TOOL" --tid "$HELPER_TID" --json
then
	go_calls "$TMP/h.f"
	wait_for "$OUT" "$m\.missing\"" 5
	sleep 0.3
	stop_tool
	got=$(jq -r --arg m "$m" 'select(.path | contains($m)) | "\(.pid) \(.tid)"' "$OUT" | uniq -c)
	if [ "$(echo $got)" = "6 $HELPER_PID $HELPER_TID" ]; then
		ok "--tid TID shows that thread only"
	else
		fail "--tid TID shows that thread only" "want 6 of $HELPER_PID $HELPER_TID, got: $got"
	fi
else
	fail "--tid TID shows that thread only" "did not start: $(cat "$OUT.err" "$TMP/h.f")"
fi

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
for args in "-p 0" "-p x1" "--tid -3" "-n this_name_is_too_long" "-d 0" "-u no_such_user_xyz"; do
	timeout 10 "$BIN/$TOOL" $args >"$OUT" 2>"$OUT.err" # one accepted would trace on
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$OUT.err")" = 1 ] && grep -q "^$TOOL: " "$OUT.err"; then
		ok "bad input '$args' is a one-line usage error"
	else
		fail "bad input '$args' is a one-line usage error" "rc=$rc $(cat "$OUT.err")"
	fi
done
