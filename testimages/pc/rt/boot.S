/*
 * Kernel entry: Multiboot v1 header (ELF kernel, so no a.out address fields, flag bit 16
 * clear), 32-bit entry from the loader, our own GDT, a 64 KiB stack, and 256 interrupt
 * stubs that all funnel into rt_trap() with a struct trap_frame (see kernel.h).
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* bit 0: page-align modules, bit 1: provide mem_* fields */

    .section .multiboot, "a"
    .balign 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .text
    .globl _start
_start:
    cli
    cld
    movl $rt_stack_top, %esp
    movl %eax, rt_multiboot_magic
    movl %ebx, rt_multiboot_info
    lgdt gdt_descriptor
    ljmp $0x08, $1f
1:  movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movl $rt_stack_top, %esp
    xorl %ebp, %ebp
    fninit
    call rt_kernel_main     /* never returns */
2:  cli
    hlt
    jmp 2b

/* Interrupt stubs: 16 bytes apart so C can compute stub addresses. Vectors 8, 10-14 and 17
   get an error code from the CPU; every other stub pushes a zero in its place. */
    .balign 16
    .globl rt_trap_stubs
rt_trap_stubs:
    .set vec, 0
    .rept 256
    .balign 16
    .if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17)
    .else
    pushl $0
    .endif
    pushl $vec
    jmp trap_common
    .set vec, vec + 1
    .endr

trap_common:
    pushal
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    cld
    pushl %esp
    call rt_trap
    addl $4, %esp
    popl %gs
    popl %fs
    popl %es
    popl %ds
    popal
    addl $8, %esp
    iret

    .data
    .balign 8
    .globl rt_gdt
rt_gdt:
    .quad 0                      /* 0x00 null */
    .quad 0x00CF9A000000FFFF     /* 0x08 ring 0 code, 4 GiB, execute/read */
    .quad 0x00CF92000000FFFF     /* 0x10 ring 0 data, 4 GiB, read/write */
    .quad 0x00CFFA000000FFFF     /* 0x18 ring 3 code */
    .quad 0x00CFF2000000FFFF     /* 0x20 ring 3 data */
    .quad 0                      /* 0x28 TSS, set by rt_gdt_set_tss */
    .quad 0x00CF90000000FFFF     /* 0x30 ring 0 data, read-only */
    .quad 0x0040920000000FFF     /* 0x38 ring 0 data, byte granular, limit 0xfff */
gdt_end:
gdt_descriptor:
    .word gdt_end - rt_gdt - 1
    .long rt_gdt

    .bss
    .balign 16
    .space 65536
    .globl rt_stack_top
rt_stack_top:
