# sslsniff in the guest (no libssl here): --extra-lib openssl:HELPER, the
# static helper whose SSL_write() and SSL_read() (OpenSSL's prototypes) pass
# a payload and its reverse; both show with the helper's PID, LEN and data, as
# uprobe_multi links (Linux 6.6+) and as a uprobe per function.
. /tests/lib.sh
H=/helpers/uprobe_calls
case $KERNEL in
6.1.*) multi=uprobe ;; # no uprobe_multi before 6.6
*) multi=uprobe_multi ;;
esac
i=0
for path in best avoid=uprobe_multi,ringbuf; do
	i=$((i + 1))
	case $path in
	best) want="SSL_write=$multi SSL_read=$multi buffer=ringbuf core=cut" ;;
	*) want="SSL_write=uprobe SSL_read=uprobe buffer=perfbuf" ;;
	esac
	data="vm_tls_$$_$i"
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" sslsniff -v --extra-lib "openssl:$H"; then
		fail "sslsniff [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	"$H" ssl "$data" >"$TMP/pid"
	rev=$(echo "$data" | rev)
	wait_for "$TMP/out" "^$rev\$" 5
	sleep 0.3
	stop_tool
	rc=$?
	pid=$(head -n 1 "$TMP/pid")
	len=${#data}
	w=$(grep -A2 -E "^WRITE/SEND +[0-9.]+ +uprobe_calls +$pid +$len *\$" "$TMP/out" | tail -n 1)
	r=$(grep -A2 -E "^READ/RECV +[0-9.]+ +uprobe_calls +$pid +$len *\$" "$TMP/out" | tail -n 1)
	if [ $rc = 0 ] && [ "$w" = "$data" ] && [ "$r" = "$rev" ]; then
		ok "sslsniff [$path] shows the write and the read of PID $pid with LEN $len and the data"
	else
		fail "sslsniff [$path] shows the write and the read of PID $pid with LEN $len and the data" \
			"exit status $rc, write '$w', read '$r': $(head -n 12 "$TMP/out")"
	fi
	check_path "sslsniff [$path] takes $want" "$TMP/out.err" $want
	matrix_line sslsniff "$path" "$TMP/out.err"
done
