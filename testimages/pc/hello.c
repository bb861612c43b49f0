/*
 * hello: the friendly demo kernel (the CLI's embedded default). Shows what the multiboot
 * loader handed over: the magic in EAX, mem_upper and the command line.
 */
#include "kernel.h"

int test_main(const char *cmdline)
{
    rt_printf("Hello from Denali-J test kernel\n");
    rt_printf("multiboot magic: %08x\n", rt_multiboot_magic);
    if (rt_multiboot_magic != 0x2BADB002) {
        rt_printf("not started by a multiboot loader\n");
        return 1;
    }
    const struct multiboot_info *mbi = rt_multiboot_info;
    if (mbi->flags & 1u)
        rt_printf("mem_lower: %u KiB, mem_upper: %u KiB\n", mbi->mem_lower, mbi->mem_upper);
    else
        rt_printf("mem_upper: not provided\n");
    rt_printf("command line: \"%s\"\n", cmdline);
    rt_printf("Bye.\n");
    return 0;
}
