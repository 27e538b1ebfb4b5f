# tcprtt in the guest: a loopback transfer to a port of its own; every path
# (tcp:tcp_probe as tp_btf or raw_tp, upstream's fentry or kprobe on
# tcp_rcv_established) watches it at once with -p PORT, and all must count
# the same segments, with loopback round trips (below 65 ms even under TCG).
. /tests/lib.sh
ip link set lo up 2>/dev/null
port=$((20000 + $$ % 10000))

PATHS="best||kinds=tp_btf,tcp_probe=tp_btf
raw_tp|tp_btf|kinds=raw_tp,tcp_probe=raw_tp
fentry|tp_btf,raw_tp,kprobe|kinds=fentry,tcp_rcv_established=fentry
kprobe|tp_btf,raw_tp,fentry|kinds=kprobe,tcp_rcv_established=kprobe"
path_of() { if [ -n "$1" ]; then echo "avoid=$1"; else echo best; fi; }

echo "$PATHS" >"$TMP/paths"
started=
while IFS='|' read -r name avoid want; do
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" tcprtt -v -p $port; then
		eval "pid_$name=$TOOL_PID"
		started="$started $name"
	else
		fail "tcprtt [$(path_of "$avoid")] starts" "$(tail -n 2 "$TMP/$name.err")"
	fi
done <"$TMP/paths"

# (busybox nc ends the connection when its input ends: the server's is held open)
sleep 4 | nc -l -p $port >/dev/null &
srv=$!
sleep 0.5
head -c 300000 /dev/zero | nc 127.0.0.1 $port >/dev/null 2>"$TMP/nc.err" ||
	fail "tcprtt: a loopback transfer" "$(cat "$TMP/nc.err")"
sleep 0.3
kill $srv 2>/dev/null
wait $srv 2>/dev/null

# total FILE, slow FILE: samples, and samples of 65536 usecs or more.
total() { awk '/ -> / { n += $5 } END { print n + 0 }' "$1"; }
slow() { awk '/ -> / && $1 >= 65536 { n += $5 } END { print n + 0 }' "$1"; }
first=
while IFS='|' read -r name avoid want; do
	case " $started " in *" $name "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$name"
	stop_tool
	rc=$?
	path=$(path_of "$avoid")
	n=$(total "$TMP/$name")
	[ -n "$first" ] || first=$n
	if [ $rc = 0 ] && [ "$n" -ge 5 ] && [ "$n" = "$first" ] && [ "$(slow "$TMP/$name")" = 0 ] &&
		grep -q '^All Addresses = ' "$TMP/$name"; then
		ok "tcprtt [$path] -p PORT: the transfer's segments ($n, as every path)"
	else
		fail "tcprtt [$path] -p PORT: the transfer's segments" \
			"rc=$rc total=$n (first path: $first) $(grep -- '->' "$TMP/$name" | tr -s ' ' | tr '\n' ' ')"
	fi
	check_path "tcprtt [$path] takes $want" "$TMP/$name.err" $(echo "$want" | tr ',' ' ')
	matrix_line tcprtt "$path" "$TMP/$name.err"
done <"$TMP/paths"
