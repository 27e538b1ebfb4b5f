#!/usr/bin/python3
"""TCP peers for test_tcpconnect.sh and test_tcpconnlat.sh.

  tcpconnect_peer.py server PORT ADDR...
      listen on PORT at each ADDR; accept connections and close them
  tcpconnect_peer.py client NAME GOFILE OUTFILE ADDR,PORT...
      name this process NAME, write "pid PID" to OUTFILE.pid, wait for GOFILE,
      then connect to each ADDR,PORT in turn (one socket each, closed after);
      OUTFILE gets a line per connect: "ok ADDR PORT LPORT USECS" (the time
      connect() took) or "refused ADDR PORT - -", written when all are done
"""
import os
import socket
import sys
import threading
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def serve(srv):
    while True:
        conn, _ = srv.accept()
        conn.close()


def server(port, addrs):
    threads = []
    for addr in addrs:
        srv = socket.socket(family(addr), socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind((addr, port))
        srv.listen(64)
        t = threading.Thread(target=serve, args=(srv,), daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()


def write_file(path, text):
    """Renamed into place so a reader never sees it half written."""
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def connect_one(addr, port):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    start = time.monotonic_ns()
    try:
        s.connect((addr, port))
        usecs = (time.monotonic_ns() - start) // 1000
        return "ok %s %d %d %d" % (addr, port, s.getsockname()[1], usecs)
    except ConnectionRefusedError:
        return "refused %s %d - -" % (addr, port)
    finally:
        s.close()


def client(name, gofile, outfile, targets):
    with open("/proc/self/comm", "w") as f:
        f.write(name)
    write_file(outfile + ".pid", "pid %d\n" % os.getpid())
    for _ in range(600):
        if os.path.exists(gofile):
            break
        time.sleep(0.02)
    lines = []
    for target in targets:
        addr, port = target.rsplit(",", 1)
        lines.append(connect_one(addr, int(port)))
    write_file(outfile, "\n".join(lines) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]), sys.argv[3:])
    else:
        client(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
