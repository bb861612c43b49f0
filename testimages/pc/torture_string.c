/*
 * torture-string: MOVS CMPS SCAS LODS STOS in 8/16/32 bits, without prefix and with REP /
 * REPE / REPNE, both directions (DF=0 and DF=1), element runs that cross a 4 KiB page
 * boundary, bulk REP copies/fills over several pages, segment-override prefixes (on string
 * source operands and on ordinary memory operands), and unaligned accesses that straddle a
 * page boundary.
 *
 * Flag masks: MOVS LODS STOS affect no flag (all six defined, they keep their input value);
 * CMPS SCAS set all six like CMP. REP with ECX=0 executes nothing and changes nothing.
 * Pointers are printed as offsets from the start of the test area, never as addresses.
 * Line format: op.size prefix df=.. ecx=.. [eax=..] -> esi=+.. edi=+.. ecx=.. eax=.. fo=.. crc=..
 */
#include "torture.h"

#define PAGE 4096
static uint8_t area[4 * PAGE] __attribute__((aligned(PAGE)));
static uint8_t area2[4 * PAGE] __attribute__((aligned(PAGE)));
static rt_rng rng;

struct regs { uint32_t esi, edi, ecx, eax, f; };
typedef void (*str_fn)(struct regs *r, uint32_t fin);

/* DF comes in through fin (SETFLAGS keeps DF, which is 0 in C code, and ORs fin in);
   CLD restores the C convention before any C code runs again. */
#define DEF_STR(name, insn)                                                                        \
    static void name(struct regs *r, uint32_t fin)                                                 \
    {                                                                                              \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn "\n\tpushfl\n\tpopl %[f]\n\tcld"                            \
                         : "+S"(r->esi), "+D"(r->edi), "+c"(r->ecx), "+a"(r->eax), [f] "=&r"(f)    \
                         : [fin] "r"(fin) : "cc", "memory");                                        \
        r->f = f;                                                                                  \
    }
#define DEF_STR3(op, pfx, pname)                                                                   \
    DEF_STR(op##b_##pname, pfx " " #op "b") DEF_STR(op##w_##pname, pfx " " #op "w")                \
    DEF_STR(op##l_##pname, pfx " " #op "l")
DEF_STR3(movs, "", none)
DEF_STR3(movs, "rep", rep)
DEF_STR3(stos, "", none)
DEF_STR3(stos, "rep", rep)
DEF_STR3(lods, "", none)
DEF_STR3(lods, "rep", rep)
DEF_STR3(cmps, "", none)
DEF_STR3(cmps, "repe", repe)
DEF_STR3(cmps, "repne", repne)
DEF_STR3(scas, "", none)
DEF_STR3(scas, "repe", repe)
DEF_STR3(scas, "repne", repne)

enum op { MOVS, STOS, LODS, CMPS, SCAS };
struct str { const char *name; const char *prefix; enum op op; int bits; str_fn fn; };
#define SROW3(op, K, pname)                                                                        \
    { #op, #pname, K, 8, op##b_##pname }, { #op, #pname, K, 16, op##w_##pname },                   \
    { #op, #pname, K, 32, op##l_##pname },
static const struct str strs[] = {
    SROW3(movs, MOVS, none) SROW3(movs, MOVS, rep) SROW3(stos, STOS, none) SROW3(stos, STOS, rep)
    SROW3(lods, LODS, none) SROW3(lods, LODS, rep) SROW3(cmps, CMPS, none) SROW3(cmps, CMPS, repe)
    SROW3(cmps, CMPS, repne) SROW3(scas, SCAS, none) SROW3(scas, SCAS, repe) SROW3(scas, SCAS, repne)
};

/* The source run sits across the boundary at area+PAGE, the destination run across area+2*PAGE. */
#define SRC_BOUNDARY (area + PAGE)
#define DST_BOUNDARY (area + 2 * PAGE)
#define WINDOW 64

static void fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i += 4) {
        uint32_t v = rt_rng_next(&rng);
        memcpy(p + i, &v, n - i < 4 ? n - i : 4);
    }
}

static uint32_t windows_crc(void)
{
    uint32_t c = rt_crc32_update(0, SRC_BOUNDARY - WINDOW, 2 * WINDOW);
    return rt_crc32_update(c, DST_BOUNDARY - WINDOW, 2 * WINDOW);
}

static void str_case(const struct str *t, int df, uint32_t count, int stop_at, uint32_t *n)
{
    uint32_t size = (uint32_t)t->bits / 8;
    fill(SRC_BOUNDARY - WINDOW, 2 * WINDOW);
    fill(DST_BOUNDARY - WINDOW, 2 * WINDOW);
    /* Start so that the run of `count` elements crosses the page boundary in either direction. */
    uint32_t span = (count ? count : 1) * size;
    uint8_t *src = df ? SRC_BOUNDARY + span / 2 - size + 1 : SRC_BOUNDARY - span / 2 - 1;
    uint8_t *dst = df ? DST_BOUNDARY + span / 2 - size + 2 : DST_BOUNDARY - span / 2 - 2;
    uint32_t eax = rt_rng_next(&rng);
    /* For comparisons: make the runs equal, then plant a difference (or, for SCAS, the
       element equal to EAX) at element stop_at. */
    if (t->op == CMPS) {
        for (uint32_t i = 0; i < count; i++) {
            int32_t step = df ? -(int32_t)(i * size) : (int32_t)(i * size);
            memcpy(dst + step, src + step, size);
            if ((int)i == stop_at) dst[step] ^= 0x80;
        }
    } else if (t->op == SCAS) {
        for (uint32_t i = 0; i < count; i++) {
            int32_t step = df ? -(int32_t)(i * size) : (int32_t)(i * size);
            /* REPE SCAS: equal elements until stop_at. REPNE SCAS: different until stop_at. */
            if (((int)i == stop_at) == (t->prefix[3] == 'e' && t->prefix[4] == 0))
                memcpy(dst + step, &eax, size), dst[step] ^= 0x01;
            else
                memcpy(dst + step, &eax, size);
        }
    }
    struct regs r = { (uint32_t)src, (uint32_t)dst, count, eax, 0 };
    uint32_t fin = flag_pattern((*n)++) | (df ? F_DF : 0);
    t->fn(&r, fin);
    rt_printf("%s.%d %s df=%d ecx=%u eax=%08x fi=%04x -> esi=+%x edi=+%x ecx=%u eax=%08x fo=%04x crc=%08x\n",
              t->name, t->bits, t->prefix, df, count, eax, fin & F_ARITH, r.esi - (uint32_t)area,
              r.edi - (uint32_t)area, r.ecx, r.eax, r.f & (F_ARITH | F_DF), windows_crc());
    torture_cases++;
}

static void strings_all(void)
{
    uint32_t n = 0;
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) {
        const struct str *t = &strs[k];
        int rep = t->prefix[0] == 'r';
        for (int df = 0; df < 2; df++) {
            if (!rep) {
                str_case(t, df, 5, -1, &n); /* ECX must stay 5 */
                continue;
            }
            str_case(t, df, 0, -1, &n);
            str_case(t, df, 1, -1, &n);
            str_case(t, df, 13, -1, &n);
            if (t->op == CMPS || t->op == SCAS) {
                str_case(t, df, 13, 0, &n);
                str_case(t, df, 13, 6, &n);
                str_case(t, df, 13, 12, &n);
            }
        }
    }
}

/* ---- bulk: multi-page REP MOVS / STOS and a long REPNE SCASB ---- */
static void bulk_all(void)
{
    static const struct { const char *name; str_fn fn; uint32_t size; } b[] = {
        { "rep movsb", movsb_rep, 1 }, { "rep movsw", movsw_rep, 2 }, { "rep movsl", movsl_rep, 4 },
        { "rep stosb", stosb_rep, 1 }, { "rep stosl", stosl_rep, 4 },
    };
    for (int k = 0; k < 5; k++)
        for (int df = 0; df < 2; df++) {
            fill(area, sizeof area);
            fill(area2, sizeof area2);
            uint32_t count = (3 * PAGE + 123) / b[k].size;
            uint32_t bytes = count * b[k].size;
            uint8_t *src = df ? area + 8 + bytes - b[k].size : area + 8;
            uint8_t *dst = df ? area2 + 5 + bytes - b[k].size : area2 + 5;
            struct regs r = { (uint32_t)src, (uint32_t)dst, count, 0x11223344, 0 };
            b[k].fn(&r, df ? F_DF : 0);
            rt_printf("bulk %s df=%d ecx=%u -> esi=+%x edi=+%x ecx=%u crc=%08x\n", b[k].name, df, count,
                      r.esi - (uint32_t)area, r.edi - (uint32_t)area2, r.ecx,
                      rt_crc32_update(0, area2, sizeof area2));
            torture_cases++;
        }
    fill(area, sizeof area);
    for (size_t i = 0; i < sizeof area; i++)
        if (area[i] == 0xA5) area[i] = 0x5A;
    area[sizeof area - 7] = 0xA5;
    struct regs r = { 0, (uint32_t)area, sizeof area, 0xA5, 0 };
    scasb_repne(&r, 0);
    rt_printf("bulk repne scasb ecx=%u -> edi=+%x ecx=%u fo=%04x\n", (uint32_t)sizeof area,
              r.edi - (uint32_t)area, r.ecx, r.f & F_ARITH);
    torture_cases++;
}

/* ---- segment overrides: every data segment register is flat in both environments, so an
   override must reach the same bytes. FS is loaded with DS's selector for the test. ---- */
static void overrides_all(void)
{
    fill(area, 64);
    uint32_t v_ss, v_cs, v_fs, v_es, f;
    uint16_t oldfs;
    __asm__ volatile("movl %%ss:(%1), %0" : "=r"(v_ss) : "r"(area + 4) : "memory");
    __asm__ volatile("movl %%es:(%1), %0" : "=r"(v_es) : "r"(area + 8) : "memory");
    __asm__ volatile("movl %%cs:(%1), %0" : "=r"(v_cs) : "r"(area + 12) : "memory");
    __asm__ volatile("movw %%fs, %0\n\tmovw %%ds, %%ax\n\tmovw %%ax, %%fs\n\t"
                     "movl %%fs:(%2), %1\n\tmovw %0, %%fs"
                     : "=&r"(oldfs), "=&r"(v_fs) : "r"(area + 16) : "eax", "memory");
    rt_printf("override ss=%08x es=%08x cs=%08x fs=%08x\n", v_ss, v_es, v_cs, v_fs);
    /* The source of MOVS/CMPS/LODS may be overridden; the destination is always ES:EDI. */
    struct regs r = { (uint32_t)area, (uint32_t)(area + 32), 8, 0, 0 };
    __asm__ volatile("rep movsb %%ss:(%%esi), %%es:(%%edi)"
                     : "+S"(r.esi), "+D"(r.edi), "+c"(r.ecx) : : "memory");
    rt_printf("override rep movsb ss: -> esi=+%x edi=+%x ecx=%u crc=%08x\n", r.esi - (uint32_t)area,
              r.edi - (uint32_t)area, r.ecx, rt_crc32_update(0, area, 64));
    r.esi = (uint32_t)area + 3;
    __asm__ volatile("movw %%fs, %w[o]\n\tmovw %%ds, %%ax\n\tmovw %%ax, %%fs\n\t"
                     "lodsl %%fs:(%%esi), %%eax\n\tmovw %w[o], %%fs"
                     : "+S"(r.esi), "=&a"(r.eax), [o] "=&r"(oldfs) : : "memory");
    rt_printf("override lodsl fs: -> esi=+%x eax=%08x\n", r.esi - (uint32_t)area, r.eax);
    r.esi = (uint32_t)area;
    r.edi = (uint32_t)area + 32;
    r.ecx = 8;
    __asm__ volatile("repe cmpsb %%es:(%%edi), %%cs:(%%esi)\n\tpushfl\n\tpopl %[f]"
                     : "+S"(r.esi), "+D"(r.edi), "+c"(r.ecx), [f] "=r"(f) : : "memory", "cc");
    rt_printf("override repe cmpsb cs: -> esi=+%x edi=+%x ecx=%u fo=%04x\n", r.esi - (uint32_t)area,
              r.edi - (uint32_t)area, r.ecx, f & F_ARITH);
    torture_cases += 4;
}

/* ---- ordinary accesses that straddle a page boundary ---- */
static void cross_page_all(void)
{
    fill(area, sizeof area);
    volatile uint32_t *p32 = (volatile uint32_t *)(area + PAGE - 2);
    volatile uint16_t *p16 = (volatile uint16_t *)(area + 2 * PAGE - 1);
    uint32_t before = *p32, x = 0x01020304, f;
    uint16_t before16 = *p16;
    __asm__ volatile("addl %[x], %[m]\n\tpushfl\n\tpopl %[f]" : [m] "+m"(*p32), [f] "=r"(f) : [x] "r"(x) : "cc");
    rt_printf("cross-page add.32 m=%08x + %08x -> %08x fo=%04x\n", before, x, *p32, f & F_ARITH);
    uint32_t y = 0xCAFEBABE;
    __asm__ volatile("xchgl %[y], %[m]" : [m] "+m"(*p32), [y] "+r"(y));
    rt_printf("cross-page xchg.32 -> m=%08x r=%08x\n", *p32, y);
    __asm__ volatile("notw %[m]" : [m] "+m"(*p16));
    rt_printf("cross-page not.16 m=%04x -> %04x\n", before16, *p16);
    uint64_t q;
    memcpy(&q, area + 3 * PAGE - 5, 8);
    rt_printf("cross-page read.64 -> %08x%08x\n", (uint32_t)(q >> 32), (uint32_t)q);
    torture_cases += 4;
}

int test_main(const char *cmdline)
{
    (void)cmdline;
    rt_rng_seed(&rng, 0x57A1u);
    rt_printf("torture-string: MOVS CMPS SCAS LODS STOS, REP/REPE/REPNE, DF, page crossing, overrides\n");
    strings_all();
    bulk_all();
    overrides_all();
    cross_page_all();
    torture_end("torture-string");
    return 0;
}
