#!/bin/sh
# Runs every guest under dsim (make sim-test) and checks the output the README promises.
# dsim is only a rough stand-in for the Denali machine; see tools/dsim.c.
set -u
OBJ=${OBJ:-build}
S=$OBJ/dsim
G=$OBJ/sim
EXP=../expected
fails=0
check() { # name, expected status, command...; output in $out
    name=$1 want=$2
    shift 2
    out=$("$@" 2>/dev/null)
    got=$?
    if [ "$got" != "$want" ]; then echo "FAIL $name: status $got, expected $want"; echo "$out" | tail -5; fails=$((fails + 1)); else echo "ok   $name"; fi
}
has() { # name, text
    if ! printf '%s\n' "$out" | grep -qxF -- "$2"; then echo "FAIL $1: no line '$2'"; fails=$((fails + 1)); fi
}
check hello 0 $S $G/hello.elf "one two"; has hello "Hello from Denali VM 7"; has hello "cmdline: [one two]"
check timer 0 $S $G/timer.elf "period=2000 count=50"; has timer "timer: done"
check disk 0 env DSIM_DISK_BLOCKS=64 $S $G/disk.elf "blocks=20"; has disk "disk ok"
check disk-noflush 0 env DSIM_DISK_BLOCKS=64 $S $G/disk.elf "write-noflush blocks=3 seed=9"; has disk-noflush "block 2 crc32 $(printf '%s\n' "$out" | sed -n 's/^block 2 crc32 \([0-9a-f]*\) seed 9$/\1/p') seed 9"
check disk-verify-empty 1 env DSIM_DISK_BLOCKS=64 $S $G/disk.elf "verify blocks=2"
check disk-missing 1 $S $G/disk.elf ""
check echo 0 env DSIM_FRAMES=20 $S $G/echo.elf "count=20 quiet"; has echo "echo: 20 frames echoed, 0 dropped"
for f in de:128 div-overflow:128 ud:134 badvirt:134 bp:131 of:132 gp:141 hlt:141 rdmsr:141 movcr:141 io:141 segment:141 pf:142 stack:142; do
    check "faults ${f%%:*}" "${f##*:}" $S $G/faults.elf "${f%%:*}"
done
check faults-none 2 $S $G/faults.elf ""
for w in alu sieve crc32 matmul fib qsort bytecode memcpy; do
    check "compute $w" 0 $S $G/compute.elf $w
    if [ "$out" != "$(cat $EXP/compute-$w.native.txt)" ]; then echo "FAIL compute $w: output differs from expected/compute-$w.native.txt"; fails=$((fails + 1)); fi
done
for m in idle pending "idle stack0" "pending stack0"; do
    check "upcall-probe $m" 1 $S $G/upcall-probe.elf "$m" # only after.eflags differs under dsim (host IF)
    n=$(printf '%s\n' "$out" | grep -c '^MISMATCH'); [ "$n" = 1 ] && has "upcall-probe $m" "MISMATCH after.eflags got 0x00000ed7 expected 0x00000cd7" || { echo "FAIL upcall-probe $m: $n mismatches"; fails=$((fails + 1)); }
done
check "upcall-probe batch" 1 env DSIM_DISK_BLOCKS=4 $S $G/upcall-probe.elf batch; has "upcall-probe batch" "check frame.mask ok"
check selftest 0 env DSIM_DISK_BLOCKS=8 DSIM_INPUT="hi there
" $S $G/selftest.elf console; has selftest "line: hi there"; has selftest "selftest: disk ok"
# Network guests without an address refuse to start (make net-test runs them on a TAP).
for g in httpd udp-echo ping; do
    check "$g without address" 2 $S $G/$g.elf ""; has "$g without address" "net: no IPv4 address (register page ip is 0 and no ip= on the cmdline)"
done
echo "sim-test: $fails failures"
[ $fails = 0 ]
