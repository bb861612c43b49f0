/*
 * compute: the PC-mode compute kernel's workloads (alu, sieve, crc32, matmul, fib, qsort, bytecode,
 * memcpy) as a
 * Denali guest. The workloads are testimages/pc/compute.c itself, compiled against
 * compat/rt.h, so the checksum lines are the ones in testimages/expected/compute-*.txt.
 *
 * cmdline: workload names (several allowed; none = all, in the order above) and optionally
 * repeat=N (see ../../pc/compute.c). Needs about 2.7 MiB of memory for its arrays: run with
 * --mem 4 or more.
 */
#include "../../pc/compute.c"

int main(const char *cmdline) { return test_main(cmdline); }
