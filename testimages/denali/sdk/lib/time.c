/* time.c - time from the register page and sleeping with IDLE. */
#include <denali.h>

uint64_t denali_read_u64(const volatile void *field)
{
    /* The kernel may refresh the field at a quantum boundary between our two 32-bit loads:
       read high, low, high again and retry if the high half moved. */
    const volatile uint32_t *half = (const volatile uint32_t *)field;
    uint32_t hi, lo;
    do {
        hi = half[1];
        lo = half[0];
    } while (hi != half[1]);
    return (uint64_t)hi << 32 | lo;
}

uint64_t denali_now_ns(void) { return denali_read_u64(&DENALI->time_ns); }
uint64_t denali_boot_wall_ns(void) { return denali_read_u64(&DENALI->wall_ns); }
uint64_t denali_wall_ns(void) { return denali_boot_wall_ns() + denali_now_ns(); }

void denali_usleep(uint32_t us)
{
    uint64_t deadline = denali_now_ns() + (uint64_t)us * 1000u;
    for (;;) {
        uint64_t now = denali_now_ns();
        if (now >= deadline)
            return;
        uint64_t left_us = (deadline - now + 999u) / 1000u;
        denali_idle(left_us >= DENALI_IDLE_FOREVER ? DENALI_IDLE_FOREVER - 1 : (uint32_t)left_us);
    }
}
