# dcsnoop in the guest: a shell (-p, stopped until dcsnoop is attached) opens
# a unique name that does not exist (a miss: M) and an existing unique file
# (with -a a reference: R); a second shell's miss is left out by -p; without
# -a no reference is shown; on fentry/fexit and kprobe/kretprobe.
. /tests/lib.sh
d=$TMP/dcsnoop.$$
mkdir -p "$d"
m=dcs$$x$RANDOM
: >"$d/$m.file"
# stopped_shell FILE...: a shell that stops until continued, then opens each FILE.
stopped_shell() {
	sh -c 'kill -STOP $$; for f; do true <"$f" 2>/dev/null; done' _ "$@" &
	p=$!
	i=0
	while [ "$(sed 's/.*) //' /proc/$p/stat | cut -d' ' -f1)" != T ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
for path in best avoid=fentry,fexit; do
	case $path in
	best) want="kinds=fentry+fexit lookup_fast=fentry d_lookup=fexit buffer=ringbuf core=cut" ;;
	*) want="kinds=kprobe+kretprobe lookup_fast=kprobe d_lookup=kprobe buffer=ringbuf" ;;
	esac
	stopped_shell "$d/$m.miss" "$d/$m.file"
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" dcsnoop -v -a -p $p; then
		fail "dcsnoop [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		kill -KILL $p
		continue
	fi
	sh -c 'true <"$1" 2>/dev/null' _ "$d/$m.other"
	kill -CONT $p
	wait $p
	wait_for "$TMP/out" " R $m.file\$" 5
	stop_tool
	rc=$?
	miss=$(awk -v f="$m.miss" '$4 == "M" && $5 == f { print $2 }' "$TMP/out" | sort -u | tr '\n' ' ')
	ref=$(awk -v f="$m.file" '$4 == "R" && $5 == f { print $2 }' "$TMP/out" | sort -u | tr '\n' ' ')
	if [ $rc = 0 ] && [ "$miss" = "$p " ]; then
		ok "dcsnoop [$path] -a -p shows the marked miss (M) with its PID"
	else
		fail "dcsnoop [$path] -a -p shows the marked miss (M) with its PID" \
			"exit status $rc, PIDs [$miss], want $p: $(head -n 5 "$TMP/out")"
	fi
	if [ "$ref" = "$p " ]; then
		ok "dcsnoop [$path] -a shows the lookup of an existing file (R) with its PID"
	else
		fail "dcsnoop [$path] -a shows the lookup of an existing file (R) with its PID" \
			"PIDs [$ref], want $p: $(grep -F "$m" "$TMP/out" | head -n 5)"
	fi
	if grep -qF "$m.other" "$TMP/out"; then
		fail "dcsnoop [$path] -p leaves out another process's miss" "$(grep -F "$m.other" "$TMP/out")"
	else
		ok "dcsnoop [$path] -p leaves out another process's miss"
	fi
	check_path "dcsnoop [$path] takes $want" "$TMP/out.err" $want
	matrix_line dcsnoop "$path" "$TMP/out.err"
done
# Without -a: misses only, as JSON.
stopped_shell "$d/$m.miss2" "$d/$m.file"
if start_tool "$TMP/out" dcsnoop -v --json -p $p; then
	kill -CONT $p
	wait $p
	wait_for "$TMP/out" "\"file\":\"$m.miss2\"" 5
	stop_tool
	if grep -qE "\"pid\":$p,\"tid\":$p,.*\"type\":\"M\",\"file\":\"$m.miss2\"" "$TMP/out"; then
		ok "dcsnoop --json: the miss as an object with pid, type M and file"
	else
		fail "dcsnoop --json: the miss as an object with pid, type M and file" "$(head -n 3 "$TMP/out")"
	fi
	if grep -q '"type":"R"' "$TMP/out"; then
		fail "dcsnoop without -a shows no references" "$(grep '"type":"R"' "$TMP/out" | head -n 2)"
	else
		ok "dcsnoop without -a shows no references"
	fi
	check_path "dcsnoop [best] without -a takes no lookup_fast hook" "$TMP/out.err" \
		lookup_fast=- d_lookup=fexit
else
	fail "dcsnoop --json starts" "$(tail -n 3 "$TMP/out.err")"
	kill -KILL $p
fi
rm -rf "$d"
