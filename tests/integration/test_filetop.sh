#!/bin/bash
# filetop: copies of dd with unique names write a unique file in known
# blocks and read it back: the exact READS/WRITES and Kbytes per thread and
# file; -p keeps the named processes only, -a adds special files (/dev/zero),
# -s and -r pick the rows; the raw_syscalls fallback counts the same.
. "$(dirname "$0")/../lib.sh"
need jq dd

W=ftw$RANDOM R=ftr$RANDOM
cp /bin/dd "$TMP/$W"
cp /bin/dd "$TMP/$R"
F=$(marker file)
NW=$((RANDOM % 20 + 15)) # 4 KiB writes (more bytes than the reader writes to /dev/null)
NR=$((RANDOM % 5 + 3))   # 8 KiB reads (and one more at the end of the file)

# gated NAME ARGS...: run the dd copy NAME once $GO exists; its PID in GPID.
gated() {
	local name=$1
	shift
	(
		while [ ! -e "$GO" ]; do sleep 0.02; done
		exec "$TMP/$name" "$@" status=none
	) &
	GPID=$!
}

# run NAME ARGS...: filetop ARGS (@PW and @PR: the writer's and reader's PIDs)
# while the writer writes $F and then the reader reads it; output in $TMP/NAME.
run() {
	local name=$1 args=() a
	shift
	GO=$TMP/go.$RANDOM
	rm -f "$TMP/$F"
	gated $W if=/dev/zero of="$TMP/$F" bs=4k count=$NW
	PW=$GPID
	gated $R if="$TMP/$F" of=/dev/null bs=8k count=$((NR * 10))
	PR=$GPID
	for a in "$@"; do
		a=${a//@PW/$PW}
		args+=("${a//@PR/$PR}")
	done
	if ! start_tool "$TMP/$name" filetop "${args[@]}"; then
		touch "$GO"
		wait
		fail "$name starts" "$(head -c 300 "$TMP/$name.err")"
		return 1
	fi
	# The writer first, then the reader (so the file has all its bytes).
	kill -STOP $PR
	touch "$GO"
	wait $PW || fail "$name: the writer" "dd failed"
	sleep 0.1
	truncate -s $((NR * 8192)) "$TMP/$F"
	kill -CONT $PR
	wait $PR || fail "$name: the reader" "dd failed"
	sleep 0.2
	stop_tool INT || { fail "$name" "exit status not 0: $(head -c 300 "$TMP/$name.err")"; return 1; }
}

# rows FILE TID NAME: "READS WRITES R_KB W_KB RBYTES WBYTES TYPE" of that thread
# and file, summed over the intervals.
rows() {
	jq -r --argjson t "$2" --arg f "$3" '.files[] | select(.tid == $t and .file == $f) |
		[.reads, .writes, .read_kb, .write_kb, .read_bytes, .write_bytes, .type] | @tsv' "$1" |
		awk -F'\t' '{ for (i = 1; i <= 6; i++) s[i] += $i; t = $7; n++ }
		END { if (n) print s[1], s[2], s[3], s[4], s[5], s[6], t }'
}
want_w="0 $NW 0 $((NW * 4)) 0 $((NW * 4096)) R"
want_r="$((NR + 1)) 0 $((NR * 8)) 0 $((NR * 8192)) 0 R"

if run json --json -v -r 1000 10; then # (all rows: other tests run meanwhile)
	check_path "read and write system calls via their tracepoints" "$TMP/json.err" \
		kinds=tracepoint sys_exit_read=tracepoint sys_exit_write=tracepoint sys_exit_pwritev2=tracepoint
	got=$(rows "$TMP/json" $PW "$F")
	check "the writer's WRITES and W_Kb on its file, exact [$got]" test "$got" = "$want_w"
	got=$(rows "$TMP/json" $PR "$F")
	check "the reader's READS (one at the end of the file) and R_Kb, exact [$got]" test "$got" = "$want_r"
	check "without -a, /dev/zero is not shown" test -z "$(rows "$TMP/json" $PW zero)"
	pid=$(jq -r --argjson t $PW '.files[] | select(.tid == $t) | .pid' "$TMP/json" | sort -u)
	check "JSON: pid is the process (single-threaded: its TID)" test "$pid" = "$PW"
fi

# -p both, -a: /dev/zero (type O) appears; -r 1 -s wbytes: the writer's row only.
if run text -C -a -p @PW,@PR -r 1 -s wbytes 10; then
	check "header: TID COMM READS WRITES R_Kb W_Kb T FILE" \
		grep -qE '^TID +COMM +READS +WRITES +R_Kb +W_Kb +T FILE$' "$TMP/text"
	line=$(grep -E "^$PW +" "$TMP/text" | head -n 1)
	read -r tid comm reads writes rkb wkb type file <<<"$line"
	check "-a -s wbytes -r 1: the writer's zero-filled file first [$line]" \
		test "$comm $writes $wkb $type $file" = "$W $NW $((NW * 4)) R $F"
	check "-r 1: one row per interval" test "$(grep -cE '^[0-9]+ ' "$TMP/text")" -le 2
fi
if run all --json -a -p @PW 10; then
	got=$(rows "$TMP/all" $PW zero)
	check "-a: the writer's reads of /dev/zero, type O [$got]" \
		test "$got" = "$NW 0 $((NW * 4)) 0 $((NW * 4096)) 0 O"
	check "-p: the other process is left out" test -z "$(rows "$TMP/all" $PR "$F")"
fi

if BPFSCOPE_AVOID=tracepoint run raw --json -v -p @PW,@PR 10; then
	check_path "BPFSCOPE_AVOID=tracepoint: raw_syscalls sys_exit" "$TMP/raw.err" kinds=raw_tp sys_exit=raw_tp
	check "raw_syscalls: the writer's counts, exact" test "$(rows "$TMP/raw" $PW "$F")" = "$want_w"
	check "raw_syscalls: the reader's counts, exact" test "$(rows "$TMP/raw" $PR "$F")" = "$want_r"
fi
