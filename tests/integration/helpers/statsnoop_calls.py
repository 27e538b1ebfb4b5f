#!/usr/bin/env python3
# Makes the stat calls named on the command line through syscall(2), as a
# process named NAME, and prints "ready PID TID" first (TID: the thread that
# makes the calls) and "CALL RET" for each call (RET: 0 or -errno).
# usage: statsnoop_calls.py [-w GOFILE] [-T] NAME CALL PATH [CALL PATH...]
#   CALL: stat, lstat, newfstatat, statx or statfs (x86-64 numbers)
#   -w GOFILE: after "ready", wait until GOFILE exists (at most 60 s)
#   -T: make the calls in the main thread, then again in a second thread
import ctypes, os, sys, threading, time

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
AT_FDCWD = -100
NR = {'stat': 4, 'lstat': 6, 'newfstatat': 262, 'statx': 332, 'statfs': 137}
buf = ctypes.create_string_buffer(4096)


def call(name, path):
    p = path.encode('utf-8', 'surrogateescape')
    if name == 'newfstatat':
        args = [AT_FDCWD, p, buf, 0]
    elif name == 'statx':
        args = [AT_FDCWD, p, 0, 0x7ff, buf]     # flags 0, mask STATX_BASIC_STATS
    else:
        args = [p, buf]
    ret = libc.syscall(NR[name], *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])
    return -ctypes.get_errno() if ret < 0 else ret


def run(pairs):
    for name, path in pairs:
        print(name, call(name, path), flush=True)


args = sys.argv[1:]
go = None
thread = False
while args and args[0] in ('-w', '-T'):
    if args.pop(0) == '-w':
        go = args.pop(0)
    else:
        thread = True
name, rest = args[0], args[1:]
pairs = list(zip(rest[0::2], rest[1::2]))
libc.prctl(15, name.encode(), 0, 0, 0)      # PR_SET_NAME
start = threading.Event()
worker = threading.Thread(target=lambda: (start.wait(), run(pairs)))
if thread:
    worker.start()
    while worker.native_id is None:
        time.sleep(0.01)
print('ready', os.getpid(), worker.native_id if thread else threading.get_native_id(), flush=True)
if go:
    deadline = time.monotonic() + 60
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            sys.exit('statsnoop_calls: no go')
        time.sleep(0.02)
run(pairs)
if thread:
    start.set()
    worker.join()
