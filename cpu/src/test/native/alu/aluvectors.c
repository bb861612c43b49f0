/*
 * ALU test-vector generator: runs every integer ALU instruction on the host CPU (the oracle) and
 * prints one line per execution:
 *
 *     op size operand... cin -> result eflags
 *
 * All numbers are hexadecimal without prefix. `size` is the operand size in bytes. `cin` is the
 * value of the arithmetic flags (CF PF AF ZF SF OF) loaded with POPF before the instruction;
 * `eflags` is EFLAGS after it, masked to those same six bits (the instruction produces no others).
 * A result of `DE` means the instruction raised #DE (SIGFPE); no flags follow it.
 *
 * Operand shapes:
 *   add adc sub sbb and or xor imul bt bts btr btc : a b        (imul is the 2-operand form)
 *   shl shr sar rol ror rcl rcr                    : a count    (count goes in CL unmasked)
 *   shld shrd                                      : dst src count
 *   inc dec neg daa das aaa aas                    : a          (daa/das: AL; aaa/aas: AX)
 *   mul imul1                                      : a b        -> double-width product
 *   div idiv                                       : dividend divisor -> (remainder << 32) | quotient
 *   aam aad                                        : AL-or-AX imm
 *   bsf bsr                                        : src olddst -> new dst
 *
 * Build and run with generate.sh (gcc -m32). Deterministic: fixed-seed random operands.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define ARITH 0x8D5u /* CF PF AF ZF SF OF */
#define CF 0x001u
#define AF 0x010u

static uint32_t base_flags; /* host EFLAGS with the arithmetic bits cleared */
static uint32_t rng = 0x2545F491u;

static uint32_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint32_t mask_of(int size) { return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1; }

/* Random operand with a bias towards interesting shapes (small, near a sign boundary, all ones). */
static uint32_t rnd_operand(int size) {
    uint32_t r = rnd(), m = mask_of(size), top = 1u << (size * 8 - 1);
    switch (rnd() % 8) {
        case 0: return r & 0xF;
        case 1: return (top + (r & 7) - 4) & m;
        case 2: return (m - (r & 7)) & m;
        case 3: return (r & 0xFF) * 0x01010101u & m;
        default: return r & m;
    }
}

static const uint32_t EDGES[] = {0, 1, 2, 0xF, 0x10, 0x7F, 0x80, 0x81, 0xFE, 0xFF, 0x100, 0x7FFF, 0x8000, 0x8001,
                                 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE, 0xFFFFFFFF};
#define NEDGES (sizeof EDGES / sizeof EDGES[0])

/* The edge values distinct after masking to `size`. */
static int edges(int size, uint32_t *out) {
    int n = 0;
    for (unsigned i = 0; i < NEDGES; i++) {
        uint32_t v = EDGES[i] & mask_of(size);
        int dup = 0;
        for (int j = 0; j < n; j++) dup |= out[j] == v;
        if (!dup) out[n++] = v;
    }
    return n;
}

static const uint32_t CIN2[] = {0, ARITH};
static const uint32_t CIN_BCD[] = {0, CF, AF, CF | AF, ARITH, ARITH & ~(CF | AF)};

/* ---- the instructions: flags in via POPF, out via PUSHF ---- */

#define FLAGS_IN "pushl %[fi]\n\tpopfl\n\t"
#define FLAGS_OUT "\n\tpushfl\n\tpopl %[fo]"

#define BIN(mn)                                                                                  \
    static uint32_t op_##mn(int size, uint32_t a, uint32_t b, uint32_t fi, uint32_t *fo) {      \
        uint32_t f;                                                                              \
        if (size == 1)                                                                           \
            asm volatile(FLAGS_IN #mn "b %b[b], %b[a]" FLAGS_OUT                                 \
                         : [a] "+q"(a), [fo] "=&r"(f) : [b] "q"(b), [fi] "r"(fi) : "cc");         \
        else if (size == 2)                                                                      \
            asm volatile(FLAGS_IN #mn "w %w[b], %w[a]" FLAGS_OUT                                 \
                         : [a] "+r"(a), [fo] "=&r"(f) : [b] "r"(b), [fi] "r"(fi) : "cc");         \
        else                                                                                     \
            asm volatile(FLAGS_IN #mn "l %[b], %[a]" FLAGS_OUT                                   \
                         : [a] "+r"(a), [fo] "=&r"(f) : [b] "r"(b), [fi] "r"(fi) : "cc");         \
        *fo = f;                                                                                 \
        return a;                                                                                \
    }
BIN(add) BIN(adc) BIN(sub) BIN(sbb) BIN(and) BIN(or) BIN(xor)

/* 2-operand IMUL and the bit tests have no byte form. */
#define BIN_NO8(mn)                                                                              \
    static uint32_t op_##mn(int size, uint32_t a, uint32_t b, uint32_t fi, uint32_t *fo) {      \
        uint32_t f;                                                                              \
        if (size == 2)                                                                           \
            asm volatile(FLAGS_IN #mn "w %w[b], %w[a]" FLAGS_OUT                                 \
                         : [a] "+r"(a), [fo] "=&r"(f) : [b] "r"(b), [fi] "r"(fi) : "cc");         \
        else                                                                                     \
            asm volatile(FLAGS_IN #mn "l %[b], %[a]" FLAGS_OUT                                   \
                         : [a] "+r"(a), [fo] "=&r"(f) : [b] "r"(b), [fi] "r"(fi) : "cc");         \
        *fo = f;                                                                                 \
        return a;                                                                                \
    }
BIN_NO8(imul) BIN_NO8(bt) BIN_NO8(bts) BIN_NO8(btr) BIN_NO8(btc)

/* BSF/BSR scan `a` into the destination `b`; on a zero source the destination is what remains. */
#define SCAN(mn)                                                                                 \
    static uint32_t op_##mn(int size, uint32_t a, uint32_t b, uint32_t fi, uint32_t *fo) {      \
        uint32_t f;                                                                              \
        if (size == 2)                                                                           \
            asm volatile(FLAGS_IN #mn "w %w[a], %w[b]" FLAGS_OUT                                 \
                         : [b] "+r"(b), [fo] "=&r"(f) : [a] "r"(a), [fi] "r"(fi) : "cc");         \
        else                                                                                     \
            asm volatile(FLAGS_IN #mn "l %[a], %[b]" FLAGS_OUT                                   \
                         : [b] "+r"(b), [fo] "=&r"(f) : [a] "r"(a), [fi] "r"(fi) : "cc");         \
        *fo = f;                                                                                 \
        return b;                                                                                \
    }
SCAN(bsf) SCAN(bsr)

#define UN(mn)                                                                                   \
    static uint32_t op_##mn(int size, uint32_t a, uint32_t fi, uint32_t *fo) {                  \
        uint32_t f;                                                                              \
        if (size == 1)                                                                           \
            asm volatile(FLAGS_IN #mn "b %b[a]" FLAGS_OUT : [a] "+q"(a), [fo] "=&r"(f) : [fi] "r"(fi) : "cc"); \
        else if (size == 2)                                                                      \
            asm volatile(FLAGS_IN #mn "w %w[a]" FLAGS_OUT : [a] "+r"(a), [fo] "=&r"(f) : [fi] "r"(fi) : "cc"); \
        else                                                                                     \
            asm volatile(FLAGS_IN #mn "l %[a]" FLAGS_OUT : [a] "+r"(a), [fo] "=&r"(f) : [fi] "r"(fi) : "cc"); \
        *fo = f;                                                                                 \
        return a;                                                                                \
    }
UN(inc) UN(dec) UN(neg)

#define SHIFT(mn)                                                                                \
    static uint32_t op_##mn(int size, uint32_t a, uint32_t c, uint32_t fi, uint32_t *fo) {      \
        uint32_t f;                                                                              \
        if (size == 1)                                                                           \
            asm volatile(FLAGS_IN #mn "b %%cl, %b[a]" FLAGS_OUT                                  \
                         : [a] "+q"(a), [fo] "=&r"(f) : "c"(c), [fi] "r"(fi) : "cc");             \
        else if (size == 2)                                                                      \
            asm volatile(FLAGS_IN #mn "w %%cl, %w[a]" FLAGS_OUT                                  \
                         : [a] "+r"(a), [fo] "=&r"(f) : "c"(c), [fi] "r"(fi) : "cc");             \
        else                                                                                     \
            asm volatile(FLAGS_IN #mn "l %%cl, %[a]" FLAGS_OUT                                   \
                         : [a] "+r"(a), [fo] "=&r"(f) : "c"(c), [fi] "r"(fi) : "cc");             \
        *fo = f;                                                                                 \
        return a;                                                                                \
    }
SHIFT(shl) SHIFT(shr) SHIFT(sar) SHIFT(rol) SHIFT(ror) SHIFT(rcl) SHIFT(rcr)

#define DSHIFT(mn)                                                                               \
    static uint32_t op_##mn(int size, uint32_t d, uint32_t s, uint32_t c, uint32_t fi, uint32_t *fo) { \
        uint32_t f;                                                                              \
        if (size == 2)                                                                           \
            asm volatile(FLAGS_IN #mn "w %%cl, %w[s], %w[d]" FLAGS_OUT                           \
                         : [d] "+r"(d), [fo] "=&r"(f) : [s] "r"(s), "c"(c), [fi] "r"(fi) : "cc"); \
        else                                                                                     \
            asm volatile(FLAGS_IN #mn "l %%cl, %[s], %[d]" FLAGS_OUT                             \
                         : [d] "+r"(d), [fo] "=&r"(f) : [s] "r"(s), "c"(c), [fi] "r"(fi) : "cc"); \
        *fo = f;                                                                                 \
        return d;                                                                                \
    }
DSHIFT(shld) DSHIFT(shrd)

/* One-operand MUL/IMUL: AL*r8 -> AX, AX*r16 -> DX:AX, EAX*r32 -> EDX:EAX. */
#define MUL1(fn, mn)                                                                             \
    static uint64_t op_##fn(int size, uint32_t a, uint32_t b, uint32_t fi, uint32_t *fo) {      \
        uint32_t f, d = 0;                                                                       \
        if (size == 1) {                                                                         \
            asm volatile(FLAGS_IN #mn "b %b[b]" FLAGS_OUT : "+a"(a), [fo] "=&r"(f) : [b] "q"(b), [fi] "r"(fi) : "cc"); \
            *fo = f;                                                                             \
            return a & 0xFFFF;                                                                   \
        }                                                                                        \
        if (size == 2) {                                                                         \
            asm volatile(FLAGS_IN #mn "w %w[b]" FLAGS_OUT : "+a"(a), "+d"(d), [fo] "=&r"(f) : [b] "r"(b), [fi] "r"(fi) : "cc"); \
            *fo = f;                                                                             \
            return ((d & 0xFFFF) << 16) | (a & 0xFFFF);                                          \
        }                                                                                        \
        asm volatile(FLAGS_IN #mn "l %[b]" FLAGS_OUT : "+a"(a), "+d"(d), [fo] "=&r"(f) : [b] "r"(b), [fi] "r"(fi) : "cc"); \
        *fo = f;                                                                                 \
        return ((uint64_t)d << 32) | a;                                                          \
    }
MUL1(mul, mul) MUL1(imul1, imul)

static sigjmp_buf on_de;
static void sigfpe(int sig) {
    (void)sig;
    siglongjmp(on_de, 1);
}

/* DIV/IDIV; returns 0 and leaves *out unset when the CPU raised #DE. */
#define DIV(mn)                                                                                  \
    static int op_##mn(int size, uint64_t n, uint32_t b, uint32_t fi, uint32_t *fo, uint64_t *out) { \
        volatile uint32_t a = (uint32_t)n, d = (uint32_t)(n >> 32), f = 0;                       \
        uint32_t ra = a, rd = d, rf;                                                             \
        if (sigsetjmp(on_de, 1)) return 0;                                                       \
        if (size == 1) {                                                                         \
            asm volatile(FLAGS_IN #mn "b %b[b]" FLAGS_OUT : "+a"(ra), [fo] "=&r"(rf) : [b] "q"(b), [fi] "r"(fi) : "cc"); \
            *out = ((uint64_t)((ra >> 8) & 0xFF) << 32) | (ra & 0xFF);                           \
        } else if (size == 2) {                                                                  \
            ra = (uint32_t)n & 0xFFFF;                                                           \
            rd = ((uint32_t)n >> 16) & 0xFFFF;                                                   \
            asm volatile(FLAGS_IN #mn "w %w[b]" FLAGS_OUT : "+a"(ra), "+d"(rd), [fo] "=&r"(rf) : [b] "r"(b), [fi] "r"(fi) : "cc"); \
            *out = ((uint64_t)(rd & 0xFFFF) << 32) | (ra & 0xFFFF);                              \
        } else {                                                                                 \
            asm volatile(FLAGS_IN #mn "l %[b]" FLAGS_OUT : "+a"(ra), "+d"(rd), [fo] "=&r"(rf) : [b] "r"(b), [fi] "r"(fi) : "cc"); \
            *out = ((uint64_t)rd << 32) | ra;                                                    \
        }                                                                                        \
        f = rf;                                                                                  \
        *fo = f;                                                                                 \
        return 1;                                                                                \
    }
DIV(div) DIV(idiv)

#define BCD(mn)                                                                                  \
    static uint32_t op_##mn(uint32_t ax, uint32_t fi, uint32_t *fo) {                            \
        uint32_t f;                                                                              \
        asm volatile(FLAGS_IN #mn FLAGS_OUT : "+a"(ax), [fo] "=&r"(f) : [fi] "r"(fi) : "cc");    \
        *fo = f;                                                                                 \
        return ax & 0xFFFF;                                                                      \
    }
BCD(daa) BCD(das) BCD(aaa) BCD(aas)

/* AAM/AAD carry their base as an immediate: run them from a patched stub "D4/D5 ib; ret". */
static unsigned char *stub;
static int op_aamd(int opcode, uint32_t ax, uint32_t imm, uint32_t fi, uint32_t *fo, uint32_t *out) {
    volatile uint32_t f = 0;
    uint32_t r = ax, rf;
    stub[0] = (unsigned char)opcode;
    stub[1] = (unsigned char)imm;
    stub[2] = 0xC3;
    if (sigsetjmp(on_de, 1)) return 0;
    asm volatile(FLAGS_IN "call *%[fn]" FLAGS_OUT : "+a"(r), [fo] "=&r"(rf) : [fn] "r"(stub), [fi] "r"(fi) : "cc", "memory");
    f = rf;
    *fo = f;
    *out = r & 0xFFFF;
    return 1;
}

/* ---- the vector sets ---- */

static uint32_t fin(uint32_t cin) { return base_flags | cin; }

typedef uint32_t (*binop)(int, uint32_t, uint32_t, uint32_t, uint32_t *);

static void bin_case(const char *name, binop fn, int size, uint32_t a, uint32_t b) {
    for (int i = 0; i < 2; i++) {
        uint32_t f, r = fn(size, a, b, fin(CIN2[i]), &f) & mask_of(size);
        printf("%s %d %x %x %x -> %x %x\n", name, size, a, b, CIN2[i], r, f & ARITH);
    }
}

static void bin_set(const char *name, binop fn, int size, int nrandom) {
    uint32_t e[NEDGES];
    int n = edges(size, e);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) bin_case(name, fn, size, e[i], e[j]);
    for (int k = 0; k < nrandom; k++) bin_case(name, fn, size, rnd_operand(size), rnd_operand(size));
}

typedef uint32_t (*unop)(int, uint32_t, uint32_t, uint32_t *);

static void un_case(const char *name, unop fn, int size, uint32_t a) {
    for (int i = 0; i < 2; i++) {
        uint32_t f, r = fn(size, a, fin(CIN2[i]), &f) & mask_of(size);
        printf("%s %d %x %x -> %x %x\n", name, size, a, CIN2[i], r, f & ARITH);
    }
}

static void un_set(const char *name, unop fn, int size) {
    uint32_t e[NEDGES];
    int n = edges(size, e);
    for (int i = 0; i < n; i++) un_case(name, fn, size, e[i]);
    for (int k = 0; k < 40; k++) un_case(name, fn, size, rnd_operand(size));
}

static void shift_set(const char *name, binop fn, int size) {
    static const uint32_t extra_counts[] = {32, 33, 40, 63, 64, 255};
    uint32_t vals[32];
    uint32_t e[NEDGES];
    int n = edges(size, e), nv = 0;
    /* a handful of edges and random patterns; every count 0..31 plus some that must be masked */
    static const int pick[] = {0, 1, 5, 6, 9};
    for (unsigned i = 0; i < sizeof pick / sizeof pick[0] && pick[i] < n; i++) vals[nv++] = e[pick[i]];
    vals[nv++] = 0x80000001u & mask_of(size);
    vals[nv++] = (1u << (size * 8 - 1)) & mask_of(size); /* sign bit only */
    vals[nv++] = (mask_of(size) >> 1);                   /* all but sign */
    while (nv < 14) vals[nv++] = rnd() & mask_of(size);
    for (int v = 0; v < nv; v++) {
        for (uint32_t c = 0; c < 32; c++) bin_case(name, fn, size, vals[v], c);
        for (unsigned c = 0; c < sizeof extra_counts / sizeof extra_counts[0]; c++)
            bin_case(name, fn, size, vals[v], extra_counts[c]);
    }
}

typedef uint32_t (*dshift)(int, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t *);

static void dshift_set(const char *name, dshift fn, int size) {
    uint32_t m = mask_of(size);
    uint32_t pairs[][2] = {{0, 0}, {0, m}, {m, 0}, {m, m}, {1, 0x80000000u & m}, {0x80000000u & m, 1},
                           {0x12345678 & m, 0x9ABCDEF0 & m}, {0x9ABCDEF0 & m, 0x12345678 & m}};
    int np = sizeof pairs / sizeof pairs[0];
    for (int k = 0; k < np + 10; k++) {
        uint32_t d = k < np ? pairs[k][0] : rnd() & m, s = k < np ? pairs[k][1] : rnd() & m;
        for (uint32_t c = 0; c < 34; c++) {
            uint32_t cc = c < 32 ? c : (c == 32 ? 32 : 0x41);
            for (int i = 0; i < 2; i++) {
                uint32_t f, r = fn(size, d, s, cc, fin(CIN2[i]), &f) & m;
                printf("%s %d %x %x %x %x -> %x %x\n", name, size, d, s, cc, CIN2[i], r, f & ARITH);
            }
        }
    }
}

typedef uint64_t (*mulop)(int, uint32_t, uint32_t, uint32_t, uint32_t *);

static void mul_set(const char *name, mulop fn, int size) {
    uint32_t e[NEDGES];
    int n = edges(size, e);
    for (int k = 0; k < n * n + 150; k++) {
        uint32_t a = k < n * n ? e[k / n] : rnd_operand(size), b = k < n * n ? e[k % n] : rnd_operand(size);
        if (k >= n * n && k % 3 == 0) b &= 0xF; /* small factors keep the product in range sometimes */
        for (int i = 0; i < 2; i++) {
            uint32_t f;
            uint64_t r = fn(size, a, b, fin(CIN2[i]), &f);
            printf("%s %d %x %x %x -> %llx %x\n", name, size, a, b, CIN2[i], (unsigned long long)r, f & ARITH);
        }
    }
}

typedef int (*divop)(int, uint64_t, uint32_t, uint32_t, uint32_t *, uint64_t *);

static void div_set(const char *name, divop fn, int size) {
    uint64_t nmask = size == 4 ? ~0ull : (1ull << (size * 16)) - 1;
    uint32_t e[NEDGES];
    int n = edges(size, e);
    for (int k = 0; k < n * 6 + 250; k++) {
        uint64_t num;
        uint32_t b;
        if (k < n * 6) {
            /* each edge divisor against dividends that sit on the overflow boundary */
            static const uint64_t nums[] = {0, 1, 0x7F, 0x8000, 0x7FFFFFFFull, 0x8000000000000000ull};
            b = e[k % n];
            num = nums[k / n];
            if (k / n == 2) num = (uint64_t)b << (size * 8) >> 1; /* half-way to the limit */
            if (k / n == 3) num = ((uint64_t)b << (size * 8)) - 1;
        } else {
            num = ((uint64_t)rnd() << 32 | rnd());
            b = rnd_operand(size);
            switch (k % 4) {
                case 0: num >>= (rnd() % 64); break;
                case 1: num = (uint64_t)(int64_t)(int32_t)rnd() >> (rnd() % 8); break;
                case 2: num = (uint64_t)-(int64_t)(num >> (size * 8 + 2)); break;
                default: break;
            }
        }
        num &= nmask;
        for (int i = 0; i < 2; i++) {
            uint32_t f;
            uint64_t r;
            if (fn(size, num, b, fin(CIN2[i]), &f, &r))
                printf("%s %d %llx %x %x -> %llx %x\n", name, size, (unsigned long long)num, b, CIN2[i],
                       (unsigned long long)r, f & ARITH);
            else
                printf("%s %d %llx %x %x -> DE\n", name, size, (unsigned long long)num, b, CIN2[i]);
        }
    }
}

typedef uint32_t (*bcdop)(uint32_t, uint32_t, uint32_t *);

static void bcd_set(const char *name, bcdop fn, int with_ah) {
    static const uint32_t ahs[] = {0, 0x12, 0xFF};
    for (int h = 0; h < (with_ah ? 3 : 1); h++)
        for (uint32_t al = 0; al < 256; al++)
            for (unsigned i = 0; i < sizeof CIN_BCD / sizeof CIN_BCD[0]; i++) {
                uint32_t x = (ahs[h] << 8) | al, f, r = fn(x, fin(CIN_BCD[i]), &f);
                if (!with_ah) r &= 0xFF;
                printf("%s %d %x %x -> %x %x\n", name, with_ah ? 2 : 1, with_ah ? x : al, CIN_BCD[i], r, f & ARITH);
            }
}

static void aamd_set(const char *name, int opcode) {
    static const uint32_t imms[] = {10, 0, 1, 2, 7, 16, 0x7F, 0x80, 0xFF};
    for (unsigned m = 0; m < sizeof imms / sizeof imms[0] + 4; m++) {
        uint32_t imm = m < sizeof imms / sizeof imms[0] ? imms[m] : rnd() & 0xFF;
        for (uint32_t al = 0; al < 256; al += (imm == 10 ? 1 : 3)) {
            uint32_t x = opcode == 0xD5 ? ((rnd() & 0xFF) << 8 | al) : al;
            for (int i = 0; i < 2; i++) {
                uint32_t f, r;
                if (op_aamd(opcode, x, imm, fin(CIN2[i]), &f, &r))
                    printf("%s %d %x %x %x -> %x %x\n", name, opcode == 0xD5 ? 2 : 1, x, imm, CIN2[i], r, f & ARITH);
                else
                    printf("%s %d %x %x %x -> DE\n", name, opcode == 0xD5 ? 2 : 1, x, imm, CIN2[i]);
            }
        }
    }
}

static void bit_set(const char *name, binop fn, int size) {
    uint32_t e[NEDGES];
    int n = edges(size, e);
    for (int k = 0; k < n + 6; k++) {
        uint32_t a = k < n ? e[k] : rnd() & mask_of(size);
        for (uint32_t off = 0; off < (uint32_t)size * 8 + 4; off += (k & 1) + 1) bin_case(name, fn, size, a, off);
        bin_case(name, fn, size, a, 0x87); /* a register bit offset is taken modulo the operand size */
    }
}

static void scan_set(const char *name, binop fn, int size) {
    uint32_t e[NEDGES];
    int n = edges(size, e);
    for (int k = 0; k < n + 60; k++) {
        uint32_t src = k < n ? e[k] : rnd_operand(size) >> (rnd() % (size * 8)) << (rnd() % (size * 8));
        bin_case(name, fn, size, src & mask_of(size), 0xA5A5A5A5u & mask_of(size));
    }
    /* a zero source leaves the destination alone: show what the flags make of various old values */
    for (int k = 0; k < 24; k++) bin_case(name, fn, size, 0, (k < 8 ? 1u << (k * 4) : rnd()) & mask_of(size));
}

int main(void) {
    uint32_t f, vendor[3], sig, b, c, d;
    asm volatile("pushfl\n\tpopl %0" : "=r"(f));
    base_flags = f & ~ARITH;
    asm volatile("cpuid" : "=a"(sig), "=b"(vendor[0]), "=c"(vendor[2]), "=d"(vendor[1]) : "a"(0));
    asm volatile("cpuid" : "=a"(sig), "=b"(b), "=c"(c), "=d"(d) : "a"(1));
    char v[13];
    memcpy(v, vendor, 12);
    v[12] = 0;
    printf("# ALU vectors from the host CPU: %s signature %08x. Format: see aluvectors.c\n", v, sig);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = sigfpe;
    sigaction(SIGFPE, &sa, 0);
    stub = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (stub == MAP_FAILED) return 1;

    for (int size = 1; size <= 4; size *= 2) {
        bin_set("add", op_add, size, 300);
        bin_set("adc", op_adc, size, 300);
        bin_set("sub", op_sub, size, 300);
        bin_set("sbb", op_sbb, size, 300);
        bin_set("and", op_and, size, 150);
        bin_set("or", op_or, size, 150);
        bin_set("xor", op_xor, size, 150);
        un_set("inc", op_inc, size);
        un_set("dec", op_dec, size);
        un_set("neg", op_neg, size);
        shift_set("shl", op_shl, size);
        shift_set("shr", op_shr, size);
        shift_set("sar", op_sar, size);
        shift_set("rol", op_rol, size);
        shift_set("ror", op_ror, size);
        shift_set("rcl", op_rcl, size);
        shift_set("rcr", op_rcr, size);
        mul_set("mul", op_mul, size);
        mul_set("imul1", op_imul1, size);
        div_set("div", op_div, size);
        div_set("idiv", op_idiv, size);
        if (size > 1) {
            bin_set("imul", op_imul, size, 150);
            dshift_set("shld", op_shld, size);
            dshift_set("shrd", op_shrd, size);
            bit_set("bt", op_bt, size);
            bit_set("bts", op_bts, size);
            bit_set("btr", op_btr, size);
            bit_set("btc", op_btc, size);
            scan_set("bsf", op_bsf, size);
            scan_set("bsr", op_bsr, size);
        }
    }
    bcd_set("daa", op_daa, 0);
    bcd_set("das", op_das, 0);
    bcd_set("aaa", op_aaa, 1);
    bcd_set("aas", op_aas, 1);
    aamd_set("aam", 0xD4);
    aamd_set("aad", 0xD5);
    return 0;
}
