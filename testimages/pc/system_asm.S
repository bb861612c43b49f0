/*
 * Assembly pieces of the system kernel: a minimal setjmp/longjmp that a trap handler uses to
 * abandon a faulting instruction, the ring 3 entry, and the test routines. Every test routine
 * is a function; handlers print the faulting EIP as routine+offset, so the recorded output
 * does not depend on where the linker put things.
 */
    .text

/* int k_setjmp(struct kjmp *j): saves callee-saved registers, ESP and the return address. */
    .globl k_setjmp
k_setjmp:
    movl 4(%esp), %eax
    movl %ebx, 0(%eax)
    movl %esi, 4(%eax)
    movl %edi, 8(%eax)
    movl %ebp, 12(%eax)
    leal 4(%esp), %ecx
    movl %ecx, 16(%eax)
    movl (%esp), %ecx
    movl %ecx, 20(%eax)
    xorl %eax, %eax
    ret

/* void k_longjmp(struct kjmp *j, int value): back to ring 0 flat segments and the saved frame. */
    .globl k_longjmp
k_longjmp:
    movl 4(%esp), %edx
    movl 8(%esp), %eax
    movw $0x10, %cx
    movw %cx, %ss
    movl 16(%edx), %esp
    movw %cx, %ds
    movw %cx, %es
    xorw %cx, %cx
    movw %cx, %fs
    movw %cx, %gs
    movl 0(%edx), %ebx
    movl 4(%edx), %esi
    movl 8(%edx), %edi
    movl 12(%edx), %ebp
    cld
    jmp *20(%edx)

/* void enter_user(void (*entry)(void), uint32_t user_esp): IRET to ring 3 (IF stays clear). */
    .globl enter_user
enter_user:
    movl 4(%esp), %ecx
    movl 8(%esp), %edx
    movw $0x23, %ax
    movw %ax, %ds
    movw %ax, %es
    pushl $0x23          /* SS */
    pushl %edx           /* ESP */
    pushl $0x00000002    /* EFLAGS: IF=0, IOPL=0 */
    pushl $0x1b          /* CS */
    pushl %ecx           /* EIP */
    iret

/* ---- ring 0 fault routines ---- */
    .globl t_div0, t_idiv_overflow, t_ud2, t_ud_bytes, t_lock_nop, t_int3, t_int_3, t_into
    .globl t_into_clear, t_bad_selector, t_null_ss, t_readonly_segment, t_segment_limit
    .globl t_data_as_code
t_div0:
    xorl %ecx, %ecx
    movl $1, %eax
    xorl %edx, %edx
    divl %ecx
    ret
t_idiv_overflow:
    movl $0x80000000, %eax
    cltd
    movl $-1, %ecx
    idivl %ecx
    ret
t_ud2:
    nop
    ud2
    ret
t_ud_bytes:
    .byte 0x0f, 0x0b
    ret
t_lock_nop:
    .byte 0xf0, 0x90      /* LOCK NOP: the assembler refuses to write it */
    ret
t_int3:
    int3
    ret
t_int_3:
    int $3
    ret
t_into:
    movl $0x7fffffff, %eax
    addl $1, %eax         /* OF = 1 */
    into
    ret
t_into_clear:
    xorl %eax, %eax       /* OF = 0: INTO does nothing */
    into
    ret
t_bad_selector:
    movw $0x0100, %ax     /* index 32: beyond the GDT limit -> #GP(0x0100) */
    movw %ax, %ds
    ret
t_null_ss:
    xorw %ax, %ax         /* a null selector is fine in DS, never in SS -> #GP(0) */
    movw %ax, %ds
    movw %ax, %ss
    ret
t_readonly_segment:
    movw $0x30, %ax       /* read-only data segment: reads work, writes -> #GP(0) */
    movw %ax, %es
    movl %es:scratch, %eax
    movl %eax, %es:scratch
    ret
t_segment_limit:
    movw $0x38, %ax       /* limit 0xfff */
    movw %ax, %fs
    movl %fs:0xffc, %eax  /* last whole dword: fine */
    movl %fs:0xffe, %eax  /* crosses the limit -> #GP(0) */
    ret
t_data_as_code:
    ljmp $0x10, $1f       /* a data segment cannot be loaded into CS -> #GP(0x10) */
1:  ret

/* ---- paging routines (linear addresses set up by system.c) ---- */
    .globl t_pf_read_np, t_pf_write_np, t_pf_write_ro, t_pf_demand
t_pf_read_np:
    movl 0x00404123, %eax
    ret
t_pf_write_np:
    movl $1, 0x00404ffc
    ret
t_pf_write_ro:
    movl $0x5a5a5a5a, 0x00402010
    ret
t_pf_demand:
    movl $0xfeedf00d, 0x00407008  /* not present: the handler maps it and the write restarts */
    movl 0x00407008, %eax
    ret

/* ---- ring 3 routines; they end with the exit system call (eax = 0) ---- */
    .globl u_round_trip, u_cli, u_hlt, u_mov_cr0, u_in, u_int81, u_read_super, u_write_ro
    .globl u_read_np
u_round_trip:
    movl $1, %eax
    movl $user_message, %ebx
    int $0x80              /* print a string, then IRET back to ring 3 */
    movl $2, %eax
    int $0x80              /* report the frame the kernel saw */
    movw %cs, %cx
    movw %ss, %dx
    movl $3, %eax
    int $0x80              /* report CS and SS as ring 3 sees them (in ECX, EDX) */
    xorl %eax, %eax
    int $0x80
u_cli:
    cli
    jmp u_exit
u_hlt:
    hlt
    jmp u_exit
u_mov_cr0:
    movl %cr0, %eax
    jmp u_exit
u_in:
    inb $0x80, %al
    jmp u_exit
u_int81:
    int $0x81              /* gate DPL 0 < CPL 3 -> #GP(0x81*8+2) */
    jmp u_exit
u_read_super:
    movl 0x00403000, %eax  /* supervisor page -> #PF(U=1, P=1) */
    jmp u_exit
u_write_ro:
    movl $1, 0x00402000    /* read-only user page -> #PF(U=1, W=1, P=1) */
    jmp u_exit
u_read_np:
    movl 0x00404000, %eax  /* not present -> #PF(U=1) */
    jmp u_exit
u_exit:
    xorl %eax, %eax
    int $0x80

    .section .rodata
user_message:
    .asciz "hello from ring 3"

    .data
    .balign 4
    .globl scratch
scratch:
    .long 0x600dcafe
