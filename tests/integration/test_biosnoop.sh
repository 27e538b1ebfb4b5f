#!/bin/bash
# biosnoop: direct I/O of known sizes and offsets to a loop device of our own,
# by processes with unique names, is shown a line per request with the
# submitter's PID and name, the disk, type, sector and bytes, on each
# submitter hook; -d, -c, -m, -Q, -t and the duration change what is shown.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/helpers/biosnoop_io.sh"
need losetup truncate dd jq

make_loop a || skip_all "cannot create loop devices"
LOOP_A=$LOOP
make_loop b || skip_all "cannot create loop devices"
LOOP_B=$LOOP
A=$(basename "$LOOP_A")

# Writer, reader (both to A), other (to B, or outside a filter).
W=bsw$RANDOM R=bsr$RANDOM O=bso$RANDOM
for c in $W $R $O; do dd_as $c; done
SW=$((RANDOM % 4000 + 16)) # the writer's first 4 KiB block
SR=$((RANDOM % 1000 + 16)) # the reader's first 16 KiB block

# workload: 3 writes of 4 KiB at block SW, 2 reads of 16 KiB at block SR (to
# A), 2 writes to B; sets PW, PR, PO.
workload() {
	IO_ERR=
	io $W if=/dev/zero of="$LOOP_A" bs=4k count=3 seek=$SW oflag=direct
	PW=$IO_PID
	io $R if="$LOOP_A" of=/dev/null bs=16k count=2 skip=$SR iflag=direct
	PR=$IO_PID
	io $O if=/dev/zero of="$LOOP_B" bs=4k count=2 oflag=direct
	PO=$IO_PID
}

# The workload's requests on A as "COMM PID DISK OP SECTOR BYTES", OP the first letter of T.
expected() {
	local i
	for i in 0 1 2; do echo "$W $PW $A W $(((SW + i) * 8)) 4096"; done
	for i in 0 1; do echo "$R $PR $A R $(((SR + i) * 32)) 16384"; done
}

# ours_json FILE: the JSON rows of our three commands in the same form.
ours_json() {
	jq -r --arg w $W --arg r $R --arg o $O 'select(.comm == $w or .comm == $r or .comm == $o) |
		"\(.comm) \(.pid) \(.disk) \(.rwbs[0:1]) \(.sector) \(.bytes)"' "$1" | sort
}

# run NAME ARGS...: start biosnoop, run the workload, stop it; output in $TMP/NAME.
run() {
	local name=$1
	shift
	if ! start_tool "$TMP/$name" biosnoop "$@"; then
		fail "$name" "did not start: $(head -c 300 "$TMP/$name.err")"
		return 1
	fi
	workload
	sleep 0.3
	if ! stop_tool INT; then
		fail "$name" "exit status not 0: $(head -c 300 "$TMP/$name.err")"
		return 1
	fi
	[ -z "$IO_ERR" ] && return 0
	fail "$name" "the workload failed: $IO_ERR"
	return 1
}

# check_rows NAME FILE: exactly the workload's requests on A, each once.
check_rows() {
	local got want
	got=$(ours_json "$2")
	want=$(expected | sort)
	if [ "$got" = "$want" ]; then ok "$1"
	else fail "$1" "got [$(tr '\n' ';' <<<"$got")] want [$(tr '\n' ';' <<<"$want")]"; fi
}

# The best path here (Linux 6.5+): block_io_start names the submitter.
name="requests to A: submitter's PID and name, sector, bytes (block_io_start)"
if run best --json -v -d "$A"; then
	check_path "block_io_start via tp_btf, the request hooks via tp_btf" "$TMP/best.err" \
		kinds=tp_btf block_io_start=tp_btf block_getrq=- block_rq_issue=tp_btf \
		block_rq_complete=tp_btf block_rq_insert=- buffer=ringbuf
	check_rows "$name" "$TMP/best"
	lat=$(jq -r --arg w $W 'select(.comm == $w) | .lat_ms > 0 and (.que_ms == null)' \
		"$TMP/best" | sort -u)
	check "LAT(ms) is positive; no QUE(ms) without -Q" test "$lat" = true
	check "-d names the disk, and the other disk is left out" test \
		"$(jq -r .disk "$TMP/best" | sort -u)" = "$A"
fi

# Linux 6.1's path, forced: block_getrq, matched to the request by its first bio.
name="block_getrq (the 6.1 path) names the same submitters"
if BPFSCOPE_AVOID=block_io_start run getrq --json -t -v -d "$A"; then
	check_path "BPFSCOPE_AVOID=block_io_start takes block_getrq" "$TMP/getrq.err" \
		kinds=tp_btf block_getrq=tp_btf block_io_start=-
	check_rows "$name" "$TMP/getrq"
	t=$(jq -r --arg w $W 'select(.comm == $w) | .time | test("^[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}$")' \
		"$TMP/getrq" | sort -u)
	check "--json -t: \"time\" is HH:MM:SS.mmm" test "$t" = true
fi

# Raw tracepoints and the perf buffer, text, -Q with an I/O scheduler, -t.
sched=/sys/block/$A/queue/scheduler
if grep -qw mq-deadline "$sched" 2>/dev/null && echo mq-deadline >"$sched" 2>/dev/null; then
	on_exit "echo none >$sched"
	deadline=1
fi
name="raw_tp and perf buffer: text columns with -Q -t"
if BPFSCOPE_AVOID=tp_btf,ringbuf run text -v -Q -t -d "$A"; then
	check_path "BPFSCOPE_AVOID=tp_btf,ringbuf: raw_tp for every hook, perf buffer" \
		"$TMP/text.err" kinds=raw_tp block_io_start=raw_tp block_rq_insert=raw_tp \
		block_rq_issue=raw_tp block_rq_complete=raw_tp buffer=perfbuf
	check "-Q -t header: TIMESTAMP COMM PID DISK T SECTOR BYTES QUE(ms) LAT(ms)" \
		test "$(head -n 1 "$TMP/text" | tr -s ' ')" = \
		"TIMESTAMP COMM PID DISK T SECTOR BYTES QUE(ms) LAT(ms)"
	got=$(awk -v w=$W -v r=$R -v o=$O '$2 == w || $2 == r || $2 == o {
		print $2, $3, $4, substr($5, 1, 1), $6, $7 }' "$TMP/text" | sort)
	if [ "$got" = "$(expected | sort)" ]; then ok "$name"
	else fail "$name" "got [$(tr '\n' ';' <<<"$got")]: $(head -c 400 "$TMP/text")"; fi
	bad=$(awk -v w=$W '$2 == w && ($1 !~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9]$/ ||
		$8 !~ /^[0-9]+\.[0-9][0-9][0-9]$/ || $9 !~ /^[0-9]+\.[0-9][0-9][0-9]$/)' "$TMP/text")
	check "-t: HH:MM:SS.mmm; QUE(ms) and LAT(ms) in ms with 3 decimals" test -z "$bad"
fi
if [ -n "$deadline" ] && run queued --json -Q -d "$A"; then
	que=$(jq -r --arg w $W --arg r $R 'select(.comm == $w or .comm == $r) | .que_ms > 0' \
		"$TMP/queued" | sort -u)
	check "-Q with mq-deadline: every request waited in the queue (que_ms > 0)" test "$que" = true
	check_rows "-Q: the same requests" "$TMP/queued"
elif [ -z "$deadline" ]; then
	skip "-Q with an I/O scheduler" "mq-deadline not available for $A"
fi
echo none >"$sched" 2>/dev/null

# DURATION: a text run that ends by itself; TIME(s) is seconds since the start.
name="DURATION: stops by itself, TIME(s) COMM PID DISK T SECTOR BYTES LAT(ms)"
if start_tool "$TMP/dur" biosnoop -d "$A" 2; then
	workload
	for ((i = 0; i < 60; i++)); do kill -0 "$TOOL_PID" 2>/dev/null || break; sleep 0.05; done
	stop_tool INT
	rc=$?
	got=$(awk -v w=$W '$2 == w && $1 ~ /^[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]$/ && $1 < 3 { print $3, $6 }' \
		"$TMP/dur" | tr '\n' ' ')
	if [ -n "$IO_ERR" ]; then
		fail "$name" "the workload failed: $IO_ERR"
	elif [ $rc != 0 ] || [ $i = 60 ]; then
		fail "$name" "status $rc after $((i * 50)) ms: $(head -c 300 "$TMP/dur.err")"
	elif [ "$(head -n 1 "$TMP/dur" | tr -s ' ')" != "TIME(s) COMM PID DISK T SECTOR BYTES LAT(ms)" ]; then
		fail "$name" "header: $(head -n 1 "$TMP/dur")"
	elif [ "$got" != "$PW $((SW * 8)) $PW $((SW * 8 + 8)) $PW $((SW * 8 + 16)) " ]; then
		fail "$name" "writer rows [$got]: $(head -c 300 "$TMP/dur")"
	else
		ok "$name"
	fi
else
	fail "$name" "did not start: $(head -c 300 "$TMP/dur.err")"
fi

# -c: only requests submitted from the cgroup (the writer), not the others.
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
name="-c shows the cgroup's requests only"
if [ -z "$cg2" ]; then
	skip "$name" "no cgroup v2 hierarchy mounted"
elif cg=$cg2/$(marker cg) && ! mkdir "$cg" 2>/dev/null; then
	skip "$name" "cannot create a cgroup under $cg2"
else
	on_exit "rmdir $cg"
	if start_tool "$TMP/cg" biosnoop --json -c "$cg" -d "$A"; then
		IO_ERR=
		(echo $BASHPID >"$cg/cgroup.procs" && exec "$TMP/$W" if=/dev/zero of="$LOOP_A" bs=4k \
			count=3 seek=$SW oflag=direct status=none) || IO_ERR="writer in $cg failed"
		io $O if=/dev/zero of="$LOOP_A" bs=4k count=2 oflag=direct
		sleep 0.3
		stop_tool INT
		got=$(jq -r --arg w $W --arg o $O 'select(.comm == $w or .comm == $o) |
			"\(.comm) \(.sector)"' "$TMP/cg" | sort | tr '\n' ' ')
		want="$W $((SW * 8)) $W $((SW * 8 + 8)) $W $((SW * 8 + 16)) "
		if [ -n "$IO_ERR" ]; then fail "$name" "the workload failed: $IO_ERR"
		elif [ "$got" = "$want" ]; then ok "$name"
		else fail "$name" "got [$got], want [$want]"; fi
	else
		fail "$name" "did not start: $(head -c 300 "$TMP/cg.err")"
	fi
fi

# -m: a write held for a second (the file system under the loop device's
# image frozen) is shown; a fast one before it is not.
name="-m 500 shows a request of a second, not a fast one"
if ! command -v mkfs.ext4 >/dev/null || ! command -v fsfreeze >/dev/null; then
	skip "$name" "needs mkfs.ext4 and fsfreeze"
elif ! make_loop outer 32M || ! mkfs.ext4 -q "$LOOP" 2>"$TMP/mkfs.err" ||
	! mkdir "$TMP/mnt" || ! mount "$LOOP" "$TMP/mnt"; then
	skip "$name" "cannot make a file system on a loop device: $(head -c 200 "$TMP/mkfs.err")"
else
	on_exit "umount $TMP/mnt"
	truncate -s 8M "$TMP/mnt/inner.img"
	if ! SLOW=$(losetup -f --show --direct-io=on "$TMP/mnt/inner.img"); then
		skip "$name" "cannot attach a loop device to a file on it"
	else
		# (registered after the umount: clean-ups run in reverse order)
		on_exit "losetup -d $SLOW"
		on_exit "fsfreeze -u $TMP/mnt"
		if start_tool "$TMP/min" biosnoop --json -m 500 -d "$(basename "$SLOW")"; then
			IO_ERR=
			io $R if=/dev/zero of="$SLOW" bs=4k count=1 seek=5 oflag=direct
			fsfreeze -f "$TMP/mnt"
			"$TMP/$W" if=/dev/zero of="$SLOW" bs=4k count=1 seek=7 oflag=direct status=none &
			ps=$!
			# The second starts once the write is issued to the loop device
			# (in flight: its worker blocks on the frozen file system), not
			# when dd is started: a dd scheduled late would be held less.
			inflight=/sys/block/$(basename "$SLOW")/inflight
			for ((i = 0; i < 200; i++)); do
				read -r _ held <"$inflight" && [ "${held:-0}" -gt 0 ] && break
				sleep 0.05
			done
			[ "$i" = 200 ] && IO_ERR+="the write never was in flight on $SLOW ($inflight: $(cat "$inflight")); "
			sleep 1
			fsfreeze -u "$TMP/mnt"
			wait $ps || IO_ERR+="the held write failed"
			sleep 0.3
			stop_tool INT
			got=$(jq -r '"\(.comm) \(.pid) \(.sector) \(.lat_ms >= 900)"' "$TMP/min" | tr '\n' ' ')
			if [ -n "$IO_ERR" ]; then fail "$name" "the workload failed: $IO_ERR"
			elif [ "$got" = "$W $ps 56 true " ]; then ok "$name"
			else fail "$name" "got [$got], want [$W $ps 56 true]: $(jq -c '[.comm, .pid, .sector, .lat_ms]' "$TMP/min" | tr '\n' ' ')"; fi
		else
			fail "$name" "did not start: $(head -c 300 "$TMP/min.err")"
		fi
	fi
fi

# Bad input: one line on stderr and exit status 2.
for args in "-d no_such_disk_$$" "-d ../$A" "-m -1" "-m 1.5" "-c /nonexistent_$$" "0"; do
	name="biosnoop $args is a one-line error"
	"$BIN/biosnoop" $args >"$TMP/bad" 2>"$TMP/bad.err"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/bad.err")" = 1 ] && grep -q '^biosnoop: ' "$TMP/bad.err"; then
		ok "$name"
	else
		fail "$name" "rc=$rc: $(cat "$TMP/bad.err")"
	fi
done
