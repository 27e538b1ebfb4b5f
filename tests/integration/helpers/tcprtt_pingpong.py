#!/usr/bin/python3
"""tcprtt_pingpong.py server ADDR... PORT | client ADDR PORT ROUNDS PORTFILE

tcprtt tests.  server: listens on PORT of each ADDR and echoes what each
connection sends until it closes.  client: connects to ADDR:PORT, sends a
byte and waits for its echo ROUNDS times, writes its own port to PORTFILE
(once done), then closes.
"""
import os
import selectors
import socket
import sys


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def server(addrs, port):
    sel = selectors.DefaultSelector()
    for addr in addrs:
        s = socket.socket(family(addr), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        s.listen(16)
        sel.register(s, selectors.EVENT_READ, "listen")
    while True:
        for key, _ in sel.select():
            sock = key.fileobj
            if key.data == "listen":
                conn, _ = sock.accept()
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sel.register(conn, selectors.EVENT_READ, "conn")
                continue
            data = sock.recv(4096)
            if data:
                sock.sendall(data)
            else:
                sel.unregister(sock)
                sock.close()


def client(addr, port, rounds, portfile):
    c = socket.create_connection((addr, port), timeout=10)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for _ in range(rounds):
        c.sendall(b"x")
        if not c.recv(1):
            sys.exit("connection closed early")
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % c.getsockname()[1])
    os.rename(tmp, portfile)
    c.close()


if sys.argv[1] == "server":
    server(sys.argv[2:-1], int(sys.argv[-1]))
else:
    client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
