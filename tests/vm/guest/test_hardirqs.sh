# hardirqs in the guest: lines written to the serial console (ttyS0) raise its
# interrupts; the handler's row counts them, no more than /proc/interrupts,
# timed on every hook kind, and with -C (the entry hook alone).
. /tests/lib.sh
ttys() { awk '$NF == "ttyS0" { s = 0; for (i = 2; i < NF; i++) if ($i ~ /^[0-9]+$/) s += $i; print s }' /proc/interrupts; }
[ -n "$(ttys)" ] || skip_all "no ttyS0 interrupt in /proc/interrupts"
for path in best avoid=tp_btf avoid=tp_btf,raw_tp; do
	case $path in
	best) kind=tp_btf ;;
	avoid=tp_btf) kind=raw_tp ;;
	*) kind=tracepoint ;;
	esac
	modes=time
	[ $path = best ] && modes="time -C"
	for mode in $modes; do
		before=$(ttys)
		if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" hardirqs -v $([ $mode = -C ] && echo -C || echo --json); then
			fail "hardirqs [$path] $mode starts" "$(tail -n 3 "$TMP/out.err")"
			continue
		fi
		i=0
		while [ $i -lt 8 ]; do
			echo "# hardirqs [$path] $mode: console load $i, a line long enough to need several interrupts"
			i=$((i + 1))
		done
		sleep 0.1
		stop_tool
		rc=$?
		max=$(($(ttys) - before))
		if [ $mode = -C ]; then
			n=$(awk '$1 == "ttyS0" { print $2 }' "$TMP/out")
			exit_hook=-
		else
			n=$(sed -n 's/.*"hardirq":"ttyS0","total":[0-9]*,"count":\([0-9]*\).*/\1/p' "$TMP/out")
			exit_hook=$kind
		fi
		n=${n:-0}
		if [ $rc = 0 ] && [ "$n" -ge 1 ] && [ "$n" -le "$max" ]; then
			ok "hardirqs [$path] $mode: a ttyS0 row ($n, /proc/interrupts $max)"
		else
			fail "hardirqs [$path] $mode: a ttyS0 row" "exit status $rc, $n of $max: $(head -n 5 "$TMP/out")"
		fi
		check_path "hardirqs [$path] $mode: $kind" "$TMP/out.err" kinds=$kind \
			irq_handler_entry=$kind irq_handler_exit=$exit_hook
		[ $mode = time ] && matrix_line hardirqs "$path" "$TMP/out.err"
	done
done
