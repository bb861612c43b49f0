/*
 * system: protected-mode machinery. IDT handlers for every vector; #DE #UD #BP #OF #GP #PF
 * provoked on purpose with their error codes and CR2; paging with aliasing, read-only pages
 * under CR0.WP=1 and =0, INVLPG (stale then fresh mapping), accessed/dirty bits, a 4 MiB page
 * (CR4.PSE), a restartable page fault; a ring 0 -> ring 3 -> ring 0 round trip through a
 * TSS; PIT channel 0 interrupts through the 8259A PIC with STI/HLT.
 *
 * Every trap line shows the vector, error code, EIP as routine+offset, and CR2. Nothing
 * printed depends on timing or on link addresses (kernel-internal addresses are printed
 * relative to a symbol), so QEMU and Denali-J must print exactly the same.
 * Exit code 0 when every expectation held, 1 otherwise (the FAIL lines say which).
 * Command line word "segcheck" adds segment limit/type checks on data accesses (see
 * segment_check_tests: QEMU fails them, a precise emulator must pass them).
 */
#include "kernel.h"

struct kjmp { uint32_t ebx, esi, edi, ebp, esp, eip; };
int k_setjmp(struct kjmp *j) __attribute__((returns_twice));
void k_longjmp(struct kjmp *j, int value) __attribute__((noreturn));
void enter_user(void (*entry)(void), uint32_t user_esp) __attribute__((noreturn));

#define ROUTINES(X)                                                                                \
    X(t_div0) X(t_idiv_overflow) X(t_ud2) X(t_ud_bytes) X(t_lock_nop) X(t_int3) X(t_int_3)       \
    X(t_into) X(t_into_clear) X(t_bad_selector) X(t_null_ss) X(t_readonly_segment)               \
    X(t_segment_limit) X(t_data_as_code) X(t_pf_read_np) X(t_pf_write_np) X(t_pf_write_ro)       \
    X(t_pf_demand) X(u_round_trip) X(u_cli) X(u_hlt) X(u_mov_cr0) X(u_in) X(u_int81)             \
    X(u_read_super) X(u_write_ro) X(u_read_np)
#define DECLARE(name) void name(void);
ROUTINES(DECLARE)
extern uint32_t scratch;

static int failures;
static void fail(const char *what)
{
    rt_printf("FAIL: %s\n", what);
    failures++;
}

/* ---- control registers ---- */
static uint32_t read_cr0(void) { uint32_t v; __asm__ volatile("movl %%cr0, %0" : "=r"(v)); return v; }
static uint32_t read_cr2(void) { uint32_t v; __asm__ volatile("movl %%cr2, %0" : "=r"(v)); return v; }
static uint32_t read_cr4(void) { uint32_t v; __asm__ volatile("movl %%cr4, %0" : "=r"(v)); return v; }
static void write_cr0(uint32_t v) { __asm__ volatile("movl %0, %%cr0" : : "r"(v) : "memory"); }
static void write_cr3(uint32_t v) { __asm__ volatile("movl %0, %%cr3" : : "r"(v) : "memory"); }
static void write_cr4(uint32_t v) { __asm__ volatile("movl %0, %%cr4" : : "r"(v) : "memory"); }
static void invlpg(uint32_t lin) { __asm__ volatile("invlpg (%0)" : : "r"(lin) : "memory"); }
#define CR0_PG 0x80000000u
#define CR0_WP 0x00010000u
#define CR4_PSE 0x00000010u

/* ---- expectations: which trap the running test should raise ---- */
static struct kjmp jb;
static const char *cur_name;
static uint32_t cur_base;
static int expecting, got_vector, got_count;
static uint32_t got_error;
/* Traps (#BP, #OF) and the demand-paging fault resume; everything else abandons the routine. */
static int resume_after_trap;
static volatile uint32_t *demand_pte;
static uint32_t demand_value;

static uint8_t tss_stack[8192] __attribute__((aligned(16)));
static uint8_t user_stack[8192] __attribute__((aligned(16)));
#define TSS_ESP0 ((uint32_t)tss_stack + sizeof tss_stack)
#define USER_ESP ((uint32_t)user_stack + sizeof user_stack)
static uint32_t tss[26] __attribute__((aligned(8)));

static volatile uint32_t ticks;
static uint32_t isr_in_handler, isr_after_eoi;

static void print_eip(uint32_t eip)
{
    if (cur_name && eip >= cur_base && eip < cur_base + 256)
        rt_printf("%s+%u", cur_name, eip - cur_base);
    else
        rt_printf("(outside %s)", cur_name ? cur_name : "any routine");
}

static int syscall_from_ring3(struct trap_frame *f)
{
    switch (f->eax) {
    case 0: /* exit: back to the kernel context that started the ring 3 code */
        rt_printf("  int 0x80 exit from ring 3\n");
        k_longjmp(&jb, 2);
    case 1:
        rt_printf("  int 0x80 print: \"%s\"\n", (const char *)f->ebx);
        return 1;
    case 2: {
        uint16_t ss;
        __asm__ volatile("movw %%ss, %0" : "=r"(ss));
        rt_printf("  int 0x80 frame: cs=%04x eip=", f->cs);
        print_eip(f->eip);
        rt_printf(" ss=%04x esp=user_stack_top-%u; handler ss=%04x, CPU pushed at esp0-%u\n",
                  f->user_ss, USER_ESP - f->user_esp, ss, TSS_ESP0 - (uint32_t)&f->eip);
        return 1;
    }
    case 3:
        rt_printf("  int 0x80 ring 3 sees cs=%04x ss=%04x\n", f->ecx & 0xFFFF, f->edx & 0xFFFF);
        return 1;
    }
    return 0;
}

static int trap_hook(struct trap_frame *f)
{
    if (f->vector == 0x20) { /* IRQ 0 */
        ticks++;
        if (ticks == 1) {
            outb(0x20, 0x0B); /* OCW3: read ISR */
            isr_in_handler = inb(0x20);
        }
        outb(0x20, 0x20); /* non-specific EOI */
        if (ticks == 1)
            isr_after_eoi = inb(0x20);
        return 1;
    }
    if (f->vector == 0x80 && (f->cs & 3) == 3)
        return syscall_from_ring3(f);
    if (!expecting)
        return 0;
    got_count++;
    got_vector = (int)f->vector;
    got_error = f->error;
    rt_printf("  trap vector=%u error=%04x eip=", f->vector, f->error);
    print_eip(f->eip);
    rt_printf(" cr2=%08x", read_cr2());
    if ((f->cs & 3) == 3)
        rt_printf(" from ring 3: cs=%04x ss=%04x esp=user_stack_top-%u", f->cs, f->user_ss, USER_ESP - f->user_esp);
    rt_printf("\n");
    if (f->vector == 14 && demand_pte) {
        *demand_pte = demand_value;
        demand_pte = 0;
        rt_printf("  page mapped by the handler; restarting the instruction\n");
        return 1;
    }
    if (resume_after_trap)
        return 1;
    k_longjmp(&jb, 1);
}

/* Runs a ring 0 routine that should raise `vector` (or none when vector < 0). */
static void expect(const char *title, const char *name, void (*fn)(void), int vector, int resume)
{
    rt_printf("%s\n", title);
    cur_name = name;
    cur_base = (uint32_t)fn;
    expecting = 1;
    got_count = 0;
    got_vector = -1;
    resume_after_trap = resume;
    if (k_setjmp(&jb) == 0) {
        fn();
        rt_printf("  returned normally\n");
    }
    expecting = 0;
    if (vector >= 0 ? (got_count != 1 || got_vector != vector) : got_count != 0)
        fail(title);
}

/* Runs a ring 3 routine through IRET; it comes back through INT 0x80 (exit) or a fault. */
static void expect_user(const char *title, const char *name, void (*fn)(void), int vector)
{
    rt_printf("%s\n", title);
    cur_name = name;
    cur_base = (uint32_t)fn;
    expecting = 1;
    got_count = 0;
    got_vector = -1;
    resume_after_trap = 0;
    int how = k_setjmp(&jb);
    if (how == 0)
        enter_user(fn, USER_ESP);
    expecting = 0;
    uint16_t cs, ss;
    __asm__ volatile("movw %%cs, %0\n\tmovw %%ss, %1" : "=r"(cs), "=r"(ss));
    rt_printf("  back in ring 0 (%s): cs=%04x ss=%04x\n", how == 2 ? "exit call" : "fault", cs, ss);
    if (vector >= 0 ? (got_count != 1 || got_vector != vector) : (got_count != 0 || how != 2))
        fail(title);
}

static void check_error(const char *what, uint32_t want)
{
    if (got_count == 1 && got_error != want) {
        rt_printf("  error code %04x, expected %04x\n", got_error, want);
        fail(what);
    }
}

/* ---- paging structures ---- */
#define PTE_P 0x001u
#define PTE_W 0x002u
#define PTE_U 0x004u
#define PTE_A 0x020u
#define PTE_D 0x040u
#define PDE_PS 0x080u
/* volatile: the CPU writes A/D bits behind the compiler's back. */
static volatile uint32_t page_dir[1024] __attribute__((aligned(4096)));
static volatile uint32_t pt_low[1024] __attribute__((aligned(4096)));  /* 0-4 MiB identity */
static volatile uint32_t pt_test[1024] __attribute__((aligned(4096))); /* 4-8 MiB test pages */
static uint8_t frames[8][4096] __attribute__((aligned(4096)));
#define FRAME(i) ((uint32_t)frames[i])
#define TEST_LIN(i) (0x00400000u + 0x1000u * (i))

static void print_flags(const char *label, uint32_t entry)
{
    rt_printf("  %s flags=%03x (A=%u D=%u)\n", label, entry & 0xFFF, (entry >> 5) & 1, (entry >> 6) & 1);
}

static void paging_setup(void)
{
    for (uint32_t i = 0; i < 1024; i++)
        pt_low[i] = (i << 12) | PTE_P | PTE_W | PTE_U;
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4096; j += 4)
            *(uint32_t *)&frames[i][j] = 0x11111111u * (uint32_t)i + (uint32_t)j;
    pt_test[0] = FRAME(0) | PTE_P | PTE_W | PTE_U;  /* 0x400000 and 0x401000: one frame */
    pt_test[1] = FRAME(0) | PTE_P | PTE_W | PTE_U;
    pt_test[2] = FRAME(1) | PTE_P | PTE_U;          /* read-only */
    pt_test[3] = FRAME(2) | PTE_P | PTE_W;          /* supervisor only */
    pt_test[4] = 0;                                 /* not present */
    pt_test[5] = FRAME(3) | PTE_P | PTE_W;          /* INVLPG test */
    pt_test[6] = FRAME(5) | PTE_P | PTE_W;          /* accessed/dirty test */
    pt_test[7] = 0;                                 /* demand-paged */
    page_dir[0] = (uint32_t)pt_low | PTE_P | PTE_W | PTE_U;
    page_dir[1] = (uint32_t)pt_test | PTE_P | PTE_W | PTE_U;
    page_dir[2] = 0x00000000u | PDE_PS | PTE_P | PTE_W; /* 0x800000: 4 MiB page onto physical 0 */
}

static volatile uint32_t *lin(uint32_t a) { return (volatile uint32_t *)a; }

static void paging_tests(void)
{
    rt_printf("paging: identity map 0-4 MiB, test pages at 0x00400000, 4 MiB page at 0x00800000\n");
    paging_setup();
    write_cr3((uint32_t)page_dir);
    write_cr4(read_cr4() | CR4_PSE);
    write_cr0(read_cr0() | CR0_PG | CR0_WP);
    rt_printf("  paging on: cr0.pg=%u cr0.wp=%u cr4.pse=%u\n", read_cr0() >> 31, (read_cr0() >> 16) & 1,
              (read_cr4() >> 4) & 1);

    rt_printf("aliasing: 0x00400000 and 0x00401000 map one frame\n");
    *lin(0x00400010) = 0xA11A5ED0;
    uint32_t alias = *lin(0x00401010);
    rt_printf("  wrote a11a5ed0 at 0x00400010, read %08x at 0x00401010\n", alias);
    if (alias != 0xA11A5ED0) fail("aliasing");

    expect("#PF read of a not-present page", "t_pf_read_np", t_pf_read_np, 14, 0);
    check_error("#PF read not present", 0x0000);
    expect("#PF write to a not-present page", "t_pf_write_np", t_pf_write_np, 14, 0);
    check_error("#PF write not present", 0x0002);
    expect("#PF supervisor write to a read-only page, CR0.WP=1", "t_pf_write_ro", t_pf_write_ro, 14, 0);
    check_error("#PF write read-only WP=1", 0x0003);

    rt_printf("supervisor write to a read-only page, CR0.WP=0\n");
    write_cr0(read_cr0() & ~CR0_WP);
    expect("  (no fault expected)", "t_pf_write_ro", t_pf_write_ro, -1, 0);
    rt_printf("  read back %08x\n", *lin(0x00402010));
    if (*lin(0x00402010) != 0x5A5A5A5A) fail("WP=0 write");
    write_cr0(read_cr0() | CR0_WP);

    rt_printf("INVLPG: remap 0x00405000 from frame 3 to frame 4\n");
    uint32_t first = *lin(0x00405000);
    pt_test[5] = FRAME(4) | PTE_P | PTE_W;
    uint32_t stale = *lin(0x00405000); /* the TLB still holds the old translation */
    invlpg(0x00405000);
    uint32_t fresh = *lin(0x00405000);
    rt_printf("  before=%08x after PTE write, no INVLPG=%08x after INVLPG=%08x\n", first, stale, fresh);
    if (first != 0x33333333 || stale != 0x33333333 || fresh != 0x44444444) fail("INVLPG");

    rt_printf("accessed/dirty bits of the PTE for 0x00406000 and of the PDE for 4-8 MiB\n");
    pt_test[6] &= ~(PTE_A | PTE_D);
    page_dir[1] &= ~(PTE_A | PTE_D);
    write_cr3((uint32_t)page_dir); /* flush the whole TLB */
    print_flags("pte before", pt_test[6]);
    print_flags("pde before", page_dir[1]);
    uint32_t v = *lin(0x00406004);
    print_flags("pte after read", pt_test[6]);
    print_flags("pde after read", page_dir[1]);
    *lin(0x00406004) = v + 1;
    print_flags("pte after write", pt_test[6]);
    if ((pt_test[6] & (PTE_A | PTE_D)) != (PTE_A | PTE_D) || !(page_dir[1] & PTE_A)) fail("A/D bits");

    rt_printf("4 MiB page: 0x00800000 maps physical 0 (CR4.PSE)\n");
    page_dir[2] &= ~(PTE_A | PTE_D);
    invlpg(0x00800000u + (uint32_t)&scratch);
    print_flags("pde before", page_dir[2]);
    uint32_t via_big = *lin(0x00800000u + (uint32_t)&scratch);
    print_flags("pde after read", page_dir[2]);
    *lin(0x00800000u + (uint32_t)&scratch) = 0xB16B00B5;
    print_flags("pde after write", page_dir[2]);
    rt_printf("  read %08x through the 4 MiB page, scratch is now %08x\n", via_big, scratch);
    if (via_big != 0x600DCAFE || scratch != 0xB16B00B5) fail("4 MiB page");

    rt_printf("demand paging: the #PF handler maps the page and the write restarts\n");
    demand_pte = &pt_test[7];
    demand_value = FRAME(6) | PTE_P | PTE_W;
    expect("#PF write to a not-present page, fixed by the handler", "t_pf_demand", t_pf_demand, 14, 1);
    check_error("#PF demand", 0x0002);
    rt_printf("  value at 0x00407008 = %08x\n", *lin(0x00407008));
    if (*lin(0x00407008) != 0xFEEDF00D) fail("demand paging");

    expect_user("#PF user read of a supervisor page", "u_read_super", u_read_super, 14);
    check_error("#PF user read supervisor", 0x0005);
    expect_user("#PF user write to a read-only page", "u_write_ro", u_write_ro, 14);
    check_error("#PF user write read-only", 0x0007);
    expect_user("#PF user read of a not-present page", "u_read_np", u_read_np, 14);
    check_error("#PF user read not present", 0x0004);
    expect_user("ring 3 round trip with paging on", "u_round_trip", u_round_trip, -1);
}

static void exception_tests(void)
{
    expect("#DE: DIV by zero", "t_div0", t_div0, 0, 0);
    expect("#DE: IDIV overflow (0x80000000 / -1)", "t_idiv_overflow", t_idiv_overflow, 0, 0);
    expect("#UD: UD2", "t_ud2", t_ud2, 6, 0);
    expect("#UD: bytes 0F 0B", "t_ud_bytes", t_ud_bytes, 6, 0);
    expect("#UD: LOCK prefix on NOP", "t_lock_nop", t_lock_nop, 6, 0);
    expect("#BP: INT3 (CC), resumes after it", "t_int3", t_int3, 3, 1);
    expect("#BP: INT 3 (CD 03), resumes after it", "t_int_3", t_int_3, 3, 1);
    expect("#OF: INTO with OF=1, resumes after it", "t_into", t_into, 4, 1);
    expect("INTO with OF=0: no trap", "t_into_clear", t_into_clear, -1, 0);
    expect("#GP: selector beyond the GDT limit into DS", "t_bad_selector", t_bad_selector, 13, 0);
    check_error("#GP bad selector", 0x0100);
    expect("#GP: null selector into SS", "t_null_ss", t_null_ss, 13, 0);
    check_error("#GP null SS", 0x0000);
    expect("#GP: far jump to a data segment", "t_data_as_code", t_data_as_code, 13, 0);
    check_error("#GP data segment as code", 0x0010);
}

/* Segment type and limit checks on ordinary data accesses. QEMU's TCG does not make them
   (it checks segments only when a selector is loaded), so these run only on request
   (command line word "segcheck") and are judged by the kernel itself, not by a recording. */
static void segment_check_tests(void)
{
    expect("#GP: write through a read-only data segment", "t_readonly_segment", t_readonly_segment, 13, 0);
    check_error("#GP read-only segment", 0x0000);
    expect("#GP: access beyond a segment limit", "t_segment_limit", t_segment_limit, 13, 0);
    check_error("#GP segment limit", 0x0000);
}

static void ring3_tests(void)
{
    tss[1] = TSS_ESP0;            /* ESP0 */
    tss[2] = SEL_KDATA;           /* SS0 */
    tss[25] = (uint32_t)sizeof tss << 16; /* I/O map base beyond the limit: no I/O bitmap */
    rt_gdt_set_tss((uint32_t)tss, sizeof tss - 1);
    __asm__ volatile("ltr %w0" : : "r"(SEL_TSS));
    rt_idt_set_gate(0x80, rt_idt_stub(0x80), SEL_KCODE, 0xE, 3); /* callable from ring 3 */
    rt_printf("TSS loaded: ss0=%04x esp0=tss_stack_top\n", SEL_KDATA);
    expect_user("ring 0 -> ring 3 (IRET) -> ring 0 (INT 0x80)", "u_round_trip", u_round_trip, -1);
    expect_user("#GP: CLI at ring 3 with IOPL 0", "u_cli", u_cli, 13);
    check_error("#GP cli", 0x0000);
    expect_user("#GP: HLT at ring 3", "u_hlt", u_hlt, 13);
    check_error("#GP hlt", 0x0000);
    expect_user("#GP: MOV from CR0 at ring 3", "u_mov_cr0", u_mov_cr0, 13);
    check_error("#GP mov cr0", 0x0000);
    expect_user("#GP: IN at ring 3 without an I/O bitmap", "u_in", u_in, 13);
    check_error("#GP in", 0x0000);
    expect_user("#GP: INT 0x81 through a DPL 0 gate", "u_int81", u_int81, 13);
    check_error("#GP int 0x81", 0x81 * 8 + 2);
}

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
static void io_delay(void) { outb(0x80, 0); }

static void pit_test(void)
{
    rt_printf("PIT channel 0 at 100 Hz through the 8259A (IRQ 0 -> vector 0x20), STI/HLT\n");
    /* The PIC programming sequence of Linux's init_8259A(). */
    outb(PIC1_DATA, 0xFF);
    outb(PIC2_DATA, 0xFF);
    outb(PIC1_CMD, 0x11); io_delay(); /* ICW1: edge, cascade, ICW4 needed */
    outb(PIC1_DATA, 0x20); io_delay(); /* ICW2: vectors 0x20-0x27 */
    outb(PIC1_DATA, 0x04); io_delay(); /* ICW3: slave on IR2 */
    outb(PIC1_DATA, 0x01); io_delay(); /* ICW4: 8086 mode, normal EOI */
    outb(PIC2_CMD, 0x11); io_delay();
    outb(PIC2_DATA, 0x28); io_delay(); /* vectors 0x28-0x2f */
    outb(PIC2_DATA, 0x02); io_delay(); /* cascade identity 2 */
    outb(PIC2_DATA, 0x01); io_delay();
    /* PIT: channel 0, lobyte/hibyte, mode 2 (rate generator), binary; 1193182 / 11932 = 100 Hz */
    outb(0x43, 0x34);
    outb(0x40, 11932 & 0xFF);
    outb(0x40, 11932 >> 8);
    outb(PIC1_DATA, 0xFE); /* unmask IRQ 0 only */
    outb(PIC2_DATA, 0xFF);
    rt_printf("  masks: master=%02x slave=%02x\n", inb(PIC1_DATA), inb(PIC2_DATA));
    const uint32_t want = 10;
    while (ticks < want)
        __asm__ volatile("sti\n\thlt\n\tcli" : : : "memory");
    outb(PIC1_DATA, 0xFF);
    rt_printf("  %u timer interrupts counted; ISR in handler=%02x, after EOI=%02x\n", ticks,
              isr_in_handler, isr_after_eoi);
    if (ticks != want || isr_in_handler != 0x01 || isr_after_eoi != 0x00) fail("PIT/PIC");
}

int test_main(const char *cmdline)
{
    int segcheck = 0;
    char word[16];
    while (rt_next_word(&cmdline, word, sizeof word))
        if (!rt_strcmp(word, "segcheck")) segcheck = 1;
    rt_set_trap_hook(trap_hook);
    rt_printf("system: IDT with handlers for all 256 vectors\n");
    exception_tests();
    if (segcheck)
        segment_check_tests();
    ring3_tests();
    paging_tests();
    pit_test();
    if (failures) {
        rt_printf("system: %d FAILED\n", failures);
        return 1;
    }
    rt_printf("system: all tests passed\n");
    return 0;
}
