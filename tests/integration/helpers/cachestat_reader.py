#!/usr/bin/python3
# cachestat_reader.py FILE PASSES [BS]: stop (SIGSTOP) until the tool is
# attached, drop FILE's pages from the page cache (POSIX_FADV_DONTNEED), then
# read it PASSES times from the start, BS bytes (default 4096) per read(2).
# Prints the pages FILE has and the reads issued.
import os
import signal
import sys

path, passes = sys.argv[1], int(sys.argv[2])
bs = int(sys.argv[3]) if len(sys.argv) > 3 else 4096
fd = os.open(path, os.O_RDONLY)
os.fsync(fd)
os.kill(os.getpid(), signal.SIGSTOP)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
reads = 0
for _ in range(passes):
    off = 0
    while True:
        b = os.pread(fd, bs, off)
        reads += 1
        if not b:
            break
        off += len(b)
pages = (os.fstat(fd).st_size + 4095) // 4096
print(pages, reads)
