# softirqslower in the guest: with a threshold of 0, the softirqs of an idle
# guest (timer, RCU) are reported in both stages, on every hook kind and
# event buffer.
. /tests/lib.sh
for path in best avoid=tp_btf,ringbuf avoid=tp_btf,raw_tp; do
	case $path in
	best) want="kinds=tp_btf buffer=ringbuf" ;;
	avoid=tp_btf,ringbuf) want="kinds=raw_tp buffer=perfbuf" ;;
	*) want="kinds=tracepoint buffer=ringbuf" ;;
	esac
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" softirqslower -v -c 0 0; then
		fail "softirqslower [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	sleep 0.5
	stop_tool
	rc=$?
	run=$(grep -cE '^[0-9:]{8} softirq runtime +[a-z_]+ +[0-9]+ +0 ' "$TMP/out")
	wait=$(grep -cE '^[0-9:]{8} irq\(hard\) to softirq [a-z_]+ +[0-9]+ +0 ' "$TMP/out")
	other=$(grep -cvE '^TIME |^Tracing |^[0-9:]{8} (softirq runtime|irq\(hard\) to softirq) +[a-z_]+ +[0-9]+ +0 ' "$TMP/out")
	if [ $rc = 0 ] && [ "$run" -ge 1 ] && [ "$wait" -ge 1 ] && [ "$other" = 0 ]; then
		ok "softirqslower [$path] -c 0 0: both stages, CPU 0 only ($run runtimes, $wait waits)"
	else
		fail "softirqslower [$path] -c 0 0: both stages, CPU 0 only" \
			"exit status $rc, $run runtimes, $wait waits, $other other lines: $(head -n 4 "$TMP/out")"
	fi
	check_path "softirqslower [$path]: $want" "$TMP/out.err" $want
	matrix_line softirqslower "$path" "$TMP/out.err"
done
