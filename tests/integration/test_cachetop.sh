#!/bin/bash
# cachetop: two marked readers (unique names) read files of known sizes cold
# from a fresh ext4 (loop device), twice each.  A system-wide run must show
# each reader's PID, name and UID with MISSES = its file's pages and HITS
# (BCC's: every access) near its reads; -p keeps one reader's row and drops
# the other's; -s misses sorts; the text form has BCC's header.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/helpers/cachestat_lib.sh"
need jq python3
[ -x "$BIN/cachetop" ] || skip_all "bin/cachetop is not built"
cache_fs

na=$((300 + RANDOM % 200))
nb=$((600 + RANDOM % 200))
ca=ctA$RANDOM
cb=ctB$RANDOM
cache_file a $na
cache_file b $nb
cache_reader "$MNT/a" 2 0 $ca || bail_out "cachetop: reader a" "did not stop"
ra=$READER
cache_reader "$MNT/b" 2 0 $cb || bail_out "cachetop: reader b" "did not stop"
rb=$READER

started=1
start_tool "$TMP/all" cachetop -v --json -r 1000 60 && all=$TOOL_PID || started=0
start_tool "$TMP/pa" cachetop --json -p $ra 60 && pa=$TOOL_PID || started=0
start_tool "$TMP/text" cachetop -C -s misses -r 1000 60 && text=$TOOL_PID || started=0
[ $started = 1 ] || bail_out "cachetop: start" "$(cat "$TMP"/*.err | head -c 600)"
run_reader $ra
run_reader $rb
for p in $all $pa $text; do kill -INT $p; done
st=
for p in $all $pa $text; do
	wait $p
	st="$st $?"
done
TOOL_PID=
check "cachetop: every run exits 0" [ "$st" = " 0 0 0" ]

# row FILE PID: that process's rows (one per interval) summed: "pid uid cmd hits misses".
row() {
	jq -rs --argjson p "$2" '[.[].processes[] | select(.pid == $p)] |
		if length == 0 then "none" else
		"\(.[0].pid) \(.[0].uid) \(.[0].cmd) \(map(.hits) | add) \(map(.misses) | add)" end' "$1"
}
read -r p uid cmd hits misses <<<"$(row "$TMP/all" $ra)"
if [ "$p" = $ra ] && [ "$uid" = 0 ] && [ "$cmd" = $ca ] && [ "$misses" = $na ] &&
	[ "$hits" -ge $((2 * na * 95 / 100)) ] && [ "$hits" -le $((2 * na * 105 / 100 + 2)) ]; then
	ok "cachetop: the marked reader's row: PID $ra, $ca, $na misses, hits $hits for $((2 * na)) reads"
else
	fail "cachetop: row of PID $ra ($ca, $na misses, ~$((2 * na)) hits)" "got: $p $uid $cmd $hits $misses"
fi
read -r p uid cmd hits misses <<<"$(row "$TMP/all" $rb)"
check "cachetop: the other reader's row: $cb, $nb misses" [ "$cmd $misses" = "$cb $nb" ]
read -r p uid cmd hits misses <<<"$(row "$TMP/pa" $ra)"
other=$(row "$TMP/pa" $rb)
if [ "$misses" = $na ] && [ "$other" = none ] &&
	[ "$(jq -s '[.[].processes[].pid] | unique | length' "$TMP/pa")" = 1 ]; then
	ok "cachetop -p $ra: only its row ($na misses), not the other reader's"
else
	fail "cachetop -p $ra: only its row" "misses $misses, other: $other"
fi
check_path "cachetop: accesses from mm_filemap_get_pages via tp_btf" "$TMP/all.err" \
	mm_filemap_get_pages=tp_btf mm_filemap_add_to_page_cache=tp_btf

# Text: BCC's header; sorted by MISSES, the larger reader first.
header='     PID      UID CMD                  HITS   MISSES  DIRTIES  READ_HIT% WRITE_HIT%'
order=$(grep -E " ($ca|$cb) " "$TMP/text" | awk '{ print $3 }' | head -n 2 | tr '\n' ' ')
if grep -qxF "$header" "$TMP/text" && [ "$order" = "$cb $ca " ]; then
	ok "cachetop -s misses: BCC's header, $cb ($nb misses) above $ca ($na)"
else
	fail "cachetop -s misses: header and order" "order '$order': $(head -c 400 "$TMP/text")"
fi
