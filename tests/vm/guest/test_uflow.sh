# uflow in the guest: a stand-in CPython (usdt_runtime) calls FUNC, which
# calls inner, twice: the 8 entries and returns in order, indented by depth,
# with the PID, on both event buffers.
# common-args: -l python
. /tests/lib.sh
for path in best avoid=ringbuf; do
	case $path in
	best) want="python:function__entry=usdt python:function__return=usdt buffer=ringbuf" ;;
	avoid=ringbuf) want="kinds=usdt buffer=perfbuf" ;;
	esac
	f=vm_uf_$$_${path#*=}
	usdt_runtime 10000 python /g/$f.py $f 2 &
	p=$!
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" uflow -v $p -l python; then
		fail "uflow [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		kill $p
		continue
	fi
	wait $p
	sleep 0.3
	stop_tool
	rc=$?
	got=$(awk -v p=$p '$2 == p && $3 == p' "$TMP/out" | cut -c 28- | tr '\n' '|')
	one="-> /g/$f.py.$f|  -> /g/$f.py.inner|  <- /g/$f.py.inner|<- /g/$f.py.$f|"
	if [ $rc = 0 ] && [ "$got" = "$one$one" ]; then
		ok "uflow [$path] shows the calls in order, indented, with PID $p"
	else
		fail "uflow [$path] shows the calls in order, indented, with PID $p" "exit status $rc: $got"
	fi
	check_path "uflow [$path] takes $want" "$TMP/out.err" $want
	matrix_line uflow "$path" "$TMP/out.err"
done
