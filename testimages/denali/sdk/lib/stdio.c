/*
 * stdio.c - console output for printf and friends, exit, and the crt0 start-up hook.
 *
 * stdout is line-buffered: a line goes to the console in one `out 0x100` operation, so lines
 * of different VMs and of the kernel's own reports never interleave mid-line. stderr shares
 * the console and is unbuffered (it flushes stdout first to keep the order).
 */
#include <denali.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STDOUT_BUF 512

struct denali_stream {
    int buffered;
};

static struct denali_stream out_stream = { 1 }, err_stream = { 0 };
FILE *const stdout = &out_stream;
FILE *const stderr = &err_stream;

static char out_buf[STDOUT_BUF];
static size_t out_len;

int fflush(FILE *f)
{
    (void)f;
    if (out_len) {
        denali_console_write(out_buf, (uint32_t)out_len);
        out_len = 0;
    }
    return 0;
}

static void stdout_emit(void *ctx, const char *chunk, size_t n)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) {
        out_buf[out_len++] = chunk[i];
        if (chunk[i] == '\n' || out_len == STDOUT_BUF)
            fflush(stdout);
    }
}

static void stderr_emit(void *ctx, const char *chunk, size_t n)
{
    (void)ctx;
    denali_console_write(chunk, (uint32_t)n);
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    if (f->buffered)
        return denali_format(stdout_emit, 0, fmt, ap);
    fflush(stdout);
    return denali_format(stderr_emit, 0, fmt, ap);
}

int fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *fmt, va_list ap) { return vfprintf(stdout, fmt, ap); }

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}

int fputs(const char *s, FILE *f)
{
    if (f->buffered) {
        stdout_emit(0, s, strlen(s));
    } else {
        fflush(stdout);
        denali_console_write(s, (uint32_t)strlen(s));
    }
    return 0;
}

int puts(const char *s)
{
    fputs(s, stdout);
    stdout_emit(0, "\n", 1);
    return 0;
}

int putchar(int c)
{
    char ch = (char)c;
    stdout_emit(0, &ch, 1);
    return (uint8_t)ch;
}

void exit(int status)
{
    fflush(stdout);
    denali_terminate((uint32_t)status);
}

void abort(void)
{
    fflush(stdout);
    static const char msg[] = "abort\n";
    denali_console_write(msg, sizeof msg - 1);
    denali_terminate(255);
}
