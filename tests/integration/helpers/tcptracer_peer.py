#!/usr/bin/python3
# A TCP server or client whose connect, accept and closes come in a fixed
# order: the client connects; the server accepts and sends a byte; the client
# reads it and closes; the server reads the end and closes.  With "reset",
# the server closes first, leaving a byte unread (the kernel resets the
# connection), and the client closes once it sees the reset.
#   tcptracer_peer.py server HOST PORT COMM READYFILE [reset]
#   tcptracer_peer.py client HOST PORT COMM PORTFILE [reset]
import os
import socket
import sys
import time


def set_comm(name):
    with open("/proc/self/comm", "w") as f:
        f.write(name)


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def write(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def server(host, port, ready, reset):
    s = socket.socket(family(host))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(1)
    write(ready, "ready\n")
    a, _ = s.accept()
    a.sendall(b"k")
    if reset:
        while len(a.recv(1, socket.MSG_PEEK)) < 1:
            pass
        a.recv(1)
        time.sleep(0.1)  # the second byte is in, unread
    else:
        while a.recv(4096):
            pass
    a.close()
    s.close()


def client(host, port, portfile, reset):
    c = socket.socket(family(host))
    c.connect((host, port))
    write(portfile, "%d\n" % c.getsockname()[1])
    c.recv(1)
    if reset:
        c.sendall(b"dd")
        try:
            while c.recv(1):
                pass
        except ConnectionResetError:
            pass
    c.close()


def main():
    mode, host, port, comm, path = sys.argv[1:6]
    reset = sys.argv[6:7] == ["reset"]
    set_comm(comm)
    if mode == "server":
        server(host, int(port), path, reset)
    else:
        client(host, int(port), path, reset)


main()
