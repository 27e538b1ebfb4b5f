# softirqs in the guest: the timer and RCU softirqs of an idle guest are
# counted (-C), each no more than /proc/softirqs counted, on every hook kind.
. /tests/lib.sh
snap() { awk 'NR > 1 { s = 0; for (i = 2; i <= NF; i++) s += $i; sub(":", "", $1); print tolower($1), s }' /proc/softirqs; }
for path in best avoid=tp_btf avoid=tp_btf,raw_tp; do
	case $path in
	best) kind=tp_btf ;;
	avoid=tp_btf) kind=raw_tp ;;
	*) kind=tracepoint ;;
	esac
	snap >"$TMP/before"
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" softirqs -v -C; then
		fail "softirqs [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	sleep 0.5
	stop_tool
	rc=$?
	snap >"$TMP/after"
	# Rows "VEC TIME COUNT" above the limits of /proc/softirqs, and rows in all.
	bad=$(awk 'FILENAME == ARGV[1] { b[$1] = $2; next } FILENAME == ARGV[2] { a[$1] = $2; next }
		/TOTAL_count/ { t = 1; next }
		t && NF == 3 { rows++; if ($3 < 1 || $3 > a[$1] - b[$1]) print $1 "=" $3 "/" a[$1] - b[$1] }
		END { if (!rows) print "no rows" }' "$TMP/before" "$TMP/after" "$TMP/out")
	if [ $rc = 0 ] && [ -z "$bad" ]; then
		ok "softirqs [$path] -C: each vector within /proc/softirqs ($(awk '/TOTAL_count/ { t = 1; next } t { printf "%s=%s ", $1, $3 }' "$TMP/out"))"
	else
		fail "softirqs [$path] -C: each vector within /proc/softirqs" "exit status $rc, $bad: $(head -n 6 "$TMP/out")"
	fi
	check_path "softirqs [$path]: $kind" "$TMP/out.err" kinds=$kind softirq_entry=$kind softirq_exit=$kind
	matrix_line softirqs "$path" "$TMP/out.err"
done
