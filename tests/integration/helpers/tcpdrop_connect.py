#!/usr/bin/python3
# tcpdrop test workload: connect from HOST:SPORT to HOST:DPORT, for each
# "HOST SPORT DPORT" triple given as arguments, waiting at most 0.3 s (a SYN
# that is dropped gets no answer: one SYN is enough).
import socket
import sys

args = sys.argv[1:]
for i in range(0, len(args), 3):
    host, sport, dport = args[i], int(args[i + 1]), int(args[i + 2])
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, sport))
    s.settimeout(0.3)
    try:
        s.connect((host, dport))
    except OSError:
        pass
    s.close()
