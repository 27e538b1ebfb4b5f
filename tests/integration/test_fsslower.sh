#!/bin/bash
# fsslower: a helper's opens, writes, fsync and reads of known sizes and
# offsets on ext4, xfs and btrfs loop file systems appear with its PID, their
# bytes and offsets; -n, -p, -t and -m keep what they name and drop the rest;
# -c and --json carry the same values; the per-file-system names pick theirs.
# common-args: -t ext4
. "$(dirname "$0")/../lib.sh"
need python3 jq losetup mkfs.ext4 mkfs.xfs mkfs.btrfs
. "$TOP/tests/integration/helpers/fsslower_lib.sh"

for fs in ext4 xfs btrfs; do
	mount_loop $fs $([ $fs = ext4 ] && echo 64 || echo 320) || bail_out "$fs loop file system" "mount failed"
done
m=$(marker fs)
a=fsA${m: -10} b=fsB${m: -10} # two command names, neither inside the other

# The helper's operations as "T BYTES OFF_KB" (fsslower leaves getattr out).
expected() {
	printf '%s\n' "O 0 0" "W 12345 64" "W 4096 0" "F 0 0" "O 0 0" "R 5000 4" "R 777 68" "R 100 0"
}

# got FILE PID NAME: the tool's lines for file NAME of process PID, as "T BYTES OFF_KB".
got() {
	awk -v pid="$2" -v f="$3" '$3 == pid && $8 == f { print $4, $5, $6 }' "$1"
}

# ext4, -n: every operation of the named command, exact; the other command's none.
start_tool "$TMP/out" fsslower -t ext4 -m 0 -n "$a" || bail_out "fsslower -t ext4 starts" "$(cat "$TMP/out.err")"
work_start A "$a" "$TMP/ext4/$m.a"
work_start B "$b" "$TMP/ext4/$m.b"
work_go A
work_go B
sleep 0.3
stop_tool INT
rc=$?
check "stops with status 0" test $rc = 0
check "header is TIME COMM PID T BYTES OFF_KB LAT(ms) FILENAME" \
	grep -qE '^TIME +COMM +PID +T +BYTES +OFF_KB +LAT\(ms\) FILENAME$' "$TMP/out"
if [ "$(got "$TMP/out" "${WPID[A]}" "$m.a")" = "$(expected)" ]; then
	ok "ext4: opens, writes, fsync, reads with their PID, bytes and offsets"
else
	fail "ext4: opens, writes, fsync, reads with their PID, bytes and offsets" \
		"$(got "$TMP/out" "${WPID[A]}" "$m.a" | tr '\n' ';') $(grep -F "$m" "$TMP/out" | head -3)"
fi
if grep -qF "$m.b" "$TMP/out"; then fail "-n NAME drops another command" "$(grep -F "$m.b" "$TMP/out" | head -2)"
else ok "-n NAME drops another command"; fi
# The latency is taken inside the call: never more than the helper's measure around it.
lat_ok=$(awk -v pid="${WPID[A]}" -v f="$m.a" 'FNR == NR { if ($1 != "getattr") u[n++] = $4; next }
	$3 == pid && $8 == f { if ($7 * 1000 > u[i++] + 20) bad++ } END { print i == n && !bad }' \
	"$TMP/A.res" "$TMP/out")
check "LAT(ms) within what the helper measured around each call" test "$lat_ok" = 1

# xfs, -p and -m: the slow fsync of the marked process only, no fast call.
work_start A "$a" "$TMP/xfs/$m.a" 32
work_start B "$a" "$TMP/xfs/$m.b" 32
start_tool "$TMP/out" fsslower -t xfs -m 2 -p "${WPID[A]}" || bail_out "fsslower -p starts" "$(cat "$TMP/out.err")"
work_go A
work_go B
sleep 0.3
stop_tool INT
slow=$(awk '$1 == "slowfsync" { print $4 }' "$TMP/A.res")
if [ "$slow" -ge 4000 ]; then
	check "xfs -m 2: the slow fsync ($((slow / 1000)) ms) is shown" \
		grep -qE "^[0-9:]+ +$a +${WPID[A]} +F +0 +0 +[0-9.]+ $m.a\$" "$TMP/out"
else
	skip "xfs -m 2: the slow fsync is shown" "the fsync took only $slow us here"
fi
# A loaded machine can make an open or a read slow too: each one shown must be
# one the helper timed at 2 ms or more, and every call shown took >= 2 ms.
shown=$(awk -v f="$m.a" '$8 == f && ($4 == "O" || $4 == "R")' "$TMP/out" | wc -l)
slow_or=$(awk '($1 == "open" || $1 == "read") && $4 >= 2000' "$TMP/A.res" | wc -l)
fast=$(awk -v f="$m.a" '$8 == f && $7 < 2' "$TMP/out" | wc -l)
check "-m 2 leaves out the fast opens and cached reads ($shown shown, $slow_or took 2 ms)" \
	test "$shown" -le "$slow_or" -a "$fast" = 0
if grep -qF "$m.b" "$TMP/out"; then fail "-p PID drops another process" "$(grep -F "$m.b" "$TMP/out" | head -2)"
else ok "-p PID drops another process"; fi

# btrfs, --json; ext4 operations of the same command are not btrfs ones.
start_tool "$TMP/out" fsslower -t btrfs -m 0 -n "$a" --json || bail_out "fsslower --json starts" "$(cat "$TMP/out.err")"
work_start A "$a" "$TMP/btrfs/$m.a"
work_start B "$a" "$TMP/ext4/$m.b"
work_go A
work_go B
sleep 0.3
stop_tool INT
js=$(jq -r --arg f "$m.a" --argjson pid "${WPID[A]}" \
	'select(.file == $f and .pid == $pid) | "\(.op[0:1] | ascii_upcase) \(.bytes) \(.offset / 1024 | floor)"' \
	"$TMP/out" 2>&1)
if [ "$js" = "$(expected)" ]; then ok "btrfs --json: the same operations, bytes and offsets"
else fail "btrfs --json: the same operations, bytes and offsets" "$(echo "$js" | tr '\n' ';')"; fi
check "--json: offset in bytes (pwrite at 65536), lat_ns and comm" test "$(jq -r --arg f "$m.a" \
	'select(.file == $f and .bytes == 12345) | "\(.offset) \(.comm) \(.lat_ns > 0)"' "$TMP/out")" = "65536 $a true"
if grep -qF "$m.b" "$TMP/out"; then fail "-t btrfs drops ext4 files" "$(grep -F "$m.b" "$TMP/out" | head -2)"
else ok "-t btrfs drops ext4 files"; fi

# -c through the ext4slower name: CSV with the offset in bytes and the latency in us.
start_tool "$TMP/out" ext4slower -c -m 0 -n "$a" || bail_out "ext4slower -c starts" "$(cat "$TMP/out.err")"
work_start A "$a" "$TMP/ext4/$m.c"
work_go A
sleep 0.3
stop_tool INT
check "ext4slower -c: CSV header" grep -qx 'ENDTIME_ns,TASK,PID,TYPE,BYTES,OFFSET_b,LATENCY_us,FILE' "$TMP/out"
check "ext4slower -c: the pwrite as a CSV row" grep -qE "^[0-9]+,$a,${WPID[A]},W,12345,65536,[0-9]+,$m.c\$" "$TMP/out"

# The names of file systems this machine lacks run and show nothing.
for t in nfsslower zfsslower; do
	timeout 10 "$BIN/$t" -m 0 -d 1 >"$TMP/out" 2>"$TMP/err"
	rc=$?
	check "$t: a clean run with no events here" test "$rc $(wc -l <"$TMP/out") $(wc -c <"$TMP/err")" = "0 2 0"
done
"$BIN/btrfsslower" -v -d 1 >/dev/null 2>"$TMP/err"
check "btrfsslower -v: btrfs through system calls here" grep -q '^btrfsslower: btrfs through system calls' "$TMP/err"
check_path "btrfsslower -v: raw_syscalls via tp_btf" "$TMP/err" sys_enter=tp_btf sys_exit=tp_btf
BPFSCOPE_AVOID=tp_btf "$BIN/fsslower" -t ext4 -v -d 1 >/dev/null 2>"$TMP/err"
check_path "fsslower with tp_btf avoided: raw_tp" "$TMP/err" sys_enter=raw_tp sys_exit=raw_tp
out=$("$BIN/fsslower" 2>&1)
check "no -t: a one-line error" test "$(wc -l <<<"$out")" = 1 -a "${out#fsslower: }" != "$out"
