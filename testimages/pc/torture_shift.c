/*
 * torture-shift: SHL SHR SAR ROL ROR RCL RCR (8/16/32 bits; count in CL for 0..33, the
 * implicit-1 form, imm8 forms and a memory destination) and SHLD SHRD (16/32 bits, CL and imm8).
 *
 * Flag masks (Intel SDM vol. 2, "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD", "SHRD"), with
 * c = count & 31 (the CPU masks the count to 5 bits first):
 *   any op, c == 0            no flag changes: all six defined              -> F_ARITH
 *   SHL SHR SAR               CF SF ZF PF defined, AF undefined; OF only for c == 1;
 *                             CF undefined for SHL/SHR when c >= operand size (8/16-bit only)
 *   ROL ROR RCL RCR           only CF and OF are written (SF ZF AF PF keep their input value,
 *                             so they are defined); OF only for c == 1. The 8/16-bit RCL/RCR
 *                             rotate by c mod 9 / mod 17, ROL/ROR by c mod 8 / mod 16.
 *   SHLD SHRD                 CF SF ZF PF defined, AF undefined, OF only for c == 1; for a
 *                             16-bit operand with c > 16 the result and all flags are
 *                             undefined (printed as r=-- fo=----)
 * Line format: op.size form a=.. [b=..] c=count fi=.. r=.. fo=..
 */
#include "torture.h"

typedef uint32_t (*shift_fn)(uint32_t a, uint32_t c, uint32_t fin, uint32_t *fout);
typedef uint32_t (*dshift_fn)(uint32_t a, uint32_t b, uint32_t c, uint32_t fin, uint32_t *fout);

#define DEF_CL(name, insn, T, C)                                                                   \
    static uint32_t name(uint32_t a, uint32_t c, uint32_t fin, uint32_t *fout)                     \
    {                                                                                              \
        T x = (T)a;                                                                                \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %%cl, %[x]" GETFLAGS                                      \
                         : [x] "+" C(x), [f] "=&r"(f) : "c"(c), [fin] "r"(fin) : "cc");             \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
#define DEF_CLM(name, insn, T)                                                                     \
    static uint32_t name(uint32_t a, uint32_t c, uint32_t fin, uint32_t *fout)                     \
    {                                                                                              \
        volatile T x = (T)a;                                                                       \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %%cl, %[x]" GETFLAGS                                      \
                         : [x] "+m"(x), [f] "=&r"(f) : "c"(c), [fin] "r"(fin) : "cc");              \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
#define DEF_ONE(name, insn, T, C)                                                                  \
    static uint32_t name(uint32_t a, uint32_t c, uint32_t fin, uint32_t *fout)                     \
    {                                                                                              \
        (void)c;                                                                                   \
        T x = (T)a;                                                                                \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[x]" GETFLAGS                                            \
                         : [x] "+" C(x), [f] "=&r"(f) : [fin] "r"(fin) : "cc");                     \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
#define DEF_IMM(name, insn, T, C, IMM)                                                             \
    static uint32_t name(uint32_t a, uint32_t c, uint32_t fin, uint32_t *fout)                     \
    {                                                                                              \
        (void)c;                                                                                   \
        T x = (T)a;                                                                                \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[imm], %[x]" GETFLAGS                                    \
                         : [x] "+" C(x), [f] "=&r"(f) : [imm] "i"(IMM), [fin] "r"(fin) : "cc");     \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }

/* imm8 counts: 0, 3, 8, 17, 31 and 33 (masked to 1). The implicit-1 form covers count 1. */
#define IMMS(X, op, sfx, T, C)                                                                     \
    X(op##_##sfx##_i0, #op #sfx, T, C, 0) X(op##_##sfx##_i3, #op #sfx, T, C, 3)                   \
    X(op##_##sfx##_i8, #op #sfx, T, C, 8) X(op##_##sfx##_i17, #op #sfx, T, C, 17)                 \
    X(op##_##sfx##_i31, #op #sfx, T, C, 31) X(op##_##sfx##_i33, #op #sfx, T, C, 33)
#define DEF_SHIFT_SIZE(op, sfx, T, C)                                                              \
    DEF_CL(op##_##sfx##_cl, #op #sfx, T, C)                                                        \
    DEF_CLM(op##_##sfx##_m, #op #sfx, T)                                                           \
    DEF_ONE(op##_##sfx##_1, #op #sfx, T, C)                                                        \
    IMMS(DEF_IMM, op, sfx, T, C)
#define DEF_SHIFT(op)                                                                              \
    DEF_SHIFT_SIZE(op, b, uint8_t, "q") DEF_SHIFT_SIZE(op, w, uint16_t, "r")                       \
    DEF_SHIFT_SIZE(op, l, uint32_t, "r")
DEF_SHIFT(shl)
DEF_SHIFT(shr)
DEF_SHIFT(sar)
DEF_SHIFT(rol)
DEF_SHIFT(ror)
DEF_SHIFT(rcl)
DEF_SHIFT(rcr)

enum kind { SHL, SHR, SAR, ROL, ROR, RCL, RCR, SHLD, SHRD };

struct shift {
    const char *op;
    enum kind kind;
    int bits;
    shift_fn cl, mem, one;
    shift_fn imm[6];
};
static const uint32_t imm_counts[6] = { 0, 3, 8, 17, 31, 33 };

#define SROW(op, K, sfx, bits)                                                                     \
    { #op, K, bits, op##_##sfx##_cl, op##_##sfx##_m, op##_##sfx##_1,                               \
      { op##_##sfx##_i0, op##_##sfx##_i3, op##_##sfx##_i8, op##_##sfx##_i17, op##_##sfx##_i31,     \
        op##_##sfx##_i33 } },
#define SROWS(op, K) SROW(op, K, b, 8) SROW(op, K, w, 16) SROW(op, K, l, 32)
static const struct shift shifts[] = {
    SROWS(shl, SHL) SROWS(shr, SHR) SROWS(sar, SAR) SROWS(rol, ROL) SROWS(ror, ROR)
    SROWS(rcl, RCL) SROWS(rcr, RCR)
};

/* Which output flags the SDM defines; *result_defined is cleared when the result is not. */
static uint32_t defined_flags(enum kind k, int bits, uint32_t count, int *result_defined)
{
    uint32_t c = count & 31;
    *result_defined = 1;
    if (c == 0)
        return F_ARITH;
    uint32_t of = c == 1 ? F_OF : 0;
    switch (k) {
    case SHL:
    case SHR:
        return F_SF | F_ZF | F_PF | of | (c < (uint32_t)bits ? F_CF : 0);
    case SAR:
        return F_CF | F_SF | F_ZF | F_PF | of;
    case ROL:
    case ROR:
    case RCL:
    case RCR:
        return F_CF | F_SF | F_ZF | F_AF | F_PF | of;
    case SHLD:
    case SHRD:
        if (c > (uint32_t)bits) {
            *result_defined = 0;
            return 0;
        }
        return F_CF | F_SF | F_ZF | F_PF | of;
    }
    return 0;
}

static rt_rng rng;

static void print_case(const char *op, int bits, const char *form, uint32_t a, const uint32_t *b,
                       uint32_t c, uint32_t fin, uint32_t r, uint32_t fout, enum kind k)
{
    int rdef;
    uint32_t mask = defined_flags(k, bits, c, &rdef);
    rt_printf("%s.%d %s a=", op, bits, form);
    phex(a, bits);
    if (b) {
        rt_printf(" b=");
        phex(*b, bits);
    }
    rt_printf(" c=%02x fi=%04x r=", c, fin);
    if (rdef) {
        phex(r, bits);
        rt_printf(" fo=%04x\n", fout & mask);
    } else {
        rt_printf("-- fo=----\n");
    }
    torture_cases++;
}

static void shifts_all(void)
{
    for (size_t k = 0; k < sizeof shifts / sizeof shifts[0]; k++) {
        const struct shift *t = &shifts[k];
        uint32_t m = size_mask(t->bits);
        uint32_t vals[3] = { sign_min(t->bits) | 1, rt_rng_next(&rng) & m, rt_rng_next(&rng) & m };
        uint32_t fout, r;
        for (uint32_t c = 0; c <= 33; c++)
            for (int v = 0; v < 3; v++) {
                uint32_t fin = flag_pattern(c + v);
                r = t->cl(vals[v], c, fin, &fout);
                print_case(t->op, t->bits, "cl", vals[v], 0, c, fin, r, fout, t->kind);
            }
        for (int v = 0; v < 6; v++) {
            uint32_t a = v < 3 ? vals[v] : v == 3 ? sign_min(t->bits) : rt_rng_next(&rng) & m;
            uint32_t fin = flag_pattern(v);
            r = t->one(a, 1, fin, &fout);
            print_case(t->op, t->bits, "1", a, 0, 1, fin, r, fout, t->kind);
        }
        for (int i = 0; i < 6; i++)
            for (int v = 0; v < 2; v++) {
                uint32_t fin = flag_pattern(i + v + 1);
                r = t->imm[i](vals[v], imm_counts[i], fin, &fout);
                print_case(t->op, t->bits, "imm", vals[v], 0, imm_counts[i], fin, r, fout, t->kind);
            }
        for (int i = 0; i < 5; i++) {
            uint32_t a = rt_rng_next(&rng) & m, c = rt_rng_next(&rng) & 0x3f, fin = flag_pattern(i);
            r = t->mem(a, c, fin, &fout);
            print_case(t->op, t->bits, "m", a, 0, c, fin, r, fout, t->kind);
        }
    }
}

/* ---- SHLD / SHRD: shld count, src, dst shifts dst left filling from src ---- */
#define DEF_DCL(name, insn, T)                                                                     \
    static uint32_t name(uint32_t a, uint32_t b, uint32_t c, uint32_t fin, uint32_t *fout)         \
    {                                                                                              \
        T x = (T)a, y = (T)b;                                                                      \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %%cl, %[y], %[x]" GETFLAGS                                \
                         : [x] "+r"(x), [f] "=&r"(f) : [y] "r"(y), "c"(c), [fin] "r"(fin) : "cc");  \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
#define DEF_DCLM(name, insn, T)                                                                    \
    static uint32_t name(uint32_t a, uint32_t b, uint32_t c, uint32_t fin, uint32_t *fout)         \
    {                                                                                              \
        volatile T x = (T)a;                                                                       \
        T y = (T)b;                                                                                \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %%cl, %[y], %[x]" GETFLAGS                                \
                         : [x] "+m"(x), [f] "=&r"(f) : [y] "r"(y), "c"(c), [fin] "r"(fin) : "cc");  \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
#define DEF_DIMM(name, insn, T, IMM)                                                               \
    static uint32_t name(uint32_t a, uint32_t b, uint32_t c, uint32_t fin, uint32_t *fout)         \
    {                                                                                              \
        (void)c;                                                                                   \
        T x = (T)a, y = (T)b;                                                                      \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[imm], %[y], %[x]" GETFLAGS                              \
                         : [x] "+r"(x), [f] "=&r"(f) : [y] "r"(y), [imm] "i"(IMM), [fin] "r"(fin) : "cc"); \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
#define DEF_DSIZE(op, sfx, T)                                                                      \
    DEF_DCL(op##_##sfx##_cl, #op #sfx, T) DEF_DCLM(op##_##sfx##_m, #op #sfx, T)                    \
    DEF_DIMM(op##_##sfx##_i0, #op #sfx, T, 0) DEF_DIMM(op##_##sfx##_i1, #op #sfx, T, 1)            \
    DEF_DIMM(op##_##sfx##_i8, #op #sfx, T, 8) DEF_DIMM(op##_##sfx##_i16, #op #sfx, T, 16)          \
    DEF_DIMM(op##_##sfx##_i31, #op #sfx, T, 31) DEF_DIMM(op##_##sfx##_i33, #op #sfx, T, 33)
DEF_DSIZE(shld, w, uint16_t)
DEF_DSIZE(shld, l, uint32_t)
DEF_DSIZE(shrd, w, uint16_t)
DEF_DSIZE(shrd, l, uint32_t)

struct dshift {
    const char *op;
    enum kind kind;
    int bits;
    dshift_fn cl, mem;
    dshift_fn imm[6];
};
static const uint32_t dimm_counts[6] = { 0, 1, 8, 16, 31, 33 };
#define DROW(op, K, sfx, bits)                                                                     \
    { #op, K, bits, op##_##sfx##_cl, op##_##sfx##_m,                                               \
      { op##_##sfx##_i0, op##_##sfx##_i1, op##_##sfx##_i8, op##_##sfx##_i16, op##_##sfx##_i31,     \
        op##_##sfx##_i33 } },
static const struct dshift dshifts[] = {
    DROW(shld, SHLD, w, 16) DROW(shld, SHLD, l, 32) DROW(shrd, SHRD, w, 16) DROW(shrd, SHRD, l, 32)
};

static void dshifts_all(void)
{
    for (size_t k = 0; k < sizeof dshifts / sizeof dshifts[0]; k++) {
        const struct dshift *t = &dshifts[k];
        uint32_t m = size_mask(t->bits);
        uint32_t as[3] = { sign_min(t->bits) | 1, rt_rng_next(&rng) & m, rt_rng_next(&rng) & m };
        uint32_t bs[3] = { (sign_min(t->bits) - 1) & ~1u, rt_rng_next(&rng) & m, rt_rng_next(&rng) & m };
        uint32_t fout, r;
        for (uint32_t c = 0; c <= 33; c++)
            for (int v = 0; v < 3; v++) {
                uint32_t fin = flag_pattern(c + v);
                r = t->cl(as[v], bs[v], c, fin, &fout);
                print_case(t->op, t->bits, "cl", as[v], &bs[v], c, fin, r, fout, t->kind);
            }
        for (int i = 0; i < 6; i++)
            for (int v = 0; v < 2; v++) {
                uint32_t fin = flag_pattern(i + v + 1);
                r = t->imm[i](as[v], bs[v], dimm_counts[i], fin, &fout);
                print_case(t->op, t->bits, "imm", as[v], &bs[v], dimm_counts[i], fin, r, fout, t->kind);
            }
        for (int i = 0; i < 5; i++) {
            uint32_t a = rt_rng_next(&rng) & m, b = rt_rng_next(&rng) & m;
            uint32_t c = rt_rng_next(&rng) & 0x1f, fin = flag_pattern(i);
            r = t->mem(a, b, c, fin, &fout);
            print_case(t->op, t->bits, "m", a, &b, c, fin, r, fout, t->kind);
        }
    }
}

int test_main(const char *cmdline)
{
    (void)cmdline;
    rt_rng_seed(&rng, 0x5A1F7u);
    rt_printf("torture-shift: SHL SHR SAR ROL ROR RCL RCR SHLD SHRD\n");
    shifts_all();
    dshifts_all();
    torture_end("torture-shift");
    return 0;
}
