#!/bin/bash
# Shared by the page-cache tests (cachestat, cachetop, readahead), sourced
# after tests/lib.sh: a fresh ext4 on a loop device, and marked readers.

# cache_fs: a 64 MiB (sparse) ext4 on a loop device mounted noatime at $MNT
# (no atime updates: a read dirties nothing), taken down at exit.
cache_fs() {
	need mkfs.ext4 losetup
	MNT=$TMP/mnt
	mkdir "$MNT"
	truncate -s 64M "$TMP/ext4.img"
	mkfs.ext4 -q -F "$TMP/ext4.img" >/dev/null 2>&1 || bail_out "mkfs.ext4" "failed"
	LOOP=$(losetup -f --show "$TMP/ext4.img") || skip_all "no free loop device"
	on_exit "losetup -d $LOOP"
	mount -t ext4 -o noatime "$LOOP" "$MNT" || bail_out "mount" "mount -t ext4 $LOOP failed"
	on_exit "umount $MNT"
}

# cache_file NAME PAGES: a file of PAGES random pages in $MNT, written back.
cache_file() {
	head -c $(($2 * 4096)) /dev/urandom >"$MNT/$1"
	sync "$MNT/$1"
}

# cache_reader FILE PASSES [PAGES [COMM]]: a reader that stops itself until
# sent SIGCONT (tests/integration/helpers/cachestat_reader.py); its PID in
# READER.  Fails if it did not stop.
cache_reader() {
	local i
	python3 "$TOP/tests/integration/helpers/cachestat_reader.py" "$@" >/dev/null &
	READER=$!
	on_exit "kill -KILL $READER"
	for ((i = 0; i < 200; i++)); do
		[ "$(sed 's/.*) //' "/proc/$READER/stat" 2>/dev/null | cut -d' ' -f1)" = T ] && return 0
		sleep 0.02
	done
	return 1
}

# run_reader PID: let a stopped reader go and wait for it.
run_reader() {
	kill -CONT "$1"
	wait "$1"
}
