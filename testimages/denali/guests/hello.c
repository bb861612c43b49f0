/*
 * hello: the smallest useful Denali guest. Prints its VM number, its command line and its
 * memory size from the register page, and exits with status 0 (3 if the register page does
 * not carry the Denali magic and version 1).
 */
#include <denali.h>
#include <stdio.h>

int main(const char *cmdline)
{
    if (DENALI->magic != DENALI_MAGIC || DENALI->version != DENALI_VERSION) {
        printf("hello: bad register page: magic %08x version %u\n", DENALI->magic, DENALI->version);
        return 3;
    }
    printf("Hello from Denali VM %u\n", DENALI->vm_id);
    printf("cmdline: [%s]\n", cmdline);
    printf("mem_size: %u bytes (%u KiB)\n", DENALI->mem_size, DENALI->mem_size / 1024);
    return 0;
}
