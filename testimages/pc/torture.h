/*
 * Shared helpers for the flags-and-results torture programs (torture_*.c).
 *
 * Each case runs one instruction between a POPF that loads chosen input flags and a PUSHF
 * that captures the output flags, then prints one line. Flags that the Intel SDM leaves
 * undefined for that instruction are masked out before printing (the masks are documented
 * next to each instruction group), so the real CPU, QEMU and Denali-J must print the same.
 */
#ifndef DENALI_TORTURE_H
#define DENALI_TORTURE_H

#include "rt.h"

#define F_CF 0x0001
#define F_PF 0x0004
#define F_AF 0x0010
#define F_ZF 0x0040
#define F_SF 0x0080
#define F_DF 0x0400
#define F_OF 0x0800
/* The six status flags. */
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)
/* AND OR XOR TEST: OF=CF=0, SF ZF PF by result, AF undefined. */
#define F_LOGIC (F_ARITH & ~F_AF)

/* Loads the six status flags from %[fin] keeping every other EFLAGS bit (IF, IOPL...
   must not change: POPF at ring 3 would ignore them anyway), then runs the code that
   follows. GETFLAGS stores the whole EFLAGS into %[f]. */
#define SETFLAGS "pushfl\n\tandl $0xfffff72a, (%%esp)\n\torl %[fin], (%%esp)\n\tpopfl\n\t"
#define GETFLAGS "\n\tpushfl\n\tpopl %[f]\n\t"

static inline uint32_t size_mask(int bits) { return bits == 32 ? 0xFFFFFFFFu : (1u << bits) - 1; }
static inline uint32_t sign_min(int bits) { return 1u << (bits - 1); }

/* Prints v as bits/4 hex digits. */
static inline void phex(uint32_t v, int bits) { rt_printf("%0*x", bits / 4, v & size_mask(bits)); }

/* Cycles input flags through four patterns so both states of each flag are exercised. */
static inline uint32_t flag_pattern(uint32_t i)
{
    static const uint32_t p[4] = { 0, F_ARITH, F_CF | F_ZF, F_ARITH & ~(F_CF | F_ZF) };
    return p[i & 3];
}

/* Edge operands for a given operand size: zero, one, nibble carry, sign boundaries, all ones. */
#define N_EDGES 6
static inline uint32_t edge_value(int i, int bits)
{
    switch (i) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 0x0F;
    case 3: return sign_min(bits) - 1;
    case 4: return sign_min(bits);
    default: return size_mask(bits);
    }
}

static uint32_t torture_cases;

static inline void torture_end(const char *name)
{
    uint32_t crc = rt_output_crc();
    rt_printf("END %s cases=%u crc=%08x\n", name, torture_cases, crc);
}

#endif
