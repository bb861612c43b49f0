/*
 * crt0.S - entry point of a Denali guest.
 *
 * The kernel starts us (SPEC 6) at e_entry with ESP = mem_size, every other general register 0,
 * EFLAGS = 0x2 and the devices ready. We clear .bss (the loader zero-fills it too, but a guest
 * must not depend on how it was loaded), copy the command line out of the register page, call
 * int main(const char *cmdline), and end the VM with exit(main's return value), which flushes
 * stdout and executes TERMINATE.
 */
    .section .text.start, "ax"
    .globl _start
    .type _start, @function
_start:
    cld
    movl $__bss_start, %edi
    movl $_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb
    andl $-16, %esp             /* the i386 SysV ABI wants 16-byte alignment at each call */
    call denali_crt_init        /* returns the command-line copy */
    subl $12, %esp
    pushl %eax
    call main
    movl %eax, (%esp)
    call exit
    .byte 0x0f, 0x3f, 0x00      /* not reached: exit() terminates */
    .size _start, . - _start
    .section .note.GNU-stack, "", @progbits
