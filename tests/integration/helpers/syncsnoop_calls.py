#!/usr/bin/env python3
# Makes the sync calls named on the command line, on FILE, as a process named
# NAME, and prints "ready PID TID" first and "CALL ARG" for each call made (ARG:
# the descriptor, msync()'s address, 0 for sync()).
# usage: syncsnoop_calls.py [-w GOFILE] [-T] NAME FILE CALL...
#   -w GOFILE: after "ready", wait until GOFILE exists (at most 60 s)
#   -T: make the calls in the main thread, then again in a second thread (the
#       TID printed)
import ctypes, mmap, os, sys, threading, time

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NR = {'syncfs': 306, 'sync_file_range': 277}       # x86-64
SYNC_FILE_RANGE_WRITE = 2


def syscall(name, *args):
    if libc.syscall(NR[name], *[ctypes.c_long(a) for a in args]) < 0:
        raise OSError(ctypes.get_errno(), name)


def call(name, fd, mm):
    if name == 'sync':
        os.sync()
        return 0
    if name == 'msync':
        mm.flush()
        return ctypes.addressof(ctypes.c_char.from_buffer(mm))
    if name == 'fsync':
        os.fsync(fd)
    elif name == 'fdatasync':
        os.fdatasync(fd)
    elif name == 'syncfs':
        syscall('syncfs', fd)
    elif name == 'sync_file_range':
        syscall('sync_file_range', fd, 0, 4096, SYNC_FILE_RANGE_WRITE)
    else:
        sys.exit('syncsnoop_calls: unknown call ' + name)
    return fd


def run(calls, fd, mm):
    for c in calls:
        print(c, call(c, fd, mm), flush=True)


args = sys.argv[1:]
go = None
thread = False
while args and args[0] in ('-w', '-T'):
    if args.pop(0) == '-w':
        go = args.pop(0)
    else:
        thread = True
name, path, calls = args[0], args[1], args[2:]
libc.prctl(15, name.encode(), 0, 0, 0)      # PR_SET_NAME
fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
os.ftruncate(fd, 4096)
mm = mmap.mmap(fd, 4096)
mm[0:1] = b'x'
start = threading.Event()
worker = threading.Thread(target=lambda: (start.wait(), run(calls, fd, mm)))
if thread:
    worker.start()
    while worker.native_id is None:
        time.sleep(0.01)
print('ready', os.getpid(), worker.native_id if thread else threading.get_native_id(), flush=True)
if go:
    deadline = time.monotonic() + 60
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            sys.exit('syncsnoop_calls: no go')
        time.sleep(0.02)
run(calls, fd, mm)
if thread:
    start.set()
    worker.join()
