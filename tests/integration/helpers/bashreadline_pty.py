#!/usr/bin/env python3
"""Type lines into an interactive bash on a pseudo-terminal.

bashreadline_pty.py PIDFILE BASH LINE...: start BASH (a path or a link to
bash, so the test can give it a unique name) interactive on a pty, write its
PID to PIDFILE, type each LINE and Enter, wait until the shell has run it,
then exit the shell.  Exits 0 once the shell has exited with status 0.
"""
import os
import pty
import select
import sys
import time


def read_until(fd, needle, secs=10.0):
    """Read the terminal until needle shows up; what was read."""
    seen = b""
    end = time.monotonic() + secs
    while needle not in seen:
        left = end - time.monotonic()
        if left <= 0:
            raise SystemExit("bashreadline_pty: no %r from the shell: %r" % (needle, seen[-200:]))
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


def main():
    pidfile, shell, lines = sys.argv[1], sys.argv[2], sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        env = {"PATH": "/usr/bin:/bin", "TERM": "dumb", "PS1": "READY$ ", "HOME": "/"}
        os.execve(shell, [shell, "--norc", "--noprofile", "-i"], env)
    with open(pidfile, "w") as f:
        f.write("%d\n" % pid)
    read_until(fd, b"READY$ ")
    for n, line in enumerate(lines):
        os.write(fd, line.encode("utf-8", "surrogateescape") + b"\r")
        read_until(fd, b"READY$ ")
    os.write(fd, b"exit 0\r")
    try:
        while os.read(fd, 4096):
            pass
    except OSError:
        pass
    _, status = os.waitpid(pid, 0)
    sys.exit(0 if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else 1)


if __name__ == "__main__":
    main()
