/*
 * arch/cc.h - lwIP's compiler and platform port for Denali guests (i686, gcc, the SDK's libc).
 *
 * The SDK has no inttypes.h, limits.h, ctype.h or errno: lwIP is told so and uses its own
 * fallbacks. Diagnostics go through the SDK's printf (one console write per line); a failed
 * assertion prints where and ends the VM through abort() (status 255), so a stack bug shows up
 * as a clear VM exit instead of silent corruption.
 */
#ifndef DENALI_LWIP_ARCH_CC_H
#define DENALI_LWIP_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

#define BYTE_ORDER LITTLE_ENDIAN

#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_LIMITS_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1

/* printf formats for lwIP's types: the SDK's printf knows h (16-bit); plain is 32-bit. */
#define X8_F "02x"
#define U16_F "hu"
#define S16_F "hd"
#define X16_F "hx"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "u"

/* With no limits.h, arch.h defines ssize_t itself from INT_MAX. */
#define INT_MAX __INT_MAX__

#define LWIP_PROVIDE_ERRNO 1

#define LWIP_PLATFORM_DIAG(x) do { printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) do { \
        printf("lwip: assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__); \
        abort(); \
    } while (0)

/* Deterministic per VM (denali_net.c): TCP initial sequence numbers and local ports. */
unsigned int denali_net_rand(void);
#define LWIP_RAND() ((u32_t)denali_net_rand())

#endif
