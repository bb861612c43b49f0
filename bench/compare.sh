#!/usr/bin/env bash
# Times the compute kernel's workloads natively, under qemu-system-i386 (TCG) and under Denali-J with
# both engines, in one run, and prints two tables of times and ratios:
#   end to end     one pass of the workload, process start included (JVM start, translation and JIT
#                  warm-up for Denali-J; QEMU's start and translation)
#   steady state   the time of one further pass once everything is warm:
#                  (t(repeat=R) - t(repeat=1)) / (R - 1), where repeat=R makes the kernel run the
#                  workload R times in one process (testimages/pc/compute.c). The same method for
#                  every emulator, so nothing depends on how each one warms up.
# Each table ends with the geometric mean of jit/qemu over the workloads that have it.
#
#   bench/compare.sh [-n RUNS] [-r R] [-s SYSTEMS] [WORKLOAD...]
#       -n RUNS     best of RUNS runs for every time (default 3)
#       -r R        passes for the steady-state runs (default 3; 1 = end-to-end table only)
#       -s SYSTEMS  which columns to time, comma-separated (default native,qemu,interp,jit; the others
#                   show "-"): -s qemu,jit leaves out the slow interpreter runs when only the
#                   translator is being compared
#       WORKLOAD default: alu sieve crc32 matmul fib qsort bytecode memcpy
#
# native: testimages/images/linux/compute WORKLOAD [repeat=R]   (the same C source built as a 32-bit
#         Linux program)
# qemu:   qemu-system-i386 -kernel compute.elf -append "WORKLOAD [repeat=R]" -serial stdio -display none
#         -monitor none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04
#         (apt-get install qemu-system-x86; its column shows "-" when it is not installed)
# denali: ./denali pc --engine interp|jit --kernel compute.elf --append "WORKLOAD [repeat=R]"
# Every run's output is compared with testimages/expected/compute-WORKLOAD.native.txt (its workload
# line R times for repeat=R): a run that prints anything else, or exits with another status than
# success, shows "BAD" instead of a time.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
command_line="bench/compare.sh$(printf ' %q' "$@")"
runs=3
repeat=3
selected=native,qemu,interp,jit
while [ $# -gt 0 ]; do
  case $1 in
  -n) runs=$2; shift 2 ;;
  -r) repeat=$2; shift 2 ;;
  -s) selected=$2; shift 2 ;;
  -*) echo "usage: bench/compare.sh [-n RUNS] [-r R] [-s SYSTEMS] [WORKLOAD...]" >&2; exit 2 ;;
  *) break ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: -n needs a positive count, not $runs" >&2; exit 2; }
[[ $repeat =~ ^[1-9][0-9]*$ ]] && [ "$repeat" -le 1000 ] || { echo "compare.sh: -r needs 1..1000, not $repeat" >&2; exit 2; }
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(alu sieve crc32 matmul fib qsort bytecode memcpy)
kernel="$here/testimages/images/pc/compute.elf"
native="$here/testimages/images/linux/compute"
expected="$here/testimages/expected"
qemu="$(command -v qemu-system-i386 || true)"
for w in "${workloads[@]}"; do
  [ -f "$expected/compute-$w.native.txt" ] || { echo "compare.sh: no workload $w (no $expected/compute-$w.native.txt)" >&2; exit 2; }
done

"$here/denali" --version >/dev/null   # build once, outside the timings
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

want() { # want WORKLOAD R: the output of R passes of WORKLOAD
  local line
  line=$(grep -v '^compute: done$' "$expected/compute-$1.native.txt")
  for _ in $(seq "$2"); do printf '%s\n' "$line"; done
  echo "compute: done"
}

best_time() { # best_time WORKLOAD R SYSTEM: best wall time in seconds of RUNS runs; "BAD" on a wrong result
  local w=$1 r=$2 sys=$3 best="" t0 t1 t rc ok=1 args=("$1")
  [ "$r" -gt 1 ] && args=("$w" "repeat=$r")
  # success: exit code 0 natively; the kernels exit through isa-debug-exit with status (0 << 1) | 1 = 1
  [ "$sys" = native ] && ok=0
  for _ in $(seq "$runs"); do
    rc=0
    t0=$(date +%s.%N)
    case $sys in
    native) "$native" "${args[@]}" >"$out" 2>/dev/null </dev/null || rc=$? ;;
    qemu) "$qemu" -kernel "$kernel" -append "${args[*]}" -serial stdio -display none -monitor none -no-reboot \
            -device isa-debug-exit,iobase=0xf4,iosize=0x04 >"$out" 2>/dev/null </dev/null || rc=$? ;;
    interp|jit) "$here/denali" pc --engine "$sys" --kernel "$kernel" --append "${args[*]}" >"$out" 2>/dev/null </dev/null || rc=$? ;;
    esac
    t1=$(date +%s.%N)
    if [ "$rc" -ne "$ok" ] || ! cmp -s "$out" <(want "$w" "$r"); then echo "BAD"; return; fi
    t=$(awk -v a="$t1" -v b="$t0" 'BEGIN { print a - b }')
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
  done
  awk -v b="$best" 'BEGIN { printf "%.3f", b }'
}
isnum() { [[ $1 =~ ^-?[0-9.]+$ ]]; }
ratio() { # a / b, "-" unless both are times and b is positive
  if isnum "$1" && isnum "$2" && awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
  else echo "-"; fi
}
steady() { # steady T1 TR: (TR - T1) / (R - 1)
  if isnum "$1" && isnum "$2"; then awk -v a="$1" -v b="$2" -v r="$repeat" 'BEGIN { printf "%.3f", (b - a) / (r - 1) }'
  elif [ "$1" = BAD ] || [ "$2" = BAD ]; then echo "BAD"; else echo "-"; fi
}
geomean() { # geometric mean of the positive numbers among the arguments, "-" if there are none
  printf '%s\n' "$@" | awk '$1 ~ /^[0-9.]+$/ && $1 > 0 { s += log($1); n++ } END { if (n) printf "%.2f", exp(s / n); else print "-" }'
}

systems=(native qemu interp jit)
for sys in ${selected//,/ }; do
  [[ " ${systems[*]} " == *" $sys "* ]] || { echo "compare.sh: -s takes native, qemu, interp and jit, not $sys" >&2; exit 2; }
done
declare -A t1 tr
for w in "${workloads[@]}"; do
  for sys in "${systems[@]}"; do
    if [[ ",$selected," != *",$sys,"* ]] || { [ "$sys" = qemu ] && [ -z "$qemu" ]; }; then t1[$w,$sys]="-"; tr[$w,$sys]="-"; continue; fi
    echo "compare.sh: $w under $sys ..." >&2
    t1[$w,$sys]=$(best_time "$w" 1 "$sys")
    [ "$repeat" -gt 1 ] && tr[$w,$sys]=$(best_time "$w" "$repeat" "$sys")
  done
done

table() { # table KIND: one row per workload from the times in cell[WORKLOAD,SYSTEM]
  local w jq all_jq=()
  printf '%-9s %9s %9s %9s %9s %11s %11s %11s\n' workload native qemu interp jit jit/native jit/qemu interp/qemu
  for w in "${workloads[@]}"; do
    local n=${cell[$w,native]} q=${cell[$w,qemu]} i=${cell[$w,interp]} j=${cell[$w,jit]}
    jq=$(ratio "$j" "$q")
    all_jq+=("$jq")
    printf '%-9s %9s %9s %9s %9s %11s %11s %11s\n' "$w" "$n" "$q" "$i" "$j" "$(ratio "$j" "$n")" "$jq" "$(ratio "$i" "$q")"
  done
  printf '%-9s %9s %9s %9s %9s %11s %11s %11s\n' geomean "" "" "" "" "" "$(geomean "${all_jq[@]}")" ""
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# command: $command_line"
echo
echo "## end to end: one pass, process start included (best of $runs, seconds)"
declare -A cell
for k in "${!t1[@]}"; do cell[$k]=${t1[$k]}; done
table
if [ "$repeat" -gt 1 ]; then
  echo
  echo "## steady state: seconds per pass after the first, (t(repeat=$repeat) - t(repeat=1)) / $((repeat - 1)) (each best of $runs)"
  for w in "${workloads[@]}"; do
    for sys in "${systems[@]}"; do cell[$w,$sys]=$(steady "${t1[$w,$sys]}" "${tr[$w,$sys]}"); done
  done
  table
fi
