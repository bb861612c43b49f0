/*
 * denali.h - the Denali virtual architecture, version 1, as seen from a guest written in C.
 *
 * Everything here follows /work/shared/denali-arch/SPEC.md (the contract between Denali-J and
 * its guests): the register page (SPEC 3), the purely virtual instructions (SPEC 2), the
 * interrupt bits and the upcall frame (SPEC 4) and the programmed-I/O devices (SPEC 5).
 *
 * The register page is an ordinary C object, `denali_regs`, placed at guest-physical address 0
 * by the link map (denali.ld defines the symbol). Going through a linker symbol instead of a
 * cast of the constant 0 keeps gcc from treating the accesses as null-pointer dereferences.
 * Every field is volatile: the kernel refreshes it between two quanta, and a quantum can end
 * between any two guest instructions.
 */
#ifndef DENALI_H
#define DENALI_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------------------------
 * SPEC 3: the virtual registers (guest-physical page 0)
 * ------------------------------------------------------------------------------------------ */

#define DENALI_MAGIC 0x494C4E44u /* "DNLI" read as a little-endian u32 */
#define DENALI_VERSION 1u
#define DENALI_MAX_DISKS 4
#define DENALI_CMDLINE_SIZE 256
#define DENALI_BLOCK_SIZE 4096u
#define DENALI_IDLE_FOREVER 0xFFFFFFFFu

struct denali_regs {
    uint32_t magic;           /* 0x000 kernel: DENALI_MAGIC */
    uint32_t version;         /* 0x004 kernel: 1 */
    uint32_t vm_id;           /* 0x008 kernel: number in the swarm, from 0 */
    uint32_t mem_size;        /* 0x00C kernel: bytes of guest-physical memory */
    uint32_t cpu_khz;         /* 0x010 kernel: RDTSC ticks per millisecond */
    uint32_t reserved_014;
    uint64_t time_ns;         /* 0x018 kernel: virtual ns since boot (fresh per quantum/upcall) */
    uint64_t wall_ns;         /* 0x020 kernel: Unix time in ns at boot */
    uint8_t mac[6];           /* 0x028 kernel: the virtual NIC's Ethernet address */
    uint8_t reserved_02e[2];
    uint32_t ip;              /* 0x030 kernel: suggested IPv4 address, network order, 0 = none */
    uint32_t netmask;         /* 0x034 kernel: network order */
    uint32_t gateway;         /* 0x038 kernel: network order */
    uint32_t reserved_03c;
    uint32_t intr_enable;     /* 0x040 guest: 1 = deliver upcalls */
    uint32_t intr_pending;    /* 0x044 kernel sets, guest clears: DENALI_INTR_* bits */
    uint32_t intr_handler;    /* 0x048 guest: upcall entry point, 0 = never upcall */
    uint32_t intr_stack;      /* 0x04C guest: upcall stack top, 0 = the interrupted stack */
    uint32_t timer_period_us; /* 0x050 guest: periodic TIMER period, 0 = off */
    uint32_t disk_count;      /* 0x054 kernel: virtual disks attached */
    uint32_t disk_blocks[DENALI_MAX_DISKS]; /* 0x058 kernel: size of disks 0-3 in 4 KiB blocks */
    uint8_t reserved_068[0x100 - 0x068];
    char cmdline[DENALI_CMDLINE_SIZE]; /* 0x100 kernel: NUL-terminated launch arguments */
} __attribute__((packed));

_Static_assert(offsetof(struct denali_regs, magic) == 0x000, "magic");
_Static_assert(offsetof(struct denali_regs, version) == 0x004, "version");
_Static_assert(offsetof(struct denali_regs, vm_id) == 0x008, "vm_id");
_Static_assert(offsetof(struct denali_regs, mem_size) == 0x00C, "mem_size");
_Static_assert(offsetof(struct denali_regs, cpu_khz) == 0x010, "cpu_khz");
_Static_assert(offsetof(struct denali_regs, time_ns) == 0x018, "time_ns");
_Static_assert(offsetof(struct denali_regs, wall_ns) == 0x020, "wall_ns");
_Static_assert(offsetof(struct denali_regs, mac) == 0x028, "mac");
_Static_assert(offsetof(struct denali_regs, ip) == 0x030, "ip");
_Static_assert(offsetof(struct denali_regs, netmask) == 0x034, "netmask");
_Static_assert(offsetof(struct denali_regs, gateway) == 0x038, "gateway");
_Static_assert(offsetof(struct denali_regs, intr_enable) == 0x040, "intr_enable");
_Static_assert(offsetof(struct denali_regs, intr_pending) == 0x044, "intr_pending");
_Static_assert(offsetof(struct denali_regs, intr_handler) == 0x048, "intr_handler");
_Static_assert(offsetof(struct denali_regs, intr_stack) == 0x04C, "intr_stack");
_Static_assert(offsetof(struct denali_regs, timer_period_us) == 0x050, "timer_period_us");
_Static_assert(offsetof(struct denali_regs, disk_count) == 0x054, "disk_count");
_Static_assert(offsetof(struct denali_regs, disk_blocks) == 0x058, "disk_blocks");
_Static_assert(offsetof(struct denali_regs, disk_blocks[3]) == 0x064, "disk_blocks[3]");
_Static_assert(offsetof(struct denali_regs, cmdline) == 0x100, "cmdline");
_Static_assert(sizeof(struct denali_regs) == 0x200, "register page layout");

/* Defined as address 0 by denali.ld (or `-Wl,--defsym=denali_regs=0` with another link map). */
extern volatile struct denali_regs denali_regs;
#define DENALI (&denali_regs)

/* ------------------------------------------------------------------------------------------
 * SPEC 2: the purely virtual instructions (0F 3F xx)
 * ------------------------------------------------------------------------------------------ */

/* TERMINATE (0F 3F 00): stop the VM with EBX = status. Use exit() to flush stdout first. */
static inline __attribute__((noreturn)) void denali_terminate(uint32_t status)
{
    __asm__ volatile(".byte 0x0f, 0x3f, 0x00" : : "b"(status) : "memory");
    __builtin_unreachable();
}

/*
 * IDLE (0F 3F 01): give up the CPU until timeout_us passes (DENALI_IDLE_FOREVER = no timeout)
 * or an interrupt is pending. Returns 0 if an interrupt is pending, 1 if the timeout passed.
 * When interrupts are enabled the upcall runs before this returns, so the call clobbers memory.
 */
static inline uint32_t denali_idle(uint32_t timeout_us)
{
    uint32_t r = timeout_us;
    __asm__ volatile(".byte 0x0f, 0x3f, 0x01" : "+a"(r) : : "memory", "cc");
    return r;
}
#define DENALI_IDLE_INTERRUPT 0u
#define DENALI_IDLE_TIMEOUT 1u

/* IRET (0F 3F 02) is only meaningful at the end of an upcall; upcall.S issues it. */

/* ------------------------------------------------------------------------------------------
 * SPEC 4: interrupts
 * ------------------------------------------------------------------------------------------ */

#define DENALI_INTR_TIMER_BIT 0
#define DENALI_INTR_NET_BIT 1
#define DENALI_INTR_DISK_BIT 2
#define DENALI_INTR_CONSOLE_BIT 3
#define DENALI_INTR_COUNT 4
#define DENALI_INTR_TIMER (1u << DENALI_INTR_TIMER_BIT)
#define DENALI_INTR_NET (1u << DENALI_INTR_NET_BIT)
#define DENALI_INTR_DISK (1u << DENALI_INTR_DISK_BIT)
#define DENALI_INTR_CONSOLE (1u << DENALI_INTR_CONSOLE_BIT)

/*
 * What the kernel pushes for an upcall, lowest address first: the pending mask, the general
 * registers in the order PUSHAD leaves them in memory, the interrupted EIP, the interrupted
 * EFLAGS. upcall.S hands a pointer to it to the dispatcher; changes made to it are what IRET
 * restores.
 */
struct denali_upcall_frame {
    uint32_t mask;
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t eip;
    uint32_t eflags;
};
_Static_assert(sizeof(struct denali_upcall_frame) == 44, "upcall frame is 11 dwords");
_Static_assert(offsetof(struct denali_upcall_frame, edi) == 4, "PUSHAD: EDI lowest");
_Static_assert(offsetof(struct denali_upcall_frame, eax) == 32, "PUSHAD: EAX highest");
_Static_assert(offsetof(struct denali_upcall_frame, eip) == 36, "EIP above the registers");

/* The upcall entry point in upcall.S: put its address in intr_handler. */
void denali_upcall_entry(void);
/* Called by denali_upcall_entry with interrupts disabled; the SDK's intr.c provides it. */
void denali_upcall_dispatch(uint32_t mask, struct denali_upcall_frame *frame);

/* intr_enable as a critical section: returns the previous value for denali_intr_restore. */
static inline uint32_t denali_intr_disable(void)
{
    uint32_t old = DENALI->intr_enable;
    DENALI->intr_enable = 0;
    __asm__ volatile("" : : : "memory");
    return old;
}
static inline void denali_intr_restore(uint32_t old)
{
    __asm__ volatile("" : : : "memory");
    DENALI->intr_enable = old;
}

/*
 * Reads and clears intr_pending in one instruction (XCHG), so no bit the kernel sets between
 * a read and a write can be lost. Meant for polling with interrupts disabled.
 */
static inline uint32_t denali_take_pending(void)
{
    uint32_t mask = 0;
    __asm__ volatile("xchgl %0, %1" : "+r"(mask), "+m"(DENALI->intr_pending) : : "memory");
    return mask;
}

/* ------------------------------------------------------------------------------------------
 * SPEC 5: devices. One `out dx, eax` with EAX = the request block's address per operation;
 * `in eax, dx` on the same port reads the device's status word.
 * ------------------------------------------------------------------------------------------ */

#define DENALI_PORT_CONSOLE_WRITE 0x100
#define DENALI_PORT_CONSOLE_READ 0x101
#define DENALI_PORT_NIC_SEND 0x200
#define DENALI_PORT_NIC_RECV 0x201
#define DENALI_PORT_DISK 0x300

static inline void denali_out(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %w1" : : "a"(value), "Nd"(port) : "memory");
}
static inline uint32_t denali_in(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}

/* Port 0x100: len bytes at addr go to the console. */
struct denali_console_write {
    uint32_t addr, len;
};
/* Port 0x101: copies waiting input, at most len bytes; out_len = bytes copied. */
struct denali_console_read {
    uint32_t addr, len, out_len;
};
/* Port 0x200: one Ethernet frame of 14..1514 bytes. */
struct denali_nic_send {
    uint32_t addr, len, status;
};
#define DENALI_NIC_SEND_QUEUED 0u
#define DENALI_NIC_SEND_FULL 1u
#define DENALI_NIC_SEND_BAD_LENGTH 2u
#define DENALI_ETH_MIN 14u
#define DENALI_ETH_MAX 1514u
/* Port 0x201: copies the next frame into a len-byte buffer; out_len = 0 if none waiting. */
struct denali_nic_recv {
    uint32_t addr, len, out_len;
};
/* Port 0x300: asynchronous; status is 0 while pending, then 1 ok or 2+ error (raises DISK). */
struct denali_disk_request {
    uint32_t op, disk, block, count, addr, status;
};
#define DENALI_DISK_READ 1u
#define DENALI_DISK_WRITE 2u
#define DENALI_DISK_FLUSH 3u
#define DENALI_DISK_PENDING 0u
#define DENALI_DISK_OK 1u

_Static_assert(sizeof(struct denali_console_write) == 8, "console write block");
_Static_assert(sizeof(struct denali_console_read) == 12, "console read block");
_Static_assert(sizeof(struct denali_nic_send) == 12, "NIC send block");
_Static_assert(sizeof(struct denali_nic_recv) == 12, "NIC receive block");
_Static_assert(sizeof(struct denali_disk_request) == 24, "disk request block");
_Static_assert(offsetof(struct denali_disk_request, status) == 20, "disk status field");

static inline void denali_console_write(const void *buf, uint32_t len)
{
    struct denali_console_write rq = { (uint32_t)buf, len };
    denali_out(DENALI_PORT_CONSOLE_WRITE, (uint32_t)&rq);
}
/* Never blocks: returns the number of bytes copied (0 if no input is waiting). */
static inline uint32_t denali_console_read(void *buf, uint32_t cap)
{
    volatile struct denali_console_read rq = { (uint32_t)buf, cap, 0 };
    denali_out(DENALI_PORT_CONSOLE_READ, (uint32_t)&rq);
    return rq.out_len;
}
/* Returns DENALI_NIC_SEND_*. */
static inline uint32_t denali_nic_send(const void *frame, uint32_t len)
{
    volatile struct denali_nic_send rq = { (uint32_t)frame, len, 0xFFFFFFFFu };
    denali_out(DENALI_PORT_NIC_SEND, (uint32_t)&rq);
    return rq.status;
}
/* Returns the frame's length, 0 if none is waiting. */
static inline uint32_t denali_nic_recv(void *buf, uint32_t cap)
{
    volatile struct denali_nic_recv rq = { (uint32_t)buf, cap, 0 };
    denali_out(DENALI_PORT_NIC_RECV, (uint32_t)&rq);
    return rq.out_len;
}
static inline uint32_t denali_nic_frames_waiting(void) { return denali_in(DENALI_PORT_NIC_RECV); }
/* Starts a disk request; the block must stay in place until its status is not 0. */
static inline void denali_disk_submit(volatile struct denali_disk_request *rq)
{
    rq->status = DENALI_DISK_PENDING;
    denali_out(DENALI_PORT_DISK, (uint32_t)rq);
}

/* ------------------------------------------------------------------------------------------
 * Time (time.c)
 * ------------------------------------------------------------------------------------------ */

/* time_ns: virtual ns since boot, as fresh as the current quantum or upcall. */
uint64_t denali_now_ns(void);
/* wall_ns + time_ns: Unix time in ns now. */
uint64_t denali_wall_ns(void);
/* wall_ns at boot. */
uint64_t denali_boot_wall_ns(void);
static inline uint64_t denali_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}
/* Sleeps at least us microseconds of virtual time with IDLE (interrupts still upcall). */
void denali_usleep(uint32_t us);
/* Reads a 64-bit register-page field so that a quantum boundary between its halves cannot tear it. */
uint64_t denali_read_u64(const volatile void *field);

/* ------------------------------------------------------------------------------------------
 * Command-line helpers (args.c). Words are separated by spaces or tabs.
 * ------------------------------------------------------------------------------------------ */

/* The launch command line, copied out of the register page by crt0. */
const char *denali_cmdline(void);
/* Copies the next word of *cursor into buf (truncated to cap-1), advances; 0 when none left. */
int denali_next_word(const char **cursor, char *buf, size_t cap);
/* 1 if the command line has the word `word` exactly. */
int denali_has_word(const char *cmdline, const char *word);
/* Value of the first `key=value` word, copied into buf; NULL if absent. */
const char *denali_arg(const char *cmdline, const char *key, char *buf, size_t cap);
/* Numeric `key=value` (decimal, or hex with 0x); `dflt` if absent or not a number. */
uint32_t denali_arg_u32(const char *cmdline, const char *key, uint32_t dflt);

/* CRC-32 as zlib computes it: denali_crc32(0, data, len); chain by passing the last result. */
uint32_t denali_crc32(uint32_t crc, const void *data, size_t len);

#endif
