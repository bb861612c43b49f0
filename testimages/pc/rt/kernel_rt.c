/*
 * Kernel side of the runtime: COM1 (16550A) polled output, exit through QEMU's
 * isa-debug-exit device (port 0xf4, QEMU exits with status (code << 1) | 1), the IDT, and
 * the hand-off from the multiboot loader to test_main().
 */
#include "kernel.h"

#define COM1 0x3F8
#define UART_THR 0 /* transmit holding register (DLAB=0) */
#define UART_IER 1
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THRE 0x20 /* transmit holding register empty */
#define DEBUG_EXIT_PORT 0xf4

const struct multiboot_info *rt_multiboot_info;
uint32_t rt_multiboot_magic;

struct idt_gate {
    uint16_t offset_lo, selector;
    uint8_t zero, type_attr;
    uint16_t offset_hi;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(8)));
extern uint8_t rt_trap_stubs[];
extern uint32_t rt_gdt[];
static rt_trap_hook_fn trap_hook;

static void uart_init(void)
{
    outb(COM1 + UART_IER, 0x00);       /* no interrupts: we poll */
    outb(COM1 + UART_LCR, 0x80);       /* DLAB on to reach the divisor latch */
    outb(COM1 + UART_DLL, 0x01);       /* divisor 1 = 115200 baud */
    outb(COM1 + UART_DLM, 0x00);
    outb(COM1 + UART_LCR, 0x03);       /* DLAB off, 8 data bits, no parity, 1 stop bit */
    outb(COM1 + UART_FCR, 0xC7);       /* FIFO on, clear both FIFOs, 14-byte trigger */
    outb(COM1 + UART_MCR, 0x0B);       /* DTR, RTS, OUT2 */
}

void rt_putc_raw(char c)
{
    while (!(inb(COM1 + UART_LSR) & LSR_THRE))
        ;
    outb(COM1 + UART_THR, (uint8_t)c);
}

void rt_exit(int code)
{
    outb(DEBUG_EXIT_PORT, (uint8_t)code);
    /* Not under QEMU (or the device is missing): stop here for good. */
    for (;;)
        __asm__ volatile("cli; hlt");
}

uint32_t rt_idt_stub(int vector) { return (uint32_t)rt_trap_stubs + 16u * (uint32_t)vector; }

void rt_idt_set_gate(int vector, uint32_t handler, uint16_t selector, int type, int dpl)
{
    idt[vector].offset_lo = handler & 0xFFFF;
    idt[vector].offset_hi = handler >> 16;
    idt[vector].selector = selector;
    idt[vector].zero = 0;
    idt[vector].type_attr = (uint8_t)(0x80 | (dpl << 5) | type);
}

void rt_gdt_set_tss(uint32_t base, uint32_t limit)
{
    /* Available 32-bit TSS (type 9), DPL 0, present, byte granular. */
    rt_gdt[SEL_TSS / 4] = (base << 16) | (limit & 0xFFFF);
    rt_gdt[SEL_TSS / 4 + 1] = (base & 0xFF000000) | (limit & 0x000F0000) | 0x8900 | ((base >> 16) & 0xFF);
}

void rt_set_trap_hook(rt_trap_hook_fn hook) { trap_hook = hook; }

void rt_trap(struct trap_frame *f);
void rt_trap(struct trap_frame *f)
{
    if (trap_hook && trap_hook(f))
        return;
    rt_printf("UNEXPECTED TRAP vector=%u error=%08x eip=%08x cs=%04x eflags=%08x\n",
              f->vector, f->error, f->eip, f->cs, f->eflags);
    rt_exit(3);
}

static void idt_init(void)
{
    for (int v = 0; v < 256; v++)
        rt_idt_set_gate(v, rt_idt_stub(v), SEL_KCODE, 0xE, 0);
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) d = { sizeof idt - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(d));
}

void rt_kernel_main(void) __attribute__((noreturn));
void rt_kernel_main(void)
{
    uart_init();
    idt_init();
    const char *cmdline = "";
    if (rt_multiboot_magic == 0x2BADB002 && (rt_multiboot_info->flags & (1u << 2)) && rt_multiboot_info->cmdline)
        cmdline = (const char *)rt_multiboot_info->cmdline;
    rt_exit(test_main(cmdline));
}
