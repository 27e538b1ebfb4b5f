#!/usr/bin/env python3
# mountsnoop_calls.py [-w GOFILE] [-n] SOURCE DIR: mount calls with known
# arguments, made through syscall(2) so that each is exactly one call (run it
# in a private mount namespace: unshare -m --propagation private).
#   mount(SOURCE, DIR, "tmpfs", MS_NOSUID|MS_NODEV, "size=1m,mode=0700") = 0
#   mount(SOURCE, DIR/none, "tmpfs", 0, NULL) = -ENOENT
#   umount2(DIR, MNT_DETACH) = 0
# -n: then the new mount API on DIR: fsopen("tmpfs", FSOPEN_CLOEXEC),
#   fsconfig(fd, FSCONFIG_SET_STRING, "size", "2m", 0), fsconfig(fd,
#   FSCONFIG_CMD_CREATE, NULL, NULL, 0), fsmount(fd, FSMOUNT_CLOEXEC,
#   MOUNT_ATTR_NOEXEC), move_mount(mfd, "", AT_FDCWD, DIR,
#   MOVE_MOUNT_F_EMPTY_PATH), mount_setattr(AT_FDCWD, DIR, 0, {attr_set =
#   MOUNT_ATTR_RDONLY}, 32), open_tree(AT_FDCWD, DIR, OPEN_TREE_CLONE |
#   OPEN_TREE_CLOEXEC), fspick(AT_FDCWD, DIR, FSPICK_CLOEXEC).
# Prints "ready PID TID" (-w, before waiting for GOFILE), then "pid PID tid
# TID mntns INODE" and "CALL RESULT" for each call (RESULT: -errno on failure).
import ctypes, os, sys, threading, time

NR = {'mount': 165, 'umount2': 166, 'open_tree': 428, 'move_mount': 429, 'fsopen': 430,
      'fsconfig': 431, 'fsmount': 432, 'fspick': 433, 'mount_setattr': 442}
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
args = sys.argv[1:]
go = None
new_api = False
while args and args[0].startswith('-'):
    opt = args.pop(0)
    if opt == '-w':
        go = args.pop(0)
    elif opt == '-n':
        new_api = True
src, target = args[0].encode(), args[1].encode()


def call(name, *a):
    conv = [ctypes.c_char_p(x) if isinstance(x, bytes) or x is None else
            x if isinstance(x, ctypes._Pointer) else ctypes.c_long(x) for x in a]
    ret = libc.syscall(ctypes.c_long(NR[name]), *conv)
    ret = -ctypes.get_errno() if ret < 0 else ret
    print(name, ret, flush=True)
    return ret


class MountAttr(ctypes.Structure):
    _fields_ = [('attr_set', ctypes.c_uint64), ('attr_clr', ctypes.c_uint64),
                ('propagation', ctypes.c_uint64), ('userns_fd', ctypes.c_uint64)]


if go:
    print('ready', os.getpid(), threading.get_native_id(), flush=True)
    deadline = time.monotonic() + 60
    while not os.path.exists(go) and time.monotonic() < deadline:
        time.sleep(0.02)
print('pid', os.getpid(), 'tid', threading.get_native_id(), 'mntns',
      os.stat('/proc/self/ns/mnt').st_ino, flush=True)
call('mount', src, target, b'tmpfs', 0x2 | 0x4, b'size=1m,mode=0700')
call('mount', src, target + b'/none', b'tmpfs', 0, None)
call('umount2', target, 2)
if new_api:
    fd = call('fsopen', b'tmpfs', 1)
    call('fsconfig', fd, 1, b'size', b'2m', 0)
    call('fsconfig', fd, 6, None, None, 0)
    mfd = call('fsmount', fd, 1, 0x8)
    call('move_mount', mfd, b'', -100, target, 0x4)
    attr = MountAttr(1, 0, 0, 0)
    call('mount_setattr', -100, target, 0, ctypes.pointer(attr), ctypes.sizeof(attr))
    call('open_tree', -100, target, 1 | 0o2000000)
    call('fspick', -100, target, 1)
