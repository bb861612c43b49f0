/*
 * Minimal printf shared by the kernel and the Linux runtime: %d %i %u %x %X %s %c %%,
 * with optional '0' flag, '-' flag, width (digits or '*') and ignored 'l'/'h' length
 * modifiers (every integer argument is 32-bit on this target).
 */
#include "rt.h"

static uint32_t crc_state = 0xFFFFFFFFu;

uint32_t rt_crc32_update(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
    return crc;
}

uint32_t rt_output_crc(void) { return ~crc_state; }

static void out(char c)
{
    crc_state = rt_crc32_update(crc_state, &c, 1);
    rt_putc_raw(c);
}

void rt_puts(const char *s)
{
    while (*s)
        out(*s++);
}

static int emit_padded(const char *s, int len, int width, int left, char pad)
{
    int n = 0;
    if (!left)
        for (; width > len; width--, n++)
            out(pad);
    for (int i = 0; i < len; i++, n++)
        out(s[i]);
    if (left)
        for (; width > len; width--, n++)
            out(' ');
    return n;
}

int rt_vprintf(const char *fmt, va_list ap)
{
    int n = 0;
    char buf[16];
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out(*fmt);
            n++;
            continue;
        }
        fmt++;
        int left = 0, width = 0;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '0') pad = '0';
            else if (*fmt == '-') left = 1;
            else break;
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        }
        while (*fmt == 'l' || *fmt == 'h')
            fmt++;
        int len = 0;
        switch (*fmt) {
        case 'd': case 'i': case 'u': {
            uint32_t v = va_arg(ap, uint32_t);
            int neg = (*fmt != 'u') && (int32_t)v < 0;
            if (neg) v = -v;
            char tmp[12];
            int t = 0;
            do { tmp[t++] = '0' + v % 10; v /= 10; } while (v);
            if (neg) {
                if (pad == '0') { out('-'); n++; width--; }
                else tmp[t++] = '-';
            }
            while (t) buf[len++] = tmp[--t];
            n += emit_padded(buf, len, width, left, pad);
            break;
        }
        case 'x': case 'X': {
            uint32_t v = va_arg(ap, uint32_t);
            const char *digits = *fmt == 'x' ? "0123456789abcdef" : "0123456789ABCDEF";
            char tmp[8];
            int t = 0;
            do { tmp[t++] = digits[v & 15]; v >>= 4; } while (v);
            while (t) buf[len++] = tmp[--t];
            n += emit_padded(buf, len, width, left, pad);
            break;
        }
        case 'c':
            buf[0] = (char)va_arg(ap, int);
            n += emit_padded(buf, 1, width, left, ' ');
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            n += emit_padded(s, (int)rt_strlen(s), width, left, ' ');
            break;
        }
        case '%':
            out('%');
            n++;
            break;
        default: /* unknown conversion: print it verbatim so the mistake is visible */
            out('%');
            out(*fmt);
            n += 2;
            if (!*fmt) return n;
            break;
        }
    }
    return n;
}

int rt_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = rt_vprintf(fmt, ap);
    va_end(ap);
    return n;
}
