#!/usr/bin/python3
# The two ends of tcpsubnet's workload.
#   tcpsubnet_peer.py server HOST PORT READYFILE  accept and drain connections
#   tcpsubnet_peer.py send GOFILE HOST,PORT,BYTES...  once GOFILE exists, send
#       BYTES to each HOST:PORT over a connection of its own, then exit
import os
import socket
import sys
import threading
import time


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def drain(conn):
    while conn.recv(1 << 16):
        pass
    conn.close()


def server(host, port, ready):
    s = socket.socket(family(host))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, int(port)))
    s.listen(16)
    open(ready, "w").close()
    while True:
        conn, _ = s.accept()
        threading.Thread(target=drain, args=(conn,), daemon=True).start()


def send(gofile, targets):
    while not os.path.exists(gofile):
        time.sleep(0.02)
    for t in targets:
        host, port, nbytes = t.split(",")
        c = socket.create_connection((host, int(port)))
        c.sendall(os.urandom(int(nbytes)))
        c.shutdown(socket.SHUT_WR)
        c.recv(1)
        c.close()


if sys.argv[1] == "server":
    server(*sys.argv[2:5])
else:
    send(sys.argv[2], sys.argv[3:])
