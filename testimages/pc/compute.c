/*
 * compute: fixed-size benchmark workloads for interpreter speed tests. The command line picks
 * workloads by name (several may be given; words that are not workload names, such as the
 * kernel file name QEMU puts first, are ignored; with no workload name every one runs):
 *   alu     a tight loop of register ALU instructions with an exactly known dynamic count
 *   sieve   sieve of Eratosthenes over 1 Mi numbers, repeated
 *   crc32   bitwise-table CRC-32 over a 64 KiB buffer, repeated
 *   matmul  64x64 32-bit integer matrix multiplication, repeated
 *   fib     naive recursive Fibonacci
 *   qsort   recursive quicksort of 256 Ki xorshift numbers, repeated
 * Sizes are chosen so that each workload takes roughly 1-3 s under qemu-system-i386 (TCG).
 * Each prints one line with a checksum and the program exits with 0. Nothing printed depends
 * on time, so the output is the same natively, under QEMU and under Denali-J.
 */
#include "rt.h"

/* ---- alu: ALU_BODY instructions per iteration, ALU_ITERS iterations ---- */
#define ALU_ITERS 100000000u
#define ALU_BODY 10u
static uint32_t work_alu(void)
{
    uint32_t a = 0x12345678, b = 0x9ABCDEF0, c = ALU_ITERS, d = 0x0F1E2D3C, s = 0x55AA55AA;
    /* Exactly ALU_BODY instructions per iteration, dec/jnz included, and nothing else inside
       the asm statement, so the block executes exactly ALU_BODY * ALU_ITERS instructions. */
    __asm__ volatile("1:\n\t"
                     "addl %%ebx, %%eax\n\t"
                     "xorl %%eax, %%edx\n\t"
                     "subl %%edx, %%esi\n\t"
                     "orl $1, %%ebx\n\t"
                     "andl %%esi, %%ebx\n\t"
                     "roll $5, %%edx\n\t"
                     "adcl %%edx, %%eax\n\t"
                     "leal 7(%%esi,%%eax), %%esi\n\t"
                     "decl %%ecx\n\t"
                     "jnz 1b"
                     : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(s) : : "cc");
    rt_printf("alu: %u instructions (%u iterations x %u) checksum=%08x\n",
              ALU_BODY * ALU_ITERS, ALU_ITERS, ALU_BODY, a ^ b ^ d ^ s);
    return 0;
}

/* ---- sieve ---- */
#define SIEVE_N (1u << 20)
#define SIEVE_REPS 100
static uint8_t sieve[SIEVE_N];
static uint32_t work_sieve(void)
{
    uint32_t count = 0, sum = 0;
    for (int rep = 0; rep < SIEVE_REPS; rep++) {
        memset(sieve, 1, sizeof sieve);
        sieve[0] = sieve[1] = 0;
        for (uint32_t i = 2; i * i < SIEVE_N; i++)
            if (sieve[i])
                for (uint32_t j = i * i; j < SIEVE_N; j += i)
                    sieve[j] = 0;
        count = 0;
        for (uint32_t i = 0; i < SIEVE_N; i++)
            if (sieve[i]) {
                count++;
                sum += i * (uint32_t)(rep + 1);
            }
    }
    rt_printf("sieve: %u primes below %u, %u rounds, checksum=%08x\n", count, SIEVE_N, SIEVE_REPS, sum);
    return 0;
}

/* ---- crc32 ---- */
#define CRC_BUF 65536
#define CRC_REPS 2500
static uint8_t crcbuf[CRC_BUF];
static uint32_t work_crc32(void)
{
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
        table[i] = c;
    }
    rt_rng rng;
    rt_rng_seed(&rng, 0xC4C32u);
    for (uint32_t i = 0; i < CRC_BUF; i++)
        crcbuf[i] = (uint8_t)rt_rng_next(&rng);
    uint32_t crc = 0xFFFFFFFFu;
    for (int rep = 0; rep < CRC_REPS; rep++)
        for (uint32_t i = 0; i < CRC_BUF; i++)
            crc = table[(crc ^ crcbuf[i]) & 0xFF] ^ (crc >> 8);
    rt_printf("crc32: %u bytes x %u checksum=%08x\n", CRC_BUF, CRC_REPS, ~crc);
    return 0;
}

/* ---- matmul ---- */
#define MAT 64
#define MAT_REPS 2000
static uint32_t ma[MAT][MAT], mb[MAT][MAT], mc[MAT][MAT];
static uint32_t work_matmul(void)
{
    rt_rng rng;
    rt_rng_seed(&rng, 0x3A7u);
    for (int i = 0; i < MAT; i++)
        for (int j = 0; j < MAT; j++) {
            ma[i][j] = rt_rng_next(&rng) & 0xFFFF;
            mb[i][j] = rt_rng_next(&rng) & 0xFFFF;
        }
    uint32_t sum = 0;
    for (int rep = 0; rep < MAT_REPS; rep++) {
        for (int i = 0; i < MAT; i++)
            for (int j = 0; j < MAT; j++) {
                uint32_t acc = 0;
                for (int k = 0; k < MAT; k++)
                    acc += ma[i][k] * mb[k][j];
                mc[i][j] = acc;
            }
        /* Feed the result back so the repetitions cannot be folded away. */
        ma[rep % MAT][(rep * 7) % MAT] ^= mc[(rep * 3) % MAT][rep % MAT];
        for (int i = 0; i < MAT; i++)
            sum = (sum << 5 | sum >> 27) ^ mc[i][(i + rep) % MAT];
    }
    rt_printf("matmul: %ux%u x %u checksum=%08x\n", MAT, MAT, MAT_REPS, sum);
    return 0;
}

/* ---- fib ---- */
#define FIB_N 39
static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static uint32_t work_fib(void)
{
    rt_printf("fib: fib(%u) = %u\n", FIB_N, fib(FIB_N));
    return 0;
}

/* ---- qsort ---- */
#define QN (256u * 1024u)
#define QREPS 20
static uint32_t qdata[QN];
static void quicksort(uint32_t *v, int32_t lo, int32_t hi)
{
    while (lo < hi) {
        uint32_t pivot = v[lo + (hi - lo) / 2];
        int32_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                uint32_t t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        /* Recurse into the smaller half, loop on the larger: bounded stack depth. */
        if (j - lo < hi - i) {
            quicksort(v, lo, j);
            lo = i;
        } else {
            quicksort(v, i, hi);
            hi = j;
        }
    }
}
static uint32_t work_qsort(void)
{
    rt_rng rng;
    rt_rng_seed(&rng, 0x9507u);
    uint32_t sum = 0, sorted = 1;
    for (int rep = 0; rep < QREPS; rep++) {
        for (uint32_t i = 0; i < QN; i++)
            qdata[i] = rt_rng_next(&rng);
        quicksort(qdata, 0, (int32_t)QN - 1);
        for (uint32_t i = 0; i < QN; i++) {
            sum = sum * 31 + qdata[i];
            if (i && qdata[i - 1] > qdata[i]) sorted = 0;
        }
    }
    rt_printf("qsort: %u numbers x %u %s checksum=%08x\n", QN, QREPS, sorted ? "sorted" : "NOT SORTED", sum);
    return !sorted;
}

static const struct { const char *name; uint32_t (*fn)(void); } workloads[] = {
    { "alu", work_alu }, { "sieve", work_sieve }, { "crc32", work_crc32 },
    { "matmul", work_matmul }, { "fib", work_fib }, { "qsort", work_qsort },
};
#define NWORK (sizeof workloads / sizeof workloads[0])

int test_main(const char *cmdline)
{
    char word[32];
    uint32_t failed = 0;
    int ran = 0;
    const char *p = cmdline;
    while (rt_next_word(&p, word, sizeof word))
        for (size_t k = 0; k < NWORK; k++)
            if (!rt_strcmp(word, workloads[k].name)) {
                failed |= workloads[k].fn();
                ran++;
            }
    if (!ran)
        for (size_t k = 0; k < NWORK; k++)
            failed |= workloads[k].fn();
    rt_printf("compute: done\n");
    return failed ? 1 : 0;
}
