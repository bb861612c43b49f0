/*
 * torture-muldiv: MUL, IMUL (one, two and three operands, imm8 and full immediates), DIV,
 * IDIV (8/16/32 bits, register and memory operands), CBW CWDE CWD CDQ, MOVSX MOVZX.
 * Full EAX/EDX (and destination registers) are printed so that the bits an instruction must
 * preserve (upper halves for 8/16-bit forms) are checked too.
 *
 * Flag masks (Intel SDM vol. 2):
 *   MUL, IMUL (all forms)   CF and OF defined; SF ZF AF PF undefined      -> F_CF|F_OF
 *   DIV, IDIV               all six undefined                             -> not printed
 *   CBW CWDE CWD CDQ MOVSX MOVZX  no flags affected                       -> not printed
 * Divisions are generated as quotient*divisor+remainder so that they never raise #DE.
 */
#include "torture.h"

#define F_MUL (F_CF | F_OF)

typedef uint32_t (*m1_fn)(uint32_t *eax, uint32_t *edx, uint32_t v, uint32_t fin);

#define DEF_M1(name, insn, T, C)                                                                   \
    static uint32_t name(uint32_t *eax, uint32_t *edx, uint32_t y, uint32_t fin)                   \
    {                                                                                              \
        uint32_t a = *eax, d = *edx, f;                                                            \
        T v = (T)y;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[v]" GETFLAGS                                            \
                         : "+a"(a), "+d"(d), [f] "=&r"(f) : [v] C(v), [fin] "r"(fin) : "cc");       \
        *eax = a;                                                                                  \
        *edx = d;                                                                                  \
        return f;                                                                                  \
    }
#define DEF_M1_ALL(op)                                                                             \
    DEF_M1(op##_b_r, #op "b", uint8_t, "q") DEF_M1(op##_b_m, #op "b", uint8_t, "m")                \
    DEF_M1(op##_w_r, #op "w", uint16_t, "r") DEF_M1(op##_w_m, #op "w", uint16_t, "m")              \
    DEF_M1(op##_l_r, #op "l", uint32_t, "r") DEF_M1(op##_l_m, #op "l", uint32_t, "m")
DEF_M1_ALL(mul)
DEF_M1_ALL(imul)
DEF_M1_ALL(div)
DEF_M1_ALL(idiv)

struct m1 { const char *op; int bits; const char *form; int is_div, is_signed; m1_fn fn; };
#define M1ROWS(op, dv, sg)                                                                         \
    { #op, 8, "r", dv, sg, op##_b_r }, { #op, 8, "m", dv, sg, op##_b_m },                          \
    { #op, 16, "r", dv, sg, op##_w_r }, { #op, 16, "m", dv, sg, op##_w_m },                        \
    { #op, 32, "r", dv, sg, op##_l_r }, { #op, 32, "m", dv, sg, op##_l_m },
static const struct m1 m1s[] = { M1ROWS(mul, 0, 0) M1ROWS(imul, 0, 1) M1ROWS(div, 1, 0) M1ROWS(idiv, 1, 1) };

static rt_rng rng;

static void m1_case(const struct m1 *t, uint32_t eax, uint32_t edx, uint32_t v, uint32_t fin)
{
    uint32_t a = eax, d = edx;
    uint32_t f = t->fn(&a, &d, v, fin);
    rt_printf("%s.%d %s eax=%08x edx=%08x v=", t->op, t->bits, t->form, eax, edx);
    phex(v, t->bits);
    rt_printf(" fi=%04x -> eax=%08x edx=%08x", fin, a, d);
    if (t->is_div)
        rt_printf("\n");
    else
        rt_printf(" fo=%04x\n", f & F_MUL);
    torture_cases++;
}

/* Builds dividend = q*v + r (a 2n-bit value) for an n-bit divide that cannot overflow. */
static void make_division(int bits, int is_signed, int64_t q, int64_t v, uint32_t rbits,
                          uint32_t junk, uint32_t *eax, uint32_t *edx)
{
    int64_t absv = v < 0 ? -v : v;
    int64_t r = (int64_t)(rbits % (uint64_t)absv);
    if (is_signed && (q * v < 0 || (q * v == 0 && (rbits & 1))))
        r = -r; /* the remainder takes the dividend's sign */
    uint64_t n = (uint64_t)(q * v + r);
    switch (bits) {
    case 8: *eax = (junk & 0xFFFF0000u) | (uint32_t)(n & 0xFFFF); *edx = ~junk; break;
    case 16: *eax = (junk & 0xFFFF0000u) | (uint32_t)(n & 0xFFFF);
             *edx = (~junk & 0xFFFF0000u) | (uint32_t)((n >> 16) & 0xFFFF); break;
    default: *eax = (uint32_t)n; *edx = (uint32_t)(n >> 32); break;
    }
}

static int64_t sext(uint32_t v, int bits) { return (int64_t)(int32_t)(v << (32 - bits)) >> (32 - bits); }

static void m1_all(void)
{
    uint32_t n = 0;
    for (size_t k = 0; k < sizeof m1s / sizeof m1s[0]; k++) {
        const struct m1 *t = &m1s[k];
        uint32_t m = size_mask(t->bits);
        int is_reg = t->form[0] == 'r';
        if (!t->is_div) {
            if (is_reg)
                for (int i = 0; i < N_EDGES; i++)
                    for (int j = 0; j < N_EDGES; j++) {
                        uint32_t junk = rt_rng_next(&rng) & ~m;
                        m1_case(t, junk | edge_value(i, t->bits), rt_rng_next(&rng),
                                edge_value(j, t->bits), flag_pattern(n++));
                    }
            for (int i = 0; i < (is_reg ? 16 : 8); i++) {
                uint32_t a = rt_rng_next(&rng), d = rt_rng_next(&rng);
                m1_case(t, a, d, rt_rng_next(&rng) & m, flag_pattern(n++));
            }
            continue;
        }
        /* Divisions: edge quotients first, then random ones. */
        int64_t qmax = t->is_signed ? (int64_t)(sign_min(t->bits) - 1) : (int64_t)m;
        int64_t qmin = t->is_signed ? -(int64_t)sign_min(t->bits) : 0;
        int64_t vmin = t->is_signed ? -(int64_t)sign_min(t->bits) : 1;
        const int64_t edges[][3] = { /* quotient, divisor, remainder bits */
            { qmax, t->is_signed ? qmax : (int64_t)m, 0xFFFFFFFFu }, { qmin, 1, 0 },
            { t->is_signed ? qmin : 0, t->is_signed ? -1 : 7, 0 }, { 0, vmin, 5 },
            { 1, 1, 0 }, { t->is_signed ? -1 : 3, t->is_signed ? qmax : 3, 2 },
        };
        int count = is_reg ? 24 : 8;
        for (int i = 0; i < count; i++) {
            int64_t q, v;
            uint32_t rb;
            if (is_reg && i < 6) {
                q = edges[i][0];
                v = edges[i][1];
                rb = (uint32_t)edges[i][2];
            } else {
                q = t->is_signed ? sext(rt_rng_next(&rng) & m, t->bits) : (int64_t)(rt_rng_next(&rng) & m);
                do v = t->is_signed ? sext(rt_rng_next(&rng) & m, t->bits) : (int64_t)(rt_rng_next(&rng) & m);
                while (v == 0);
                if (i & 1) /* small divisors give large remainders relative to the divisor */
                    v = (v & 0x7) + 1;
                rb = rt_rng_next(&rng);
            }
            uint32_t eax, edx;
            make_division(t->bits, t->is_signed, q, v, rb, rt_rng_next(&rng), &eax, &edx);
            m1_case(t, eax, edx, (uint32_t)v & m, flag_pattern(n++));
        }
    }
}

/* ---- IMUL r, r/m and IMUL r, r/m, imm ---- */
typedef uint32_t (*i2_fn)(uint32_t x, uint32_t y, uint32_t fin, uint32_t *fout);
#define DEF_I2(name, tmpl, T, C)                                                                   \
    static uint32_t name(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fout)                     \
    {                                                                                              \
        uint32_t x = a, f;                                                                         \
        T y = (T)b;                                                                                \
        __asm__ volatile(SETFLAGS tmpl GETFLAGS                                                     \
                         : [x] "+r"(x), [f] "=&r"(f) : [y] C(y), [fin] "r"(fin) : "cc");            \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
/* For the 16-bit form x is a 32-bit register written through its low half (%w). */
DEF_I2(imul2_w_r, "imulw %w[y], %w[x]", uint16_t, "r")
DEF_I2(imul2_w_m, "imulw %[y], %w[x]", uint16_t, "m")
DEF_I2(imul2_l_r, "imull %[y], %[x]", uint32_t, "r")
DEF_I2(imul2_l_m, "imull %[y], %[x]", uint32_t, "m")

#define DEF_I3(name, insn, T, IMM)                                                                 \
    static uint32_t name(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fout)                     \
    {                                                                                              \
        uint32_t x = a, f;                                                                         \
        T y = (T)b;                                                                                \
        __asm__ volatile(SETFLAGS insn GETFLAGS                                                    \
                         : [x] "+r"(x), [f] "=&r"(f) : [y] "r"(y), [imm] "i"(IMM), [fin] "r"(fin) : "cc"); \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
DEF_I3(imul3_w_0, "imulw %[imm], %w[y], %w[x]", uint16_t, -1)
DEF_I3(imul3_w_1, "imulw %[imm], %w[y], %w[x]", uint16_t, 0x7f)
DEF_I3(imul3_w_2, "imulw %[imm], %w[y], %w[x]", uint16_t, -128)
DEF_I3(imul3_w_3, "imulw %[imm], %w[y], %w[x]", uint16_t, 0x1234)
DEF_I3(imul3_w_4, "imulw %[imm], %w[y], %w[x]", uint16_t, -0x8000)
DEF_I3(imul3_l_0, "imull %[imm], %[y], %[x]", uint32_t, -1)
DEF_I3(imul3_l_1, "imull %[imm], %[y], %[x]", uint32_t, 0x7f)
DEF_I3(imul3_l_2, "imull %[imm], %[y], %[x]", uint32_t, -128)
DEF_I3(imul3_l_3, "imull %[imm], %[y], %[x]", uint32_t, 0x12345678)
DEF_I3(imul3_l_4, "imull %[imm], %[y], %[x]", uint32_t, (int32_t)0x80000000)

struct i23 { const char *name; int bits; int32_t imm; i2_fn fn; };
static const struct i23 i2s[] = {
    { "imul2.16 rr", 16, 0, imul2_w_r }, { "imul2.16 rm", 16, 0, imul2_w_m },
    { "imul2.32 rr", 32, 0, imul2_l_r }, { "imul2.32 rm", 32, 0, imul2_l_m },
};
static const struct i23 i3s[] = {
    { "imul3.16", 16, -1, imul3_w_0 }, { "imul3.16", 16, 0x7f, imul3_w_1 },
    { "imul3.16", 16, -128, imul3_w_2 }, { "imul3.16", 16, 0x1234, imul3_w_3 },
    { "imul3.16", 16, -0x8000, imul3_w_4 }, { "imul3.32", 32, -1, imul3_l_0 },
    { "imul3.32", 32, 0x7f, imul3_l_1 }, { "imul3.32", 32, -128, imul3_l_2 },
    { "imul3.32", 32, 0x12345678, imul3_l_3 }, { "imul3.32", 32, (int32_t)0x80000000, imul3_l_4 },
};

static void imul23_all(void)
{
    uint32_t n = 0, fout;
    for (size_t k = 0; k < sizeof i2s / sizeof i2s[0]; k++) {
        const struct i23 *t = &i2s[k];
        uint32_t m = size_mask(t->bits);
        for (int i = 0; i < 24; i++) {
            uint32_t junk = rt_rng_next(&rng) & ~m;
            uint32_t a = i < 12 ? edge_value(i % N_EDGES, t->bits) : rt_rng_next(&rng) & m;
            uint32_t b = i < 12 ? edge_value((i * 5 + 1) % N_EDGES, t->bits) : rt_rng_next(&rng) & m;
            uint32_t fin = flag_pattern(n++);
            uint32_t r = t->fn(junk | a, b, fin, &fout);
            rt_printf("%s x=%08x y=", t->name, junk | a);
            phex(b, t->bits);
            rt_printf(" fi=%04x -> x=%08x fo=%04x\n", fin, r, fout & F_MUL);
            torture_cases++;
        }
    }
    for (size_t k = 0; k < sizeof i3s / sizeof i3s[0]; k++) {
        const struct i23 *t = &i3s[k];
        uint32_t m = size_mask(t->bits);
        for (int i = 0; i < 8; i++) {
            uint32_t x = rt_rng_next(&rng);
            uint32_t b = i < 4 ? edge_value(i + 2, t->bits) : rt_rng_next(&rng) & m;
            uint32_t fin = flag_pattern(n++);
            uint32_t r = t->fn(x, b, fin, &fout);
            rt_printf("%s imm=", t->name);
            phex((uint32_t)t->imm, t->bits);
            rt_printf(" x=%08x y=", x);
            phex(b, t->bits);
            rt_printf(" fi=%04x -> x=%08x fo=%04x\n", fin, r, fout & F_MUL);
            torture_cases++;
        }
    }
}

/* ---- sign/zero extension ---- */
static void extend_all(void)
{
    for (int i = 0; i < 12; i++) {
        uint32_t v = i < 4 ? (uint32_t[]){ 0x0000007F, 0x00000080, 0x00007FFF, 0x80008000 }[i] : rt_rng_next(&rng);
        uint32_t d0 = rt_rng_next(&rng);
        uint32_t a, d;
        a = v;
        __asm__ volatile("cbtw" : "+a"(a));
        rt_printf("cbw eax=%08x -> eax=%08x\n", v, a);
        a = v;
        __asm__ volatile("cwtl" : "+a"(a));
        rt_printf("cwde eax=%08x -> eax=%08x\n", v, a);
        a = v, d = d0;
        __asm__ volatile("cwtd" : "+a"(a), "+d"(d));
        rt_printf("cwd eax=%08x edx=%08x -> eax=%08x edx=%08x\n", v, d0, a, d);
        a = v, d = d0;
        __asm__ volatile("cltd" : "+a"(a), "+d"(d));
        rt_printf("cdq eax=%08x edx=%08x -> eax=%08x edx=%08x\n", v, d0, a, d);
        torture_cases += 4;

        uint32_t r;
        volatile uint8_t m8 = (uint8_t)v;
        volatile uint16_t m16 = (uint16_t)v;
#define EXT(fmt, asmstr, C, src)                                                                   \
        r = d0;                                                                                    \
        __asm__ volatile(asmstr : "+r"(r) : [s] C(src));                                           \
        rt_printf(fmt " src=%08x dst=%08x -> %08x\n", v, d0, r);                                  \
        torture_cases++;
        EXT("movsbw r", "movsbw %b[s], %w0", "q", v)
        EXT("movsbw m", "movsbw %[s], %w0", "m", m8)
        EXT("movsbl r", "movsbl %b[s], %0", "q", v)
        EXT("movsbl m", "movsbl %[s], %0", "m", m8)
        EXT("movswl r", "movswl %w[s], %0", "r", v)
        EXT("movswl m", "movswl %[s], %0", "m", m16)
        EXT("movzbw r", "movzbw %b[s], %w0", "q", v)
        EXT("movzbw m", "movzbw %[s], %w0", "m", m8)
        EXT("movzbl r", "movzbl %b[s], %0", "q", v)
        EXT("movzbl m", "movzbl %[s], %0", "m", m8)
        EXT("movzwl r", "movzwl %w[s], %0", "r", v)
        EXT("movzwl m", "movzwl %[s], %0", "m", m16)
#undef EXT
    }
}

int test_main(const char *cmdline)
{
    (void)cmdline;
    rt_rng_seed(&rng, 0x3D1Bu);
    rt_printf("torture-muldiv: MUL IMUL DIV IDIV CBW CWDE CWD CDQ MOVSX MOVZX\n");
    m1_all();
    imul23_all();
    extend_all();
    torture_end("torture-muldiv");
    return 0;
}
