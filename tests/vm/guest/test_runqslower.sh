# runqslower in the guest: three CPU hogs pinned to one CPU wait for it in
# turn; runqslower -p shows those waits of one hog (and only its), on each
# hook kind and event buffer, all instances at once.
. /tests/lib.sh
taskset -c 0 spin 600 &
a=$!
taskset -c 0 spin 600 &
b=$!
taskset -c 0 spin 600 &
c=$!
hogs="$a $b $c"
INSTANCES="best||kinds=tp_btf,sched_switch=tp_btf,sched_wakeup=tp_btf,buffer=ringbuf
raw|tp_btf|kinds=raw_tp,sched_switch=raw_tp,sched_wakeup_new=raw_tp,buffer=ringbuf
perfbuf|ringbuf|kinds=tp_btf,buffer=perfbuf"
echo "$INSTANCES" >"$TMP/instances"
# Started side by side (under TCG each start-up takes a while), then waited for.
while IFS='|' read -r name avoid want; do
	BPFSCOPE_AVOID=$avoid BPFSCOPE_READY_FILE=$TMP/$name.ready sigdfl runqslower -v -P -p $a 1000 \
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
	fail "runqslower [$name] starts" "$(tail -n 2 "$TMP/$name.err")"
done
sleep 1.5
while IFS='|' read -r name avoid want; do
	case " $started " in *" $name "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$name"
	stop_tool
	rc=$?
	n=$(awk -v t=$a 'NR > 2 && $2 == "spin" && $3 == t && $4 >= 1000' "$TMP/$name" | wc -l)
	others=$(awk -v t=$a 'NR > 2 && $3 != t' "$TMP/$name" | wc -l)
	if [ $rc = 0 ] && [ "$n" -ge 3 ] && [ "$others" = 0 ]; then
		ok "runqslower [$name] -p shows a hog's waits of 1 ms and more ($n)"
	else
		fail "runqslower [$name] -p shows a hog's waits of 1 ms and more" \
			"exit status $rc, $n of it, $others others: $(head -n 4 "$TMP/$name") $(tail -n 2 "$TMP/$name.err")"
	fi
	check_path "runqslower [$name] takes $want" "$TMP/$name.err" $(echo "$want" | tr ',' ' ')
	path=best
	[ -z "$avoid" ] || path=avoid=$avoid
	matrix_line runqslower "$path" "$TMP/$name.err"
done <"$TMP/instances"
kill_hogs
