/* args.c - the command line: crt0's copy of it and word / key=value helpers. */
#include <denali.h>
#include <stdlib.h>
#include <string.h>

static char cmdline_copy[DENALI_CMDLINE_SIZE];

/* Called by crt0 before main: copies the command line out of the register page. */
const char *denali_crt_init(void)
{
    for (size_t i = 0; i < DENALI_CMDLINE_SIZE - 1; i++) {
        cmdline_copy[i] = DENALI->cmdline[i];
        if (!cmdline_copy[i])
            break;
    }
    cmdline_copy[DENALI_CMDLINE_SIZE - 1] = 0;
    return cmdline_copy;
}

const char *denali_cmdline(void) { return cmdline_copy; }

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int denali_next_word(const char **cursor, char *buf, size_t cap)
{
    const char *p = *cursor;
    while (is_space(*p))
        p++;
    if (!*p) {
        *cursor = p;
        return 0;
    }
    size_t n = 0;
    for (; *p && !is_space(*p); p++)
        if (n + 1 < cap)
            buf[n++] = *p;
    if (cap)
        buf[n] = 0;
    *cursor = p;
    return 1;
}

int denali_has_word(const char *cmdline, const char *word)
{
    char w[DENALI_CMDLINE_SIZE];
    while (denali_next_word(&cmdline, w, sizeof w))
        if (!strcmp(w, word))
            return 1;
    return 0;
}

const char *denali_arg(const char *cmdline, const char *key, char *buf, size_t cap)
{
    char w[DENALI_CMDLINE_SIZE];
    size_t klen = strlen(key);
    while (denali_next_word(&cmdline, w, sizeof w))
        if (!strncmp(w, key, klen) && w[klen] == '=') {
            strlcpy(buf, w + klen + 1, cap);
            return buf;
        }
    return 0;
}

uint32_t denali_arg_u32(const char *cmdline, const char *key, uint32_t dflt)
{
    char v[32];
    if (!denali_arg(cmdline, key, v, sizeof v))
        return dflt;
    char *end;
    uint32_t n = (uint32_t)strtoul(v, &end, 0);
    return (end == v || *end) ? dflt : n;
}
