# cpudist in the guest: two CPU hogs pinned to one CPU cut each other's
# slices; cpudist -P -p shows the slices (or, -O, the waits) of one of them,
# and nothing of the other, on each hook kind, all instances at once.
. /tests/lib.sh
taskset -c 0 spin 600 &
a=$!
taskset -c 0 spin 600 &
b=$!
hogs="$a $b"
INSTANCES="best||-P|kinds=tp_btf,sched_switch=tp_btf
raw|tp_btf|-P|kinds=raw_tp,sched_switch=raw_tp
tp|tp_btf,raw_tp|-O -P|kinds=tracepoint,sched_switch=tracepoint,sched_process_free=tracepoint"
echo "$INSTANCES" >"$TMP/instances"
# Started side by side (under TCG each start-up takes a while), then waited for.
while IFS='|' read -r name avoid args want; do
	BPFSCOPE_AVOID=$avoid BPFSCOPE_READY_FILE=$TMP/$name.ready sigdfl cpudist -v $args -p $a \
		>"$TMP/$name" 2>"$TMP/$name.err" &
	eval "pid_$name=$!"
done <"$TMP/instances"
started=
i=0
while [ $i -lt 300 ]; do
	started=
	for name in $(cut -d'|' -f1 "$TMP/instances"); do
		[ -e "$TMP/$name.ready" ] && started="$started $name"
	done
	[ "$(echo $started | wc -w)" = "$(wc -l <"$TMP/instances")" ] && break
	sleep 0.1
	i=$((i + 1))
done
for name in $(cut -d'|' -f1 "$TMP/instances"); do
	case " $started " in *" $name "*) continue ;; esac
	eval "kill -KILL \$pid_$name" 2>/dev/null
	fail "cpudist [$name] starts" "$(tail -n 2 "$TMP/$name.err")"
done
sleep 1.5
while IFS='|' read -r name avoid args want; do
	case " $started " in *" $name "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$name"
	stop_tool
	rc=$?
	total=$(awk '/:/ && $2 == "->" { n += $5 } END { print n + 0 }' "$TMP/$name")
	if [ $rc = 0 ] && grep -q "^pid = $a spin$" "$TMP/$name" && [ "$total" -ge 5 ] &&
		[ "$(grep -c '^pid = ' "$TMP/$name")" = 1 ]; then
		ok "cpudist [$name] $args -p counts a hog's times ($total), nothing else"
	else
		fail "cpudist [$name] $args -p counts a hog's times" \
			"exit status $rc, total=$total $(head -n 4 "$TMP/$name") $(tail -n 2 "$TMP/$name.err")"
	fi
	check_path "cpudist [$name] takes $want" "$TMP/$name.err" $(echo "$want" | tr ',' ' ')
	path=best
	[ -z "$avoid" ] || path=avoid=$avoid
	matrix_line cpudist "$path" "$TMP/$name.err"
done <"$TMP/instances"
kill_hogs
