#!/usr/bin/python3
# solisten test workload: OUT COMM GO BACKLOG4 BACKLOG6 BIG.  Takes the
# command name COMM, writes its PID to OUT.pid, waits for the file GO, then
# calls listen() on: an IPv4 socket bound to 127.0.0.1 (BACKLOG4), an IPv6
# one bound to ::1 (BACKLOG6), an unbound IPv4 socket (BIG: more than
# somaxconn; the port is chosen by listen()), a UDP socket (fails:
# EOPNOTSUPP, backlog 5), and writes "PORT4 PORT6 AUTOPORT" to OUT.
import ctypes
import os
import socket
import sys
import time

out, comm, go, b4, b6, big = sys.argv[1:]
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(15, comm.encode(), 0, 0, 0)  # PR_SET_NAME
with open(out + ".pid.tmp", "w") as f:
    f.write("%d\n" % os.getpid())
os.rename(out + ".pid.tmp", out + ".pid")
for _ in range(400):
    if os.path.exists(go):
        break
    time.sleep(0.025)

s4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s4.bind(("127.0.0.1", 0))
s4.listen(int(b4))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s6.bind(("::1", 0))
s6.listen(int(b6))
auto = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
auto.listen(int(big))
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    udp.listen(5)
except OSError:
    pass
with open(out + ".tmp", "w") as f:
    f.write("%d %d %d\n" % (s4.getsockname()[1], s6.getsockname()[1], auto.getsockname()[1]))
os.rename(out + ".tmp", out)
