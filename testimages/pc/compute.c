/*
 * compute: fixed-size benchmark workloads for interpreter speed tests. The command line picks
 * workloads by name (several may be given; words that are not workload names, such as the
 * kernel file name QEMU puts first, are ignored; with no workload name every one runs):
 *   alu       a tight loop of register ALU instructions with an exactly known dynamic count
 *   sieve     sieve of Eratosthenes over 1 Mi numbers, repeated
 *   crc32     bitwise-table CRC-32 over a 64 KiB buffer, repeated
 *   matmul    64x64 32-bit integer matrix multiplication, repeated
 *   fib       naive recursive Fibonacci
 *   qsort     recursive quicksort of 256 Ki xorshift numbers, repeated
 *   bytecode  a switch-based bytecode interpreter (gcc -O2 makes the switch a jump table, so
 *             every guest bytecode is one indirect jump) running a loop that computes a checksum
 *   memcpy    REP STOSD / REP MOVSD fills and copies of 64 B, 4 KiB and 128-256 KiB, repeated
 * Sizes are chosen so that each workload takes roughly 1-3 s under qemu-system-i386 (TCG).
 * Each prints one line with a checksum and the program exits with 0 (1 if a workload's own
 * check failed). Nothing printed depends on time, so the output is the same natively, under
 * QEMU and under Denali-J.
 *
 * repeat=N (1 <= N <= 1000) runs the selected workloads N times in turn, in command-line
 * order, printing each line N times: the same run-to-run state each time (every workload
 * starts from its fixed seed), so the first pass includes an emulator's warm-up (translation,
 * JIT compilation) and the later ones do not. bench/compare.sh times repeat=1 and repeat=R and
 * takes (t(R) - t(1)) / (R - 1) as the steady-state time of one pass. A repeat= word that is
 * not a number in range prints "compute: bad repeat count" and exits with 2.
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

/* ---- bytecode: a stack machine with registers, dispatched by a switch ---- */
enum {
    BC_HALT, BC_PUSH, BC_LOAD, BC_STORE, BC_DUP, BC_ADD, BC_SUB, BC_MUL, BC_AND, BC_OR, BC_XOR,
    BC_SHL, BC_SHR, BC_DEC, BC_JZ, BC_JNZ, BC_JMP,
};
#define BC_ITERS 2000000u
#define BC_LCG_A 1103515245u
#define BC_LCG_C 12345u
static int32_t bc_prog[96];
static uint32_t bc_len;
static void bc_emit(int32_t w) { bc_prog[bc_len++] = w; }

/* The program: r0 counts iterations down, r1 is an LCG, r2 and r3 accumulate; the branch on a
   bit of the LCG output is data-dependent, as in a real interpreted program. Assembled at run
   time so the compiler sees nothing but an opcode array. */
static void bc_assemble(void)
{
    bc_len = 0;
    uint32_t top = bc_len;
    bc_emit(BC_LOAD); bc_emit(1); bc_emit(BC_PUSH); bc_emit((int32_t)BC_LCG_A); bc_emit(BC_MUL);
    bc_emit(BC_PUSH); bc_emit(BC_LCG_C); bc_emit(BC_ADD); bc_emit(BC_DUP); bc_emit(BC_STORE); bc_emit(1);
    bc_emit(BC_PUSH); bc_emit(16); bc_emit(BC_SHR); bc_emit(BC_DUP);          /* t = r1 >> 16 */
    bc_emit(BC_LOAD); bc_emit(2); bc_emit(BC_XOR); bc_emit(BC_STORE); bc_emit(2); /* r2 ^= t */
    bc_emit(BC_PUSH); bc_emit(1); bc_emit(BC_AND); bc_emit(BC_JZ);
    uint32_t to_even = bc_len;
    bc_emit(0);
    bc_emit(BC_LOAD); bc_emit(3); bc_emit(BC_LOAD); bc_emit(2); bc_emit(BC_ADD);  /* odd: r3 += r2 */
    bc_emit(BC_STORE); bc_emit(3); bc_emit(BC_JMP);
    uint32_t to_next = bc_len;
    bc_emit(0);
    bc_prog[to_even] = (int32_t)bc_len;                                       /* even: r3 = rotl(r3, 5) - r2 */
    bc_emit(BC_LOAD); bc_emit(3); bc_emit(BC_PUSH); bc_emit(5); bc_emit(BC_SHL);
    bc_emit(BC_LOAD); bc_emit(3); bc_emit(BC_PUSH); bc_emit(27); bc_emit(BC_SHR); bc_emit(BC_OR);
    bc_emit(BC_LOAD); bc_emit(2); bc_emit(BC_SUB); bc_emit(BC_STORE); bc_emit(3);
    bc_prog[to_next] = (int32_t)bc_len;
    bc_emit(BC_LOAD); bc_emit(0); bc_emit(BC_DEC); bc_emit(BC_DUP); bc_emit(BC_STORE); bc_emit(0);
    bc_emit(BC_JNZ); bc_emit((int32_t)top);
    bc_emit(BC_HALT);
}

/* Returns the number of bytecodes executed, 0 on an invalid opcode. noinline: one interpreter
   function with its jump table, as a real bytecode VM would have. */
static __attribute__((noinline)) uint32_t bc_run(const int32_t *code, uint32_t *reg)
{
    uint32_t stack[16];
    uint32_t sp = 0, pc = 0, steps = 0;
    for (;;) {
        steps++;
        switch (code[pc++]) {
        case BC_HALT: return steps;
        case BC_PUSH: stack[sp++] = (uint32_t)code[pc++]; break;
        case BC_LOAD: stack[sp++] = reg[code[pc++]]; break;
        case BC_STORE: reg[code[pc++]] = stack[--sp]; break;
        case BC_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case BC_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case BC_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case BC_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case BC_AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case BC_OR: sp--; stack[sp - 1] |= stack[sp]; break;
        case BC_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case BC_SHL: sp--; stack[sp - 1] <<= stack[sp] & 31; break;
        case BC_SHR: sp--; stack[sp - 1] >>= stack[sp] & 31; break;
        case BC_DEC: stack[sp - 1]--; break;
        case BC_JZ: { int32_t t = code[pc++]; if (!stack[--sp]) pc = (uint32_t)t; break; }
        case BC_JNZ: { int32_t t = code[pc++]; if (stack[--sp]) pc = (uint32_t)t; break; }
        case BC_JMP: pc = (uint32_t)code[pc]; break;
        default: return 0;
        }
    }
}

static uint32_t work_bytecode(void)
{
    bc_assemble();
    uint32_t reg[4] = { BC_ITERS, 0x2545F491u, 0, 0x9E3779B9u };
    uint32_t steps = bc_run(bc_prog, reg);
    /* The same computation in C: the interpreter must agree with it. */
    uint32_t x = 0x2545F491u, r2 = 0, r3 = 0x9E3779B9u, odd = 0;
    for (uint32_t i = 0; i < BC_ITERS; i++) {
        x = x * BC_LCG_A + BC_LCG_C;
        uint32_t t = x >> 16;
        r2 ^= t;
        if (t & 1) { r3 += r2; odd++; } else r3 = (r3 << 5 | r3 >> 27) - r2;
    }
    /* Bytecodes per iteration (see bc_assemble): 16 up to and including the JZ, 5 on the odd
       path, 10 on the even one, 5 for the count; plus the final HALT. */
    uint32_t expect_steps = BC_ITERS * 21u + odd * 5u + (BC_ITERS - odd) * 10u + 1u;
    int ok = steps == expect_steps && reg[0] == 0 && reg[1] == x && reg[2] == r2 && reg[3] == r3;
    rt_printf("bytecode: %u iterations, %u bytecodes %s checksum=%08x\n", BC_ITERS, steps,
              ok ? "ok" : "WRONG", reg[1] ^ reg[2] ^ reg[3]);
    return !ok;
}

/* ---- memcpy: REP STOSD and REP MOVSD of a few sizes ---- */
#define MC_WORDS (64u * 1024u) /* 256 KiB per buffer */
#define MC_REPS 3000
#define MC_MEDIUM 1024u        /* 4 KiB copies */
#define MC_SMALL 16u           /* 64 B copies */
static uint32_t mc_src[MC_WORDS], mc_dst[MC_WORDS];
static inline void rep_movsd(uint32_t *d, const uint32_t *s, uint32_t n)
{
    __asm__ volatile("cld\n\trep movsl" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}
static inline void rep_stosd(uint32_t *d, uint32_t v, uint32_t n)
{
    __asm__ volatile("cld\n\trep stosl" : "+D"(d), "+c"(n) : "a"(v) : "memory");
}
/* One round, writing dst as: [0, 32Ki) one large copy from src + off; [32Ki, 48Ki) 16 4 KiB
   copies; [48Ki, 56Ki) 512 64-byte copies; [56Ki, 64Ki) the fill pattern. Every source
   position is a function of (i, off), so mc_check can recompute what each word must be. */
static uint32_t mc_src_medium(uint32_t i, uint32_t off) { return (i * 3083u + off) % (MC_WORDS - MC_MEDIUM); }
static uint32_t mc_src_small(uint32_t i, uint32_t off) { return (i * 97u + off * 5u) % (MC_WORDS - MC_SMALL); }
static void mc_round(uint32_t off, uint32_t pattern)
{
    rep_stosd(mc_dst, pattern, MC_WORDS);
    rep_movsd(mc_dst, mc_src + off, 32u * 1024u);
    for (uint32_t i = 0; i < 16; i++)
        rep_movsd(mc_dst + 32u * 1024u + i * MC_MEDIUM, mc_src + mc_src_medium(i, off), MC_MEDIUM);
    for (uint32_t i = 0; i < 512; i++)
        rep_movsd(mc_dst + 48u * 1024u + i * MC_SMALL, mc_src + mc_src_small(i, off), MC_SMALL);
}
/* Word-by-word check of one round's result, in plain C. */
static int mc_check(uint32_t off, uint32_t pattern)
{
    for (uint32_t k = 0; k < MC_WORDS; k++) {
        uint32_t want;
        if (k < 32u * 1024u) want = mc_src[off + k];
        else if (k < 48u * 1024u) {
            uint32_t i = (k - 32u * 1024u) / MC_MEDIUM;
            want = mc_src[mc_src_medium(i, off) + (k - 32u * 1024u) % MC_MEDIUM];
        } else if (k < 56u * 1024u) {
            uint32_t i = (k - 48u * 1024u) / MC_SMALL;
            want = mc_src[mc_src_small(i, off) + (k - 48u * 1024u) % MC_SMALL];
        } else want = pattern;
        if (mc_dst[k] != want) return 0;
    }
    return 1;
}
static uint32_t work_memcpy(void)
{
    rt_rng rng;
    rt_rng_seed(&rng, 0x3E3C9u);
    for (uint32_t i = 0; i < MC_WORDS; i++)
        mc_src[i] = rt_rng_next(&rng);
    uint32_t sum = 0, off = 0, pattern = 0;
    int ok = 1;
    for (int rep = 0; rep < MC_REPS; rep++) {
        off = (uint32_t)rep * 61u % (32u * 1024u);
        pattern = 0xA5A50000u | (uint32_t)rep;
        mc_round(off, pattern);
        if (rep == 0 || rep == MC_REPS - 1) ok &= mc_check(off, pattern);
        for (uint32_t k = 0; k < 64; k++)
            sum = (sum << 5 | sum >> 27) ^ mc_dst[(k * 1031u + (uint32_t)rep * 7u) % MC_WORDS];
        /* Feed the checksum back into the source, so every round copies different data. */
        mc_src[(uint32_t)rep * 4099u % MC_WORDS] ^= sum;
    }
    rt_printf("memcpy: %u rounds of %u KiB filled, %u KiB copied %s checksum=%08x\n", MC_REPS,
              MC_WORDS * 4u / 1024u, (32u + 16u * MC_MEDIUM / 1024u + 512u * MC_SMALL / 1024u) * 4u,
              ok ? "ok" : "WRONG", sum);
    return !ok;
}

static const struct { const char *name; uint32_t (*fn)(void); } workloads[] = {
    { "alu", work_alu }, { "sieve", work_sieve }, { "crc32", work_crc32 },
    { "matmul", work_matmul }, { "fib", work_fib }, { "qsort", work_qsort },
    { "bytecode", work_bytecode }, { "memcpy", work_memcpy },
};
#define NWORK (sizeof workloads / sizeof workloads[0])

static int starts_with(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++) return 0;
    return 1;
}

/* "repeat=N": N in 1..1000, or 0 for anything else (not a number, out of range). */
static uint32_t parse_repeat(const char *digits)
{
    uint32_t n = 0;
    if (!*digits) return 0;
    for (; *digits; digits++) {
        if (*digits < '0' || *digits > '9' || n > 1000) return 0;
        n = n * 10 + (uint32_t)(*digits - '0');
    }
    return n <= 1000 ? n : 0;
}

int test_main(const char *cmdline)
{
    char word[32];
    uint32_t failed = 0, repeat = 1;
    size_t order[32];
    size_t ran = 0;
    const char *p = cmdline;
    while (rt_next_word(&p, word, sizeof word)) {
        if (starts_with(word, "repeat=")) {
            if (!(repeat = parse_repeat(word + 7))) {
                rt_printf("compute: bad repeat count\n");
                return 2;
            }
            continue;
        }
        for (size_t k = 0; k < NWORK; k++)
            if (!rt_strcmp(word, workloads[k].name) && ran < sizeof order / sizeof order[0])
                order[ran++] = k;
    }
    if (!ran)
        for (size_t k = 0; k < NWORK; k++)
            order[ran++] = k;
    for (uint32_t r = 0; r < repeat; r++)
        for (size_t i = 0; i < ran; i++)
            failed |= workloads[order[i]].fn();
    rt_printf("compute: done\n");
    return failed ? 1 : 0;
}
