/*
 * denali_os.h - a small guest OS layer for Denali guests, in the spirit of the paper's Ilwaco:
 * an interrupt dispatcher built on upcalls, cooperative threads on a round-robin run queue,
 * sleep on IDLE with timeouts, blocking disk and console I/O.
 *
 * Concurrency model. Threads are cooperative: a thread runs until it yields, sleeps, blocks,
 * exits or returns. Upcalls are asynchronous: one can arrive at any instruction boundary while
 * intr_enable is 1, and runs on its own stack (intr_stack). Upcall handlers therefore must be
 * short, must not switch threads or call blocking functions, and should only record what
 * happened (the dispatcher itself counts deliveries per bit, which is all the blocking calls
 * below need). Blocked threads are woken by re-checking their condition (a disk request's
 * status, a delivery count, a deadline, another thread's end) whenever the scheduler runs; when
 * nothing is runnable the scheduler disables upcalls, polls intr_pending itself and IDLEs until
 * the earliest deadline, so no interrupt can slip between the check and the IDLE.
 */
#ifndef DENALI_OS_H
#define DENALI_OS_H

#include <stddef.h>
#include <stdint.h>

#include "denali.h"

/* ---------------------------------------------------------------- interrupt dispatcher ---- */

/* A handler for one interrupt bit; frame is the upcall frame, or NULL when polled (os layer). */
typedef void (*intr_handler_fn)(unsigned bit, struct denali_upcall_frame *frame, void *ctx);

/*
 * Installs the SDK's upcall entry with a private 16 KiB upcall stack and sets intr_enable = 1.
 * Called automatically by intr_register and by every blocking call; idempotent.
 */
void intr_init(void);
/* Registers fn for bit (DENALI_INTR_*_BIT); replaces an earlier handler. Initialises. */
void intr_register(unsigned bit, intr_handler_fn fn, void *ctx);
/* How many times bit has been delivered (by upcall or poll) since boot. */
uint32_t intr_seq(unsigned bit);
/* Upcalls delivered so far (each may carry several bits: a batch). */
uint32_t intr_upcalls(void);
/* Dispatches the bits in mask as if an upcall had delivered them (frame = NULL). */
void intr_dispatch(uint32_t mask, struct denali_upcall_frame *frame);
/* Takes intr_pending atomically and dispatches it; returns the mask. For use with upcalls off. */
uint32_t intr_poll(void);

/* ----------------------------------------------------------------------------- threads ---- */

typedef struct os_thread os_thread;
typedef int (*os_thread_fn)(void *arg);

#define OS_DEFAULT_STACK (16u * 1024u)

/* Creates a runnable thread with its own stack (malloc'd; 0 = OS_DEFAULT_STACK). NULL if no memory. */
os_thread *os_thread_create(os_thread_fn fn, void *arg, size_t stack_size);
/* Lets every other runnable thread run once (round robin), then returns. */
void os_yield(void);
/* Ends the calling thread with a result for os_thread_join. Ending the main thread ends the VM. */
void os_thread_exit(int result) __attribute__((noreturn));
/* Waits for t to end, frees it and returns its result. */
int os_thread_join(os_thread *t);
os_thread *os_self(void);
/* 0 for the main thread, then 1, 2, ... in creation order. */
uint32_t os_thread_id(const os_thread *t);

/* ------------------------------------------------------------------------- time & events ---- */

/* Blocks the calling thread for at least us microseconds of virtual time. */
void os_sleep_us(uint32_t us);
/* Blocks until denali_now_ns() >= deadline_ns. */
void os_sleep_until_ns(uint64_t deadline_ns);
/*
 * Blocks until interrupt bit has been delivered after `seen` (a value read earlier from
 * intr_seq(bit)), or timeout_us passes (DENALI_IDLE_FOREVER = never). Returns 1 if delivered,
 * 0 on timeout. Reading intr_seq before checking the device avoids losing a wake-up.
 */
int os_wait_intr(unsigned bit, uint32_t seen, uint32_t timeout_us);

/* ----------------------------------------------------------------------- blocking I/O ---- */

/* One disk request, blocking the calling thread until it completes; returns its status (1 = ok). */
uint32_t os_disk_io(uint32_t op, uint32_t disk, uint32_t block, uint32_t count, void *buf);
static inline uint32_t os_disk_read(uint32_t disk, uint32_t block, uint32_t count, void *buf)
{
    return os_disk_io(DENALI_DISK_READ, disk, block, count, buf);
}
static inline uint32_t os_disk_write(uint32_t disk, uint32_t block, uint32_t count, const void *buf)
{
    return os_disk_io(DENALI_DISK_WRITE, disk, block, count, (void *)buf);
}
static inline uint32_t os_disk_flush(uint32_t disk) { return os_disk_io(DENALI_DISK_FLUSH, disk, 0, 0, 0); }
/* Blocks the calling thread until an already submitted request's status is not 0; returns it. */
uint32_t os_disk_wait(volatile struct denali_disk_request *rq);

/* Blocks until at least one byte of console input is waiting; returns the bytes copied (>= 1). */
uint32_t os_console_read(void *buf, uint32_t cap);
/* Reads one line (without its '\n', NUL-terminated, truncated to cap-1); returns its length. */
uint32_t os_console_readline(char *buf, uint32_t cap);

#endif
