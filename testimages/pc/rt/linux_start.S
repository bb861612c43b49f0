/* Linux entry for the native builds: no C library, so _start hands argc/argv to C directly. */
    .text
    .globl _start
_start:
    xorl %ebp, %ebp
    movl (%esp), %eax        /* argc */
    leal 4(%esp), %edx       /* argv */
    andl $-16, %esp
    subl $8, %esp
    pushl %edx
    pushl %eax
    call rt_linux_main       /* never returns */
    hlt
