#!/usr/bin/python3
# cachestat_reader.py FILE PASSES [PAGES [COMM]]: named COMM (if given), stop
# (SIGSTOP) until the tool is attached, drop FILE's pages from the page cache
# (POSIX_FADV_DONTNEED), then read its first PAGES pages (0: all) PASSES times
# from the start, 4096 bytes per read(2).  Prints the reads issued.
import os
import signal
import sys

path, passes = sys.argv[1], int(sys.argv[2])
limit = int(sys.argv[3]) * 4096 if len(sys.argv) > 3 else 0
if len(sys.argv) > 4:
    with open('/proc/self/comm', 'w') as f:
        f.write(sys.argv[4])
bs = 4096
fd = os.open(path, os.O_RDONLY)
os.fsync(fd)
os.kill(os.getpid(), signal.SIGSTOP)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
reads = 0
for _ in range(passes):
    off = 0
    while True:
        if limit and off >= limit:
            break
        b = os.pread(fd, bs, off)
        reads += 1
        if not b:
            break
        off += len(b)
print(reads)
