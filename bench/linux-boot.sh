#!/usr/bin/env bash
# Boot-to-shell time of Debian 12's i386 kernel with a busybox initramfs, Denali-J against
# qemu-system-i386 (TCG) on the same files in the same run.
#
# Usage: bench/linux-boot.sh [RUNS]        (default 1 run of each)
# Needs: a JDK 25 and Maven (./denali builds itself), qemu-system-i386, python3, and apt access to Debian's
# archive (scripts/fetch-debian-i386.sh fetches and caches the two packages).
#
# What is timed: from starting the emulator process until the shell's first prompt ("/ # ") arrives on the
# serial console; then "poweroff -f" is typed and the time until the process has exited is reported as well.
# Both emulators get the same kernel, initramfs, command line and 256 MiB of RAM.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-1}"
cmdline="console=ttyS0 cryptomgr.notests"

mapfile -t files < <("$here/scripts/fetch-debian-i386.sh")
vmlinuz="${files[0]}"
busybox="${files[1]}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The initramfs: busybox, /dev/console, and an /init that mounts /proc and /dev and starts a shell on the console.
python3 "$here/scripts/make-initramfs.py" "$busybox" "$work/initramfs.cpio"

# Build Denali-J before timing anything (DENALI may name another launcher of the same command line).
denali="${DENALI:-$here/denali}"
"$denali" --version >/dev/null

python3 - "$runs" "$denali" "$vmlinuz" "$work/initramfs.cpio" "$cmdline" <<'EOF'
import os, select, subprocess, sys, time
runs, denali, kernel, initrd, cmdline = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
commands = {
    'qemu-system-i386': ['qemu-system-i386', '-kernel', kernel, '-initrd', initrd, '-append', cmdline,
                         '-m', '256', '-nographic', '-no-reboot', '-monitor', 'none'],
    'denali pc --engine interp': [denali, 'pc', '--engine', 'interp', '--kernel', kernel, '--initrd', initrd,
                                  '--append', cmdline, '--mem', '256'],
    'denali pc (jit, default)': [denali, 'pc', '--engine', 'jit', '--kernel', kernel, '--initrd', initrd,
                                 '--append', cmdline, '--mem', '256'],
    'denali pc --jit-threshold 64': [denali, 'pc', '--engine', 'jit', '--jit-threshold', '64', '--kernel', kernel,
                                     '--initrd', initrd, '--append', cmdline, '--mem', '256'],
}

def one(cmd):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    seen, prompt_at = b'', None
    while prompt_at is None:
        if not select.select([p.stdout], [], [], 600)[0]:
            p.kill(); raise SystemExit(f'{cmd[0]}: no shell prompt within 600 s')
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            raise SystemExit(f'{cmd[0]}: ended before the shell prompt:\n' + seen[-2000:].decode(errors='replace'))
        seen += chunk
        if b'/ # ' in seen:
            prompt_at = time.monotonic() - t0
    p.stdin.write(b'poweroff -f\n'); p.stdin.flush()
    while os.read(p.stdout.fileno(), 65536):
        pass
    p.wait(120)
    return prompt_at, time.monotonic() - t0

print(f'kernel {os.path.basename(kernel)} ({os.path.getsize(kernel)} bytes), append "{cmdline}", 256 MiB')
for name, cmd in commands.items():
    for r in range(runs):
        shell, total = one(cmd)
        print(f'{name:28s} run {r + 1}: boot to shell {shell:6.2f} s, to power-off {total:6.2f} s', flush=True)
EOF
