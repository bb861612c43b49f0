/*
 * torture-alu: results and flags of the two-operand ALU group (ADD ADC SUB SBB AND OR XOR
 * CMP TEST), the one-operand group (INC DEC NEG NOT) and XADD / CMPXCHG, in 8, 16 and 32
 * bits, over every encoding form: reg,reg / mem,reg / reg,mem / acc,imm / r/m,imm (imm8
 * sign-extended and full immediates).
 *
 * Flag masks (Intel SDM vol. 2):
 *   ADD ADC SUB SBB CMP NEG XADD CMPXCHG  OF SF ZF AF PF CF all defined    -> F_ARITH
 *   AND OR XOR TEST                       OF=CF=0, SF ZF PF defined, AF undefined -> F_LOGIC
 *   INC DEC                               CF unaffected (so still defined)  -> F_ARITH
 *   NOT                                   no flag affected (all defined)    -> F_ARITH
 * Line format: op.size form a=.. b=.. fi=input-flags r=result fo=output-flags(masked)
 */
#include "torture.h"

typedef uint32_t (*binop_fn)(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fout);

#define DEF_RR(name, insn, T, C)                                                                   \
    static uint32_t name(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fout)                    \
    {                                                                                              \
        T x = (T)a, y = (T)b;                                                                      \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[y], %[x]" GETFLAGS                                      \
                         : [x] "+" C(x), [f] "=&r"(f) : [y] C(y), [fin] "r"(fin) : "cc");           \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
#define DEF_MR(name, insn, T, C)                                                                   \
    static uint32_t name(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fout)                    \
    {                                                                                              \
        volatile T x = (T)a;                                                                       \
        T y = (T)b;                                                                                \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[y], %[x]" GETFLAGS                                      \
                         : [x] "+m"(x), [f] "=&r"(f) : [y] C(y), [fin] "r"(fin) : "cc");            \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
#define DEF_RM(name, insn, T, C)                                                                   \
    static uint32_t name(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fout)                    \
    {                                                                                              \
        T x = (T)a;                                                                                \
        volatile T y = (T)b;                                                                       \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[y], %[x]" GETFLAGS                                      \
                         : [x] "+" C(x), [f] "=&r"(f) : [y] "m"(y), [fin] "r"(fin) : "cc");         \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
/* Immediate into the accumulator (short 04/05-style encodings, or 83 when imm8 fits). */
#define DEF_AI(name, insn, T, IMM)                                                                 \
    static uint32_t name(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fout)                    \
    {                                                                                              \
        (void)b;                                                                                   \
        T x = (T)a;                                                                                \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[imm], %[x]" GETFLAGS                                    \
                         : [x] "+a"(x), [f] "=&r"(f) : [imm] "i"(IMM), [fin] "r"(fin) : "cc");      \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
/* Immediate into a non-accumulator register (80/81/83 encodings). */
#define DEF_RI(name, insn, T, IMM)                                                                 \
    static uint32_t name(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fout)                    \
    {                                                                                              \
        (void)b;                                                                                   \
        T x = (T)a;                                                                                \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[imm], %[x]" GETFLAGS                                    \
                         : [x] "+b"(x), [f] "=&r"(f) : [imm] "i"(IMM), [fin] "r"(fin) : "cc");      \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }

#define DEF_SIZE(op, sfx, T, C, i0, i1, i2, i3)                                                    \
    DEF_RR(op##_##sfx##_rr, #op #sfx, T, C)                                                        \
    DEF_MR(op##_##sfx##_mr, #op #sfx, T, C)                                                        \
    DEF_RM(op##_##sfx##_rm, #op #sfx, T, C)                                                        \
    DEF_AI(op##_##sfx##_ai0, #op #sfx, T, i0)                                                      \
    DEF_AI(op##_##sfx##_ai1, #op #sfx, T, i1)                                                      \
    DEF_AI(op##_##sfx##_ai2, #op #sfx, T, i2)                                                      \
    DEF_AI(op##_##sfx##_ai3, #op #sfx, T, i3)                                                      \
    DEF_RI(op##_##sfx##_ri0, #op #sfx, T, i0)                                                      \
    DEF_RI(op##_##sfx##_ri1, #op #sfx, T, i1)                                                      \
    DEF_RI(op##_##sfx##_ri2, #op #sfx, T, i2)                                                      \
    DEF_RI(op##_##sfx##_ri3, #op #sfx, T, i3)

/* Immediates: 1, 0x7f (largest positive imm8), -128 (imm8 sign-extended), and one that
   needs the full-size immediate. */
#define IMM8 1, 0x7f, -128, -1
#define IMM16 1, 0x7f, -128, 0x1234
#define IMM32 1, 0x7f, -128, 0x12345678
#define DEF_SIZE_(...) DEF_SIZE(__VA_ARGS__)
#define ROWS_SIZE_(...) ROWS_SIZE(__VA_ARGS__)
#define DEF_OP(op)                                                                                 \
    DEF_SIZE_(op, b, uint8_t, "q", IMM8)                                                            \
    DEF_SIZE_(op, w, uint16_t, "r", IMM16)                                                          \
    DEF_SIZE_(op, l, uint32_t, "r", IMM32)

DEF_OP(add)
DEF_OP(adc)
DEF_OP(sub)
DEF_OP(sbb)
DEF_OP(and)
DEF_OP(or)
DEF_OP(xor)
DEF_OP(cmp)
DEF_OP(test)

enum form { RR, MR, RM, AI, RI };
static const char *const form_name[] = { "rr", "mr", "rm", "ai", "ri" };

struct binop {
    const char *op;
    int bits;
    enum form form;
    int32_t imm;
    uint32_t mask;
    int reads_cf;
    binop_fn fn;
};

#define ROWS_SIZE(op, sfx, bits, mask, cf, i0, i1, i2, i3)                                         \
    { #op, bits, RR, 0, mask, cf, op##_##sfx##_rr }, { #op, bits, MR, 0, mask, cf, op##_##sfx##_mr }, \
    { #op, bits, RM, 0, mask, cf, op##_##sfx##_rm }, { #op, bits, AI, i0, mask, cf, op##_##sfx##_ai0 }, \
    { #op, bits, AI, i1, mask, cf, op##_##sfx##_ai1 }, { #op, bits, AI, i2, mask, cf, op##_##sfx##_ai2 }, \
    { #op, bits, AI, i3, mask, cf, op##_##sfx##_ai3 }, { #op, bits, RI, i0, mask, cf, op##_##sfx##_ri0 }, \
    { #op, bits, RI, i1, mask, cf, op##_##sfx##_ri1 }, { #op, bits, RI, i2, mask, cf, op##_##sfx##_ri2 }, \
    { #op, bits, RI, i3, mask, cf, op##_##sfx##_ri3 },
#define ROWS(op, mask, cf)                                                                         \
    ROWS_SIZE_(op, b, 8, mask, cf, IMM8) ROWS_SIZE_(op, w, 16, mask, cf, IMM16)                      \
    ROWS_SIZE_(op, l, 32, mask, cf, IMM32)

static const struct binop binops[] = {
    ROWS(add, F_ARITH, 0) ROWS(adc, F_ARITH, 1) ROWS(sub, F_ARITH, 0) ROWS(sbb, F_ARITH, 1)
    ROWS(and, F_LOGIC, 0) ROWS(or, F_LOGIC, 0) ROWS(xor, F_LOGIC, 0) ROWS(cmp, F_ARITH, 0)
    ROWS(test, F_LOGIC, 0)
};

static rt_rng rng;

static void binop_case(const struct binop *t, uint32_t a, uint32_t b, uint32_t fin)
{
    uint32_t fout;
    uint32_t r = t->fn(a, b, fin, &fout);
    rt_printf("%s.%d %s a=", t->op, t->bits, form_name[t->form]);
    phex(a, t->bits);
    rt_printf(" b=");
    phex(b, t->bits);
    rt_printf(" fi=%04x r=", fin);
    phex(r, t->bits);
    rt_printf(" fo=%04x\n", fout & t->mask);
    torture_cases++;
}

static void binop_run(const struct binop *t, uint32_t a, uint32_t b, uint32_t *n)
{
    uint32_t fin = flag_pattern((*n)++);
    binop_case(t, a, b, fin);
    if (t->reads_cf)
        binop_case(t, a, b, fin ^ F_CF);
}

static void binops_all(void)
{
    uint32_t n = 0;
    for (size_t k = 0; k < sizeof binops / sizeof binops[0]; k++) {
        const struct binop *t = &binops[k];
        uint32_t m = size_mask(t->bits);
        switch (t->form) {
        case RR:
            for (int i = 0; i < N_EDGES; i++)
                for (int j = 0; j < N_EDGES; j++)
                    binop_run(t, edge_value(i, t->bits), edge_value(j, t->bits), &n);
            for (int i = 0; i < 16; i++) {
                uint32_t a = rt_rng_next(&rng) & m;
                binop_run(t, a, rt_rng_next(&rng) & m, &n);
            }
            break;
        case MR:
        case RM:
            for (int i = 0; i < 8; i++) {
                uint32_t a = i < 3 ? edge_value(i + 3, t->bits) : rt_rng_next(&rng) & m;
                binop_run(t, a, rt_rng_next(&rng) & m, &n);
            }
            break;
        case AI:
        case RI:
            for (int i = 0; i < 5; i++) {
                uint32_t a = i < 3 ? edge_value(i + 3, t->bits) : rt_rng_next(&rng) & m;
                binop_run(t, a, (uint32_t)t->imm & m, &n);
            }
            break;
        }
    }
}

/* ---- INC DEC NEG NOT: register and memory forms ---- */
typedef uint32_t (*unop_fn)(uint32_t a, uint32_t fin, uint32_t *fout);
#define DEF_UR(name, insn, T, C)                                                                   \
    static uint32_t name(uint32_t a, uint32_t fin, uint32_t *fout)                                 \
    {                                                                                              \
        T x = (T)a;                                                                                \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[x]" GETFLAGS : [x] "+" C(x), [f] "=&r"(f) : [fin] "r"(fin) : "cc"); \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
#define DEF_UM(name, insn, T)                                                                      \
    static uint32_t name(uint32_t a, uint32_t fin, uint32_t *fout)                                 \
    {                                                                                              \
        volatile T x = (T)a;                                                                       \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[x]" GETFLAGS : [x] "+m"(x), [f] "=&r"(f) : [fin] "r"(fin) : "cc"); \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
#define DEF_UNOP(op)                                                                               \
    DEF_UR(op##_b_r, #op "b", uint8_t, "q") DEF_UM(op##_b_m, #op "b", uint8_t)                     \
    DEF_UR(op##_w_r, #op "w", uint16_t, "r") DEF_UM(op##_w_m, #op "w", uint16_t)                   \
    DEF_UR(op##_l_r, #op "l", uint32_t, "r") DEF_UM(op##_l_m, #op "l", uint32_t)
DEF_UNOP(inc)
DEF_UNOP(dec)
DEF_UNOP(neg)
DEF_UNOP(not)

struct unop { const char *op; int bits; const char *form; unop_fn fn; };
#define UROWS(op)                                                                                  \
    { #op, 8, "r", op##_b_r }, { #op, 8, "m", op##_b_m }, { #op, 16, "r", op##_w_r },              \
    { #op, 16, "m", op##_w_m }, { #op, 32, "r", op##_l_r }, { #op, 32, "m", op##_l_m },
static const struct unop unops[] = { UROWS(inc) UROWS(dec) UROWS(neg) UROWS(not) };

static void unops_all(void)
{
    for (size_t k = 0; k < sizeof unops / sizeof unops[0]; k++) {
        const struct unop *t = &unops[k];
        for (int i = 0; i < 14; i++) {
            uint32_t a;
            if (i < 8) {
                static const uint32_t extra[2] = { 0x10, 0 };
                a = i < N_EDGES ? edge_value(i, t->bits) : (i == 6 ? extra[0] : sign_min(t->bits) + 1);
            } else {
                a = rt_rng_next(&rng) & size_mask(t->bits);
            }
            for (int fl = 0; fl < (i < 8 ? 2 : 1); fl++) {
                uint32_t fin = fl ? F_ARITH : flag_pattern(i);
                uint32_t fout;
                uint32_t r = t->fn(a, fin, &fout);
                rt_printf("%s.%d %s a=", t->op, t->bits, t->form);
                phex(a, t->bits);
                rt_printf(" fi=%04x r=", fin);
                phex(r, t->bits);
                rt_printf(" fo=%04x\n", fout & F_ARITH);
                torture_cases++;
            }
        }
    }
}

/* ---- XADD (flags as ADD) and CMPXCHG (flags as CMP accumulator, destination) ---- */
#define DEF_XADD(name, insn, T, C)                                                                 \
    static uint32_t name(uint32_t a, uint32_t *b, uint32_t fin, uint32_t *fout, int mem)           \
    {                                                                                              \
        T x = (T)a, y = (T)*b;                                                                     \
        volatile T xm = (T)a;                                                                      \
        uint32_t f;                                                                                \
        if (mem) {                                                                                 \
            __asm__ volatile(SETFLAGS insn " %[y], %[x]" GETFLAGS                                  \
                             : [x] "+m"(xm), [y] "+" C(y), [f] "=&r"(f) : [fin] "r"(fin) : "cc");   \
            x = xm;                                                                                \
        } else {                                                                                   \
            __asm__ volatile(SETFLAGS insn " %[y], %[x]" GETFLAGS                                  \
                             : [x] "+" C(x), [y] "+" C(y), [f] "=&r"(f) : [fin] "r"(fin) : "cc");   \
        }                                                                                          \
        *b = y;                                                                                    \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
DEF_XADD(xadd_b, "xaddb", uint8_t, "q")
DEF_XADD(xadd_w, "xaddw", uint16_t, "r")
DEF_XADD(xadd_l, "xaddl", uint32_t, "r")

/* cmpxchg dst, src with acc: if acc == dst then dst = src (ZF=1) else acc = dst (ZF=0). */
#define DEF_CMPXCHG(name, insn, T, C)                                                              \
    static uint32_t name(uint32_t dst, uint32_t src, uint32_t *acc, uint32_t fin, uint32_t *fout, int mem) \
    {                                                                                              \
        T x = (T)dst, y = (T)src, ac = (T)*acc;                                                    \
        volatile T xm = (T)dst;                                                                    \
        uint32_t f;                                                                                \
        if (mem) {                                                                                 \
            __asm__ volatile(SETFLAGS insn " %[y], %[x]" GETFLAGS                                  \
                             : [x] "+m"(xm), [ac] "+a"(ac), [f] "=&r"(f)                            \
                             : [y] C(y), [fin] "r"(fin) : "cc");                                     \
            x = xm;                                                                                \
        } else {                                                                                   \
            __asm__ volatile(SETFLAGS insn " %[y], %[x]" GETFLAGS                                  \
                             : [x] "+" C(x), [ac] "+a"(ac), [f] "=&r"(f)                            \
                             : [y] C(y), [fin] "r"(fin) : "cc");                                     \
        }                                                                                          \
        *acc = ac;                                                                                 \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
DEF_CMPXCHG(cmpxchg_b, "cmpxchgb", uint8_t, "q")
DEF_CMPXCHG(cmpxchg_w, "cmpxchgw", uint16_t, "r")
DEF_CMPXCHG(cmpxchg_l, "cmpxchgl", uint32_t, "r")

static void xadd_cmpxchg_all(void)
{
    static const int sizes[3] = { 8, 16, 32 };
    uint32_t n = 0;
    for (int s = 0; s < 3; s++) {
        int bits = sizes[s];
        uint32_t m = size_mask(bits);
        for (int mem = 0; mem < 2; mem++) {
            for (int i = 0; i < 12; i++) {
                uint32_t a = i < N_EDGES ? edge_value(i, bits) : rt_rng_next(&rng) & m;
                uint32_t b = i < N_EDGES ? edge_value(N_EDGES - 1 - i, bits) : rt_rng_next(&rng) & m;
                uint32_t fin = flag_pattern(n++), fout, b2 = b;
                uint32_t r = bits == 8 ? xadd_b(a, &b2, fin, &fout, mem)
                           : bits == 16 ? xadd_w(a, &b2, fin, &fout, mem) : xadd_l(a, &b2, fin, &fout, mem);
                rt_printf("xadd.%d %s a=", bits, mem ? "mr" : "rr");
                phex(a, bits); rt_printf(" b="); phex(b, bits);
                rt_printf(" fi=%04x r=", fin); phex(r, bits); rt_printf(" b'="); phex(b2, bits);
                rt_printf(" fo=%04x\n", fout & F_ARITH);
                torture_cases++;
            }
            for (int i = 0; i < 12; i++) {
                uint32_t dst = i < N_EDGES ? edge_value(i, bits) : rt_rng_next(&rng) & m;
                uint32_t src = rt_rng_next(&rng) & m;
                /* Even cases: accumulator equals the destination (exchange happens). */
                uint32_t acc = (i & 1) ? edge_value((i + 3) % N_EDGES, bits) : dst;
                uint32_t acc2 = acc, fin = flag_pattern(n++), fout;
                uint32_t r = bits == 8 ? cmpxchg_b(dst, src, &acc2, fin, &fout, mem)
                           : bits == 16 ? cmpxchg_w(dst, src, &acc2, fin, &fout, mem)
                                        : cmpxchg_l(dst, src, &acc2, fin, &fout, mem);
                rt_printf("cmpxchg.%d %s dst=", bits, mem ? "mr" : "rr");
                phex(dst, bits); rt_printf(" src="); phex(src, bits); rt_printf(" acc="); phex(acc, bits);
                rt_printf(" fi=%04x dst'=", fin); phex(r, bits); rt_printf(" acc'="); phex(acc2, bits);
                rt_printf(" fo=%04x\n", fout & F_ARITH);
                torture_cases++;
            }
        }
    }
}

int test_main(const char *cmdline)
{
    (void)cmdline;
    rt_rng_seed(&rng, 0xA1u);
    rt_printf("torture-alu: ADD ADC SUB SBB AND OR XOR CMP TEST INC DEC NEG NOT XADD CMPXCHG\n");
    binops_all();
    unops_all();
    xadd_cmpxchg_all();
    torture_end("torture-alu");
    return 0;
}
