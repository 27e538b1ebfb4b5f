#!/usr/bin/python3
# tcppktlat test workload: OUT COMM GO FAMILY SLEEP_MS.  A loopback TCP
# connection (FAMILY 4 or 6) whose accepted end is read by a thread named
# COMM.  It writes "PID TID LPORT RPORT" (the reader's ids; the accepted
# socket's ports) to OUT.pid, waits for the file GO, then: the client sends
# 100 bytes, the reader sleeps SLEEP_MS and reads them (a slow read); then
# the reader waits in recv() while the client sends 100 bytes more (a fast
# read): the client sends them only once /proc/self/task/TID/syscall shows the
# reader in that recv() (its socket, its 1000 bytes), so the data does not
# wait for a reader that is late to get back to recv().  Writes "done" to OUT
# at the end.
import ctypes
import os
import socket
import sys
import threading
import time

out, comm, go, family, sleep_ms = sys.argv[1:]
libc = ctypes.CDLL(None, use_errno=True)
fam, host = (socket.AF_INET, "127.0.0.1") if family == "4" else (socket.AF_INET6, "::1")
srv = socket.socket(fam, socket.SOCK_STREAM)
srv.bind((host, 0))
srv.listen(1)
cli = socket.create_connection((host, srv.getsockname()[1]))
conn, _ = srv.accept()
ready = threading.Event()
slow_done = threading.Event()
BUFSIZE = 1000


def in_recv(tid):
    """Whether thread TID is in recv(conn, BUFSIZE) in the kernel (glibc
    makes it recvfrom(2)): a system call whose first and third arguments are
    conn's descriptor and BUFSIZE, whatever its number on this machine."""
    try:
        with open("/proc/self/task/%d/syscall" % tid) as f:
            call = f.read().split()
    except OSError:
        return False
    return (len(call) >= 4 and call[0] not in ("running", "-1")
            and int(call[1], 16) == conn.fileno() and int(call[3], 16) == BUFSIZE)


def reader():
    libc.prctl(15, comm.encode(), 0, 0, 0)  # PR_SET_NAME, this thread
    with open(out + ".pid.tmp", "w") as f:
        f.write("%d %d %d %d\n" % (os.getpid(), threading.get_native_id(),
                                   conn.getsockname()[1], conn.getpeername()[1]))
    os.rename(out + ".pid.tmp", out + ".pid")
    ready.wait()
    time.sleep(int(sleep_ms) / 1000)
    got = conn.recv(BUFSIZE)
    slow_done.set()
    got += conn.recv(BUFSIZE)
    assert len(got) == 200, len(got)


libc.prctl(15, comm.encode(), 0, 0, 0)
t = threading.Thread(target=reader)
t.start()
for _ in range(400):
    if os.path.exists(go):
        break
    time.sleep(0.025)
cli.sendall(b"s" * 100)
ready.set()
slow_done.wait()
for _ in range(10000):
    if in_recv(t.native_id):
        break
    time.sleep(0.001)
else:
    sys.exit("the reader is not in recv() after 10000 looks")
cli.sendall(b"f" * 100)
t.join()
with open(out, "w") as f:
    f.write("done\n")
