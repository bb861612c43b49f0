/*
 * printf.c - the formatting engine behind printf, snprintf and friends.
 *
 * Conversions %d %i %u %x %X %o %c %s %p %%; flags '-', '0', '+', ' ', '#'; width and
 * precision as digits or '*'; length modifiers hh h l ll z j t (l is 32-bit on i386, ll is
 * 64-bit). No floating point. An unknown conversion is printed verbatim so it shows.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct spec {
    int left, zero, plus, space, alt;
    int width, precision; /* precision -1 = none */
    int size;             /* 0 = int, 1 = 64-bit */
};

struct out {
    void (*emit)(void *, const char *, size_t);
    void *ctx;
    int count;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (n) {
        o->emit(o->ctx, s, n);
        o->count += (int)n;
    }
}

static void pad(struct out *o, char c, int n)
{
    char chunk[16];
    memset(chunk, c, sizeof chunk);
    while (n > 0) {
        int k = n < (int)sizeof chunk ? n : (int)sizeof chunk;
        put(o, chunk, (size_t)k);
        n -= k;
    }
}

/* Prints prefix + digits with width, precision and flags applied. */
static void put_number(struct out *o, const struct spec *sp, const char *prefix, const char *digits, int ndigits)
{
    int plen = (int)strlen(prefix);
    int zeros = sp->precision > ndigits ? sp->precision - ndigits : 0;
    if (sp->precision == 0 && ndigits == 1 && digits[0] == '0')
        ndigits = 0; /* "%.0d" of 0 prints nothing */
    int body = plen + zeros + ndigits;
    int fill = sp->width > body ? sp->width - body : 0;
    if (sp->zero && !sp->left && sp->precision < 0) {
        zeros += fill;
        fill = 0;
    }
    if (!sp->left)
        pad(o, ' ', fill);
    put(o, prefix, (size_t)plen);
    pad(o, '0', zeros);
    put(o, digits, (size_t)ndigits);
    if (sp->left)
        pad(o, ' ', fill);
}

static int to_digits(uint64_t v, unsigned base, int upper, char *buf /* 24 bytes */)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    if (v >> 32 == 0) { /* 32-bit fast path: no call into libgcc's 64-bit division */
        uint32_t w = (uint32_t)v;
        do {
            tmp[n++] = set[w % base];
            w /= base;
        } while (w);
    } else {
        do {
            tmp[n++] = set[v % base];
            v /= base;
        } while (v);
    }
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

int denali_format(void (*emit)(void *ctx, const char *chunk, size_t len), void *ctx, const char *fmt, va_list ap)
{
    struct out o = { emit, ctx, 0 };
    while (*fmt) {
        const char *lit = fmt;
        while (*fmt && *fmt != '%')
            fmt++;
        put(&o, lit, (size_t)(fmt - lit));
        if (!*fmt)
            break;
        const char *start = fmt++;
        struct spec sp = { 0, 0, 0, 0, 0, 0, -1, 0 };
        for (;; fmt++) {
            if (*fmt == '-') sp.left = 1;
            else if (*fmt == '0') sp.zero = 1;
            else if (*fmt == '+') sp.plus = 1;
            else if (*fmt == ' ') sp.space = 1;
            else if (*fmt == '#') sp.alt = 1;
            else break;
        }
        if (*fmt == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.left = 1;
                sp.width = -sp.width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                sp.width = sp.width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            sp.precision = 0;
            if (*fmt == '*') {
                sp.precision = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    sp.precision = sp.precision * 10 + (*fmt++ - '0');
            }
        }
        int longs = 0;
        for (;; fmt++) {
            if (*fmt == 'l') longs++;
            else if (*fmt == 'h' || *fmt == 'z' || *fmt == 't') continue;
            else if (*fmt == 'j') longs = 2;
            else break;
        }
        sp.size = longs >= 2;
        char digits[24];
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = sp.size ? va_arg(ap, int64_t) : (int64_t)va_arg(ap, int32_t);
            uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
            const char *prefix = v < 0 ? "-" : sp.plus ? "+" : sp.space ? " " : "";
            put_number(&o, &sp, prefix, digits, to_digits(mag, 10, 0, digits));
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v = sp.size ? va_arg(ap, uint64_t) : (uint64_t)va_arg(ap, uint32_t);
            unsigned base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
            const char *prefix = "";
            if (sp.alt && v)
                prefix = *fmt == 'x' ? "0x" : *fmt == 'X' ? "0X" : *fmt == 'o' ? "0" : "";
            put_number(&o, &sp, prefix, digits, to_digits(v, base, *fmt == 'X', digits));
            break;
        }
        case 'p': {
            uint32_t v = (uint32_t)va_arg(ap, void *);
            sp.precision = 8;
            put_number(&o, &sp, "0x", digits, to_digits(v, 16, 0, digits));
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!sp.left) pad(&o, ' ', sp.width - 1);
            put(&o, &c, 1);
            if (sp.left) pad(&o, ' ', sp.width - 1);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int len = (int)(sp.precision >= 0 ? strnlen(s, (size_t)sp.precision) : strlen(s));
            if (!sp.left) pad(&o, ' ', sp.width - len);
            put(&o, s, (size_t)len);
            if (sp.left) pad(&o, ' ', sp.width - len);
            break;
        }
        case '%':
            put(&o, "%", 1);
            break;
        default:
            if (!*fmt) {
                put(&o, start, (size_t)(fmt - start));
                return o.count;
            }
            put(&o, start, (size_t)(fmt + 1 - start));
            break;
        }
        fmt++;
    }
    return o.count;
}

/* ---- snprintf family ---- */

struct sbuf {
    char *buf;
    size_t cap, len;
};

static void sbuf_emit(void *ctx, const char *chunk, size_t n)
{
    struct sbuf *b = ctx;
    for (size_t i = 0; i < n; i++, b->len++)
        if (b->len + 1 < b->cap)
            b->buf[b->len] = chunk[i];
}

int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    struct sbuf b = { buf, cap, 0 };
    int n = denali_format(sbuf_emit, &b, fmt, ap);
    if (cap)
        buf[b.len < cap ? b.len : cap - 1] = 0;
    return n;
}

int snprintf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

int sprintf(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, (size_t)-1 >> 1, fmt, ap);
    va_end(ap);
    return n;
}
