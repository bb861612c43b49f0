/*
 * intr.c - the interrupt dispatcher: one handler per interrupt bit, delivery counters, and
 * the C side of the upcall entry (upcall.S).
 */
#include <denali_os.h>

#define UPCALL_STACK (16u * 1024u)

static intr_handler_fn handlers[DENALI_INTR_COUNT];
static void *contexts[DENALI_INTR_COUNT];
static volatile uint32_t delivered[DENALI_INTR_COUNT];
static volatile uint32_t upcall_count;
static int installed;
static uint8_t upcall_stack[UPCALL_STACK] __attribute__((aligned(16)));

void intr_init(void)
{
    if (installed)
        return;
    installed = 1;
    DENALI->intr_stack = (uint32_t)(upcall_stack + UPCALL_STACK);
    DENALI->intr_handler = (uint32_t)denali_upcall_entry;
    __asm__ volatile("" : : : "memory");
    DENALI->intr_enable = 1;
}

void intr_register(unsigned bit, intr_handler_fn fn, void *ctx)
{
    if (bit >= DENALI_INTR_COUNT)
        return;
    uint32_t old = denali_intr_disable();
    handlers[bit] = fn;
    contexts[bit] = ctx;
    denali_intr_restore(old);
    intr_init();
}

uint32_t intr_seq(unsigned bit) { return bit < DENALI_INTR_COUNT ? delivered[bit] : 0; }
uint32_t intr_upcalls(void) { return upcall_count; }

void intr_dispatch(uint32_t mask, struct denali_upcall_frame *frame)
{
    for (unsigned bit = 0; bit < DENALI_INTR_COUNT; bit++)
        if (mask & (1u << bit)) {
            delivered[bit]++;
            if (handlers[bit])
                handlers[bit](bit, frame, contexts[bit]);
        }
}

void denali_upcall_dispatch(uint32_t mask, struct denali_upcall_frame *frame)
{
    upcall_count++;
    intr_dispatch(mask, frame);
}

uint32_t intr_poll(void)
{
    uint32_t mask = denali_take_pending();
    if (mask)
        intr_dispatch(mask, 0);
    return mask;
}
