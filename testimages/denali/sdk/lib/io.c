/* io.c - blocking disk and console I/O on top of the thread layer. */
#include <denali_os.h>
#include <string.h>

uint32_t os_disk_io(uint32_t op, uint32_t disk, uint32_t block, uint32_t count, void *buf)
{
    volatile struct denali_disk_request rq = { op, disk, block, count, (uint32_t)buf, 0 };
    denali_disk_submit(&rq);
    return os_disk_wait(&rq);
}

uint32_t os_console_read(void *buf, uint32_t cap)
{
    for (;;) {
        /* Read the count first: input that lands after the read bumps it, so no wake-up is lost. */
        uint32_t seen = intr_seq(DENALI_INTR_CONSOLE_BIT);
        uint32_t n = denali_console_read(buf, cap);
        if (n)
            return n;
        os_wait_intr(DENALI_INTR_CONSOLE_BIT, seen, DENALI_IDLE_FOREVER);
    }
}

/* Input read past a line's end, kept for the next os_console_readline. */
static char spill[256];
static uint32_t spill_len;

uint32_t os_console_readline(char *buf, uint32_t cap)
{
    uint32_t len = 0;
    for (;;) {
        if (!spill_len)
            spill_len = os_console_read(spill, sizeof spill);
        uint32_t i = 0;
        for (; i < spill_len && spill[i] != '\n'; i++)
            if (len + 1 < cap)
                buf[len++] = spill[i];
        int done = i < spill_len;
        if (done)
            i++; /* the '\n' */
        memmove(spill, spill + i, spill_len - i);
        spill_len -= i;
        if (done)
            break;
    }
    if (cap)
        buf[len] = 0;
    return len;
}
