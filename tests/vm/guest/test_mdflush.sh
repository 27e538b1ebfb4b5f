# mdflush in the guest: a RAID1 md array of two loop devices, put together
# through md's sysfs files (busybox has no mdadm; no superblock), then a
# process that fsyncs /dev/md0 (busybox sync FILE: a flush) is shown with its
# PID, its name and md0, and a second one is left out by -p; on each hook:
# block_bio_queue (tp_btf, raw_tp, tracepoint) and md_flush_request, a
# function of the md-mod module (fentry through its module BTF, kprobe).
# guest-modules: md-mod raid1
. /tests/lib.sh
md=/sys/block/md0/md
loops=
# md_set FILE VALUE: write an md sysfs file; says which failed.
md_set() {
	echo "$2" >"$1" 2>"$TMP/md.err" && return 0
	echo "$1 <- $2: $(cat "$TMP/md.err")"
	return 1
}
# make_md: /dev/md0, RAID1 of two 16 MiB loop devices, running; prints why not.
make_md() {
	local i loop dev
	[ -e /sys/module/md_mod ] || { echo "no md-mod module"; return 1; }
	[ -e "$md" ] || md_set /sys/module/md_mod/parameters/new_array md0 || return 1
	md_set "$md/metadata_version" none && md_set "$md/level" raid1 &&
		md_set "$md/raid_disks" 2 || return 1
	for i in 0 1; do
		dd if=/dev/zero of="$TMP/md$i.img" bs=1M count=16 2>/dev/null
		loop=$(losetup -f) && losetup "$loop" "$TMP/md$i.img" || { echo "no loop device"; return 1; }
		loops="$loops $loop"
		dev=$(cat "/sys/block/${loop#/dev/}/dev")
		md_set "$md/new_dev" "$dev" && md_set "$md/dev-${loop#/dev/}/slot" $i &&
			md_set "$md/dev-${loop#/dev/}/size" 15360 || return 1
	done
	md_set "$md/component_size" 15360 && md_set "$md/array_state" active || return 1
	i=0
	while [ ! -b /dev/md0 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -b /dev/md0 ] || { echo "no /dev/md0 ($(cat "$md/array_state"))"; return 1; }
}
# flush_by FILE: a process that writes its PID to FILE, then fsyncs /dev/md0.
flush_by() { sh -c 'echo $$ >"$1"; exec sync /dev/md0' _ "$1"; }

if ! why=$(make_md); then
	skip "mdflush: flushes of an md array" "cannot build one: $why"
	for path in best avoid=tp_btf,raw_tp,tracepoint,fentry; do
		check_clean_stop "mdflush [$path] attaches and stops cleanly (no md array)" INT ready \
			env BPFSCOPE_AVOID="$(avoid_env "$path")" mdflush
	done
else
	for path in best avoid=tp_btf avoid=tp_btf,raw_tp avoid=tp_btf,raw_tp,tracepoint \
		avoid=tp_btf,raw_tp,tracepoint,fentry; do
		case $path in
		best) want="kinds=tp_btf block_bio_queue=tp_btf md_flush_request=- core=cut" ;;
		avoid=tp_btf) want="kinds=raw_tp block_bio_queue=raw_tp" ;;
		avoid=tp_btf,raw_tp) want="kinds=tracepoint block_bio_queue=tracepoint" ;;
		avoid=tp_btf,raw_tp,tracepoint) want="kinds=fentry md_flush_request=fentry block_bio_queue=-" ;;
		*) want="kinds=kprobe md_flush_request=kprobe" ;;
		esac
		# -p: a shell that waits for its CONT, then flushes; another flush is not its.
		sh -c 'kill -STOP $$; echo $$ >"$1"; exec sync /dev/md0' _ "$TMP/p1" &
		p=$!
		i=0
		while [ "$(sed 's/.*) //' /proc/$p/stat | cut -d' ' -f1)" != T ] && [ $i -lt 100 ]; do
			sleep 0.05
			i=$((i + 1))
		done
		if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" mdflush -v -p $p; then
			fail "mdflush [$path] starts" "$(tail -n 3 "$TMP/out.err")"
			kill -KILL $p
			continue
		fi
		flush_by "$TMP/p2"
		kill -CONT $p
		wait $p
		wait_for "$TMP/out" " $p +sync +md0\$" 5
		stop_tool
		rc=$?
		rows=$(grep -E '^[0-9]{2}:' "$TMP/out" | awk '{ print $2, $3, $4 }' | tr '\n' ';')
		if [ $rc = 0 ] && [ "$rows" = "$p sync md0;" ]; then
			ok "mdflush [$path] -p shows the marked fsync's flush of md0 (PID, COMM, DEVICE), not the other's"
		else
			fail "mdflush [$path] -p shows the marked fsync's flush of md0 (PID, COMM, DEVICE), not the other's" \
				"exit status $rc, rows [$rows], want [$p sync md0;], other $(cat "$TMP/p2"): $(cat "$TMP/out")"
		fi
		check_path "mdflush [$path] takes $want" "$TMP/out.err" $want
		matrix_line mdflush "$path" "$TMP/out.err"
	done
	echo inactive >"$md/array_state" 2>/dev/null
	echo clear >"$md/array_state" 2>/dev/null
fi
for loop in $loops; do
	losetup -d "$loop"
done
