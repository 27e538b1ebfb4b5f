#!/bin/sh
# What the tests need on a fresh machine: test packages, tracefs, loop devices.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" test || exit 1
if ! grep -q ' /sys/kernel/tracing tracefs' /proc/mounts; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
		echo "test-setup: cannot mount tracefs at /sys/kernel/tracing" >&2
fi
[ -e /dev/loop-control ] || modprobe loop 2>/dev/null
exit 0
