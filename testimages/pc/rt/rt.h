/*
 * Denali-J test runtime: the small API every test program is written against.
 *
 * A test program defines test_main() and prints with rt_printf(). The same object file is
 * linked twice: with the kernel runtime (multiboot kernel, output on COM1, exit through
 * QEMU's isa-debug-exit port 0xf4) and with the Linux runtime (static 32-bit program, output
 * on stdout, exit through the exit_group system call). Both runtimes share printf.c, so
 * the two builds print byte-identical text for identical computations.
 */
#ifndef DENALI_RT_H
#define DENALI_RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Provided by the test program. cmdline is never NULL (may be ""). Returns the exit code. */
int test_main(const char *cmdline);

/* Provided by printf.c (shared). */
int rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int rt_vprintf(const char *fmt, va_list ap);
void rt_puts(const char *s);
/* CRC-32 (IEEE) of every character printed so far: lets the final line summarise a run. */
uint32_t rt_output_crc(void);
uint32_t rt_crc32_update(uint32_t crc, const void *data, size_t len);

/* Provided by each runtime. */
void rt_putc_raw(char c);
void rt_exit(int code) __attribute__((noreturn));

/* Freestanding helpers (gcc may emit calls to these even with -ffreestanding). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t rt_strlen(const char *s);
int rt_strcmp(const char *a, const char *b);
/* Copies the next whitespace-separated word of *cursor into buf (NUL-terminated,
   truncated to cap-1) and advances *cursor; returns 0 when there are no more words. */
int rt_next_word(const char **cursor, char *buf, size_t cap);

/* Deterministic xorshift32 PRNG (Marsaglia 2003), fixed seed per program. */
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
