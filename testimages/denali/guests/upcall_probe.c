/*
 * upcall-probe: a register-exact look at one upcall (SPEC 4), for the machine's tests.
 *
 * cmdline: one of
 *   idle     (default) TIMER (period 2000 us) fires while the guest IDLEs with interrupts on
 *   pending  TIMER fires while interrupts are off (intr_enable 0); the guest waits until
 *            intr_pending shows it, stops the timer, then enables and IDLEs: the upcall must
 *            come as that IDLE returns, for the interrupt that was already pending
 *   batch    like pending, but with a disk read on disk 0 also completed: one upcall must carry
 *            TIMER|DISK (mask 0x5). Needs a disk.
 * plus optionally `stack0`: intr_stack = 0, so the frame goes on the interrupted stack.
 *
 * It prints every value it saw (lines `frame NAME 0xXXXXXXXX`, `entry ...`, `after ...`),
 * then one `check NAME ok` or `MISMATCH NAME got 0x... expected 0x...` line per expectation,
 * and ends with `upcall-probe ok` (exit 0) or `upcall-probe: N mismatches` (exit 1).
 */
#include <denali.h>
#include <stdio.h>
#include <string.h>

#define REG_EBX 0xB0B1B2B3u
#define REG_ECX 0xC0C1C2C3u
#define REG_EDX 0xD0D1D2D3u
#define REG_ESI 0x51525354u
#define REG_EDI 0xD1D2D3D4u
#define REG_EBP 0xB5B6B7B8u
#define FLAGS_OUT 0x00000CD7u /* FLAGS_IN | bit 1 */
#define PROBE_NEW_ECX 0x600DF00Du

extern struct denali_upcall_frame probe_frame;
extern volatile uint32_t probe_entry_esp, probe_entry_enable, probe_entry_pending, probe_upcalls;
extern volatile uint32_t probe_after[10];
extern char probe_upcall_stack_top[], probe_main_stack_top[], probe_after_idle[];
void probe_run(void);
void probe_entry(void);

static int mismatches;

static void expect(const char *name, uint32_t got, uint32_t want)
{
    if (got == want) {
        printf("check %s ok\n", name);
    } else {
        printf("MISMATCH %s got 0x%08x expected 0x%08x\n", name, got, want);
        mismatches++;
    }
}

/* IDLEs (interrupts off) until every bit of `bits` is pending; 0 if that takes too long. */
/* Waits up to one second of VM time for all of `bits`. IDLE returns at once while any bit is already
 * pending (DISK may come long before TIMER), so the wait is bounded by time, not by a count of IDLEs. */
static int wait_pending(uint32_t bits)
{
    uint64_t deadline = denali_now_ns() + 1000000000ull;
    while (denali_now_ns() < deadline) {
        if ((DENALI->intr_pending & bits) == bits)
            return 1;
        denali_idle(10000);
    }
    return (DENALI->intr_pending & bits) == bits;
}

static uint8_t disk_buf[DENALI_BLOCK_SIZE];

int main(const char *cmdline)
{
    const char *mode = denali_has_word(cmdline, "batch") ? "batch" : denali_has_word(cmdline, "pending") ? "pending" : "idle";
    int stack0 = denali_has_word(cmdline, "stack0");
    uint32_t top = (uint32_t)probe_main_stack_top;
    uint32_t intr_stack = stack0 ? 0 : (uint32_t)probe_upcall_stack_top;
    uint32_t want_mask = DENALI_INTR_TIMER;

    DENALI->intr_enable = 0;
    DENALI->intr_handler = (uint32_t)probe_entry;
    DENALI->intr_stack = intr_stack;
    printf("upcall-probe: mode %s intr_stack 0x%08x\n", mode, intr_stack);
    printf("expect eip 0x%08x esp 0x%08x frame_at 0x%08x\n", (uint32_t)probe_after_idle, top,
           (stack0 ? top : intr_stack) - (uint32_t)sizeof(struct denali_upcall_frame));

    if (!strcmp(mode, "idle")) {
        DENALI->timer_period_us = 2000;
    } else {
        static volatile struct denali_disk_request rq;
        if (!strcmp(mode, "batch")) {
            if (DENALI->disk_count < 1) {
                printf("upcall-probe: FAIL: batch needs disk 0\n");
                return 1;
            }
            rq.op = DENALI_DISK_READ;
            rq.disk = 0;
            rq.block = 0;
            rq.count = 1;
            rq.addr = (uint32_t)disk_buf;
            denali_disk_submit(&rq);
            want_mask |= DENALI_INTR_DISK;
        }
        DENALI->timer_period_us = 1000;
        int ok = wait_pending(want_mask);
        DENALI->timer_period_us = 0;
        if (!ok) {
            printf("upcall-probe: FAIL: intr_pending 0x%08x never showed 0x%08x\n", DENALI->intr_pending, want_mask);
            return 1;
        }
        printf("pending before enable 0x%08x\n", DENALI->intr_pending);
    }

    probe_run();
    DENALI->timer_period_us = 0;

    static const char *const names[11] = { "mask", "edi", "esi", "ebp", "esp", "ebx", "edx", "ecx", "eax", "eip", "eflags" };
    const uint32_t *f = (const uint32_t *)&probe_frame;
    for (int i = 0; i < 11; i++)
        printf("frame %s 0x%08x\n", names[i], f[i]);
    printf("entry esp 0x%08x\n", probe_entry_esp);
    printf("entry intr_enable 0x%08x\n", probe_entry_enable);
    printf("entry intr_pending 0x%08x\n", probe_entry_pending);
    static const char *const after_names[10] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eflags", "intr_enable" };
    for (int i = 0; i < 10; i++)
        printf("after %s 0x%08x\n", after_names[i], probe_after[i]);
    printf("upcalls %u\n", probe_upcalls);

    expect("upcalls", probe_upcalls, 1);
    expect("frame.mask", probe_frame.mask, want_mask);
    expect("frame.edi", probe_frame.edi, REG_EDI);
    expect("frame.esi", probe_frame.esi, REG_ESI);
    expect("frame.ebp", probe_frame.ebp, REG_EBP);
    expect("frame.esp", probe_frame.esp, top);
    expect("frame.ebx", probe_frame.ebx, REG_EBX);
    expect("frame.edx", probe_frame.edx, REG_EDX);
    expect("frame.ecx", probe_frame.ecx, REG_ECX);
    expect("frame.eax", probe_frame.eax, DENALI_IDLE_INTERRUPT);
    expect("frame.eip", probe_frame.eip, (uint32_t)probe_after_idle);
    expect("frame.eflags", probe_frame.eflags, FLAGS_OUT);
    expect("entry.esp", probe_entry_esp, (stack0 ? top : intr_stack) - (uint32_t)sizeof(struct denali_upcall_frame));
    expect("entry.intr_enable", probe_entry_enable, 0);
    expect("entry.intr_pending", probe_entry_pending, 0);
    expect("after.eax", probe_after[0], DENALI_IDLE_INTERRUPT);
    expect("after.ecx", probe_after[1], PROBE_NEW_ECX);
    expect("after.edx", probe_after[2], REG_EDX);
    expect("after.ebx", probe_after[3], REG_EBX);
    expect("after.esp", probe_after[4], top);
    expect("after.ebp", probe_after[5], REG_EBP);
    expect("after.esi", probe_after[6], REG_ESI);
    expect("after.edi", probe_after[7], REG_EDI);
    expect("after.eflags", probe_after[8], FLAGS_OUT);
    expect("after.intr_enable", probe_after[9], 1);
    if (mismatches) {
        printf("upcall-probe: %d mismatches\n", mismatches);
        return 1;
    }
    printf("upcall-probe ok\n");
    return 0;
}
