#!/usr/bin/env bash
# Times the compute kernel's workloads natively, under qemu-system-i386 (TCG) and under Denali-J, in one
# run, end to end (process start included), and prints a table of times and ratios.
#
#   bench/compare.sh [-n RUNS] [WORKLOAD...]      default: every workload, best of 3 runs each
#
# native: testimages/images/linux/compute WORKLOAD (the same C source built as a 32-bit Linux program)
# qemu:   qemu-system-i386 -kernel compute.elf -append WORKLOAD -serial stdio -display none
#         -device isa-debug-exit,iobase=0xf4,iosize=0x04   (apt-get install qemu-system-x86)
# denali: ./denali pc --engine interp|jit --kernel compute.elf --append WORKLOAD   (both engines)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
runs=3
if [ "${1:-}" = "-n" ]; then runs=$2; shift 2; fi
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(alu sieve crc32 matmul fib qsort)
kernel="$here/testimages/images/pc/compute.elf"
native="$here/testimages/images/linux/compute"
qemu="$(command -v qemu-system-i386 || true)"

"$here/denali" --version >/dev/null   # build once, outside the timings

best_time() { # best wall time in seconds of RUNS runs of a command; prints "-" if it fails
  local best="" t0 t1 t
  for _ in $(seq "$runs"); do
    t0=$(date +%s.%N)
    local rc=0
    "$@" >/dev/null 2>&1 || rc=$?
    # kernels exit through isa-debug-exit with status (0 << 1) | 1 = 1: that is success here
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then echo "-"; return; fi
    t1=$(date +%s.%N)
    t=$(awk -v a="$t1" -v b="$t0" 'BEGIN { print a - b }')
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
  done
  awk -v b="$best" 'BEGIN { printf "%.3f", b }'
}
ratio() { if [ "$1" = "-" ] || [ "$2" = "-" ]; then echo "-"; else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; fi; }

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# command: bench/compare.sh -n $runs ${workloads[*]}   (best of $runs, seconds, end to end)"
printf '%-8s %9s %9s %9s %9s %11s %11s %11s\n' workload native qemu interp jit jit/native jit/qemu interp/qemu
for w in "${workloads[@]}"; do
  tn=$(best_time "$native" "$w")
  tq="-"
  if [ -n "$qemu" ]; then
    tq=$(best_time "$qemu" -kernel "$kernel" -append "$w" -serial stdio -display none -monitor none -no-reboot \
         -device isa-debug-exit,iobase=0xf4,iosize=0x04)
  fi
  ti=$(best_time "$here/denali" pc --engine interp --kernel "$kernel" --append "$w")
  tj=$(best_time "$here/denali" pc --engine jit --kernel "$kernel" --append "$w")
  printf '%-8s %9s %9s %9s %9s %11s %11s %11s\n' "$w" "$tn" "$tq" "$ti" "$tj" "$(ratio "$tj" "$tn")" "$(ratio "$tj" "$tq")" "$(ratio "$ti" "$tq")"
done
