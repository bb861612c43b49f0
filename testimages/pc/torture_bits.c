/*
 * torture-bits: BT BTS BTR BTC (register and imm8 bit offsets; register and memory operands,
 * including bit-string addressing beyond the operand with negative and large offsets),
 * BSF BSR, BSWAP, SETcc / CMOVcc / Jcc for all 16 conditions over all 32 combinations of
 * CF PF ZF SF OF, CMPXCHG8B, and LEA address forms (32- and 16-bit addressing).
 *
 * Flag masks (Intel SDM vol. 2):
 *   BT BTS BTR BTC   CF defined, ZF unaffected (defined); OF SF AF PF undefined -> F_CF|F_ZF
 *   BSF BSR          ZF defined, the rest undefined; destination undefined when the
 *                    source is zero (printed as r=--)                          -> F_ZF
 *   SETcc CMOVcc Jcc BSWAP LEA   no flags affected                             -> F_ARITH
 *   CMPXCHG8B        ZF defined, CF PF AF SF OF unaffected                     -> F_ARITH
 */
#include "torture.h"

static rt_rng rng;

/* ---- BT family ---- */
typedef uint32_t (*bt_fn)(uint32_t x, uint32_t off, uint32_t fin, uint32_t *fout);
#define DEF_BTR(name, insn, T)                                                                     \
    static uint32_t name(uint32_t a, uint32_t off, uint32_t fin, uint32_t *fout)                   \
    {                                                                                              \
        T x = (T)a, o = (T)off;                                                                    \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[o], %[x]" GETFLAGS                                      \
                         : [x] "+r"(x), [f] "=&r"(f) : [o] "r"(o), [fin] "r"(fin) : "cc");          \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
#define DEF_BTI(name, insn, T, IMM)                                                                \
    static uint32_t name(uint32_t a, uint32_t off, uint32_t fin, uint32_t *fout)                   \
    {                                                                                              \
        (void)off;                                                                                 \
        T x = (T)a;                                                                                \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[imm], %[x]" GETFLAGS                                    \
                         : [x] "+r"(x), [f] "=&r"(f) : [imm] "i"(IMM), [fin] "r"(fin) : "cc");      \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
/* Memory forms act on bitbuf; the base address is the middle of the buffer. */
static uint8_t bitbuf[64] __attribute__((aligned(4)));
#define BITBASE (bitbuf + 32)
#define DEF_BTM(name, insn, T)                                                                     \
    static uint32_t name(uint32_t a, uint32_t off, uint32_t fin, uint32_t *fout)                   \
    {                                                                                              \
        (void)a;                                                                                   \
        T o = (T)off;                                                                              \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[o], (%[p])" GETFLAGS                                    \
                         : [f] "=&r"(f) : [o] "r"(o), [p] "r"(BITBASE), [fin] "r"(fin) : "cc", "memory"); \
        *fout = f;                                                                                 \
        return 0;                                                                                  \
    }
#define DEF_BTMI(name, insn, T, IMM)                                                               \
    static uint32_t name(uint32_t a, uint32_t off, uint32_t fin, uint32_t *fout)                   \
    {                                                                                              \
        (void)a;                                                                                   \
        (void)off;                                                                                 \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[imm], (%[p])" GETFLAGS                                  \
                         : [f] "=&r"(f) : [imm] "i"(IMM), [p] "r"(BITBASE), [fin] "r"(fin) : "cc", "memory"); \
        *fout = f;                                                                                 \
        return 0;                                                                                  \
    }
#define BT_IMMS(X, op, sfx, T)                                                                     \
    X(op##_##sfx##_i0, #op #sfx, T, 0) X(op##_##sfx##_i5, #op #sfx, T, 5)                         \
    X(op##_##sfx##_i15, #op #sfx, T, 15) X(op##_##sfx##_i16, #op #sfx, T, 16)                     \
    X(op##_##sfx##_i31, #op #sfx, T, 31) X(op##_##sfx##_i33, #op #sfx, T, 33)
#define DEF_BT_SIZE(op, sfx, T)                                                                    \
    DEF_BTR(op##_##sfx##_r, #op #sfx, T) DEF_BTM(op##_##sfx##_m, #op #sfx, T)                      \
    BT_IMMS(DEF_BTI, op, sfx, T)                                                                   \
    DEF_BTMI(op##_##sfx##_mi0, #op #sfx, T, 0) DEF_BTMI(op##_##sfx##_mi5, #op #sfx, T, 5)          \
    DEF_BTMI(op##_##sfx##_mi15, #op #sfx, T, 15) DEF_BTMI(op##_##sfx##_mi16, #op #sfx, T, 16)      \
    DEF_BTMI(op##_##sfx##_mi31, #op #sfx, T, 31) DEF_BTMI(op##_##sfx##_mi33, #op #sfx, T, 33)
#define DEF_BT(op) DEF_BT_SIZE(op, w, uint16_t) DEF_BT_SIZE(op, l, uint32_t)
DEF_BT(bt)
DEF_BT(bts)
DEF_BT(btr)
DEF_BT(btc)

struct bt { const char *op; int bits; bt_fn r, m; bt_fn ri[6], mi[6]; };
static const uint32_t bt_imms[6] = { 0, 5, 15, 16, 31, 33 };
#define BTROW(op, sfx, bits)                                                                       \
    { #op, bits, op##_##sfx##_r, op##_##sfx##_m,                                                   \
      { op##_##sfx##_i0, op##_##sfx##_i5, op##_##sfx##_i15, op##_##sfx##_i16, op##_##sfx##_i31, op##_##sfx##_i33 }, \
      { op##_##sfx##_mi0, op##_##sfx##_mi5, op##_##sfx##_mi15, op##_##sfx##_mi16, op##_##sfx##_mi31, op##_##sfx##_mi33 } },
static const struct bt bts[] = {
    BTROW(bt, w, 16) BTROW(bt, l, 32) BTROW(bts, w, 16) BTROW(bts, l, 32)
    BTROW(btr, w, 16) BTROW(btr, l, 32) BTROW(btc, w, 16) BTROW(btc, l, 32)
};

static void fill_bitbuf(void)
{
    for (size_t i = 0; i < sizeof bitbuf; i++)
        bitbuf[i] = (uint8_t)rt_rng_next(&rng);
}

static void bt_all(void)
{
    static const int32_t roffs[11] = { 0, 1, 7, 15, 16, 17, 31, 32, 33, 63, -1 };
    static const int32_t moffs[11] = { -129, -65, -33, -1, 0, 1, 31, 32, 63, 100, 255 };
    uint32_t n = 0, fout;
    for (size_t k = 0; k < sizeof bts / sizeof bts[0]; k++) {
        const struct bt *t = &bts[k];
        uint32_t m = size_mask(t->bits);
        for (int i = 0; i < 11; i++) {
            uint32_t x = rt_rng_next(&rng) & m, fin = flag_pattern(n++);
            uint32_t r = t->r(x, (uint32_t)roffs[i], fin, &fout);
            rt_printf("%s.%d r x=", t->op, t->bits);
            phex(x, t->bits);
            rt_printf(" off=%d fi=%04x r=", roffs[i], fin);
            phex(r, t->bits);
            rt_printf(" fo=%04x\n", fout & (F_CF | F_ZF));
            torture_cases++;
        }
        /* Register offsets address a bit string: moffs reach outside the operand. The 16-bit
           form sign-extends only a 16-bit offset, so keep the offsets within +-32767. */
        for (int i = 0; i < 11; i++) {
            fill_bitbuf();
            uint32_t fin = flag_pattern(n++);
            t->m(0, (uint32_t)moffs[i], fin, &fout);
            rt_printf("%s.%d m off=%d fi=%04x buf=%08x fo=%04x\n", t->op, t->bits, moffs[i], fin,
                      rt_crc32_update(0, bitbuf, sizeof bitbuf), fout & (F_CF | F_ZF));
            torture_cases++;
        }
        for (int i = 0; i < 6; i++) {
            uint32_t x = rt_rng_next(&rng) & m, fin = flag_pattern(n++);
            uint32_t r = t->ri[i](x, 0, fin, &fout);
            rt_printf("%s.%d ri x=", t->op, t->bits);
            phex(x, t->bits);
            rt_printf(" imm=%u fi=%04x r=", bt_imms[i], fin);
            phex(r, t->bits);
            rt_printf(" fo=%04x\n", fout & (F_CF | F_ZF));
            fill_bitbuf();
            fin = flag_pattern(n++);
            t->mi[i](0, 0, fin, &fout);
            rt_printf("%s.%d mi imm=%u fi=%04x buf=%08x fo=%04x\n", t->op, t->bits, bt_imms[i], fin,
                      rt_crc32_update(0, bitbuf, sizeof bitbuf), fout & (F_CF | F_ZF));
            torture_cases += 2;
        }
    }
}

/* ---- BSF BSR BSWAP ---- */
#define DEF_BS(name, insn, T, C)                                                                   \
    static uint32_t name(uint32_t s, uint32_t old, uint32_t fin, uint32_t *fout)                   \
    {                                                                                              \
        T x = (T)old, y = (T)s;                                                                    \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn " %[y], %[x]" GETFLAGS                                      \
                         : [x] "+r"(x), [f] "=&r"(f) : [y] C(y), [fin] "r"(fin) : "cc");            \
        *fout = f;                                                                                 \
        return x;                                                                                  \
    }
DEF_BS(bsf_w_r, "bsfw", uint16_t, "r")
DEF_BS(bsf_w_m, "bsfw", uint16_t, "m")
DEF_BS(bsf_l_r, "bsfl", uint32_t, "r")
DEF_BS(bsf_l_m, "bsfl", uint32_t, "m")
DEF_BS(bsr_w_r, "bsrw", uint16_t, "r")
DEF_BS(bsr_w_m, "bsrw", uint16_t, "m")
DEF_BS(bsr_l_r, "bsrl", uint32_t, "r")
DEF_BS(bsr_l_m, "bsrl", uint32_t, "m")

static void bs_all(void)
{
    static const struct { const char *name; int bits; uint32_t (*fn)(uint32_t, uint32_t, uint32_t, uint32_t *); } t[] = {
        { "bsf.16 r", 16, bsf_w_r }, { "bsf.16 m", 16, bsf_w_m }, { "bsf.32 r", 32, bsf_l_r },
        { "bsf.32 m", 32, bsf_l_m }, { "bsr.16 r", 16, bsr_w_r }, { "bsr.16 m", 16, bsr_w_m },
        { "bsr.32 r", 32, bsr_l_r }, { "bsr.32 m", 32, bsr_l_m },
    };
    uint32_t n = 0, fout;
    for (int k = 0; k < 8; k++) {
        uint32_t m = size_mask(t[k].bits);
        for (int i = 0; i < 14; i++) {
            uint32_t s;
            if (i < 6) s = edge_value(i, t[k].bits);
            else if (i < 9) s = (rt_rng_next(&rng) & m) >> (rt_rng_next(&rng) % t[k].bits);
            else if (i < 11) s = (rt_rng_next(&rng) & m) << (rt_rng_next(&rng) % t[k].bits) & m;
            else s = rt_rng_next(&rng) & m;
            uint32_t fin = flag_pattern(n++);
            uint32_t r = t[k].fn(s, 0x5A5A5A5A, fin, &fout);
            rt_printf("%s s=", t[k].name);
            phex(s, t[k].bits);
            rt_printf(" fi=%04x r=", fin);
            if ((s & m) == 0) rt_printf("--");
            else phex(r, t[k].bits);
            rt_printf(" fo=%04x\n", fout & F_ZF);
            torture_cases++;
        }
    }
    for (int i = 0; i < 8; i++) {
        uint32_t v = i < 2 ? (i ? 0x80000001u : 0x12345678u) : rt_rng_next(&rng), r = v;
        __asm__ volatile("bswap %0" : "+r"(r));
        uint32_t r2 = v;
        __asm__ volatile("bswap %0" : "+a"(r2));
        rt_printf("bswap %08x -> %08x %08x\n", v, r, r2);
        torture_cases++;
    }
}

/* ---- SETcc CMOVcc Jcc ---- */
#define CONDS(X) X(o) X(no) X(b) X(ae) X(e) X(ne) X(be) X(a) X(s) X(ns) X(p) X(np) X(l) X(ge) X(le) X(g)
struct cc_out { uint32_t set, cmov16, cmov32, cmovm, jcc, f; };
#define DEF_CC(c)                                                                                  \
    static void cc_##c(uint32_t fin, uint32_t x, uint32_t y, struct cc_out *o)                     \
    {                                                                                              \
        uint32_t s = 0xEEEEEEEE, w = x, l = x, mm = x, j, f, f2;                                   \
        volatile uint32_t ym = y;                                                                  \
        __asm__ volatile(SETFLAGS "set" #c " %b[s]\n\t"                                             \
                         "cmov" #c "w %w[y], %w[w]\n\t"                                            \
                         "cmov" #c "l %[y], %[l]" GETFLAGS                                         \
                         : [s] "+q"(s), [w] "+r"(w), [l] "+r"(l), [f] "=&r"(f)                      \
                         : [y] "r"(y), [fin] "r"(fin) : "cc");                                     \
        __asm__ volatile(SETFLAGS "cmov" #c "l %[ym], %[mm]\n\t"                                   \
                         "movl $1, %[j]\n\t"                                                       \
                         "j" #c " 1f\n\t"                                                          \
                         "movl $0, %[j]\n"                                                         \
                         "1:" GETFLAGS                                                             \
                         : [mm] "+r"(mm), [j] "=&r"(j), [f] "=&r"(f2)                               \
                         : [ym] "m"(ym), [fin] "r"(fin) : "cc");                                   \
        o->set = s; o->cmov16 = w; o->cmov32 = l; o->cmovm = mm; o->jcc = j; o->f = f | (f2 << 16); \
    }
CONDS(DEF_CC)
#define CC_ROW(c) { #c, cc_##c },
static const struct { const char *name; void (*fn)(uint32_t, uint32_t, uint32_t, struct cc_out *); } ccs[] = { CONDS(CC_ROW) };

static void cc_all(void)
{
    for (int k = 0; k < 16; k++)
        for (uint32_t combo = 0; combo < 32; combo++) {
            uint32_t fin = (combo & 1 ? F_CF : 0) | (combo & 2 ? F_PF : 0) | (combo & 4 ? F_ZF : 0) |
                           (combo & 8 ? F_SF : 0) | (combo & 16 ? F_OF : 0) | (combo & 1 ? F_AF : 0);
            uint32_t x = rt_rng_next(&rng), y = rt_rng_next(&rng);
            struct cc_out o;
            ccs[k].fn(fin, x, y, &o);
            rt_printf("cc.%s fi=%04x x=%08x y=%08x set=%08x cmov16=%08x cmov32=%08x cmovm=%08x j=%u fo=%08x\n",
                      ccs[k].name, fin, x, y, o.set, o.cmov16, o.cmov32, o.cmovm, o.jcc, o.f & (F_ARITH | F_ARITH << 16));
            torture_cases++;
        }
}

/* ---- CMPXCHG8B ---- */
static void cmpxchg8b_all(void)
{
    for (int i = 0; i < 16; i++) {
        uint32_t m0 = rt_rng_next(&rng), m1 = rt_rng_next(&rng);
        volatile uint64_t mem = ((uint64_t)m1 << 32) | m0;
        uint32_t a = (i & 1) ? m0 : rt_rng_next(&rng), d = (i & 1) ? m1 : rt_rng_next(&rng);
        if (i % 4 == 2) a = m0; /* low half equal, high half different */
        uint32_t b = rt_rng_next(&rng), c = rt_rng_next(&rng), a0 = a, d0 = d, fin = flag_pattern(i), f;
        __asm__ volatile(SETFLAGS "cmpxchg8b %[m]" GETFLAGS
                         : [m] "+m"(mem), "+a"(a), "+d"(d), [f] "=&r"(f)
                         : "b"(b), "c"(c), [fin] "r"(fin) : "cc");
        rt_printf("cmpxchg8b m=%08x%08x edx:eax=%08x%08x ecx:ebx=%08x%08x fi=%04x -> m=%08x%08x edx:eax=%08x%08x fo=%04x\n",
                  m1, m0, d0, a0, c, b, fin, (uint32_t)(mem >> 32), (uint32_t)mem, d, a, f & F_ARITH);
        torture_cases++;
    }
}

/* ---- LEA: every addressing shape; registers hold random values, nothing is accessed ---- */
/* Prints an asm template as the assembler sees it ("%%" -> "%"). */
static void print_form(const char *s)
{
    for (; *s; s++) {
        if (s[0] == '%' && s[1] == '%') s++;
        rt_printf("%c", *s);
    }
}

static void lea_all(void)
{
    for (int i = 0; i < 6; i++) {
        uint32_t b = rt_rng_next(&rng), c = rt_rng_next(&rng), d = rt_rng_next(&rng);
        uint32_t s = rt_rng_next(&rng), di = rt_rng_next(&rng);
        if (i == 0) b = 0xFFFFFFF0u, s = 0x10, di = 0x7FFFFFFF; /* wrap-around at 4 GiB */
        rt_printf("lea regs ebx=%08x ecx=%08x edx=%08x esi=%08x edi=%08x\n", b, c, d, s, di);
        uint32_t r;
#define LEA(form)                                                                                  \
        r = 0xCCCCCCCC;                                                                            \
        __asm__ volatile(form : "+a"(r) : "b"(b), "c"(c), "d"(d), "S"(s), "D"(di));                \
        print_form(form);                                                                          \
        rt_printf(" -> %08x\n", r);                                                    \
        torture_cases++;
        LEA("lea 0x12(%%ebx), %%eax")
        LEA("lea -0x80(%%ebx,%%esi), %%eax")
        LEA("lea 0x12345678(%%ebx,%%esi,4), %%eax")
        LEA("lea (%%esi,%%edi,8), %%eax")
        LEA("lea 0x7f(,%%edi,2), %%eax")
        LEA("lea -4(,%%ecx,4), %%eax")
        LEA("lea (%%ebx,%%ebx,2), %%eax")
        LEA("lea (%%ecx,%%edx,1), %%eax")
        LEA("lea 0x40000000, %%eax")
        LEA("leaw 0x1234(%%ebx,%%esi,2), %%ax")
        LEA("lea 0x10(%%bx,%%si), %%eax")
        LEA("lea -1(%%bx,%%di), %%eax")
        LEA("lea 0xffff(%%si), %%eax")
        LEA("lea 0x8000(%%di), %%eax")
        LEA("lea (%%bx), %%eax")
        LEA("lea 0x1234, %%ax")
        LEA("leaw -2(%%bx,%%si), %%ax")
#undef LEA
    }
}

int test_main(const char *cmdline)
{
    (void)cmdline;
    rt_rng_seed(&rng, 0xB175u);
    rt_printf("torture-bits: BT BTS BTR BTC BSF BSR BSWAP SETcc CMOVcc Jcc CMPXCHG8B LEA\n");
    bt_all();
    bs_all();
    cc_all();
    cmpxchg8b_all();
    lea_all();
    torture_end("torture-bits");
    return 0;
}
