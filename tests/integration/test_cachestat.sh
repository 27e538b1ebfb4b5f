#!/bin/bash
# cachestat: files of known sizes on a fresh ext4 (loop device), their pages
# dropped, each read twice in 4 KiB reads by a marked process.  With -p, the
# misses are exactly the file's pages and the hits the second pass's reads
# (within 5%); another reader's file is left out; a system-wide run counts
# both.  On tp_btf and raw_tp (BPFSCOPE_AVOID), -T and INTERVAL COUNT.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/helpers/cachestat_lib.sh"
need jq python3
[ -x "$BIN/cachestat" ] || skip_all "bin/cachestat is not built"
cache_fs

na=$((300 + RANDOM % 200))
nb=$((600 + RANDOM % 200))
nc=$((100 + RANDOM % 100))
cache_file a $na
cache_file b $nb
cache_file c $nc
cache_reader "$MNT/a" 2 || bail_out "cachestat: reader a" "did not stop"
ra=$READER
cache_reader "$MNT/b" 2 || bail_out "cachestat: reader b" "did not stop"
rb=$READER
cache_reader "$MNT/c" 2 || bail_out "cachestat: reader c" "did not stop"
rc_=$READER

started=1
start_tool "$TMP/all" cachestat --json 60 && all=$TOOL_PID || started=0
BPFSCOPE_AVOID=tp_btf start_tool "$TMP/raw" cachestat -v --json -p $rc_ 60 && raw=$TOOL_PID || started=0
start_tool "$TMP/pa" cachestat -v --json -p $ra 60 && pa=$TOOL_PID || started=0
[ $started = 1 ] || bail_out "cachestat: start" "$(cat "$TMP"/*.err | head -c 600)"
run_reader $ra
run_reader $rb
run_reader $rc_
for p in $all $raw $pa; do kill -INT $p; done
st=
for p in $all $raw $pa; do
	wait $p
	st="$st $?"
done
TOOL_PID=

# sum KEY FILE: KEY summed over the JSON lines (jq).
sum() { jq -s "map(.$1) | add // 0" "$2"; }

check "cachestat: every run exits 0" [ "$st" = " 0 0 0" ]
hits=$(sum hits "$TMP/pa")
misses=$(sum misses "$TMP/pa")
if [ "$misses" = $na ]; then
	ok "cachestat -p: misses are the $na pages of the marked file, not the other reader's"
else
	fail "cachestat -p: misses = $na" "got $misses (the excluded file has $nb): $(head -c 300 "$TMP/pa")"
fi
if [ "$hits" -ge $((na * 95 / 100)) ] && [ "$hits" -le $((na * 105 / 100 + 2)) ]; then
	ok "cachestat -p: hits $hits within 5% of the $na reads of the second pass"
else
	fail "cachestat -p: hits near $na" "got $hits: $(head -c 300 "$TMP/pa")"
fi
check "cachestat -p: accesses estimated here (\"estimated\": true)" \
	[ "$(jq -s 'map(.estimated) | all' "$TMP/pa")" = true ]
check_path "cachestat: accesses from mm_filemap_get_pages via tp_btf" "$TMP/pa.err" \
	mm_filemap_get_pages=tp_btf mm_filemap_add_to_page_cache=tp_btf
rmiss=$(sum misses "$TMP/raw")
rhits=$(sum hits "$TMP/raw")
if [ "$rmiss" = $nc ] && [ "$rhits" -ge $((nc * 95 / 100)) ] && [ "$rhits" -le $((nc * 105 / 100 + 2)) ]; then
	ok "cachestat [avoid=tp_btf] -p: $nc misses, hits $rhits"
else
	fail "cachestat [avoid=tp_btf] -p: $nc misses, hits near $nc" "misses $rmiss, hits $rhits"
fi
check_path "cachestat [avoid=tp_btf]: raw_tp" "$TMP/raw.err" kinds=raw_tp
# System-wide, others' writes take misses back (pages added, then dirtied): the added count.
added=$(sum added "$TMP/all")
if [ "$added" -ge $((na + nb + nc)) ]; then
	ok "cachestat system-wide: pages added ($added) include all three files ($((na + nb + nc)))"
else
	fail "cachestat system-wide: added >= $((na + nb + nc))" "got $added"
fi

# -T INTERVAL COUNT: libbpf-tools' header and columns, COUNT lines, then exits.
# CACHED_MB is /proc/meminfo's Cached when the first line is printed: read here
# from the start until that line is out, every 50 ms (other tests change the
# page cache meanwhile), it must lie within 64 MB of what was read.
cached_mb() { awk '$1 == "Cached:" { print int($2 / 1024) }' /proc/meminfo; }
row_re='^[0-9]{2}:[0-9]{2}:[0-9]{2} ( *[0-9]+ ){3} *[0-9]+\.[0-9]{2}% +[0-9]+ +[0-9]+$'
"$BIN/cachestat" -T 1 2 >"$TMP/t" 2>"$TMP/t.err" &
tpid=$!
lo=$(cached_mb) hi=$lo
for ((i = 0; i < 200; i++)); do
	seen=$(grep -cE "$row_re" "$TMP/t")
	now=$(cached_mb)
	[ "$now" -lt "$lo" ] && lo=$now
	[ "$now" -gt "$hi" ] && hi=$now
	[ "$seen" -ge 1 ] && break
	kill -0 $tpid 2>/dev/null || break
	sleep 0.05
done
wait $tpid
rc=$?
header='TIME         HITS   MISSES  DIRTIES HITRATIO   BUFFERS_MB  CACHED_MB'
rows=$(grep -cE "$row_re" "$TMP/t")
cached=$(awk 'NR == 2 { print $7 }' "$TMP/t")
if [ $rc = 0 ] && [ "$(head -n 1 "$TMP/t")" = "$header" ] && [ "$rows" = 2 ] &&
	[ "$(wc -l <"$TMP/t")" = 3 ] && [ "${cached:-0}" -ge $((lo - 64)) ] && [ "${cached:-0}" -le $((hi + 64)) ]; then
	ok "cachestat -T 1 2: the header, two timed lines (CACHED_MB $cached ~ /proc/meminfo $lo..$hi), exit 0"
else
	fail "cachestat -T 1 2" "status $rc, CACHED_MB ${cached:-none} (/proc/meminfo $lo..$hi while it ran, +-64): $(head -c 400 "$TMP/t") $(head -c 200 "$TMP/t.err")"
fi
