/*
 * compat/rt.h - the PC-mode test runtime's API (testimages/pc/rt/rt.h) mapped onto the Denali
 * SDK, so that testimages/pc/compute.c compiles unchanged as a Denali guest and prints the
 * same lines. Only what compute.c uses is provided.
 */
#ifndef DENALI_COMPAT_RT_H
#define DENALI_COMPAT_RT_H

#include <denali.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int test_main(const char *cmdline);

#define rt_printf printf
#define rt_strlen strlen
#define rt_strcmp strcmp
#define rt_next_word denali_next_word

typedef struct { uint32_t s; } rt_rng;
static inline void rt_rng_seed(rt_rng *r, uint32_t seed) { r->s = seed ? seed : 2463534242u; }
static inline uint32_t rt_rng_next(rt_rng *r)
{
    uint32_t x = r->s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return r->s = x;
}

#endif
