# Block I/O of known size, place and submitter for test_biosnoop.sh and
# test_biotop.sh (sourced after tests/lib.sh): loop devices of our own with
# direct I/O, and copies of dd under unique names, so each request's
# submitter has a command name nothing else has.

# make_loop NAME [SIZE]: attach an image in $TMP as a loop device with direct
# I/O; sets LOOP (and detaches it at exit).
make_loop() {
	local img=$TMP/$1.img
	LOOP=
	truncate -s "${2:-64M}" "$img" || return 1
	LOOP=$(losetup -f --show --direct-io=on "$img") || return 1
	on_exit "losetup -d $LOOP"
}

# dd_as NAME: a copy of dd called NAME in $TMP (the command name of its requests).
dd_as() { cp /bin/dd "$TMP/$1"; }

# io NAME DD-ARGS...: run the copy NAME in the background and wait for it;
# sets IO_PID.  A failed dd is added to IO_ERR, which fails the check it
# belongs to (a workload that issued less must not pass for the tool's error).
IO_ERR=
io() {
	local name=$1
	shift
	"$TMP/$name" "$@" status=none 2>"$TMP/dd.err" &
	IO_PID=$!
	wait $IO_PID || IO_ERR+="$name $*: $(head -c 200 "$TMP/dd.err"); "
}

# gated FILE NAME DD-ARGS...: start the copy NAME once FILE exists (the PID,
# in IO_PID, is known before it runs: biotop -p); wait for it with wait_io.
gated() {
	local go=$1 name=$2
	shift 2
	(
		while [ ! -e "$go" ]; do sleep 0.02; done
		exec "$TMP/$name" "$@" status=none 2>"$TMP/$name.err"
	) &
	IO_PID=$!
}

# wait_io PID NAME: wait for a gated copy; a failure goes to IO_ERR.
wait_io() { wait "$1" || IO_ERR+="$2: $(head -c 200 "$TMP/$2.err"); "; }
