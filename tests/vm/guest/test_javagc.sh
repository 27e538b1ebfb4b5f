# javagc in the guest: a stand-in JVM (usdt_runtime: hotspot:gc__begin/end
# with semaphores) runs 3 collections of 20 ms; each is shown with its PID
# and a time of at least 20000 us, on both event buffers.
. /tests/lib.sh
for path in best avoid=ringbuf; do
	case $path in
	best) want="hotspot:gc__begin=usdt hotspot:gc__end=usdt buffer=ringbuf core=cut" ;;
	avoid=ringbuf) want="kinds=usdt buffer=perfbuf" ;;
	esac
	usdt_runtime 10000 gc 3 20 &
	p=$!
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" javagc -v -p $p; then
		fail "javagc [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		kill $p
		continue
	fi
	wait $p
	sleep 0.3
	stop_tool
	rc=$?
	n=$(awk -v p=$p '$3 == p && $4 >= 20000' "$TMP/out" | wc -l)
	if [ $rc = 0 ] && [ "$n" = 3 ]; then
		ok "javagc [$path] shows the 3 collections of PID $p, each >= 20 ms"
	else
		fail "javagc [$path] shows the 3 collections of PID $p, each >= 20 ms" \
			"exit status $rc: $(cat "$TMP/out")"
	fi
	check_path "javagc [$path] takes $want" "$TMP/out.err" $want
	matrix_line javagc "$path" "$TMP/out.err"
done
