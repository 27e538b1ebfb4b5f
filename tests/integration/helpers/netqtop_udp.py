#!/usr/bin/python3
"""UDP datagrams for test_netqtop.sh.

  netqtop_udp.py send ADDR PORT COUNT SIZE   COUNT datagrams of SIZE bytes, one socket
  netqtop_udp.py sink ADDR PORT              receive and discard until killed
"""
import socket
import sys


def main():
    mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if mode == "sink":
        s.bind((addr, port))
        while True:
            s.recv(65536)
    count, size = int(sys.argv[4]), int(sys.argv[5])
    for _ in range(count):
        s.sendto(b"n" * size, (addr, port))


main()
