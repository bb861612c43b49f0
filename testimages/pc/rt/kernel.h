/*
 * Kernel-only part of the runtime: port I/O, the runtime's GDT/IDT layout and the trap frame
 * that every interrupt stub builds. Only kernels that play with the machine (system.c, hello.c)
 * include this; the torture and compute programs stay portable to Linux.
 */
#ifndef DENALI_KERNEL_H
#define DENALI_KERNEL_H

#include "rt.h"

/* GDT selectors installed by boot.S (index * 8 | RPL). */
#define SEL_KCODE 0x08  /* ring 0 code, base 0, limit 4 GiB, execute/read */
#define SEL_KDATA 0x10  /* ring 0 data, base 0, limit 4 GiB, read/write */
#define SEL_UCODE 0x1b  /* ring 3 code (index 3, RPL 3) */
#define SEL_UDATA 0x23  /* ring 3 data (index 4, RPL 3) */
#define SEL_TSS   0x28  /* 32-bit TSS, filled in by rt_gdt_set_tss() */
#define SEL_KRO   0x30  /* ring 0 data, read-only, base 0, limit 4 GiB */
#define SEL_KSMALL 0x38 /* ring 0 data, read/write, base 0, limit 0xfff (4 KiB) */
#define GDT_ENTRIES 8

struct multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
};

/* What the common interrupt stub pushes, lowest address first. user_esp/user_ss are
   only present when the CPU came from ring 3. */
struct trap_frame {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
    uint32_t user_esp, user_ss;
};

/* A kernel may claim traps: return nonzero when handled (the stub then IRETs with the
   possibly modified frame). Unclaimed traps print a diagnostic and exit with code 3. */
typedef int (*rt_trap_hook_fn)(struct trap_frame *f);
void rt_set_trap_hook(rt_trap_hook_fn hook);
/* type: 0xE = 32-bit interrupt gate, 0xF = 32-bit trap gate. */
void rt_idt_set_gate(int vector, uint32_t handler, uint16_t selector, int type, int dpl);
uint32_t rt_idt_stub(int vector);
void rt_gdt_set_tss(uint32_t base, uint32_t limit);

extern const struct multiboot_info *rt_multiboot_info;
extern uint32_t rt_multiboot_magic;
extern uint8_t rt_stack_top[];

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

#endif
