# capable in the guest: su (root) drops to nobody, which chowns a root-owned
# file: the setgid/setuid checks are allowed with INSETID 1, the chown is
# denied (CAP_CHOWN) with AUDIT 1, with the kernel stack through chown_common;
# root's own chown is allowed; on each hook kind (Debian 6.1 and 6.12 have no
# capability:cap_capable tracepoint: fexit, else kprobe and kretprobe).
. /tests/lib.sh
d=/tmp/capable.$$
mkdir -p "$d"
chmod 755 "$d"
: >"$d/f"
chmod 644 "$d/f"
for path in best avoid=fexit; do
	case $path in
	best) want="kinds=fexit cap_capable=fexit buffer=ringbuf core=cut" ;;
	avoid=fexit) want="kinds=kprobe+kretprobe cap_capable=kprobe buffer=ringbuf" ;;
	esac
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" capable -v -x -K; then
		fail "capable [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	su -s /bin/sh nobody -c "echo \$\$; exec chown 65534 $d/f" >"$TMP/pid" 2>/dev/null
	sh -c 'echo $$ >"$1"; exec chown 4242 "$2"' _ "$TMP/rpid" "$d/f"
	wait_for "$TMP/out" " chown +0 +CAP_CHOWN +1 +allow" 5
	stop_tool
	rc=$?
	pid=$(cat "$TMP/pid") rpid=$(cat "$TMP/rpid")
	rows=$(grep -E "^[0-9:]+ +[0-9]+ +$pid +$pid " "$TMP/out" | awk '{ print $2, $5, $6, $7, $8, $9, $10 }' |
		sort -u | tr '\n' ';')
	want_rows="0 su 6 CAP_SETGID 1 allow 1;0 su 7 CAP_SETUID 1 allow 1;65534 chown 0 CAP_CHOWN 1 deny 0;"
	case $rows in
	*"$want_rows"*) ok "capable [$path] su's setgid/setuid allowed (INSETID 1), nobody's chown denied (AUDIT 1), one PID" ;;
	*) fail "capable [$path] su's setgid/setuid allowed (INSETID 1), nobody's chown denied (AUDIT 1), one PID" \
		"exit status $rc, pid $pid: $rows" ;;
	esac
	if grep -qE "^[0-9:]+ +0 +$rpid +$rpid +chown +0 +CAP_CHOWN +1 +allow +0\$" "$TMP/out"; then
		ok "capable [$path] root's chown allowed, with its PID"
	else
		fail "capable [$path] root's chown allowed, with its PID" "$(grep -E " $rpid " "$TMP/out" | head -n 3)"
	fi
	stack=$(awk -v pid="$pid" '/^[0-9][0-9]:/ { if (on) exit; on = ($3 == pid && $6 == 0); next } on' \
		"$TMP/out" | tr -d ' ' | tr '\n' ' ')
	case $stack in
	"cap_capable "*chown_common*) ok "capable [$path] -K: the kernel stack from cap_capable through chown_common" ;;
	*) fail "capable [$path] -K: the kernel stack from cap_capable through chown_common" "$stack" ;;
	esac
	check_path "capable [$path] takes $want" "$TMP/out.err" $want
	matrix_line capable "$path" "$TMP/out.err"
done
rm -rf "$d"
