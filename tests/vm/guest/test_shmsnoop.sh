# shmsnoop in the guest: a System V shared memory workload with a marked key
# (the static helper shmsnoop_shm) appears call by call with its PID and
# results, on every hook kind and buffer (avoid=tracepoint: raw_syscalls).
. /tests/lib.sh
n=0
for path in best avoid=ringbuf avoid=tracepoint; do
	case $path in
	best) want="kinds=tracepoint sys_enter_shmget=tracepoint sys_exit_shmctl=tracepoint buffer=ringbuf core=cut" ;;
	avoid=ringbuf) want="kinds=tracepoint buffer=perfbuf" ;;
	avoid=tracepoint) want="kinds=raw_tp sys_enter=raw_tp sys_exit=raw_tp buffer=ringbuf" ;;
	esac
	n=$((n + 1))
	key=$(printf '0x7e%04x%02x' $(($$ % 65536)) $n)
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" shmsnoop -v; then
		fail "shmsnoop [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	shmsnoop_shm "$key" >"$TMP/h"
	wait_for "$TMP/out" "-ENOENT key: $key" 5
	stop_tool
	rc=$?
	set -- $(grep '^pid ' "$TMP/h")
	pid=$2 id=$6 addr=$8
	hid=$(printf %x "$id")
	got=$(grep -E "^$pid +shmsnoop_shm " "$TMP/out" | awk '{ $1 = $2 = ""; print }' |
		sed 's/^ *//; s/buf: 0x[0-9a-f]*$/buf: B/' | tr '\n' '|')
	exp="SHMGET $hid key: $key, size: 4096, shmflg: 0x780 (IPC_CREAT|IPC_EXCL|0600)|"
	exp="${exp}SHMAT $addr shmid: 0x$hid, shmaddr: 0x0, shmflg: 0x1000 (SHM_RDONLY)|"
	exp="${exp}SHMDT 0 shmaddr: 0x$addr|SHMCTL 0 shmid: 0x$hid, cmd: 2 (IPC_STAT), buf: B|"
	exp="${exp}SHMCTL 0 shmid: 0x$hid, cmd: 0 (IPC_RMID), buf: B|"
	exp="${exp}SHMGET -ENOENT key: $key, size: 4096, shmflg: 0x0|"
	if [ $rc = 0 ] && [ "$got" = "$exp" ]; then
		ok "shmsnoop [$path] shows each call of a marked workload with its PID and result"
	else
		fail "shmsnoop [$path] shows each call of a marked workload with its PID and result" \
			"exit status $rc; want $exp; got $got"
	fi
	check_path "shmsnoop [$path] takes $want" "$TMP/out.err" $want
	matrix_line shmsnoop "$path" "$TMP/out.err"
done
