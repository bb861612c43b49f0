/*
 * Linux side of the runtime for the native builds: buffered stdout through write(2) and
 * exit_group(2) via int $0x80, no C library. The program therefore runs the exact same
 * object code as the kernel, only the two runtime primitives differ.
 */
#include "rt.h"

#define SYS_write 4
#define SYS_exit_group 252

static char outbuf[65536];
static size_t outlen;

static int32_t syscall3(int32_t nr, int32_t a, int32_t b, int32_t c)
{
    int32_t ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return ret;
}

static void flush(void)
{
    size_t done = 0;
    while (done < outlen) {
        int32_t n = syscall3(SYS_write, 1, (int32_t)(outbuf + done), (int32_t)(outlen - done));
        if (n <= 0) break;
        done += (size_t)n;
    }
    outlen = 0;
}

void rt_putc_raw(char c)
{
    if (outlen == sizeof outbuf) flush();
    outbuf[outlen++] = c;
}

void rt_exit(int code)
{
    flush();
    for (;;)
        syscall3(SYS_exit_group, code, 0, 0);
}

/* The kernel gets one command line from the loader; join argv[1..] the same way. */
static char cmdline[1024];

void rt_linux_main(int argc, char **argv) __attribute__((noreturn));
void rt_linux_main(int argc, char **argv)
{
    size_t n = 0;
    for (int i = 1; i < argc; i++) {
        for (const char *s = argv[i]; *s && n + 2 < sizeof cmdline; s++)
            cmdline[n++] = *s;
        if (i + 1 < argc && n + 2 < sizeof cmdline) cmdline[n++] = ' ';
    }
    cmdline[n] = 0;
    rt_exit(test_main(cmdline));
}
