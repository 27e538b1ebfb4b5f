#!/usr/bin/python3
# ttysnoop's workload: two pseudo-terminals; writes of known lines to the
# first (write(), writev(), a child's write through /dev/tty, its controlling
# terminal, and a 1000-byte run of B), and one line to the second.
#   ttysnoop_pty.py INFO GO MARKER
# Writes "PID PTS1 PTS2" to INFO, waits for the file GO, writes, reports the
# child's PID on stdout, waits for it.
import os
import pty
import sys
import time

info, go, m = sys.argv[1:4]
m1, s1 = pty.openpty()
m2, s2 = pty.openpty()
for fd in (m1, m2):
    os.set_blocking(fd, False)
with open(info + ".tmp", "w") as f:
    f.write(f"{os.getpid()} {os.ttyname(s1)} {os.ttyname(s2)}\n")
os.rename(info + ".tmp", info)
while not os.path.exists(go):
    time.sleep(0.01)


def drain():
    for fd in (m1, m2):
        try:
            while os.read(fd, 65536):
                pass
        except (BlockingIOError, OSError):
            pass


os.write(s1, f"{m} hello \x1b[31mred\x1b[0m\ttab\n".encode())
os.writev(s1, [f"{m}-vec1 ".encode(), b"vec2\n"])
os.write(s2, f"{m}-other\n".encode())
os.write(s1, b"B" * 1000 + b"\n")
drain()
child = os.fork()
if child == 0:
    os.setsid()
    os.close(os.open(os.ttyname(s1), os.O_RDWR))  # now the controlling terminal
    fd = os.open("/dev/tty", os.O_WRONLY)
    os.write(fd, f"{m}-child via /dev/tty\n".encode())
    os._exit(0)
print(child, flush=True)
os.waitpid(child, 0)
time.sleep(0.1)
drain()
