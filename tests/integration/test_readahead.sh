#!/bin/bash
# readahead: a marked reader reads the first R pages (R a random multiple of
# 512: 2 MiB, the largest folio readahead makes here, so the folios it used
# end where the reading did) of a cold file of 4096 pages on a fresh ext4
# (loop device), 4 KiB reads.  With -p: pages were read ahead (total > R),
# exactly R of them used (total - unused), and the histogram holds their
# first accesses; -d ends the run; tp_btf and raw_tp (BPFSCOPE_AVOID).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/helpers/cachestat_lib.sh"
need jq python3
[ -x "$BIN/readahead" ] || skip_all "bin/readahead is not built"
cache_fs
cache_file f 4096
cache_file g 4096

# one FILE OUT AVOID: readahead -p of a reader of R pages of FILE; sets R.
one() {
	R=$((512 * (1 + RANDOM % 3)))
	cache_reader "$MNT/$1" 1 $R || bail_out "readahead: reader" "did not stop"
	if ! BPFSCOPE_AVOID=$3 start_tool "$TMP/$2" readahead -v --json -p $READER; then
		fail "readahead [$2] starts" "$(head -c 300 "$TMP/$2.err")"
		return
	fi
	run_reader $READER
	stop_tool
	check "readahead [$2]: exits 0" [ $? = 0 ]
	total=$(jq .total "$TMP/$2")
	unused=$(jq .unused "$TMP/$2")
	firsts=$(jq '[.hist.buckets[].count] | add' "$TMP/$2")
	if [ "$total" -gt $R ] && [ $((total - unused)) = $R ] && [ "$firsts" -ge 1 ]; then
		ok "readahead [$2] -p: $total pages read ahead, $unused unused: the $R read were used ($firsts first accesses)"
	else
		fail "readahead [$2] -p: total > $R, exactly $R used" "$(head -c 400 "$TMP/$2")"
	fi
}
one f best ""
check_path "readahead: the 6.18 tracepoints via tp_btf" "$TMP/best.err" \
	page_cache_ra_unbounded=tp_btf page_cache_ra_order=tp_btf mm_filemap_add_to_page_cache=tp_btf \
	mm_filemap_get_pages=tp_btf
one g raw tp_btf
check_path "readahead [avoid=tp_btf]: raw_tp" "$TMP/raw.err" kinds=raw_tp

# -d 1 -m: upstream's text, in milliseconds, ends by itself.
start=$(date +%s%N)
"$BIN/readahead" -d 1 -m >"$TMP/d" 2>"$TMP/d.err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
if [ $rc = 0 ] && [ "$(head -n 1 "$TMP/d")" = "Tracing fs read-ahead ... Hit Ctrl-C to end." ] &&
	grep -qE '^Readahead unused/total pages: [0-9]+/[0-9]+$' "$TMP/d" &&
	grep -qE '^ +msecs +: count +distribution$' "$TMP/d" && [ $ms -lt 4000 ]; then
	ok "readahead -d 1 -m: banner, unused/total line, msecs histogram, ends in ${ms} ms"
else
	fail "readahead -d 1 -m" "status $rc, $ms ms: $(head -c 300 "$TMP/d") $(head -c 200 "$TMP/d.err")"
fi
