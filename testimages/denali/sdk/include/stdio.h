/*
 * stdio.h - formatted output to the Denali console (lib/printf.c, lib/stdio.c).
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, with flags '-' and '0', a width (digits or '*'),
 * a precision for %s, and the length modifiers h, l (32-bit on i386), ll (64-bit) and z.
 * printf/puts/putchar collect a line and write it with one console operation at '\n', when
 * the buffer fills, at fflush(stdout) and at exit(). There is no floating point.
 */
#ifndef DENALI_STDIO_H
#define DENALI_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

typedef struct denali_stream FILE;
extern FILE *const stdout;
extern FILE *const stderr; /* the same console, unbuffered */

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vfprintf(FILE *f, const char *fmt, va_list ap);
int snprintf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
int sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int putchar(int c);
int puts(const char *s);
int fputs(const char *s, FILE *f);
int fflush(FILE *f);

/*
 * The formatting engine: calls emit(ctx, chunk, len) for every piece of output and returns
 * the number of characters produced. printf and snprintf are both built on it.
 */
int denali_format(void (*emit)(void *ctx, const char *chunk, size_t len), void *ctx,
                  const char *fmt, va_list ap);

#endif
