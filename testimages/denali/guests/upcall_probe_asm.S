/*
 * upcall_probe_asm.S - the register-exact half of the upcall-probe guest.
 *
 * probe_run() loads known values into every general register and EFLAGS, switches to a
 * stack whose top is known (probe_main_stack_top), sets intr_enable = 1 and IDLEs. The
 * upcall lands in probe_entry, which copies the 11-dword frame the kernel pushed into
 * probe_frame, records ESP, intr_enable and intr_pending as it found them, stops the timer,
 * overwrites the saved ECX with PROBE_NEW_ECX (to prove that IRET restores from the frame)
 * and IRETs. Back at probe_after_idle every register and EFLAGS is stored in probe_after.
 * The constants are repeated in upcall_probe.c and in the README.
 */
#define REG_EBX 0xB0B1B2B3
#define REG_ECX 0xC0C1C2C3
#define REG_EDX 0xD0D1D2D3
#define REG_ESI 0x51525354
#define REG_EDI 0xD1D2D3D4
#define REG_EBP 0xB5B6B7B8
#define IDLE_TIMEOUT 100000
#define FLAGS_IN 0x00000CD5 /* CF PF AF ZF SF DF OF */
#define PROBE_NEW_ECX 0x600DF00D

#define REG_INTR_ENABLE (denali_regs + 0x40)
#define REG_INTR_PENDING (denali_regs + 0x44)
#define REG_TIMER_PERIOD (denali_regs + 0x50)

    .data
    .p2align 2
    .globl probe_frame, probe_entry_esp, probe_entry_enable, probe_entry_pending, probe_upcalls, probe_after
probe_frame:            .space 44       /* mask edi esi ebp esp ebx edx ecx eax eip eflags */
probe_entry_esp:        .long 0
probe_entry_enable:     .long 0xFFFFFFFF
probe_entry_pending:    .long 0xFFFFFFFF
probe_upcalls:          .long 0
probe_after:            .space 40       /* eax ecx edx ebx esp ebp esi edi eflags intr_enable */
probe_saved_c_esp:      .long 0

    .bss
    .p2align 4
    .globl probe_upcall_stack_top, probe_main_stack_top
probe_upcall_stack:     .space 4096
probe_upcall_stack_top:
                        .space 16
probe_main_stack:       .space 4096
probe_main_stack_top:
                        .space 16

    .text
    .globl probe_run, probe_entry, probe_idle, probe_after_idle

/* void probe_run(void): cdecl, preserves the C caller's registers. */
    .p2align 4
probe_run:
    pushal
    movl %esp, probe_saved_c_esp
    movl $probe_main_stack_top, %esp
    movl $REG_EBX, %ebx
    movl $REG_ECX, %ecx
    movl $REG_EDX, %edx
    movl $REG_ESI, %esi
    movl $REG_EDI, %edi
    movl $REG_EBP, %ebp
    pushl $FLAGS_IN
    popfl                               /* ESP is back at probe_main_stack_top */
    movl $1, REG_INTR_ENABLE            /* MOV does not touch EFLAGS */
    movl $IDLE_TIMEOUT, %eax
probe_idle:
    .byte 0x0f, 0x3f, 0x01              /* IDLE: the upcall comes when it returns */
probe_after_idle:
    pushfl
    popl probe_after + 32
    movl %eax, probe_after + 0
    movl %ecx, probe_after + 4
    movl %edx, probe_after + 8
    movl %ebx, probe_after + 12
    movl %esp, probe_after + 16
    movl %ebp, probe_after + 20
    movl %esi, probe_after + 24
    movl %edi, probe_after + 28
    movl REG_INTR_ENABLE, %eax
    movl %eax, probe_after + 36
    movl $0, REG_INTR_ENABLE
    cld
    movl probe_saved_c_esp, %esp
    popal
    ret

/* The upcall entry: ESP points at the mask the kernel pushed. */
    .p2align 4
probe_entry:
    movl %esp, probe_entry_esp
    pushl %esi
    pushl %edi
    pushl %ecx
    leal 12(%esp), %esi
    movl $probe_frame, %edi
    movl $11, %ecx
    cld
    rep movsl
    popl %ecx
    popl %edi
    popl %esi
    movl REG_INTR_ENABLE, %eax
    movl %eax, probe_entry_enable
    movl REG_INTR_PENDING, %eax
    movl %eax, probe_entry_pending
    movl $0, REG_TIMER_PERIOD
    incl probe_upcalls
    movl $PROBE_NEW_ECX, 28(%esp)       /* frame.ecx: mask(0) edi esi ebp esp ebx edx ecx(28) */
    .byte 0x0f, 0x3f, 0x02              /* IRET */

    .section .note.GNU-stack, "", @progbits
