/*
 * timer: periodic TIMER interrupts and IDLE with timeouts.
 *
 * cmdline: period=US (timer_period_us, default 10000), count=N (TIMER upcalls to count,
 * default 10, at most 1000).
 *
 * The TIMER handler (an upcall through the SDK dispatcher) records time_ns, which the kernel
 * refreshes at every upcall. Between upcalls main IDLEs with a timeout of 4 periods; a timeout
 * without any TIMER upcall is counted. Interval i is the time from upcall i-1 to upcall i
 * (interval 1 starts when main wrote timer_period_us). Exit 0 when count upcalls arrived,
 * 1 if 10 IDLE timeouts pass in a row without one.
 */
#include <denali.h>
#include <denali_os.h>
#include <stdio.h>

#define MAX_COUNT 1000u

static volatile uint64_t stamps[MAX_COUNT + 1];
static volatile uint32_t ticks;
static uint32_t wanted;

static void on_timer(unsigned bit, struct denali_upcall_frame *frame, void *ctx)
{
    (void)bit, (void)frame, (void)ctx;
    if (ticks < wanted)
        stamps[++ticks] = denali_now_ns();
    if (ticks == wanted)
        DENALI->timer_period_us = 0; /* enough: stop the timer from inside the upcall */
}

int main(const char *cmdline)
{
    uint32_t period = denali_arg_u32(cmdline, "period", 10000);
    wanted = denali_arg_u32(cmdline, "count", 10);
    if (wanted < 1 || wanted > MAX_COUNT || period == 0) {
        printf("timer: need 1 <= count <= %u and period > 0\n", MAX_COUNT);
        return 2;
    }
    printf("timer: period %u us, count %u\n", period, wanted);

    intr_register(DENALI_INTR_TIMER_BIT, on_timer, 0);
    stamps[0] = denali_now_ns();
    DENALI->timer_period_us = period;

    uint32_t idles = 0, timeouts = 0, quiet = 0;
    while (ticks < wanted) {
        uint32_t before = ticks;
        uint32_t r = denali_idle(4 * period);
        idles++;
        if (r == DENALI_IDLE_TIMEOUT)
            timeouts++;
        quiet = ticks == before ? quiet + 1 : 0;
        if (quiet == 10) {
            DENALI->timer_period_us = 0;
            printf("timer: FAIL: no TIMER upcall in 10 IDLEs of %u us (got %u of %u)\n", 4 * period, ticks,
                   wanted);
            return 1;
        }
    }
    DENALI->timer_period_us = 0;

    uint64_t min = ~0ull, max = 0;
    for (uint32_t i = 1; i <= wanted; i++) {
        uint64_t us = (stamps[i] - stamps[i - 1]) / 1000u;
        printf("interval %u %llu\n", i, us);
        if (us < min) min = us;
        if (us > max) max = us;
    }
    uint64_t total = (stamps[wanted] - stamps[0]) / 1000u;
    printf("summary count=%u total_us=%llu min_us=%llu max_us=%llu mean_us=%llu idles=%u timeouts=%u upcalls=%u\n",
           wanted, total, min, max, total / wanted, idles, timeouts, intr_upcalls());
    printf("timer: done\n");
    return 0;
}
