#!/usr/bin/python3
"""A marked TCP session for test_tcplife.sh and test_tcpstates.sh.

  tcplife_pair.py ADDR PORT CLIENT_BYTES SERVER_BYTES HOLD_MS CLIENT_COMM SERVER_COMM
                  client|server|reset DIR

The server (this process, named SERVER_COMM) forks the client (named
CLIENT_COMM), writes "SERVER_PID CLIENT_PID" to DIR/pids and both wait for
DIR/go.  Then the server listens on ADDR:PORT; the client connects, sends
CLIENT_BYTES, reads SERVER_BYTES, holds the session HOLD_MS milliseconds and
closes it.  The server reads everything and replies; then, if the client is
to close first, waits for the client's end, 50 ms more, and closes its
side; if the server is, shuts its side down at once (FIN_WAIT1), and closes
after the client's end (which ends the socket, in the client's close()).
With "reset" the client aborts the session (SO_LINGER 0: a reset, which
ends the server's socket in the client's close(), before the server closes).  The listener is closed once the
client has exited.  The client's port goes to DIR/cport, and DIR/done is
written when all went well (exit status 0).
"""
import os
import socket
import struct
import sys
import time


def name(comm):
    with open("/proc/self/comm", "w") as f:
        f.write(comm)


def wait_go(d):
    for _ in range(3000):
        if os.path.exists(os.path.join(d, "go")):
            return
        time.sleep(0.01)
    sys.exit("no go file within 30 s")


def recv_exactly(sock, n):
    got = 0
    while got < n:
        b = sock.recv(min(65536, n - got))
        if not b:
            sys.exit("connection ended after %d of %d bytes" % (got, n))
        got += len(b)


def client(addr, port, cbytes, sbytes, hold, reset):
    sock = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    sock.connect((addr, port))
    sock.sendall(b"c" * cbytes)
    recv_exactly(sock, sbytes)
    time.sleep(hold / 1000.0)
    if reset:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def server(addr, port, cbytes, sbytes, closer, d, ready_w):
    lst = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind((addr, port))
    lst.listen(4)
    os.write(ready_w, b"1")
    conn, peer = lst.accept()
    recv_exactly(conn, cbytes)
    conn.sendall(b"s" * sbytes)
    if closer == "server":
        conn.shutdown(socket.SHUT_WR)
    try:
        if conn.recv(1):
            sys.exit("the client sent more than %d bytes" % cbytes)
    except ConnectionResetError:
        if closer != "reset":
            raise
    if closer == "client":
        time.sleep(0.05)
    conn.close()
    with open(os.path.join(d, "cport"), "w") as f:
        f.write("%d\n" % peer[1])
    return lst


def main():
    if len(sys.argv) != 10 or sys.argv[8] not in ("client", "server", "reset"):
        sys.exit(__doc__)
    addr, port, cbytes, sbytes, hold = sys.argv[1], *map(int, sys.argv[2:6])
    ccomm, scomm, closer, d = sys.argv[6:10]
    name(scomm)
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        name(ccomm)
        wait_go(d)
        if os.read(ready_r, 1) != b"1":
            os._exit(1)
        client(addr, port, cbytes, sbytes, hold, closer == "reset")
        os._exit(0)
    with open(os.path.join(d, "pids.tmp"), "w") as f:
        f.write("%d %d\n" % (os.getpid(), pid))
    os.rename(os.path.join(d, "pids.tmp"), os.path.join(d, "pids"))
    wait_go(d)
    lst = server(addr, port, cbytes, sbytes, closer, d, ready_w)
    _, status = os.waitpid(pid, 0)
    lst.close()
    if status:
        sys.exit("the client failed: status %d" % status)
    open(os.path.join(d, "done"), "w").close()


if __name__ == "__main__":
    main()
