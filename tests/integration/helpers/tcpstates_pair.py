#!/usr/bin/python3
"""tcplife_pair.py for test_tcpstates.sh, same arguments: the session where
the server closes first ("server") has the client hold it HOLD_MS from the
moment it reads the end of the stream, not from the moment it has the data.

test_tcpstates.sh measures how long the client's socket stays in CLOSE_WAIT:
from the server's FIN (its shutdown()) to the client's close().  With the hold
counted from the data, a server preempted between sendall() and shutdown()
took that time off CLOSE_WAIT (and off the server's FIN_WAIT2); counted from
the end of the stream, which the client reads only once the FIN has arrived,
both last at least HOLD_MS however late the server is.
"""
import os
import socket
import sys
import time

sys.dont_write_bytecode = True  # (no __pycache__ in the source tree)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tcplife_pair  # noqa: E402


def client(addr, port, cbytes, sbytes, hold, reset):
    sock = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    sock.connect((addr, port))
    sock.sendall(b"c" * cbytes)
    tcplife_pair.recv_exactly(sock, sbytes)
    if sock.recv(1):
        sys.exit("the server sent more than %d bytes" % sbytes)
    time.sleep(hold / 1000.0)
    sock.close()


if __name__ == "__main__":
    if len(sys.argv) == 10 and sys.argv[8] == "server":
        tcplife_pair.client = client
    tcplife_pair.main()
