#!/usr/bin/env python3
"""Writes a busybox initramfs (cpio "newc", the format Linux unpacks) whose /init mounts /proc and /dev and
starts a shell on the console with job control, or runs the given script instead.

Usage: scripts/make-initramfs.py BUSYBOX OUTPUT [INIT_SCRIPT]
"""
import sys

SHELL_INIT = b"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
exec setsid cttyhack sh
"""


def newc(entries):
    out = bytearray()
    for ino, (name, mode, data, rdev) in enumerate(entries + [('TRAILER!!!', 0, b'', (0, 0))], start=1):
        n = name.encode() + b'\0'
        fields = [ino if name != 'TRAILER!!!' else 0, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(n), 0]
        out += b'070701' + b''.join(b'%08X' % f for f in fields) + n
        out += b'\0' * (-len(out) % 4)
        out += data
        out += b'\0' * (-len(out) % 4)
    return bytes(out)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    busybox = open(sys.argv[1], 'rb').read()
    init = open(sys.argv[3], 'rb').read() if len(sys.argv) == 4 else SHELL_INIT
    entries = [(d, 0o40755, b'', (0, 0)) for d in ('bin', 'dev', 'proc', 'sys', 'tmp')]
    entries += [('dev/console', 0o20600, b'', (5, 1)),
                ('bin/busybox', 0o100755, busybox, (0, 0)),
                ('init', 0o100755, init, (0, 0))]
    with open(sys.argv[2], 'wb') as f:
        f.write(newc(entries))


if __name__ == '__main__':
    main()
