# The lines a test file prints, counted by tests/run.sh (host) and tests/vm/run.sh
# (guests): "ok - NAME", "not ok - NAME: why", "skip - NAME: why", and "# done
# testing" once the file got to its end.  POSIX sh: sourced by bash on the host
# (tests/lib.sh) and by busybox ash in the guests (tests/vm/guest/lib.sh).

ok() { echo "ok - $1"; }
fail() { echo "not ok - $1: $2"; }
skip() { echo "skip - $1: $2"; }

# done_testing: the file got to its end (printed once; the runner calls it).  In
# a guest, DONE_FILE tells /init.
DONE_TESTING=
done_testing() {
	[ -n "$DONE_TESTING" ] && return 0
	DONE_TESTING=1
	echo "# done testing"
	[ -z "${DONE_FILE:-}" ] || : >"$DONE_FILE"
}

# skip_all WHY: nothing in this file can run here.
skip_all() {
	skip "$(basename "$0" .sh)" "$1"
	done_testing
	exit 0
}

# bail_out NAME WHY: a check failed that the rest of the file depends on.
bail_out() {
	fail "$1" "$2"
	echo "# bail out: the checks after '$1' were not run"
	done_testing
	exit 0
}
