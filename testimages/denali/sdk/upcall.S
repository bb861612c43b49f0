/*
 * upcall.S - the SDK's upcall entry point (put its address in intr_handler; intr_init does).
 *
 * On entry (SPEC 4) the kernel has pushed, on intr_stack or on the interrupted stack, the
 * interrupted EFLAGS, EIP, the general registers as PUSHAD leaves them and the pending mask,
 * and ESP points at the mask; intr_enable is 0. We align the stack, call
 *     void denali_upcall_dispatch(uint32_t mask, struct denali_upcall_frame *frame)
 * with DF clear (the C ABI requires it), drop back to the frame and IRET (0F 3F 02), which
 * restores the registers, EIP and EFLAGS from the frame (so a handler may edit them) and sets
 * intr_enable to 1. No general register needs saving here: IRET reloads them all.
 */
    .text
    .globl denali_upcall_entry
    .type denali_upcall_entry, @function
    .p2align 4
denali_upcall_entry:
    cld
    movl %esp, %ebp             /* ebp = the frame */
    andl $-16, %esp
    subl $8, %esp
    pushl %ebp                  /* frame */
    pushl (%ebp)                /* mask */
    call denali_upcall_dispatch
    movl %ebp, %esp
    .byte 0x0f, 0x3f, 0x02      /* IRET */
    .size denali_upcall_entry, . - denali_upcall_entry
    .section .note.GNU-stack, "", @progbits
