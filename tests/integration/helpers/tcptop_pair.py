#!/usr/bin/python3
"""A TCP client and server (two processes) for test_tcptop.sh.

  tcptop_pair.py ADDR SEND RECV NAME INFO

The server listens on ADDR (127.0.0.1 or ::1) at a free port, the client
connects; each names itself NAME_c / NAME_s (prctl), writes "client PID PORT"
or "server PID PORT" (its local port) to INFO, and stops itself.  Once both
are continued (SIGCONT), the client sends SEND bytes and shuts its side down;
the server reads them to the end, then sends RECV bytes and closes.  The
client peeks at the first bytes (MSG_PEEK: not a read), then reads them all.
Each exits 0 only if it moved exactly those bytes.
"""
import ctypes
import os
import signal
import socket
import sys

PR_SET_NAME = 15


def set_name(name):
    ctypes.CDLL(None).prctl(PR_SET_NAME, name.encode(), 0, 0, 0)


def stop_after(info, role, port):
    with open(info, "a") as f:
        f.write("%s %d %d\n" % (role, os.getpid(), port))
    os.kill(os.getpid(), signal.SIGSTOP)


def read_all(conn):
    n = 0
    while True:
        data = conn.recv(1 << 16)
        if not data:
            return n
        n += len(data)


def main():
    addr, send, recv, name, info = sys.argv[1:6]
    send, recv = int(send), int(recv)
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    srv = socket.socket(fam, socket.SOCK_STREAM)
    srv.bind((addr, 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    pid = os.fork()
    if pid == 0:
        srv.close()
        set_name(name + "_c")
        c = socket.create_connection((addr, port))
        stop_after(info, "client", c.getsockname()[1])
        c.sendall(b"c" * send)
        c.shutdown(socket.SHUT_WR)
        peeked = len(c.recv(1000, socket.MSG_PEEK))
        got = read_all(c)
        os._exit(0 if got == recv and peeked > 0 else 1)
    set_name(name + "_s")
    conn, _ = srv.accept()
    stop_after(info, "server", port)
    got = read_all(conn)
    conn.sendall(b"s" * recv)
    conn.close()
    _, status = os.waitpid(pid, 0)
    sys.exit(0 if got == send and status == 0 else 1)


main()
