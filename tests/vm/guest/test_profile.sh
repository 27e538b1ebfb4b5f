# profile in the guest: a CPU-bound static program's functions appear in folded stacks.
. /tests/lib.sh
for path in best avoid=ringbuf; do
	spin 6 &
	spid=$!
	sleep 0.2
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") profile -v -f -F 99 -p $spid 3 >"$TMP/out" 2>"$TMP/err"; then
		fail "profile [$path] runs" "$(tail -n 3 "$TMP/err")"
	elif grep -q '^spin;.*bpfscope_spin_inner [0-9]' "$TMP/out"; then
		ok "profile [$path] -f finds the spinning function in folded user stacks"
	else
		fail "profile [$path] -f finds the spinning function in folded user stacks" \
			"$(sort -t' ' -k2 -n "$TMP/out" | tail -n 3)"
	fi
	kill $spid 2>/dev/null
	wait $spid 2>/dev/null
	matrix_line profile "$path" "$TMP/err" "cpu-clock=perf_event"
done
