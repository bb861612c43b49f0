/*
 * torture-bcd: DAA DAS over every AL with every CF/AF input, AAA AAS over every AL with both
 * AF inputs, AAM with bases 10, 16 and 7 over every AL, AAD with bases 10 and 16 over every AL.
 * The whole EAX is printed, so the untouched upper bits are checked as well.
 *
 * Flag masks (Intel SDM vol. 2):
 *   DAA DAS   CF AF SF ZF PF defined, OF undefined   -> F_ARITH & ~F_OF
 *   AAA AAS   AF CF defined, OF SF ZF PF undefined   -> F_AF | F_CF
 *   AAM AAD   SF ZF PF defined, OF AF CF undefined   -> F_SF | F_ZF | F_PF
 */
#include "torture.h"

static rt_rng rng;

#define DEF_BCD(name, insn)                                                                        \
    static uint32_t name(uint32_t a, uint32_t fin, uint32_t *fout)                                 \
    {                                                                                              \
        uint32_t f;                                                                                \
        __asm__ volatile(SETFLAGS insn GETFLAGS : "+a"(a), [f] "=&r"(f) : [fin] "r"(fin) : "cc");  \
        *fout = f;                                                                                 \
        return a;                                                                                  \
    }
DEF_BCD(do_daa, "daa")
DEF_BCD(do_das, "das")
DEF_BCD(do_aaa, "aaa")
DEF_BCD(do_aas, "aas")
DEF_BCD(do_aam10, "aam")
DEF_BCD(do_aam16, "aam $16")
DEF_BCD(do_aam7, "aam $7")
DEF_BCD(do_aad10, "aad")
DEF_BCD(do_aad16, "aad $16")

static void one(const char *name, uint32_t (*fn)(uint32_t, uint32_t, uint32_t *), uint32_t a,
                uint32_t fin, uint32_t mask)
{
    uint32_t fout;
    uint32_t r = fn(a, fin, &fout);
    rt_printf("%s eax=%08x fi=%04x -> eax=%08x fo=%04x\n", name, a, fin, r, fout & mask);
    torture_cases++;
}

int test_main(const char *cmdline)
{
    (void)cmdline;
    rt_rng_seed(&rng, 0xBCDu);
    rt_printf("torture-bcd: DAA DAS AAA AAS AAM AAD\n");
    /* The status flags the instruction does not read are set in varying patterns as well:
       the defined outputs must not depend on them. */
    for (uint32_t al = 0; al < 256; al++)
        for (uint32_t cfaf = 0; cfaf < 4; cfaf++) {
            uint32_t fin = (flag_pattern(al + cfaf) & ~(F_CF | F_AF)) | (cfaf & 1 ? F_CF : 0) | (cfaf & 2 ? F_AF : 0);
            uint32_t a = (rt_rng_next(&rng) & 0xFFFFFF00u) | al;
            one("daa", do_daa, a, fin, F_ARITH & ~F_OF);
            one("das", do_das, a, fin, F_ARITH & ~F_OF);
        }
    for (uint32_t al = 0; al < 256; al++)
        for (uint32_t af = 0; af < 2; af++) {
            uint32_t fin = (flag_pattern(al + af) & ~F_AF) | (af ? F_AF : 0);
            uint32_t a = (rt_rng_next(&rng) & 0xFFFFFF00u) | al;
            if ((al & 7) == 0) /* AH = 0xFF: carries/borrows out of AH wrap */
                a = (a & 0xFFFF00FFu) | (af ? 0xFF00u : 0x0000u);
            one("aaa", do_aaa, a, fin, F_AF | F_CF);
            one("aas", do_aas, a, fin, F_AF | F_CF);
        }
    for (uint32_t al = 0; al < 256; al++) {
        uint32_t fin = flag_pattern(al);
        uint32_t a = (rt_rng_next(&rng) & 0xFFFFFF00u) | al;
        one("aam10", do_aam10, a, fin, F_SF | F_ZF | F_PF);
        one("aam16", do_aam16, a, fin, F_SF | F_ZF | F_PF);
        one("aam7", do_aam7, a, fin, F_SF | F_ZF | F_PF);
        a = (rt_rng_next(&rng) & 0xFFFFFF00u) | al;
        one("aad10", do_aad10, a, fin, F_SF | F_ZF | F_PF);
        one("aad16", do_aad16, a, fin, F_SF | F_ZF | F_PF);
    }
    torture_end("torture-bcd");
    return 0;
}
