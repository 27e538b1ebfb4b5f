#!/usr/bin/python3
"""tcprtt_delay.py NS_A TUN_A NS_B TUN_B DELAY_MS READYFILE

A wire with a fixed round-trip time, for a kernel without netem (tcprtt
tests): creates the TUN device TUN_A in network namespace NS_A and TUN_B in
NS_B (/run/netns/NAME), and copies every packet from one to the other
DELAY_MS / 2 milliseconds after it was sent, in order.  Creates READYFILE
once both devices exist; runs until killed.
"""
import ctypes
import fcntl
import os
import select
import struct
import sys
import time
from collections import deque

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000

libc = ctypes.CDLL(None, use_errno=True)


def tun_in(ns, name):
    nsfd = os.open("/run/netns/" + ns, os.O_RDONLY)
    if libc.setns(nsfd, CLONE_NEWNET):
        err = ctypes.get_errno()
        raise OSError(err, "setns " + ns + ": " + os.strerror(err))
    os.close(nsfd)
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main():
    ns_a, tun_a, ns_b, tun_b, delay_ms, ready = sys.argv[1:7]
    one_way = float(delay_ms) / 2000.0
    a = tun_in(ns_a, tun_a)
    b = tun_in(ns_b, tun_b)
    other = {a: b, b: a}
    queue = deque()  # (due, out fd, packet): one delay for all, so in order
    open(ready, "w").close()
    while True:
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else None
        readable, _, _ = select.select([a, b], [], [], timeout)
        now = time.monotonic()
        for fd in readable:
            queue.append((now + one_way, other[fd], os.read(fd, 65536)))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, out, pkt = queue.popleft()
            try:
                os.write(out, pkt)
            except OSError:
                pass  # the device is down (set up, or being torn down)


main()
