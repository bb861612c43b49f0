/*
 * fpuvectors.c - x87 test vectors with the host CPU as the oracle.
 *
 * Build and run with generate.sh (gcc -m32). For every case the program assembles a tiny routine at run time:
 *
 *     fninit; fldcw CW; fld tbyte IN[n-1] ... fld tbyte IN[0]; push FLAGS_IN; popfd;
 *     lea eax, MEM; <the instruction under test, memory operand = [eax]>; pushfd; pop FLAGS_OUT;
 *     fnsave SAVE
 *
 * and prints one line:
 *
 *     OPC MODRM CW FLIN MEMIN NIN IN0 .. IN(n-1) -> SW TW FLOUT MEMOUT ST0 .. ST7
 *
 * All numbers are hex. INk and STk are 80-bit values written as 4 hex digits of sign+exponent followed by 16 of
 * significand; an empty register prints as "-". MEMIN/MEMOUT are the bytes of the memory operand in address order
 * ("-" for register forms). FLIN/FLOUT hold only CF (01), PF (04) and ZF (40). FNSAVE is non-waiting, so cases with
 * unmasked exceptions in CW are recorded without a trap: they show the state the exception handler would see.
 *
 * Random operands come from a fixed-seed xorshift generator, so the output is the same on every run of the same
 * CPU model.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef struct { uint64_t sig; uint16_t se; } f80;

struct ctx {
    uint16_t cw;        /* 0 */
    uint16_t pad0;
    uint32_t flin;      /* 4 */
    uint32_t flout;     /* 8 */
    uint8_t mem[16];    /* 12 */
    uint8_t in[8][10];  /* 28 */
    uint8_t save[108];  /* 108 */
};

#define OFF_CW 0
#define OFF_FLIN 4
#define OFF_FLOUT 8
#define OFF_MEM 12
#define OFF_IN 28
#define OFF_SAVE 108

static uint8_t *code;

static void emit_disp32(uint8_t **p, uint32_t d) { memcpy(*p, &d, 4); *p += 4; }

/* Assembles the routine for one case; the routine takes (struct ctx *) as its cdecl argument. */
static void assemble(const uint8_t *insn, int insnLen, int nin) {
    uint8_t *p = code;
    *p++ = 0x55; *p++ = 0x89; *p++ = 0xE5;           /* push ebp; mov ebp, esp */
    *p++ = 0x53; *p++ = 0x56; *p++ = 0x57;           /* push ebx, esi, edi */
    *p++ = 0x8B; *p++ = 0x75; *p++ = 0x08;           /* mov esi, [ebp+8] */
    *p++ = 0xDB; *p++ = 0xE3;                        /* fninit */
    *p++ = 0xD9; *p++ = 0xAE; emit_disp32(&p, OFF_CW);        /* fldcw [esi+cw] */
    for (int i = nin - 1; i >= 0; i--) {
        *p++ = 0xDB; *p++ = 0xAE; emit_disp32(&p, OFF_IN + 10 * i); /* fld tbyte [esi+in] */
    }
    *p++ = 0xFF; *p++ = 0xB6; emit_disp32(&p, OFF_FLIN);      /* push dword [esi+flin] */
    *p++ = 0x9D;                                     /* popfd */
    *p++ = 0x8D; *p++ = 0x86; emit_disp32(&p, OFF_MEM);       /* lea eax, [esi+mem] */
    memcpy(p, insn, insnLen); p += insnLen;
    *p++ = 0x9C;                                     /* pushfd */
    *p++ = 0x8F; *p++ = 0x86; emit_disp32(&p, OFF_FLOUT);     /* pop dword [esi+flout] */
    *p++ = 0xDD; *p++ = 0xB6; emit_disp32(&p, OFF_SAVE);      /* fnsave [esi+save] */
    *p++ = 0x5F; *p++ = 0x5E; *p++ = 0x5B; *p++ = 0x5D; /* pop edi, esi, ebx, ebp */
    *p++ = 0xC3;                                     /* ret */
}

/* ---- random numbers ---- */
static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }
static int rndn(int n) { return (int) (rnd() % (uint64_t) n); }

static f80 mk(int sign, int exp, uint64_t sig) { f80 v = { sig, (uint16_t) ((sign << 15) | (exp & 0x7FFF)) }; return v; }

#define BIAS 16383
static const f80 SPECIALS[] = {
    {0, 0}, {0, 0x8000},                                               /* +0 -0 */
    {0x8000000000000000ULL, 0x3FFF}, {0x8000000000000000ULL, 0xBFFF},  /* +1 -1 */
    {0x8000000000000000ULL, 0x7FFF}, {0x8000000000000000ULL, 0xFFFF},  /* +inf -inf */
    {0xC000000000000000ULL, 0x7FFF}, {0xC000000000000000ULL, 0xFFFF},  /* QNaN, indefinite */
    {0xC123456789ABCDEFULL, 0x7FFF}, {0x8123456789ABCDEFULL, 0x7FFF},  /* QNaN payload, SNaN */
    {0x8000000000000001ULL, 0xFFFF}, {0xE000000000000000ULL, 0x7FFF},  /* -SNaN, QNaN */
    {0x0000000000000001ULL, 0}, {0x7FFFFFFFFFFFFFFFULL, 0x8000},       /* smallest denormal, largest -denormal */
    {0x4000000000000000ULL, 0},                                        /* denormal */
    {0x8000000000000000ULL, 0}, {0xC000000000000000ULL, 0x8000},       /* pseudo-denormals */
    {0x8000000000000000ULL, 1}, {0xFFFFFFFFFFFFFFFFULL, 0x7FFE},       /* min normal, max */
    {0xFFFFFFFFFFFFFFFFULL, 0xFFFE},
    {0x4000000000000000ULL, 0x3FFF}, {0x0000000000000000ULL, 0x4005},  /* unnormals */
    {0x0000000000000000ULL, 0x7FFF}, {0x4000000000000000ULL, 0x7FFF},  /* pseudo-inf, pseudo-NaN */
    {0xC90FDAA22168C235ULL, 0x4000}, {0xC90FDAA22168C235ULL, 0x3FFF},  /* pi, pi/2 */
    {0xA000000000000000ULL, 0x4002}, {0xC000000000000000ULL, 0x3FFE},  /* 10, 0.75 */
    {0x8000000000000000ULL, 0x3FFE}, {0xC000000000000000ULL, 0xBFFF},  /* 0.5, -1.5 */
    {0x8000000000000000ULL, 0x403E}, {0xFFFFFFFFFFFFFFFFULL, 0x403D},  /* 2^63, 2^63-1 */
};
#define NSPECIAL ((int) (sizeof SPECIALS / sizeof SPECIALS[0]))

/* A random operand: mostly normal numbers around 1, with every exponent range and special value represented. */
static f80 rand80(void) {
    int sign = rndn(2);
    uint64_t sig = rnd() | 0x8000000000000000ULL;
    int k = rndn(100);
    if (k < 8) return SPECIALS[rndn(NSPECIAL)];
    if (k < 16) sig &= ~0ULL << (rndn(64));                 /* short significands: exact and halfway cases */
    if (k < 20) sig = 0x8000000000000000ULL | (rnd() & 0xFF);
    int exp;
    int r = rndn(100);
    if (r < 55) exp = BIAS - 70 + rndn(140);
    else if (r < 70) exp = rndn(0x7FFF);
    else if (r < 80) exp = rndn(70);                        /* around the denormal boundary */
    else if (r < 88) exp = 0x7FFE - rndn(70);               /* near overflow */
    else if (r < 94) exp = BIAS - 1022 - 60 + rndn(120);    /* double denormal boundary */
    else exp = BIAS - 126 - 30 + rndn(60);                  /* single denormal boundary */
    if (exp == 0) sig >>= 1 + rndn(63);                     /* a real denormal */
    return mk(sign, exp, sig);
}

/* A value near a, for cancellation and close compares. */
static f80 near80(f80 a) {
    int exp = (a.se & 0x7FFF) + rndn(5) - 2;
    if (exp <= 0 || exp >= 0x7FFF) return rand80();
    uint64_t sig = (rndn(2) ? a.sig + (rnd() & 0xFFFF) - 0x8000 : a.sig ^ (rnd() >> rndn(64))) | 0x8000000000000000ULL;
    return mk(rndn(2) ? a.se >> 15 : !(a.se >> 15), exp, sig);
}

/* Small in-range values for transcendental and integer-conversion tests. */
static f80 small80(int maxExp) {
    return mk(rndn(2), BIAS - rndn(70) + rndn(maxExp + 1), rnd() | 0x8000000000000000ULL);
}

/* ---- one case ---- */

static void put80(const uint8_t *b) {
    uint64_t sig; uint16_t se;
    memcpy(&sig, b, 8); memcpy(&se, b + 8, 2);
    printf(" %04X%016llX", se, (unsigned long long) sig);
}

static void run(const uint8_t *insn, int insnLen, int memSize, uint16_t cw, int flin, const uint8_t *memin,
                int nin, const f80 *in) {
    static struct ctx c;
    memset(&c, 0, sizeof c);
    c.cw = cw;
    c.flin = 0x202 | (flin & 0x45);
    if (memin) memcpy(c.mem, memin, memSize);
    else memset(c.mem, 0xA5, sizeof c.mem);
    uint8_t before[16];
    memcpy(before, c.mem, 16);
    for (int i = 0; i < nin; i++) { memcpy(c.in[i], &in[i].sig, 8); memcpy(c.in[i] + 8, &in[i].se, 2); }
    assemble(insn, insnLen, nin);
    ((void (*)(struct ctx *)) code)(&c);

    printf("%02X %02X %04X %02X ", insn[0], insn[1], cw, flin & 0x45);
    if (memSize) for (int i = 0; i < memSize; i++) printf("%02X", before[i]); else printf("-");
    printf(" %d", nin);
    for (int i = 0; i < nin; i++) { uint8_t b[10]; memcpy(b, &in[i].sig, 8); memcpy(b + 8, &in[i].se, 2); put80(b); }
    uint16_t sw, tw;
    memcpy(&sw, c.save + 4, 2);
    memcpy(&tw, c.save + 8, 2);
    printf(" -> %04X %04X %02X ", sw, tw, c.flout & 0x45);
    if (memSize) for (int i = 0; i < memSize; i++) printf("%02X", c.mem[i]); else printf("-");
    int top = (sw >> 11) & 7;
    for (int i = 0; i < 8; i++) {
        if (((tw >> (2 * ((top + i) & 7))) & 3) == 3) printf(" -");
        else put80(c.save + 28 + 10 * i);
    }
    printf("\n");
}

static uint16_t cwOf(int rc, int pc) { return (uint16_t) (0x1000 | 0x40 | 0x3F | (pc << 8) | (rc << 10)); }
static const int PCS[] = {0, 2, 3};

static void reg(uint8_t op, uint8_t modrm, uint16_t cw, int flin, int nin, const f80 *in) {
    uint8_t insn[2] = {op, modrm};
    run(insn, 2, 0, cw, flin, NULL, nin, in);
}

static void mem(uint8_t op, int regField, int size, uint16_t cw, const uint8_t *memin, int nin, const f80 *in) {
    uint8_t insn[2] = {op, (uint8_t) (regField << 3)}; /* mod=00 rm=000: [eax] */
    run(insn, 2, size, cw, 0, memin, nin, in);
}

/* Two-operand register ops under every rounding mode and precision control. */
static void binaries(int count) {
    static const uint8_t ops[][2] = {
        {0xD8, 0xC1}, {0xD8, 0xC9}, {0xD8, 0xE1}, {0xD8, 0xE9}, {0xD8, 0xF1}, {0xD8, 0xF9},
    };
    for (int o = 0; o < 6; o++)
        for (int n = 0; n < count; n++) {
            f80 in[2];
            in[0] = rand80();
            in[1] = rndn(3) == 0 ? near80(in[0]) : rand80();
            for (int rc = 0; rc < 4; rc++)
                for (int p = 0; p < 3; p++) reg(ops[o][0], ops[o][1], cwOf(rc, PCS[p]), 0, 2, in);
        }
    /* Destination ST(i), popping forms and their operand order. */
    static const uint8_t more[][2] = {
        {0xDC, 0xC1}, {0xDC, 0xE1}, {0xDC, 0xE9}, {0xDC, 0xF1}, {0xDC, 0xF9}, {0xDC, 0xC9},
        {0xDE, 0xC1}, {0xDE, 0xC9}, {0xDE, 0xE1}, {0xDE, 0xE9}, {0xDE, 0xF1}, {0xDE, 0xF9}, {0xD8, 0xC0},
    };
    for (int o = 0; o < 13; o++)
        for (int n = 0; n < count / 4; n++) {
            f80 in[2] = {rand80(), rand80()};
            reg(more[o][0], more[o][1], cwOf(rndn(4), 3), 0, 2, in);
        }
}

static void specialsPairs(void) {
    static const uint8_t ops[][2] = {
        {0xD8, 0xC1}, {0xD8, 0xC9}, {0xD8, 0xE1}, {0xD8, 0xF1}, {0xD8, 0xD1}, {0xDD, 0xE1}, {0xD9, 0xFD},
        {0xD9, 0xF8}, {0xD9, 0xF5}, {0xDB, 0xF1}, {0xDB, 0xE9},
    };
    for (int o = 0; o < 11; o++)
        for (int i = 0; i < NSPECIAL; i++)
            for (int j = 0; j < NSPECIAL; j++) {
                f80 in[2] = {SPECIALS[i], SPECIALS[j]};
                reg(ops[o][0], ops[o][1], cwOf(0, 3), 0, 2, in);
            }
}

static void unaries(int count) {
    static const uint8_t ops[][2] = {
        {0xD9, 0xFA}, {0xD9, 0xFC}, {0xD9, 0xE0}, {0xD9, 0xE1}, {0xD9, 0xE4}, {0xD9, 0xE5}, {0xD9, 0xF4},
    };
    for (int o = 0; o < 7; o++)
        for (int n = 0; n < count; n++) {
            f80 in[1] = {rndn(4) == 0 ? small80(70) : rand80()};
            if (n < NSPECIAL) in[0] = SPECIALS[n];
            for (int rc = 0; rc < 4; rc++) {
                if (o == 0) for (int p = 0; p < 3; p++) reg(ops[o][0], ops[o][1], cwOf(rc, PCS[p]), 0, 1, in);
                else reg(ops[o][0], ops[o][1], cwOf(rc, 3), 0, 1, in);
            }
        }
}

static void remainders(int count) {
    static const uint8_t ops[][2] = {{0xD9, 0xF8}, {0xD9, 0xF5}, {0xD9, 0xFD}};
    for (int o = 0; o < 3; o++)
        for (int n = 0; n < count; n++) {
            f80 in[2] = {rand80(), rand80()};
            if (o < 2 && rndn(2)) in[1] = mk(rndn(2), (in[0].se & 0x7FFF) - rndn(100), rnd() | (1ULL << 63));
            if (o == 2 && rndn(2)) in[1] = small80(16);
            reg(ops[o][0], ops[o][1], cwOf(rndn(4), 3), 0, 2, in);
        }
}

static void compares(int count) {
    static const uint8_t ops[][2] = {
        {0xD8, 0xD1}, {0xD8, 0xD9}, {0xDE, 0xD9}, {0xDD, 0xE1}, {0xDD, 0xE9}, {0xDA, 0xE9},
        {0xDB, 0xF1}, {0xDB, 0xE9}, {0xDF, 0xF1}, {0xDF, 0xE9},
    };
    for (int o = 0; o < 10; o++)
        for (int n = 0; n < count; n++) {
            f80 in[2];
            in[0] = rand80();
            in[1] = rndn(3) == 0 ? in[0] : rndn(2) ? near80(in[0]) : rand80();
            reg(ops[o][0], ops[o][1], cwOf(0, 3), rndn(256), 2, in);
        }
}

static void transcendentals(int count) {
    static const uint8_t ops[][2] = {
        {0xD9, 0xF0}, {0xD9, 0xF1}, {0xD9, 0xF2}, {0xD9, 0xF3}, {0xD9, 0xF9}, {0xD9, 0xFE}, {0xD9, 0xFF},
        {0xD9, 0xFB},
    };
    for (int o = 0; o < 8; o++)
        for (int n = 0; n < count; n++) {
            f80 in[2] = {small80(o == 0 ? 0 : o == 4 ? -2 : 12), small80(8)};
            if (o == 0 && (in[0].se & 0x7FFF) >= BIAS) in[0] = mk(in[0].se >> 15, BIAS - 1, in[0].sig);
            if (o == 1) in[0].se &= 0x7FFF;             /* log of a positive number */
            if (o == 4) in[0] = mk(rndn(2), BIAS - 2 - rndn(60), rnd() | (1ULL << 63));
            if (n < NSPECIAL) in[0] = SPECIALS[n];
            reg(ops[o][0], ops[o][1], cwOf(0, 3), 0, 2, in);
        }
}

static void constantsAndStack(void) {
    for (int k = 0; k < 7; k++)
        for (int rc = 0; rc < 4; rc++)
            for (int p = 0; p < 3; p++) reg(0xD9, 0xE8 + k, cwOf(rc, PCS[p]), 0, 0, NULL);
    f80 in[8];
    for (int i = 0; i < 8; i++) in[i] = rand80();
    /* Stack overflow and underflow, masked and unmasked (IE unmasked: cw bit 0 clear). */
    for (int unmasked = 0; unmasked < 2; unmasked++) {
        uint16_t cw = cwOf(0, 3) & ~unmasked;
        for (int n = 0; n <= 8; n += 1) {
            reg(0xD9, 0xE8, cw, 0, n, in);      /* fld1 */
            reg(0xD9, 0xC1, cw, 0, n, in);      /* fld st(1) */
            reg(0xD8, 0xC1, cw, 0, n, in);      /* fadd st, st(1) */
            reg(0xDE, 0xC1, cw, 0, n, in);      /* faddp */
            reg(0xD9, 0xC9, cw, 0, n, in);      /* fxch */
            reg(0xDD, 0xD9, cw, 0, n, in);      /* fstp st(1) */
            reg(0xDD, 0xD1, cw, 0, n, in);      /* fst st(1) */
            reg(0xD9, 0xFA, cw, 0, n, in);      /* fsqrt */
            reg(0xD9, 0xF2, cw, 0, n, in);      /* fptan */
            reg(0xD9, 0xFB, cw, 0, n, in);      /* fsincos */
            reg(0xD9, 0xF4, cw, 0, n, in);      /* fxtract */
            reg(0xD9, 0xE5, cw, 0, n, in);      /* fxam */
            reg(0xDE, 0xD9, cw, 0, n, in);      /* fcompp */
            reg(0xDB, 0xF1, cw, 0x45, n, in);   /* fcomi */
            reg(0xDA, 0xC1, cw, 0x01, n, in);   /* fcmovb */
            reg(0xD9, 0xE4, cw, 0, n, in);      /* ftst */
            mem(0xD9, 2, 4, cw, NULL, n, in);   /* fst m32 */
            mem(0xDF, 7, 8, cw, NULL, n, in);   /* fistp m64 */
            mem(0xD8, 0, 4, cw, (const uint8_t *) "\0\0\x80\x3f", n, in); /* fadd m32 */
        }
    }
    for (int n = 0; n <= 3; n++) {
        reg(0xDD, 0xC1, cwOf(0, 3), 0, n, in);  /* ffree st(1) */
        reg(0xDF, 0xC1, cwOf(0, 3), 0, n, in);  /* ffreep st(1) */
        reg(0xD9, 0xF6, cwOf(0, 3), 0, n, in);  /* fdecstp */
        reg(0xD9, 0xF7, cwOf(0, 3), 0, n, in);  /* fincstp */
        reg(0xD9, 0xD0, cwOf(0, 3), 0, n, in);  /* fnop */
        reg(0xD9, 0xCA, cwOf(0, 3), 0, n, in);  /* fxch st(2) */
    }
    /* FCMOVcc under every flag combination. */
    static const uint8_t fcmov[][2] = {{0xDA, 0xC1}, {0xDA, 0xC9}, {0xDA, 0xD1}, {0xDA, 0xD9},
                                       {0xDB, 0xC1}, {0xDB, 0xC9}, {0xDB, 0xD1}, {0xDB, 0xD9}};
    for (int o = 0; o < 8; o++)
        for (int f = 0; f < 8; f++) {
            int fl = (f & 1 ? 0x01 : 0) | (f & 2 ? 0x04 : 0) | (f & 4 ? 0x40 : 0);
            reg(fcmov[o][0], fcmov[o][1], cwOf(0, 3), fl, 2, in);
        }
}

/* Memory-operand forms: loads, stores and integer/BCD conversions. */
static void memoryForms(int count) {
    uint8_t buf[16];
    for (int n = 0; n < count; n++) {
        uint16_t cw = cwOf(rndn(4), PCS[rndn(3)]);
        f80 v = rndn(3) == 0 ? small80(66) : rand80();
        if (n < NSPECIAL) v = SPECIALS[n];
        f80 in[1] = {v};
        mem(0xD9, 2, 4, cw, NULL, 1, in);   /* fst m32 */
        mem(0xD9, 3, 4, cw, NULL, 1, in);   /* fstp m32 */
        mem(0xDD, 2, 8, cw, NULL, 1, in);   /* fst m64 */
        mem(0xDD, 3, 8, cw, NULL, 1, in);   /* fstp m64 */
        mem(0xDB, 7, 10, cw, NULL, 1, in);  /* fstp m80 */
        f80 iv[1] = {rndn(2) ? small80(rndn(4) == 0 ? 66 : 16) : small80(34)};
        if (n < NSPECIAL) iv[0] = SPECIALS[n];
        mem(0xDF, 2, 2, cw, NULL, 1, iv);   /* fist m16 */
        mem(0xDF, 3, 2, cw, NULL, 1, iv);   /* fistp m16 */
        mem(0xDB, 2, 4, cw, NULL, 1, iv);   /* fist m32 */
        mem(0xDB, 3, 4, cw, NULL, 1, iv);   /* fistp m32 */
        mem(0xDF, 7, 8, cw, NULL, 1, iv);   /* fistp m64 */
        f80 bv[1] = {small80(rndn(3) == 0 ? 64 : 60)};
        if (n < NSPECIAL) bv[0] = SPECIALS[n];
        mem(0xDF, 6, 10, cw, NULL, 1, bv);  /* fbstp */
        for (int i = 0; i < 16; i++) buf[i] = (uint8_t) rnd();
        if (rndn(3) == 0) { buf[3] = rndn(2) ? 0x7F : 0xFF; buf[2] |= 0x80; }   /* single inf/NaN */
        if (rndn(4) == 0) { buf[3] &= 0x80; buf[2] &= 0x7F; }                   /* single denormal */
        mem(0xD9, 0, 4, cw, buf, 0, NULL); /* fld m32 */
        for (int i = 0; i < 16; i++) buf[i] = (uint8_t) rnd();
        if (rndn(3) == 0) { buf[7] = rndn(2) ? 0x7F : 0xFF; buf[6] |= 0xF0; }
        if (rndn(4) == 0) { buf[7] &= 0x80; buf[6] &= 0x0F; }
        mem(0xDD, 0, 8, cw, buf, 0, NULL); /* fld m64 */
        mem(0xDB, 5, 10, cw, buf, 0, NULL);/* fld m80 */
        mem(0xDF, 0, 2, cw, buf, 0, NULL); /* fild m16 */
        mem(0xDB, 0, 4, cw, buf, 0, NULL); /* fild m32 */
        mem(0xDF, 5, 8, cw, buf, 0, NULL); /* fild m64 */
        for (int i = 0; i < 9; i++) buf[i] = (uint8_t) ((rndn(10) << 4) | rndn(10));
        buf[9] = rndn(2) ? 0x80 : 0;
        mem(0xDF, 4, 10, cw, buf, 0, NULL); /* fbld */
        /* Arithmetic with memory operands. */
        f80 a[1] = {rand80()};
        for (int i = 0; i < 16; i++) buf[i] = (uint8_t) rnd();
        int r = rndn(8);
        mem(0xD8, r, 4, cw, buf, 1, a);
        mem(0xDC, r, 8, cw, buf, 1, a);
        mem(0xDA, r, 4, cw, buf, 1, a);
        mem(0xDE, r, 2, cw, buf, 1, a);
    }
    /* Control and status words. */
    f80 in[2] = {rand80(), rand80()};
    mem(0xD9, 7, 2, cwOf(1, 2), NULL, 2, in);   /* fnstcw */
    mem(0xDD, 7, 2, cwOf(2, 0), NULL, 2, in);   /* fnstsw m16 */
}

/* Unmasked exceptions: the destination must stay unchanged and ES/B set; bias-adjusted results for #O/#U. */
static void unmasked(int count) {
    static const uint8_t ops[][2] = {{0xD8, 0xC1}, {0xD8, 0xC9}, {0xD8, 0xF1}, {0xD9, 0xFA}, {0xD9, 0xFC},
                                     {0xD9, 0xFD}, {0xDE, 0xC9}};
    for (int o = 0; o < 7; o++)
        for (int n = 0; n < count; n++) {
            f80 in[2] = {rand80(), rand80()};
            uint16_t cw = (uint16_t) (cwOf(rndn(4), 3) & ~(1 << rndn(6)));
            reg(ops[o][0], ops[o][1], cw, 0, 2, in);
        }
    for (int n = 0; n < count; n++) {
        f80 in[1] = {rand80()};
        uint16_t cw = (uint16_t) (cwOf(rndn(4), 3) & ~(1 << rndn(6)));
        mem(0xD9, 3, 4, cw, NULL, 1, in);
        mem(0xDD, 3, 8, cw, NULL, 1, in);
        mem(0xDB, 3, 4, cw, NULL, 1, in);
    }
}

int main(int argc, char **argv) {
    int scale = argc > 1 ? atoi(argv[1]) : 1;
    code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) { perror("mmap"); return 1; }
    printf("# x87 vectors from the host CPU; see fpuvectors.c for the format\n");
    constantsAndStack();
    specialsPairs();
    binaries(120 * scale);
    unaries(150 * scale);
    remainders(600 * scale);
    compares(150 * scale);
    memoryForms(500 * scale);
    transcendentals(150 * scale);
    unmasked(100 * scale);
    return 0;
}
