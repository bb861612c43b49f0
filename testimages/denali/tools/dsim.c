/*
 * dsim - a rough Linux-hosted stand-in for the Denali machine, for developing the SDK before
 * Denali-J runs guests. NOT a reference: it runs the guest natively in a 32-bit Linux process
 * and emulates SPEC 2-5 from signal handlers (SIGILL for 0F 3F xx, SIGSEGV for IN/OUT, SIGALRM
 * every millisecond as a quantum boundary that may deliver an upcall at any instruction).
 * Linux keeps page 0 unmapped, so guests must be linked with --defsym=denali_regs=0x8000
 * (`make sim` does). Faults are reported as 128 + the CPU's trap number. `int 0x80` would be a
 * real Linux system call here: do not run `faults int` under dsim. The host keeps IF set, so
 * upcall-probe's `after.eflags` check fails under dsim (0xED7, not 0xCD7); it is exact on Denali.
 *
 *   dsim GUEST.elf [cmdline]     env: DSIM_DISK_BLOCKS=N (a RAM disk 0), DSIM_FRAMES=N (frames
 *                                queued for the NIC, replies checked as echo's), DSIM_INPUT=TEXT
 *                                (console input, arriving 5 ms after boot), DSIM_MEM=MiB
 *                                (mem_size, default 64)
 *
 * Network: DSIM_TAP=IFNAME connects the NIC to an existing Linux TAP device instead (frames
 * sent go to the TAP, frames from the TAP move into a receive queue of RXQ_LEN as it has room
 * and raise NET as they arrive; a full TAP write queue is status 1). DSIM_IP, DSIM_NETMASK, DSIM_GW (dotted
 * quads) fill the register page's ip, netmask and gateway. tools/net-test.sh creates the TAP
 * inside a network namespace of its own; never point DSIM_TAP at a device of the host's network.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "../sdk/include/denali.h"

#define REGS_AT 0x8000u
#define MEM (64u << 20)
static volatile struct denali_regs *const R = (volatile struct denali_regs *)REGS_AT;

static uint64_t t0, next_tick;
static uint32_t cur_period;
static uint8_t *disk;
static uint32_t disk_blocks;
static uint32_t inflight[64], n_inflight;
static uint8_t frames[64][128];
static uint32_t frame_len[64], n_frames, frame_head, replies_ok, replies_bad;
static const char *input;
static int input_given;
static uint32_t upcalls;

/* TAP-backed NIC (DSIM_TAP). */
#define RXQ_LEN 256
static int tap_fd = -1;
static uint8_t rxq[RXQ_LEN][1514];
static uint32_t rxq_len[RXQ_LEN], rxq_head, rxq_count, tap_rx, tap_tx, tap_tx_full;

static void tap_open(const char *name)
{
    tap_fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
    struct ifreq ifr = { 0 };
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (tap_fd < 0 || ioctl(tap_fd, TUNSETIFF, &ifr) < 0) {
        perror("dsim: TAP");
        exit(2);
    }
}

/*
 * Moves frames from the TAP into the receive queue while it has room; raises NET if any
 * arrived. Frames beyond RXQ_LEN wait in the TAP's own queue (the kernel drops past that).
 */
static void tap_poll(void)
{
    int arrived = 0;
    while (rxq_count < RXQ_LEN) {
        uint32_t slot = (rxq_head + rxq_count) % RXQ_LEN;
        ssize_t n = read(tap_fd, rxq[slot], 1514);
        if (n <= 0)
            break;
        tap_rx++;
        rxq_len[slot] = (uint32_t)n;
        rxq_count++;
        arrived = 1;
    }
    if (arrived)
        R->intr_pending |= DENALI_INTR_NET;
}

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void finish(int status, const char *why)
{
    fflush(stdout);
    fprintf(stderr, "dsim: %s, status %d (upcalls %u, echo replies ok %u bad %u)\n", why, status, upcalls, replies_ok,
            replies_bad);
    if (tap_fd >= 0)
        fprintf(stderr, "dsim: tap rx %u tx %u (full %u)\n", tap_rx, tap_tx, tap_tx_full);
    _exit(status);
}

static void disk_do(uint32_t a)
{
    volatile struct denali_disk_request *rq = (void *)(uintptr_t)a;
    uint32_t st = 1;
    if (rq->op == DENALI_DISK_FLUSH) {
    } else if (rq->disk != 0 || !disk || rq->block >= disk_blocks || rq->count > disk_blocks - rq->block) {
        st = 2;
    } else if (rq->op == DENALI_DISK_READ) {
        memcpy((void *)(uintptr_t)rq->addr, disk + rq->block * 4096u, rq->count * 4096u);
    } else if (rq->op == DENALI_DISK_WRITE) {
        memcpy(disk + rq->block * 4096u, (void *)(uintptr_t)rq->addr, rq->count * 4096u);
    } else {
        st = 2;
    }
    rq->status = st;
}

/* A quantum boundary: refresh time, raise interrupts, complete disk requests. */
static void boundary(void)
{
    uint64_t now = host_ns() - t0;
    R->time_ns = now;
    if (R->timer_period_us != cur_period) {
        cur_period = R->timer_period_us;
        next_tick = now + (uint64_t)cur_period * 1000u;
    }
    if (cur_period && now >= next_tick) {
        R->intr_pending |= DENALI_INTR_TIMER;
        while (next_tick <= now)
            next_tick += (uint64_t)cur_period * 1000u;
    }
    if (n_inflight) {
        for (uint32_t i = 0; i < n_inflight; i++)
            disk_do(inflight[i]);
        n_inflight = 0;
        R->intr_pending |= DENALI_INTR_DISK;
    }
    if (tap_fd >= 0)
        tap_poll();
    if (input && !input_given && now > 5000000u) {
        input_given = 1;
        R->intr_pending |= DENALI_INTR_CONSOLE;
    }
}

static void maybe_upcall(greg_t *g)
{
    if (R->intr_enable != 1 || !R->intr_handler || !R->intr_pending)
        return;
    uint32_t sp = R->intr_stack ? R->intr_stack : (uint32_t)g[REG_ESP];
    uint32_t *f = (uint32_t *)(uintptr_t)(sp - 44);
    f[0] = R->intr_pending;
    f[1] = g[REG_EDI]; f[2] = g[REG_ESI]; f[3] = g[REG_EBP]; f[4] = g[REG_ESP];
    f[5] = g[REG_EBX]; f[6] = g[REG_EDX]; f[7] = g[REG_ECX]; f[8] = g[REG_EAX];
    f[9] = g[REG_EIP]; f[10] = g[REG_EFL] & ~0x10200; /* Denali's view: IF and RF clear */
    R->intr_pending = 0;
    R->intr_enable = 0;
    R->time_ns = host_ns() - t0;
    g[REG_ESP] = (greg_t)(uintptr_t)f;
    g[REG_EIP] = R->intr_handler;
    upcalls++;
}

static void on_term(int sig)
{
    finish(128 + sig, "killed");
}

static void on_alarm(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si;
    boundary();
    maybe_upcall(((ucontext_t *)uc)->uc_mcontext.gregs);
}

static void on_sigill(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si;
    greg_t *g = ((ucontext_t *)uc)->uc_mcontext.gregs;
    uint8_t *ip = (uint8_t *)(uintptr_t)g[REG_EIP];
    if (ip[0] != 0x0f || ip[1] != 0x3f || ip[2] > 2) {
        fprintf(stderr, "dsim: #UD at %08x\n", (uint32_t)g[REG_EIP]);
        finish(128 + 6, "fault");
    }
    switch (ip[2]) {
    case 0:
        finish((int)g[REG_EBX], "TERMINATE");
        break;
    case 1: {
        uint32_t timeout = (uint32_t)g[REG_EAX];
        uint64_t deadline = (host_ns() - t0) + (uint64_t)timeout * 1000u;
        g[REG_EIP] += 3;
        for (;;) {
            boundary();
            if (R->intr_pending) {
                g[REG_EAX] = 0;
                break;
            }
            uint64_t now = host_ns() - t0;
            if (timeout != DENALI_IDLE_FOREVER && now >= deadline) {
                g[REG_EAX] = 1;
                break;
            }
            if (timeout == DENALI_IDLE_FOREVER && !cur_period && !n_inflight && !(input && !input_given) &&
                tap_fd < 0)
                finish(99, "IDLE forever with nothing that could wake the VM");
            if (tap_fd >= 0) {
                /* Sleep until a frame arrives, the deadline, or 1 ms (the timer). */
                uint64_t left = timeout == DENALI_IDLE_FOREVER ? 1000000u : deadline - now;
                struct pollfd pfd = { tap_fd, POLLIN, 0 };
                poll(&pfd, 1, left >= 1000000u ? 1 : 0);
            } else {
                struct timespec ts = { 0, 50000 };
                nanosleep(&ts, 0);
            }
        }
        maybe_upcall(g);
        return;
    }
    case 2: {
        uint32_t *f = (uint32_t *)(uintptr_t)g[REG_ESP];
        g[REG_EDI] = f[1]; g[REG_ESI] = f[2]; g[REG_EBP] = f[3];
        g[REG_EBX] = f[5]; g[REG_EDX] = f[6]; g[REG_ECX] = f[7]; g[REG_EAX] = f[8];
        g[REG_EIP] = f[9];
        g[REG_EFL] = (g[REG_EFL] & ~0xCD5) | (f[10] & 0xCD5);
        g[REG_ESP] = f[4];
        R->intr_enable = 1;
        return;
    }
    }
}

static void port_out(uint32_t port, uint32_t a)
{
    uint32_t *b = (uint32_t *)(uintptr_t)a;
    switch (port) {
    case 0x100:
        fwrite((void *)(uintptr_t)b[0], 1, b[1], stdout);
        fflush(stdout);
        break;
    case 0x101: {
        uint32_t n = 0;
        if (input && input_given) {
            n = (uint32_t)strlen(input) < b[1] ? (uint32_t)strlen(input) : b[1];
            memcpy((void *)(uintptr_t)b[0], input, n);
            input += n;
        }
        b[2] = n;
        break;
    }
    case 0x200: {
        uint8_t *fr = (uint8_t *)(uintptr_t)b[0];
        if (b[1] < 14 || b[1] > 1514) { b[2] = 2; break; }
        if (tap_fd >= 0) {
            if (write(tap_fd, fr, b[1]) < 0 && (errno == EAGAIN || errno == ENOBUFS)) {
                tap_tx_full++;
                b[2] = 1;
            } else {
                tap_tx++;
                b[2] = 0;
            }
            break;
        }
        uint32_t k = (replies_ok + replies_bad) % 64;
        int ok = b[1] == frame_len[k] && !memcmp(fr, frames[k] + 6, 6) && !memcmp(fr + 6, (void *)R->mac, 6) &&
                 !memcmp(fr + 12, frames[k] + 12, b[1] - 12);
        if (ok) replies_ok++; else replies_bad++;
        b[2] = 0;
        break;
    }
    case 0x201:
        if (tap_fd >= 0) {
            if (rxq_count) {
                uint32_t n = rxq_len[rxq_head] < b[1] ? rxq_len[rxq_head] : b[1];
                memcpy((void *)(uintptr_t)b[0], rxq[rxq_head], n);
                b[2] = n;
                rxq_head = (rxq_head + 1) % RXQ_LEN;
                rxq_count--;
            } else {
                b[2] = 0;
            }
        } else if (frame_head < n_frames) {
            uint32_t n = frame_len[frame_head] < b[1] ? frame_len[frame_head] : b[1];
            memcpy((void *)(uintptr_t)b[0], frames[frame_head], n);
            b[2] = n;
            frame_head++;
        } else {
            b[2] = 0;
        }
        break;
    case 0x300:
        if (n_inflight == 64) finish(98, "too many disk requests in flight");
        ((volatile struct denali_disk_request *)b)->status = 0;
        inflight[n_inflight++] = a;
        break;
    default:
        finish(128 + 13, "fault: OUT to an unnamed port");
    }
}

static void on_sigsegv(int sig, siginfo_t *si, void *uc)
{
    greg_t *g = ((ucontext_t *)uc)->uc_mcontext.gregs;
    uint8_t *ip = (uint8_t *)(uintptr_t)g[REG_EIP];
    uint32_t port = (uint32_t)g[REG_EDX] & 0xFFFF;
    int trap = (int)g[REG_TRAPNO];
    if (sig == SIGSEGV && (uint32_t)g[REG_EIP] < MEM) {
        if (ip[0] == 0xEF) {
            port_out(port, (uint32_t)g[REG_EAX]);
            g[REG_EIP] += 1;
            return;
        }
        if (ip[0] == 0xED) {
            g[REG_EAX] = port != 0x201 ? 0 : tap_fd >= 0 ? rxq_count : n_frames - frame_head;
            g[REG_EIP] += 1;
            return;
        }
    }
    fprintf(stderr, "dsim: signal %d trap %d at eip %08x addr %p esp %08x\n", sig, trap, (uint32_t)g[REG_EIP],
            si->si_addr, (uint32_t)g[REG_ESP]);
    finish(128 + trap, "fault");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: dsim GUEST.elf [cmdline]\n");
        return 2;
    }
    FILE *fp = fopen(argv[1], "rb");
    if (!fp) { perror(argv[1]); return 2; }
    static uint8_t img[4 << 20];
    size_t n = fread(img, 1, sizeof img, fp);
    fclose(fp);
    if (mmap((void *)0x1000, MEM - 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS,
             -1, 0) == MAP_FAILED) { perror("mmap"); return 2; }
    Elf32_Ehdr *eh = (Elf32_Ehdr *)img;
    if (n < sizeof *eh || memcmp(eh->e_ident, ELFMAG, 4) || eh->e_machine != EM_386) { fprintf(stderr, "not i386 ELF\n"); return 2; }
    Elf32_Phdr *ph = (Elf32_Phdr *)(img + eh->e_phoff);
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD)
            memcpy((void *)(uintptr_t)ph[i].p_vaddr, img + ph[i].p_offset, ph[i].p_filesz);
    R->magic = DENALI_MAGIC;
    R->version = 1;
    R->vm_id = 7;
    /* DSIM_MEM=MiB: a smaller mem_size (the heap and stack live below it; the mapping stays). */
    uint32_t mem = getenv("DSIM_MEM") ? (uint32_t)atoi(getenv("DSIM_MEM")) << 20 : MEM;
    if (!mem || mem > MEM) mem = MEM;
    R->mem_size = mem;
    R->cpu_khz = 1000000;
    R->wall_ns = 1700000000ull * 1000000000ull;
    uint8_t mac[6] = { 0x02, 0xde, 0x4a, 0x11, 0x00, 0x07 };
    memcpy((void *)R->mac, mac, 6);
    if (argc > 2) strncpy((char *)R->cmdline, argv[2], 255);
    if (getenv("DSIM_DISK_BLOCKS")) {
        disk_blocks = (uint32_t)atoi(getenv("DSIM_DISK_BLOCKS"));
        disk = calloc(disk_blocks, 4096);
        R->disk_count = 1;
        R->disk_blocks[0] = disk_blocks;
    }
    if (getenv("DSIM_FRAMES")) {
        n_frames = (uint32_t)atoi(getenv("DSIM_FRAMES"));
        if (n_frames > 64) n_frames = 64;
        for (uint32_t i = 0; i < n_frames; i++) {
            frame_len[i] = 60 + i;
            memset(frames[i], 0xFF, 6);
            uint8_t src[6] = { 0x02, 0, 0, 0, 0, (uint8_t)(i + 1) };
            memcpy(frames[i] + 6, src, 6);
            frames[i][12] = 0x08; frames[i][13] = 0x00;
            for (uint32_t k = 14; k < frame_len[i]; k++) frames[i][k] = (uint8_t)(k * 7 + i);
        }
        R->intr_pending |= DENALI_INTR_NET;
    }
    input = getenv("DSIM_INPUT");
    const char *addr_env[3] = { "DSIM_IP", "DSIM_NETMASK", "DSIM_GW" };
    volatile uint32_t *addr_reg[3] = { &R->ip, &R->netmask, &R->gateway };
    for (int i = 0; i < 3; i++) {
        struct in_addr a;
        if (getenv(addr_env[i]) && inet_pton(AF_INET, getenv(addr_env[i]), &a) == 1)
            *addr_reg[i] = a.s_addr; /* network byte order, as SPEC 3 stores it */
    }
    if (getenv("DSIM_TAP"))
        tap_open(getenv("DSIM_TAP"));
    t0 = host_ns();

    static uint8_t altstack[1 << 16];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
    sigaltstack(&ss, 0);
    struct sigaction sa = { 0 };
    sigfillset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sa.sa_sigaction = on_sigill;
    sigaction(SIGILL, &sa, 0);
    sa.sa_sigaction = on_sigsegv;
    sigaction(SIGSEGV, &sa, 0);
    sigaction(SIGFPE, &sa, 0);
    sigaction(SIGTRAP, &sa, 0);
    sigaction(SIGBUS, &sa, 0);
    signal(SIGTERM, on_term); /* report the counters when a test stops a serving guest */
    sa.sa_sigaction = on_alarm;
    sigaction(SIGALRM, &sa, 0);
    struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
    setitimer(ITIMER_REAL, &it, 0);

    __asm__ volatile("movl %0, %%esp\n\t"
                     "pushl %1\n\t"
                     "xorl %%eax, %%eax\n\txorl %%ebx, %%ebx\n\txorl %%ecx, %%ecx\n\txorl %%edx, %%edx\n\t"
                     "xorl %%esi, %%esi\n\txorl %%edi, %%edi\n\txorl %%ebp, %%ebp\n\t"
                     "ret"
                     : : "r"(mem), "r"(eh->e_entry) : "memory");
    return 0;
}
