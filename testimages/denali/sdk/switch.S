/*
 * switch.S - cooperative context switch for the thread layer.
 *
 *   void denali_switch(uint32_t *save_esp, uint32_t new_esp)
 *
 * Saves the callee-saved registers (EBP, EBX, ESI, EDI) on the current stack, stores ESP in
 * *save_esp, loads new_esp and pops the same four registers from it before returning on the
 * new stack. A new thread's stack is prepared by thread.c to look like a switched-out one
 * whose return address is its start routine. EFLAGS need not be kept: DF is 0 at every call
 * (ABI) and the other flags are dead across a call.
 */
    .text
    .globl denali_switch
    .type denali_switch, @function
    .p2align 4
denali_switch:
    movl 4(%esp), %eax          /* save_esp */
    movl 8(%esp), %edx          /* new_esp */
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, (%eax)
    movl %edx, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret
    .size denali_switch, . - denali_switch
    .section .note.GNU-stack, "", @progbits
