# gethostlatency in the guest (no libc.so here): -l names the static helper,
# whose getaddrinfo(), gethostbyname() and gethostbyname2() each take 20 ms;
# each shows with the helper's PID, the host and a latency from 20 ms up, as
# uprobe_multi links (Linux 6.6+) and as a uprobe per function.
. /tests/lib.sh
H=/helpers/uprobe_calls
case $KERNEL in
6.1.*) multi=uprobe ;; # no uprobe_multi before 6.6
*) multi=uprobe_multi ;;
esac
for path in best avoid=uprobe_multi,ringbuf; do
	case $path in
	best) want="getaddrinfo=$multi gethostbyname=$multi gethostbyname2=$multi buffer=ringbuf core=cut" ;;
	*) want="getaddrinfo=uprobe gethostbyname=uprobe gethostbyname2=uprobe buffer=perfbuf" ;;
	esac
	host=10.9.8.$$
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" gethostlatency -v -l "$H"; then
		fail "gethostlatency [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	"$H" resolve "$host" >"$TMP/pid"
	wait_for "$TMP/out" " $host\$" 5
	sleep 0.3
	stop_tool
	rc=$?
	pid=$(head -n 1 "$TMP/pid")
	n=$(awk -v pid="$pid" -v host="$host" \
		'$2 == pid && $3 == "uprobe_calls" && $4 >= 20 && $4 < 1000 && $5 == host' "$TMP/out" | wc -l)
	if [ $rc = 0 ] && [ "$n" = 3 ]; then
		ok "gethostlatency [$path] shows the 3 lookups of PID $pid, 20 ms or more each"
	else
		fail "gethostlatency [$path] shows the 3 lookups of PID $pid, 20 ms or more each" \
			"exit status $rc: $(grep -F " $host" "$TMP/out" | head -n 3)"
	fi
	check_path "gethostlatency [$path] takes $want" "$TMP/out.err" $want
	matrix_line gethostlatency "$path" "$TMP/out.err"
done
