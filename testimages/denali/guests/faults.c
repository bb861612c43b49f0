/*
 * faults: ends the VM with one chosen x86 exception, so tests can check the kernel's report
 * (VM, exception, EIP, faulting address) and the exit status (128 + vector under the CLI).
 *
 * cmdline: the first word that names a fault below is triggered after printing
 *     faults: triggering WORD (expect #XX)
 * Words with no fault name are ignored; with none at all the guest lists them and exits 2.
 * `spin` is not a fault: it loops forever without IDLE (for isolation and quantum tests).
 */
#include <denali.h>
#include <stdio.h>
#include <string.h>

extern char __image_start[];

static void trigger_de(void)
{
    __asm__ volatile("xorl %%edx, %%edx\n\tmovl $1, %%eax\n\txorl %%ecx, %%ecx\n\tdivl %%ecx" : : : "eax", "ecx", "edx");
}
static void trigger_ud(void) { __asm__ volatile("ud2"); }
static void trigger_cli(void) { __asm__ volatile("cli"); }
static void trigger_hlt(void) { __asm__ volatile("hlt"); }
static void trigger_rdmsr(void) { __asm__ volatile("xorl %%ecx, %%ecx\n\trdmsr" : : : "eax", "ecx", "edx"); }
static void trigger_movcr(void) { __asm__ volatile("movl %%cr0, %%eax" : : : "eax"); }
static void trigger_pf(void)
{
    uint32_t v;
    __asm__ volatile("movl 0xF0000000, %0" : "=r"(v));
}
static void trigger_bp(void) { __asm__ volatile("int3"); }
static void trigger_of(void) { __asm__ volatile("movb $0x7F, %%al\n\taddb $1, %%al\n\tinto" : : : "eax", "cc"); }
static void trigger_int(void) { __asm__ volatile("int $0x80"); }
static void trigger_io(void) { __asm__ volatile("movb $0x55, %%al\n\toutb %%al, $0x80" : : : "eax"); }
static void trigger_segment(void) { __asm__ volatile("movw $0x0008, %%ax\n\tmovw %%ax, %%ds" : : : "eax"); }
static void trigger_badvirt(void) { __asm__ volatile(".byte 0x0f, 0x3f, 0x07"); }
static void trigger_stack(void)
{
    /* Below the image (0x10000) there is only free memory and the register page: push zeros
       from there until ESP passes 0 and the push at 0xFFFFFFFC lands outside memory. */
    __asm__ volatile("movl %0, %%esp\n"
                     "1:\tpushl $0\n\t"
                     "jmp 1b" : : "r"(__image_start));
}
static void trigger_div_overflow(void)
{
    __asm__ volatile("movl $0x80000000, %%eax\n\tcltd\n\tmovl $-1, %%ecx\n\tidivl %%ecx" : : : "eax", "ecx", "edx");
}
static void trigger_spin(void)
{
    for (;;)
        __asm__ volatile("");
}

static const struct fault {
    const char *word;
    const char *expect;
    void (*trigger)(void);
} faults[] = {
    { "de", "#DE", trigger_de },
    { "ud", "#UD", trigger_ud },
    { "gp", "#GP", trigger_cli },
    { "cli", "#GP", trigger_cli },
    { "hlt", "#GP", trigger_hlt },
    { "rdmsr", "#GP", trigger_rdmsr },
    { "movcr", "#GP", trigger_movcr },
    { "pf", "#PF", trigger_pf },
    { "bp", "#BP", trigger_bp },
    { "of", "#OF", trigger_of },
    { "int", "#GP", trigger_int },
    { "io", "#GP", trigger_io },
    { "segment", "#GP", trigger_segment },
    { "badvirt", "#UD", trigger_badvirt },
    { "stack", "#PF", trigger_stack },
    { "div-overflow", "#DE", trigger_div_overflow },
    { "spin", "no fault: loops forever", trigger_spin },
};
#define NFAULTS (sizeof faults / sizeof faults[0])

int main(const char *cmdline)
{
    char word[64];
    const char *p = cmdline;
    while (denali_next_word(&p, word, sizeof word))
        for (size_t i = 0; i < NFAULTS; i++)
            if (!strcmp(word, faults[i].word)) {
                printf("faults: triggering %s (expect %s)\n", faults[i].word, faults[i].expect);
                faults[i].trigger();
                printf("faults: FAIL: %s did not fault\n", faults[i].word);
                return 1;
            }
    printf("faults: name one of:");
    for (size_t i = 0; i < NFAULTS; i++)
        printf(" %s", faults[i].word);
    printf("\n");
    return 2;
}
