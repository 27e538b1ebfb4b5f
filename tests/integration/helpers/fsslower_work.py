#!/usr/bin/python3
# File-system operations of known sizes and offsets on one file, for the
# fsslower and fsdist tests.  Usage: fsslower_work.py COMM FILE [SLOW_MIB]
# Talks over stdin/stdout (pipes or FIFOs, never files of the traced file
# system): prints "ready PID", waits for a line, runs the workload, prints one
# line per operation "OP BYTES OFFSET USECS" (USECS: as measured here around
# the call), then "done".  With SLOW_MIB, ends with a write of that many MiB
# and an fsync (the slow one), reported as "slowfsync 0 0 USECS".
import os
import sys
import time

comm, path = sys.argv[1], sys.argv[2]
slow_mib = int(sys.argv[3]) if len(sys.argv) > 3 else 0
with open("/proc/self/comm", "w") as f:
    f.write(comm[:15])
out = []


def timed(op, nbytes, offset, fn, *args):
    t = time.monotonic_ns()
    r = fn(*args)
    out.append("%s %d %d %d" % (op, nbytes, offset, (time.monotonic_ns() - t) // 1000))
    return r


print("ready", os.getpid(), flush=True)
sys.stdin.readline()
fd = timed("open", 0, 0, os.open, path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o644)
timed("write", 12345, 65536, os.pwrite, fd, b"w" * 12345, 65536)
timed("write", 4096, 0, os.write, fd, b"x" * 4096)
timed("fsync", 0, 0, os.fsync, fd)
os.close(fd)
fd = timed("open", 0, 0, os.open, path, os.O_RDONLY)
timed("read", 5000, 4096, os.pread, fd, 5000, 4096)
os.lseek(fd, 70000, os.SEEK_SET)
timed("read", 777, 70000, os.read, fd, 777)
timed("read", 100, 1000, os.preadv, fd, [bytearray(100)], 1000)
timed("getattr", 0, 0, os.fstat, fd)
timed("getattr", 0, 0, os.stat, path)
os.close(fd)
if slow_mib:
    fd = os.open(path, os.O_WRONLY)
    os.write(fd, b"s" * (slow_mib << 20))
    timed("slowfsync", 0, 0, os.fsync, fd)
    os.close(fd)
print("\n".join(out), flush=True)
print("done", flush=True)
