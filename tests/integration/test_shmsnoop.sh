#!/bin/bash
# shmsnoop: a program using System V shared memory with a key unique to this
# run is reported call by call with its PID (or TID), the decoded arguments
# and the results it saw; each filter keeps what it should and only that.
. "$(dirname "$0")/../lib.sh"
need cc jq

TOOL=shmsnoop
OUT=$TMP/out
SHM=$TMP/shmsnoop_shm
cc -O1 -pthread -o "$SHM" "$TOP/tests/helpers/shmsnoop_shm.c" || bail_out "cannot build the helper"
KEY=$(printf '0x5e%06x' $((RANDOM * 256 + RANDOM % 256)))
KEY2=$(printf '0x6e%06x' $((RANDOM * 256 + RANDOM % 256)))

# start_shm OUTFILE ARGS...: the helper waiting for OUTFILE.go; HELPER_PID, HELPER_TID.
start_shm() {
	local out=$1
	shift
	rm -f "$out.go"
	"$SHM" "$@" -w "$out.go" >"$out" 2>&1 &
	HELPER_JOB=$!
	wait_for "$out" '^ready ' 10 || return 1
	read -r _ HELPER_PID HELPER_TID <"$out"
}

# result HELPEROUT: "PID TID ID ADDR ERR" the helper printed.
result() { awk '$1 == "pid" { print $2, $4, $6, $8, $10 }' "$1"; }

# The lines a run of the helper with key K must give, after ID (PID or TID)
# and COMM; ADDR and SHMID from its own output.
want_lines() {
	local k=$1 shmid=$2 addr=$3
	printf '%s\n' \
		"SHMGET $(printf %x "$shmid") key: $k, size: 4096, shmflg: 0x780 (IPC_CREAT|IPC_EXCL|0600)" \
		"SHMAT $addr shmid: $(printf 0x%x "$shmid"), shmaddr: 0x0, shmflg: 0x1000 (SHM_RDONLY)" \
		"SHMDT 0 shmaddr: 0x$addr" \
		"SHMCTL 0 shmid: $(printf 0x%x "$shmid"), cmd: 2 (IPC_STAT), buf: BUF" \
		"SHMCTL 0 shmid: $(printf 0x%x "$shmid"), cmd: 0 (IPC_RMID), buf: 0x0" \
		"SHMGET -ENOENT key: $k, size: 4096, shmflg: 0x0"
}

# got_lines ID COMM: the lines of $OUT for that ID and COMM, as want_lines writes them.
got_lines() {
	awk -v id="$1" -v c="$2" '$1 == id && $2 == c { $1 = $2 = ""; print }' "$OUT" |
		sed 's/^ *//; s/buf: 0x[0-9a-f]\{6,\}$/buf: BUF/'
}

# --- basic: every call with its PID, arguments and result --------------------
basic_check() {
	local name=$1 pid tid id addr err got want
	shift
	if ! start_tool "$OUT" "$TOOL" "$@"; then
		fail "$name" "did not start: $(head -c 300 "$OUT.err")"
		return
	fi
	"$SHM" "$KEY" >"$TMP/h.basic"
	wait_for "$OUT" "-ENOENT key: $KEY" 5
	stop_tool
	read -r pid tid id addr err < <(result "$TMP/h.basic")
	want=$(want_lines "$KEY" "$id" "$addr")
	got=$(got_lines "$pid" shmsnoop_shm)
	if [ "$err" = 2 ] && [ "$got" = "$want" ]; then
		ok "$name"
	else
		fail "$name" "helper err $err; want: $want; got: $got"
	fi
}
basic_check "shmget, shmat, shmdt, shmctl with PID, decoded arguments and results" -v
check_path "best path: syscall tracepoints, ring buffer, CO-RE against the cut BTF" "$OUT.err" \
	kinds=tracepoint sys_enter_shmget=tracepoint sys_exit_shmctl=tracepoint buffer=ringbuf \
	core=cut
BPFSCOPE_AVOID=tracepoint,ringbuf basic_check "raw_syscalls path, perf buffer" -v
check_path "BPFSCOPE_AVOID=tracepoint,ringbuf takes raw_syscalls and the perf buffer" \
	"$OUT.err" kinds=raw_tp sys_enter=raw_tp sys_exit=raw_tp buffer=perfbuf

# --- -T and -t: a TIME(s) column; the chosen thread only, in a TID column -------
if start_shm "$TMP/h.t" "$KEY" -T && start_tool "$OUT" "$TOOL" -T -t "$HELPER_TID"; then
	"$SHM" "$KEY2" >/dev/null			# another process, first
	touch "$TMP/h.t.go"
	wait "$HELPER_JOB"
	wait_for "$OUT" "-ENOENT key: $KEY" 5
	stop_tool
	read -r pid tid id addr _ < <(result "$TMP/h.t")
	got=$(awk 'NR > 1 { $1 = "" } { print }' "$OUT" >"$OUT.t" && OUT=$OUT.t got_lines "$tid" shmsnoop_shm)
	if [ "$(head -1 "$OUT" | tr -s ' ')" = "TIME(s) TID COMM SYS RET ARGs" ] && [ "$tid" != "$pid" ] &&
		[ "$got" = "$(want_lines "$KEY" "$id" "$addr")" ] &&
		[ "$(wc -l <"$OUT")" = 7 ] && awk 'NR > 1 && $1 !~ /^[0-9]+\.[0-9]+$/ { exit 1 }' "$OUT"; then
		ok "-T -t TID: that thread's calls only, TIME(s) and TID columns"
	else
		fail "-T -t TID: that thread's calls only, TIME(s) and TID columns" \
			"tid $tid: $(head -c 600 "$OUT")"
	fi
else
	kill_tool
	fail "-T -t TID" "did not start: $(cat "$OUT.err" 2>/dev/null)"
fi

# --- -p: only the chosen process ------------------------------------------------
if start_shm "$TMP/h.p" "$KEY" && start_tool "$OUT" "$TOOL" -p "$HELPER_PID"; then
	"$SHM" "$KEY2" >/dev/null
	touch "$TMP/h.p.go"
	wait "$HELPER_JOB"
	wait_for "$OUT" "-ENOENT key: $KEY" 5
	stop_tool
	read -r pid _ id addr _ < <(result "$TMP/h.p")
	if [ "$(got_lines "$pid" shmsnoop_shm)" = "$(want_lines "$KEY" "$id" "$addr")" ] &&
		[ "$(wc -l <"$OUT")" = 7 ]; then
		ok "-p PID shows that process only"
	else
		fail "-p PID shows that process only" "pid $pid: $(head -c 600 "$OUT")"
	fi
else
	kill_tool
	fail "-p PID shows that process only" "did not start: $(cat "$OUT.err" 2>/dev/null)"
fi

# --- -n and -x: a command name, failed calls only -------------------------------------
name=shm$RANDOM
cp "$SHM" "$TMP/$name"
if start_tool "$OUT" "$TOOL" -n "${name:1}" -x; then
	"$SHM" "$KEY2" >/dev/null			# comm shmsnoop_shm: not shown
	"$TMP/$name" "$KEY" >"$TMP/h.n"
	wait_for "$OUT" "-ENOENT key: $KEY" 5
	sleep 0.2
	stop_tool
	read -r pid _ _ _ _ < <(result "$TMP/h.n")
	if [ "$(got_lines "$pid" "$name")" = "SHMGET -ENOENT key: $KEY, size: 4096, shmflg: 0x0" ] &&
		[ "$(wc -l <"$OUT")" = 2 ]; then
		ok "-n NAME -x: the failed calls of matching commands only"
	else
		fail "-n NAME -x: the failed calls of matching commands only" "$(head -c 600 "$OUT")"
	fi
else
	fail "-n NAME -x" "did not start: $(cat "$OUT.err")"
fi

# --- --json ---------------------------------------------------------------------
if start_tool "$OUT" "$TOOL" --json; then
	"$SHM" "$KEY" >"$TMP/h.j"
	wait_for "$OUT" '"error":"ENOENT"' 5
	stop_tool
	read -r pid tid id addr _ < <(result "$TMP/h.j")
	got=$(jq -c --argjson p "$pid" 'select(.pid == $p) |
		[.tid, .comm, .sys, .ret, .error, .key, .size, .shmflg, .shmflg_names, .mode,
		 .shmid, .shmaddr, .cmd, .cmd_name]' "$OUT" 2>&1 | tr '\n' ' ')
	k=$((KEY)) a=$((16#$addr))
	want="[$tid,\"shmsnoop_shm\",\"shmget\",$id,null,$k,4096,1920,[\"IPC_CREAT\",\"IPC_EXCL\"],384,null,null,null,null] "
	want+="[$tid,\"shmsnoop_shm\",\"shmat\",$a,null,null,null,4096,[\"SHM_RDONLY\"],null,$id,0,null,null] "
	want+="[$tid,\"shmsnoop_shm\",\"shmdt\",0,null,null,null,null,null,null,null,$a,null,null] "
	want+="[$tid,\"shmsnoop_shm\",\"shmctl\",0,null,null,null,null,null,null,$id,null,2,\"IPC_STAT\"] "
	want+="[$tid,\"shmsnoop_shm\",\"shmctl\",0,null,null,null,null,null,null,$id,null,0,\"IPC_RMID\"] "
	want+="[$tid,\"shmsnoop_shm\",\"shmget\",-2,\"ENOENT\",$k,4096,0,[],0,null,null,null,null] "
	if [ "$got" = "$want" ] && jq -e . "$OUT" >/dev/null; then
		ok "--json: valid JSON Lines with the right fields"
	else
		fail "--json: valid JSON Lines with the right fields" "want $want got $got"
	fi
else
	fail "--json" "did not start: $(cat "$OUT.err")"
fi

# --- -d: stops by itself --------------------------------------------------------------
start=$(date +%s)
timeout 20 "$BIN/$TOOL" -d 1 >"$OUT" 2>"$OUT.err"
rc=$?
if [ $rc = 0 ] && [ $(($(date +%s) - start)) -lt 10 ] && head -1 "$OUT" | grep -q '^PID '; then
	ok "-d 1 traces for a second and exits 0"
else
	fail "-d 1 traces for a second and exits 0" "rc=$rc $(cat "$OUT.err")"
fi

# --- bad input ---------------------------------------------------------------------
for args in "-p 0" "-t 0" "-d 0" "-n this_name_is_too_long" "-T 1"; do
	timeout 10 "$BIN/$TOOL" $args >"$OUT" 2>"$OUT.err"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$OUT.err")" = 1 ] && grep -q "^$TOOL: " "$OUT.err"; then
		ok "bad input '$args' is a one-line usage error"
	else
		fail "bad input '$args' is a one-line usage error" "rc=$rc $(cat "$OUT.err")"
	fi
done
