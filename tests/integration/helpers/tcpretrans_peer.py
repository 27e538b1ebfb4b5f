#!/usr/bin/env python3
"""TCP peers for test_tcpretrans.sh.

  tcpretrans_peer.py server ADDR PORT          accept connections, read and discard
  tcpretrans_peer.py client ADDR PORT PORTFILE connect, write the local port to
                                               PORTFILE, then keep sending until killed
"""
import os
import socket
import sys
import threading
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def drain(conn):
    with conn:
        while conn.recv(65536):
            pass


def server(addr, port):
    srv = socket.socket(family(addr), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(8)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=drain, args=(conn,), daemon=True).start()


def connect(addr, port):
    """The server may still be starting: retry for up to 10 seconds."""
    for _ in range(100):
        try:
            return socket.create_connection((addr, port), timeout=5)
        except ConnectionRefusedError:
            time.sleep(0.1)
    return socket.create_connection((addr, port), timeout=5)


def client(addr, port, portfile):
    sock = connect(addr, port)
    sock.settimeout(None)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % sock.getsockname()[1])
    # Renamed into place so the reader never sees a half-written file.
    os.rename(portfile + ".tmp", portfile)
    chunk = b"x" * 1024
    while True:
        sock.sendall(chunk)
        time.sleep(0.005)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "server":
        server(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "client":
        client(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
