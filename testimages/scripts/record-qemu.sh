#!/bin/sh
# Runs every PC-mode kernel under qemu-system-i386 and records its COM1 output and exit status:
#   expected/NAME.qemu.txt     everything the kernel wrote to COM1
#   expected/NAME.qemu.status  QEMU's exit status: (code << 1) | 1 for a kernel that wrote code to
#                              port 0xf4, 124 on timeout, 0 if the guest reset (triple fault)
# The compute kernel is run once per workload, with the workload as the command line
# (expected/compute-WORKLOAD.qemu.*); torture-x87 also runs with the command line "strict"
# (expected/torture-x87-strict.qemu.*, which differs from the CPU where QEMU does not model x87
# details; see pc/torture_x87.c). Kernels are started from images/pc/ as "NAME.elf", so the
# multiboot command line QEMU builds is "NAME.elf" + " " + append (hello prints it).
#
# Usage: scripts/record-qemu.sh [NAME...]     (default: every images/pc/*.elf)
# Needs: qemu-system-i386 (apt-get install qemu-system-x86). Env: QEMU, TIMEOUT (seconds, 60).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
QEMU=${QEMU:-qemu-system-i386}
TIMEOUT=${TIMEOUT:-60}
COMPUTE_WORKLOADS="alu sieve crc32 matmul fib qsort bytecode memcpy"

run() { # run NAME OUTBASE APPEND
    status=0
    (cd "$here/images/pc" && timeout "$TIMEOUT" "$QEMU" -kernel "$1.elf" ${3:+-append "$3"} \
        -serial stdio -display none -monitor none -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null) >"$here/expected/$2.qemu.txt" || status=$?
    echo "$status" >"$here/expected/$2.qemu.status"
    echo "$2: status $status, $(wc -l <"$here/expected/$2.qemu.txt") lines"
}

if [ $# -eq 0 ]; then
    set -- $(cd "$here/images/pc" && ls *.elf | sed 's/\.elf$//')
fi
mkdir -p "$here/expected"
for name in "$@"; do
    case $name in
    compute) for w in $COMPUTE_WORKLOADS; do run compute "compute-$w" "$w"; done ;;
    torture-x87) run "$name" "$name" ""; run "$name" "$name-strict" strict ;;
    *) run "$name" "$name" "" ;;
    esac
done
