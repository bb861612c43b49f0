/*
 * torture-x87: x87 basics, printed as raw bits (80-bit values as exponent:mantissa, status
 * and control words in hex, never decimal floats).
 *   - FNSTCW/FLDCW round trip; precision control 24/53/64 bits; the four rounding modes
 *   - FLD1 FLDZ FLDPI FLDL2E FLDL2T FLDLG2 FLDLN2 in every rounding mode
 *   - FLD/FST/FSTP of m32/m64/m80 (normals, zeros, infinities, NaNs, denormals, overflow,
 *     underflow), FILD/FIST/FISTP of m16/m32/m64 in every rounding mode
 *   - FADD FSUB FSUBR FMUL FDIV FDIVR FSQRT FABS FCHS FRNDINT FPREM FXCH
 *   - FCOM FCOMP FUCOM FCOMI FUCOMI with FNSTSW AX / EFLAGS
 *   - FNSTENV, FNSAVE and FRSTOR round trip (control, status and tag words, registers)
 * C0 C2 C3 are printed only where the SDM defines them (FPREM, the compares); after loads,
 * stores and arithmetic they are undefined and masked (QEMU sets C2 after FSQRT of a negative
 * number, the CPU does not).
 *
 * Two output modes. By default the program leaves out four details that QEMU's TCG does not
 * model although the SDM defines them, so that the real CPU, QEMU and Denali-J print the same:
 *   - SW.C1 "rounded up" after inexact results (C1 is kept for FPREM, where it is quotient
 *     bit Q0, and wherever it is 0 by definition anyway)          -> status word & ~0x0200
 *   - SW.DE for denormal operands (loads of denormal m32/m64 and arithmetic on denormal
 *     80-bit values)                                              -> status word & ~0x0002
 *   - FCOMI/FUCOMI clearing OF SF AF (the hardware clears them; QEMU leaves them): only
 *     ZF PF CF are printed
 *   - reserved control-word bits (hardware forces bit 6 to 1 and bits 7, 13-15 to 0 on FLDCW)
 *                                                                 -> FNSTCW value & 0x1F3F
 * With the command line "strict" everything is printed unmasked: that output is recorded from
 * the real CPU only (expected/torture-x87-strict.native.txt) and is the stricter target.
 *
 * Every case starts from FNINIT plus an explicit FLDCW, so the environment's initial FPU
 * state does not matter; all exceptions stay masked (masked responses are part of the test).
 *
 * What is printed: the status word after the operation with every bit (C3 C2 C1 C0, TOP,
 * ES/B, SF and the six exception flags). FNSTENV/FNSAVE images are printed without their
 * instruction/operand pointer fields (FIP FCS FOP FDP FDS), which hold addresses and
 * selectors that differ between the kernel and the Linux process, and without the reserved
 * upper halves of the control/status/tag fields.
 */
#include "torture.h"

typedef struct { uint8_t b[10]; } f80;
typedef uint32_t (*x87_fn)(const f80 *a, const f80 *b, uint16_t cw, f80 *out);

#define CW_DEFAULT 0x037F /* all exceptions masked, PC=64 bits, RC=nearest */
static uint16_t cw_with(int pc, int rc) { return (uint16_t)(0x007F | (pc << 8) | (rc << 10)); }
static const char *const rc_name[4] = { "near", "down", "up", "chop" };
static const int pc_bits[4] = { 24, 0, 53, 64 };

static int strict;

/* Status word as printed after loads, stores and arithmetic: C0 C2 C3 are undefined there
   (SDM), C1 and DE are the QEMU gaps described above. */
static uint32_t swp(uint32_t sw) { return strict ? sw : sw & ~0x4702u; }
/* After FPREM and the compares every condition code is defined; only DE is left out. */
static uint32_t swp_prem(uint32_t sw) { return strict ? sw : sw & ~0x0002u; }

static f80 mk(uint16_t se, uint32_t hi, uint32_t lo)
{
    f80 v;
    memcpy(v.b, &lo, 4);
    memcpy(v.b + 4, &hi, 4);
    memcpy(v.b + 8, &se, 2);
    return v;
}

static void pf80(const f80 *v)
{
    uint32_t lo, hi;
    uint16_t se;
    memcpy(&lo, v->b, 4);
    memcpy(&hi, v->b + 4, 4);
    memcpy(&se, v->b + 8, 2);
    rt_printf("%04x:%08x%08x", se, hi, lo);
}

/* The operand set: name and 80-bit pattern. */
static const struct { const char *name; uint16_t se; uint32_t hi, lo; } vals[] = {
    { "1", 0x3FFF, 0x80000000, 0x00000000 },      { "2", 0x4000, 0x80000000, 0x00000000 },
    { "third", 0x3FFD, 0xAAAAAAAA, 0xAAAAAAAB },  { "pi", 0x4000, 0xC90FDAA2, 0x2168C235 },
    { "-2.5", 0xC000, 0xA0000000, 0x00000000 },   { "3.5", 0x4000, 0xE0000000, 0x00000000 },
    { "+0", 0x0000, 0x00000000, 0x00000000 },     { "-0", 0x8000, 0x00000000, 0x00000000 },
    { "+inf", 0x7FFF, 0x80000000, 0x00000000 },   { "-inf", 0xFFFF, 0x80000000, 0x00000000 },
    { "qnan", 0x7FFF, 0xC0000000, 0x00000000 },   { "snan", 0x7FFF, 0xA0000000, 0x00000000 },
    { "max", 0x7FFE, 0xFFFFFFFF, 0xFFFFFFFF },    { "minnorm", 0x0001, 0x80000000, 0x00000000 },
    { "denorm", 0x0000, 0x00000000, 0x00000001 }, { "big", 0x403D, 0xFFFFFFFF, 0xFFFFF801 },
    { "-1e-3", 0xBFF5, 0x83126E97, 0x8D4FDF3B },  { "1e30", 0x4062, 0xC9F2C9CD, 0x04674EDF },
};
#define NVALS ((int)(sizeof vals / sizeof vals[0]))
static f80 val(int i) { return mk(vals[i].se, vals[i].hi, vals[i].lo); }

/* ---- two-operand arithmetic: ST0 = a, ST1 = b, then the instruction ---- */
#define DEF_X2(name, insn)                                                                         \
    static uint32_t name(const f80 *a, const f80 *b, uint16_t cw, f80 *out)                        \
    {                                                                                              \
        uint16_t sw;                                                                               \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn                 \
                         "\n\tfnstsw %[sw]\n\tfstpt %[o]\n\tfninit"                                \
                         : [sw] "=m"(sw), [o] "=m"(*out) : [a] "m"(*a), [b] "m"(*b), [cw] "m"(cw)); \
        return sw;                                                                                 \
    }
DEF_X2(x_fadd, "fadd %%st(1), %%st")
DEF_X2(x_fsub, "fsub %%st(1), %%st")
DEF_X2(x_fsubr, "fsubr %%st(1), %%st")
DEF_X2(x_fmul, "fmul %%st(1), %%st")
DEF_X2(x_fdiv, "fdiv %%st(1), %%st")
DEF_X2(x_fdivr, "fdivr %%st(1), %%st")
DEF_X2(x_fprem, "fprem")
DEF_X2(x_faddp, "faddp")          /* ST1 = ST1 + ST0, pop: the sum ends up in ST0 */
DEF_X2(x_fmulp, "fmulp")
DEF_X2(x_fxch, "fxch %%st(1)")    /* the stored value is b */
/* one-operand: b is ignored */
DEF_X2(x_fsqrt, "fsqrt")
DEF_X2(x_fabs, "fabs")
DEF_X2(x_fchs, "fchs")
DEF_X2(x_frndint, "frndint")

static void x2_case(const char *op, x87_fn fn, int ia, int ib, uint16_t cw)
{
    f80 a = val(ia), b = val(ib), r;
    uint32_t sw = fn(&a, &b, cw, &r);
    rt_printf("%s cw=%04x a=%s b=%s -> ", op, cw, vals[ia].name, ib >= 0 ? vals[ib].name : "-");
    pf80(&r);
    rt_printf(" sw=%04x\n", fn == x_fprem ? swp_prem(sw) : swp(sw));
    torture_cases++;
}

static void arith_all(void)
{
    static const struct { const char *name; x87_fn fn; } ops[] = {
        { "fadd", x_fadd }, { "fsub", x_fsub }, { "fsubr", x_fsubr },
        { "fmul", x_fmul }, { "fdiv", x_fdiv }, { "fdivr", x_fdivr },
    };
    /* Every op over a grid of operands, round-to-nearest, 64-bit precision. */
    static const int grid[] = { 0, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16 };
    for (int k = 0; k < 6; k++)
        for (unsigned i = 0; i < sizeof grid / sizeof grid[0]; i++)
            for (unsigned j = 0; j < sizeof grid / sizeof grid[0]; j += 2)
                x2_case(ops[k].name, ops[k].fn, grid[i], grid[(j + i) % (sizeof grid / sizeof grid[0])], CW_DEFAULT);
    /* Inexact results under every precision and rounding mode. */
    static const int pairs[][2] = { { 0, 2 }, { 3, 2 }, { 16, 5 }, { 12, 12 }, { 13, 17 }, { 15, 0 } };
    for (int k = 0; k < 6; k++)
        for (int p = 0; p < 6; p++)
            for (int pc = 0; pc < 4; pc++)
                for (int rc = 0; rc < 4; rc++)
                    if (pc != 1)
                        x2_case(ops[k].name, ops[k].fn, pairs[p][0], pairs[p][1], cw_with(pc, rc));
    x2_case("faddp", x_faddp, 3, 2, CW_DEFAULT);
    x2_case("fmulp", x_fmulp, 3, 2, CW_DEFAULT);
    x2_case("fxch", x_fxch, 3, 2, CW_DEFAULT);
    /* FPREM: C0 C3 C1 hold the low quotient bits; C2 set = reduction incomplete. */
    static const int prem[][2] = { { 3, 0 }, { 4, 0 }, { 5, 1 }, { 17, 5 }, { 17, 3 }, { 15, 2 },
                                   { 0, 3 }, { 8, 0 }, { 0, 6 }, { 10, 0 }, { 12, 13 } };
    for (int p = 0; p < (int)(sizeof prem / sizeof prem[0]); p++)
        x2_case("fprem", x_fprem, prem[p][0], prem[p][1], CW_DEFAULT);
    static const struct { const char *name; x87_fn fn; } un[] = {
        { "fsqrt", x_fsqrt }, { "fabs", x_fabs }, { "fchs", x_fchs }, { "frndint", x_frndint },
    };
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < NVALS; i++)
            for (int rc = 0; rc < 4; rc++)
                if (rc == 0 || k == 0 || k == 3)
                    x2_case(un[k].name, un[k].fn, i, -1, cw_with(3, rc));
    for (int pc = 0; pc < 4; pc++)
        if (pc != 1) {
            x2_case("fsqrt", x_fsqrt, 1, -1, cw_with(pc, 0));
            x2_case("fsqrt", x_fsqrt, 2, -1, cw_with(pc, 1));
        }
}

/* ---- constants ---- */
#define DEF_CONST(name, insn)                                                                      \
    static uint32_t name(const f80 *a, const f80 *b, uint16_t cw, f80 *out)                        \
    {                                                                                              \
        (void)a; (void)b;                                                                          \
        uint16_t sw;                                                                               \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\t" insn "\n\tfnstsw %[sw]\n\tfstpt %[o]\n\tfninit" \
                         : [sw] "=m"(sw), [o] "=m"(*out) : [cw] "m"(cw));                           \
        return sw;                                                                                 \
    }
DEF_CONST(c_fld1, "fld1")
DEF_CONST(c_fldz, "fldz")
DEF_CONST(c_fldpi, "fldpi")
DEF_CONST(c_fldl2e, "fldl2e")
DEF_CONST(c_fldl2t, "fldl2t")
DEF_CONST(c_fldlg2, "fldlg2")
DEF_CONST(c_fldln2, "fldln2")

static void consts_all(void)
{
    static const struct { const char *name; x87_fn fn; } c[] = {
        { "fld1", c_fld1 }, { "fldz", c_fldz }, { "fldpi", c_fldpi }, { "fldl2e", c_fldl2e },
        { "fldl2t", c_fldl2t }, { "fldlg2", c_fldlg2 }, { "fldln2", c_fldln2 },
    };
    for (int k = 0; k < 7; k++)
        for (int rc = 0; rc < 4; rc++) {
            f80 r;
            uint32_t sw = c[k].fn(0, 0, cw_with(3, rc), &r);
            rt_printf("%s rc=%s -> ", c[k].name, rc_name[rc]);
            pf80(&r);
            rt_printf(" sw=%04x\n", swp(sw));
            torture_cases++;
        }
}

/* ---- control word ---- */
static void control_word_all(void)
{
    static const uint16_t cws[] = { 0x037F, 0x0000, 0x0C7F, 0x0A3F, 0x027F, 0x007F, 0x1F7F, 0xFFFF, 0x1340 };
    for (unsigned i = 0; i < sizeof cws / sizeof cws[0]; i++) {
        uint16_t in = cws[i], out, sw;
        __asm__ volatile("fninit\n\tfldcw %[in]\n\tfnstcw %[out]\n\tfnstsw %[sw]\n\tfninit"
                         : [out] "=m"(out), [sw] "=m"(sw) : [in] "m"(in));
        rt_printf("fldcw %04x -> fnstcw %04x sw=%04x\n", in, strict ? out : out & 0x1F3F, sw);
        torture_cases++;
    }
    uint16_t cw, sw;
    __asm__ volatile("fninit\n\tfnstcw %[cw]\n\tfnstsw %[sw]" : [cw] "=m"(cw), [sw] "=m"(sw));
    rt_printf("fninit -> cw=%04x sw=%04x\n", cw, sw);
    torture_cases++;
}

/* ---- loads and stores of every memory format ---- */
static void load_store_all(void)
{
    static const uint32_t m32s[] = { 0x3F800000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000,
                                     0x7FA00000, 0x00000001, 0x807FFFFF, 0x7F7FFFFF, 0x3EAAAAAB };
    static const uint32_t m64s[][2] = { { 0x3FF00000, 0 }, { 0x80000000, 0 }, { 0x7FF00000, 0 },
                                        { 0x7FF80000, 0 }, { 0x7FF40000, 0 }, { 0x00000000, 1 },
                                        { 0x7FEFFFFF, 0xFFFFFFFF }, { 0x3FD55555, 0x55555555 } };
    for (unsigned i = 0; i < sizeof m32s / sizeof m32s[0]; i++) {
        uint32_t in = m32s[i], back;
        uint16_t sw;
        f80 r;
        __asm__ volatile("fninit\n\tflds %[in]\n\tfnstsw %[sw]\n\tfsts %[back]\n\tfstpt %[o]\n\tfninit"
                         : [sw] "=m"(sw), [o] "=m"(r), [back] "=m"(back) : [in] "m"(in));
        rt_printf("fld.m32 %08x -> ", in);
        pf80(&r);
        rt_printf(" sw=%04x fst.m32=%08x\n", swp(sw), back);
        torture_cases++;
    }
    for (unsigned i = 0; i < sizeof m64s / sizeof m64s[0]; i++) {
        uint64_t in = ((uint64_t)m64s[i][0] << 32) | m64s[i][1], back;
        uint16_t sw;
        f80 r;
        __asm__ volatile("fninit\n\tfldl %[in]\n\tfnstsw %[sw]\n\tfstl %[back]\n\tfstpt %[o]\n\tfninit"
                         : [sw] "=m"(sw), [o] "=m"(r), [back] "=m"(back) : [in] "m"(in));
        rt_printf("fld.m64 %08x%08x -> ", m64s[i][0], m64s[i][1]);
        pf80(&r);
        rt_printf(" sw=%04x fst.m64=%08x%08x\n", swp(sw), (uint32_t)(back >> 32), (uint32_t)back);
        torture_cases++;
    }
    /* m80 -> m80 is exact; m80 -> m32/m64 rounds per RC and may overflow/underflow. */
    for (int i = 0; i < NVALS; i++)
        for (int rc = 0; rc < 4; rc++) {
            f80 a = val(i), r80;
            uint32_t r32, r32p;
            uint64_t r64, r64p;
            uint16_t cw = cw_with(3, rc), sw32, sw64, sw80;
            __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\tfsts %[r32]\n\tfnstsw %[s32]\n\t"
                             "fnclex\n\tfstl %[r64]\n\tfnstsw %[s64]\n\tfnclex\n\tfstpt %[r80]\n\tfnstsw %[s80]\n\t"
                             "fldt %[a]\n\tfstps %[r32p]\n\tfldt %[a]\n\tfstpl %[r64p]\n\tfninit"
                             : [r32] "=m"(r32), [r64] "=m"(r64), [r80] "=m"(r80), [s32] "=m"(sw32),
                               [s64] "=m"(sw64), [s80] "=m"(sw80), [r32p] "=m"(r32p), [r64p] "=m"(r64p)
                             : [a] "m"(a), [cw] "m"(cw));
            rt_printf("fst rc=%s a=%s -> m32=%08x sw=%04x m64=%08x%08x sw=%04x m80=", rc_name[rc],
                      vals[i].name, r32, swp(sw32), (uint32_t)(r64 >> 32), (uint32_t)r64, swp(sw64));
            pf80(&r80);
            rt_printf(" sw=%04x fstp=%08x,%08x%08x\n", swp(sw80), r32p, (uint32_t)(r64p >> 32), (uint32_t)r64p);
            torture_cases++;
        }
}

/* ---- integer loads and stores ---- */
static void integer_all(void)
{
    static const uint16_t i16s[] = { 0, 1, 0xFFFF, 0x7FFF, 0x8000 };
    static const uint32_t i32s[] = { 0x7FFFFFFF, 0x80000000, 123456789, 0xFFFFFFFE };
    static const uint32_t i64s[][2] = { { 0x7FFFFFFF, 0xFFFFFFFF }, { 0x80000000, 0 }, { 0x12345678, 0x9ABCDEF0 },
                                        { 0xFFFFFFFF, 0xFFFFFFFF }, { 0x00200000, 0x00000001 } };
    f80 r;
    uint16_t sw;
    for (unsigned i = 0; i < sizeof i16s / sizeof i16s[0]; i++) {
        __asm__ volatile("fninit\n\tfilds %[in]\n\tfnstsw %[sw]\n\tfstpt %[o]" : [sw] "=m"(sw), [o] "=m"(r) : [in] "m"(i16s[i]));
        rt_printf("fild.m16 %04x -> ", i16s[i]);
        pf80(&r);
        rt_printf(" sw=%04x\n", sw);
    }
    for (unsigned i = 0; i < sizeof i32s / sizeof i32s[0]; i++) {
        __asm__ volatile("fninit\n\tfildl %[in]\n\tfnstsw %[sw]\n\tfstpt %[o]" : [sw] "=m"(sw), [o] "=m"(r) : [in] "m"(i32s[i]));
        rt_printf("fild.m32 %08x -> ", i32s[i]);
        pf80(&r);
        rt_printf(" sw=%04x\n", sw);
    }
    for (unsigned i = 0; i < sizeof i64s / sizeof i64s[0]; i++) {
        uint64_t in = ((uint64_t)i64s[i][0] << 32) | i64s[i][1];
        __asm__ volatile("fninit\n\tfildll %[in]\n\tfnstsw %[sw]\n\tfstpt %[o]" : [sw] "=m"(sw), [o] "=m"(r) : [in] "m"(in));
        rt_printf("fild.m64 %08x%08x -> ", i64s[i][0], i64s[i][1]);
        pf80(&r);
        rt_printf(" sw=%04x\n", sw);
    }
    torture_cases += 14;
    /* FIST/FISTP: 2.5 -2.5 3.5 -0.5 0.5 32767.5 -32768.5 2^31-0.5 1e10 big 2^63 qnan inf */
    static const struct { const char *name; uint16_t se; uint32_t hi, lo; } iv[] = {
        { "2.5", 0x4000, 0xA0000000, 0 },        { "-2.5", 0xC000, 0xA0000000, 0 },
        { "3.5", 0x4000, 0xE0000000, 0 },        { "-0.5", 0xBFFE, 0x80000000, 0 },
        { "0.5", 0x3FFE, 0x80000000, 0 },        { "32767.5", 0x400D, 0xFFFF0000, 0 },
        { "-32768.5", 0xC00E, 0x80008000, 0 },   { "2^31-0.5", 0x401D, 0xFFFFFFFF, 0 },
        { "1e10", 0x4020, 0x9502F900, 0 },       { "big", 0x403D, 0xFFFFFFFF, 0xFFFFF801 },
        { "2^63", 0x403E, 0x80000000, 0 },       { "-2^63", 0xC03E, 0x80000000, 0 },
        { "qnan", 0x7FFF, 0xC0000000, 0 },       { "-inf", 0xFFFF, 0x80000000, 0 },
    };
    for (unsigned i = 0; i < sizeof iv / sizeof iv[0]; i++)
        for (int rc = 0; rc < 4; rc++) {
            f80 a = mk(iv[i].se, iv[i].hi, iv[i].lo);
            uint16_t cw = cw_with(3, rc), s16, s32, s64, p16;
            uint16_t r16, r16p;
            uint32_t r32, r32p;
            uint64_t r64;
            __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t"
                             "fists %[r16]\n\tfnstsw %[s16]\n\tfnclex\n\t"
                             "fistl %[r32]\n\tfnstsw %[s32]\n\tfnclex\n\t"
                             "fistps %[r16p]\n\tfnstsw %[p16]\n\t"
                             "fldt %[a]\n\tfistpl %[r32p]\n\t"
                             "fldt %[a]\n\tfnclex\n\tfistpll %[r64]\n\tfnstsw %[s64]\n\tfninit"
                             : [r16] "=m"(r16), [r32] "=m"(r32), [r64] "=m"(r64), [r16p] "=m"(r16p),
                               [r32p] "=m"(r32p), [s16] "=m"(s16), [s32] "=m"(s32), [s64] "=m"(s64),
                               [p16] "=m"(p16)
                             : [a] "m"(a), [cw] "m"(cw));
            rt_printf("fist rc=%s a=%s -> m16=%04x sw=%04x m32=%08x sw=%04x fistp m16=%04x sw=%04x m32=%08x m64=%08x%08x sw=%04x\n",
                      rc_name[rc], iv[i].name, r16, swp(s16), r32, swp(s32), r16p, swp(p16), r32p,
                      (uint32_t)(r64 >> 32), (uint32_t)r64, swp(s64));
            torture_cases++;
        }
}

/* ---- comparisons ---- */
#define DEF_CMP(name, insn)                                                                        \
    static uint32_t name(const f80 *a, const f80 *b, uint16_t *sw)                                \
    {                                                                                              \
        uint32_t f;                                                                                \
        uint16_t s;                                                                                \
        __asm__ volatile("fninit\n\tfldt %[b]\n\tfldt %[a]\n\t" SETFLAGS insn                      \
                         "\n\tpushfl\n\tpopl %[f]\n\tfnstsw %%ax\n\tmovw %%ax, %[s]\n\tfninit"     \
                         : [f] "=&r"(f), [s] "=m"(s) : [a] "m"(*a), [b] "m"(*b), [fin] "r"(F_ARITH) \
                         : "eax", "cc");                                                           \
        *sw = s;                                                                                   \
        return f;                                                                                  \
    }
DEF_CMP(k_fcom, "fcom %%st(1)")
DEF_CMP(k_fcomp, "fcomp %%st(1)")
DEF_CMP(k_fucom, "fucom %%st(1)")
DEF_CMP(k_fcomi, "fcomi %%st(1), %%st")
DEF_CMP(k_fucomi, "fucomi %%st(1), %%st")

static void compare_all(void)
{
    static const struct { const char *name; uint32_t (*fn)(const f80 *, const f80 *, uint16_t *); int eflags; } c[] = {
        { "fcom", k_fcom, 0 }, { "fcomp", k_fcomp, 0 }, { "fucom", k_fucom, 0 },
        { "fcomi", k_fcomi, 1 }, { "fucomi", k_fucomi, 1 },
    };
    static const int set[] = { 0, 1, 2, 6, 7, 8, 9, 10, 11, 14 };
    const int n = sizeof set / sizeof set[0];
    for (int k = 0; k < 5; k++)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                f80 a = val(set[i]), b = val(set[j]);
                uint16_t sw;
                uint32_t f = c[k].fn(&a, &b, &sw);
                rt_printf("%s a=%s b=%s -> sw=%04x", c[k].name, vals[set[i]].name, vals[set[j]].name, swp_prem(sw));
                /* FCOMI/FUCOMI write ZF PF CF (and the hardware clears OF SF AF); FCOM* leave
                   EFLAGS alone, so all six are defined for them. */
                rt_printf(" fo=%04x\n", f & (c[k].eflags && !strict ? F_ZF | F_PF | F_CF : F_ARITH));
                torture_cases++;
            }
}

/* ---- FNSTENV / FNSAVE / FRSTOR ---- */
static void env_all(void)
{
    uint32_t env[7], save[27];
    f80 a = val(3), b = val(2), c = val(11), r[3];
    uint16_t cw = cw_with(2, 2), after_cw, after_sw, rest_sw;
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[c]\n\tfldt %[b]\n\tfldt %[a]\n\t"
                     "fdiv %%st(1), %%st\n\tfadd %%st(2), %%st\n\t" /* PE, then IE from the SNaN */
                     "fnstenv %[env]\n\tfldcw %[cw]\n\tfnsave %[save]\n\t"
                     "fnstcw %[acw]\n\tfnstsw %[asw]\n\t"
                     "frstor %[save]\n\tfnstsw %[rsw]\n\t"
                     "fstpt %[r0]\n\tfstpt %[r1]\n\tfstpt %[r2]\n\tfninit"
                     : [env] "=m"(env), [save] "+m"(save), [acw] "=m"(after_cw), [asw] "=m"(after_sw),
                       [rsw] "=m"(rest_sw), [r0] "=m"(r[0]), [r1] "=m"(r[1]), [r2] "=m"(r[2])
                     : [a] "m"(a), [b] "m"(b), [c] "m"(c), [cw] "m"(cw));
    rt_printf("fnstenv cw=%04x sw=%04x tw=%04x\n", env[0] & 0xFFFF, env[1] & 0xFFFF, env[2] & 0xFFFF);
    rt_printf("fnsave cw=%04x sw=%04x tw=%04x\n", save[0] & 0xFFFF, save[1] & 0xFFFF, save[2] & 0xFFFF);
    for (int i = 0; i < 8; i++) {
        f80 v;
        memcpy(v.b, (uint8_t *)save + 28 + 10 * i, 10);
        rt_printf("fnsave st%d=", i);
        if (i < 3) pf80(&v);
        else rt_printf("(empty)"); /* contents of empty registers are whatever was there before */
        rt_printf("\n");
    }
    rt_printf("after fnsave cw=%04x sw=%04x\n", after_cw, after_sw);
    rt_printf("frstor sw=%04x st0=", rest_sw);
    pf80(&r[0]);
    rt_printf(" st1=");
    pf80(&r[1]);
    rt_printf(" st2=");
    pf80(&r[2]);
    rt_printf("\n");
    torture_cases += 13;
}

int test_main(const char *cmdline)
{
    (void)pc_bits;
    char word[16];
    while (rt_next_word(&cmdline, word, sizeof word))
        if (!rt_strcmp(word, "strict")) strict = 1;
    rt_printf("torture-x87%s: loads/stores, integer conversions, arithmetic, compares, environment\n",
              strict ? " (strict)" : "");
    control_word_all();
    consts_all();
    load_store_all();
    integer_all();
    arith_all();
    compare_all();
    env_all();
    torture_end(strict ? "torture-x87 strict" : "torture-x87");
    return 0;
}
