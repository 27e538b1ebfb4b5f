#!/usr/bin/python3
# filelife's workload: create a file, wait, delete it (test_filelife.sh runs
# copies of this script under unique names: the command name of its events).
#   filelife_churn.py PIDFILE GO HOW CREATE DELETE SECS [CWD]
# Writes its PID to PIDFILE, waits for the file GO, creates CREATE with
# open(O_CREAT) (HOW "open") or creat() (HOW "creat"), sleeps SECS, unlinks
# DELETE (relative paths from CWD) and prints the seconds between the two.
import ctypes
import os
import sys
import time

pidfile, go, how, create, delete, secs = sys.argv[1:7]
if len(sys.argv) > 7:
    os.chdir(sys.argv[7])
with open(pidfile + ".tmp", "w") as f:
    f.write(f"{os.getpid()}\n")
os.rename(pidfile + ".tmp", pidfile)
while not os.path.exists(go):
    time.sleep(0.01)
if how == "creat":
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.creat(create.encode(), 0o644)
    if fd < 0:
        sys.exit(f"creat {create}: errno {ctypes.get_errno()}")
else:
    fd = os.open(create, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
t0 = time.monotonic()
os.close(fd)
time.sleep(float(secs))
os.unlink(delete)
print(f"{time.monotonic() - t0:.3f}")
