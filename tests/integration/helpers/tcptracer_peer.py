#!/usr/bin/python3
# A TCP server or client whose connect, accept and closes come in a fixed
# order: the client connects; the server accepts and sends a byte; the client
# reads it and closes; the server reads the end and closes.
#   tcptracer_peer.py server HOST PORT COMM READYFILE
#   tcptracer_peer.py client HOST PORT COMM PORTFILE
import os
import socket
import sys


def set_comm(name):
    with open("/proc/self/comm", "w") as f:
        f.write(name)


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def write(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def server(host, port, ready):
    s = socket.socket(family(host))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(1)
    write(ready, "ready\n")
    a, _ = s.accept()
    a.sendall(b"k")
    while a.recv(4096):
        pass
    a.close()
    s.close()


def client(host, port, portfile):
    c = socket.socket(family(host))
    c.connect((host, port))
    write(portfile, "%d\n" % c.getsockname()[1])
    c.recv(1)
    c.close()


def main():
    mode, host, port, comm, path = sys.argv[1:6]
    set_comm(comm)
    if mode == "server":
        server(host, int(port), path)
    else:
        client(host, int(port), path)


main()
