/*
 * thread.c - cooperative threads, a round-robin run queue, and the blocking primitives
 * (sleep, wait for an interrupt, wait for a disk request, join) they share.
 *
 * A thread is either running (`current`, in no list), ready (in the FIFO run queue) or blocked
 * (in the blocked list with a wake condition). Whenever the scheduler runs it moves every
 * blocked thread whose condition now holds to the tail of the run queue, then switches to the
 * head. When nothing is ready it turns upcalls off, polls intr_pending itself and IDLEs until
 * the earliest deadline: bits that arrive after the check keep intr_pending non-zero, so the
 * IDLE returns at once instead of sleeping through them.
 */
#include <denali_os.h>
#include <stdio.h>
#include <stdlib.h>

void denali_switch(uint32_t *save_esp, uint32_t new_esp);

enum state { RUNNING, READY, BLOCKED, DONE };
enum wait { WAIT_NONE, WAIT_SLEEP, WAIT_INTR, WAIT_DISK, WAIT_JOIN };

struct os_thread {
    uint32_t esp; /* saved while switched out */
    uint32_t id;
    enum state state;
    os_thread_fn fn;
    void *arg;
    int result;
    void *stack; /* NULL for the main thread */
    enum wait wait;
    unsigned bit;
    uint32_t seen;
    volatile struct denali_disk_request *rq;
    os_thread *target;
    int has_deadline, timed_out;
    uint64_t deadline_ns;
    os_thread *next;
};

static os_thread main_thread = { .state = RUNNING };
static os_thread *current = &main_thread;
static os_thread *ready_head, *ready_tail, *blocked;
static uint32_t next_id = 1;

static void enqueue(os_thread *t)
{
    t->state = READY;
    t->next = 0;
    if (ready_tail)
        ready_tail->next = t;
    else
        ready_head = t;
    ready_tail = t;
}

static os_thread *dequeue(void)
{
    os_thread *t = ready_head;
    if (t) {
        ready_head = t->next;
        if (!ready_head)
            ready_tail = 0;
    }
    return t;
}

static int condition_holds(const os_thread *t)
{
    switch (t->wait) {
    case WAIT_INTR: return intr_seq(t->bit) != t->seen;
    case WAIT_DISK: return t->rq->status != DENALI_DISK_PENDING;
    case WAIT_JOIN: return t->target->state == DONE;
    default: return 0;
    }
}

/*
 * Moves every blocked thread that may continue to the run queue, in the order they became able
 * to: a thread that timed out at its deadline, one whose condition holds now; ties in blocking
 * order. Several deadlines pass between two looks whenever the guest does not run for a while
 * (the host was busy), and sleepers must still wake in deadline order: a 10 ms sleep before a
 * 20 ms one. (The blocked list is newest first; taking woken threads from it and inserting each
 * before the first one with a later or equal time keeps the older first among equals.)
 */
static void wake_blocked(void)
{
    uint64_t now = denali_now_ns();
    os_thread *woken = 0;
    os_thread **link = &blocked;
    while (*link) {
        os_thread *t = *link;
        int go = condition_holds(t);
        if (!go && t->has_deadline && now >= t->deadline_ns)
            go = t->timed_out = 1;
        if (!go) {
            link = &t->next;
            continue;
        }
        *link = t->next;
        uint64_t at = t->timed_out ? t->deadline_ns : now;
        os_thread **w = &woken;
        while (*w && ((*w)->timed_out ? (*w)->deadline_ns : now) < at)
            w = &(*w)->next;
        t->next = *w;
        *w = t;
    }
    while (woken) {
        os_thread *t = woken;
        woken = t->next;
        enqueue(t);
    }
}

/* Nothing is ready: sleep in IDLE until an interrupt or the earliest deadline. */
static void idle_once(void)
{
    uint32_t old = denali_intr_disable();
    intr_poll();
    wake_blocked();
    if (!ready_head) {
        int external = 0, any_deadline = 0;
        uint64_t earliest = 0;
        for (os_thread *t = blocked; t; t = t->next) {
            if (t->wait == WAIT_INTR || t->wait == WAIT_DISK)
                external = 1;
            if (t->has_deadline && (!any_deadline || t->deadline_ns < earliest)) {
                earliest = t->deadline_ns;
                any_deadline = 1;
            }
        }
        if (!external && !any_deadline) {
            fprintf(stderr, "os: deadlock: every thread waits for another thread\n");
            abort();
        }
        uint32_t timeout = DENALI_IDLE_FOREVER;
        if (any_deadline) {
            uint64_t now = denali_now_ns();
            uint64_t us = earliest > now ? (earliest - now + 999u) / 1000u : 0;
            timeout = us >= DENALI_IDLE_FOREVER ? DENALI_IDLE_FOREVER - 1 : (uint32_t)us;
        }
        if (timeout && !DENALI->intr_pending)
            denali_idle(timeout);
        intr_poll();
        wake_blocked();
    }
    denali_intr_restore(old);
}

/* Switches to the next ready thread; the caller has already put `current` where it belongs. */
static void schedule(void)
{
    os_thread *prev = current;
    wake_blocked();
    while (!ready_head)
        idle_once();
    os_thread *next = dequeue();
    next->state = RUNNING;
    if (next != prev) {
        current = next;
        denali_switch(&prev->esp, next->esp);
    }
}

static void block_current(void)
{
    current->state = BLOCKED;
    current->timed_out = 0;
    current->next = blocked;
    blocked = current;
    schedule();
    current->wait = WAIT_NONE;
    current->has_deadline = 0;
}

static void thread_start(void)
{
    os_thread_exit(current->fn(current->arg));
}

os_thread *os_thread_create(os_thread_fn fn, void *arg, size_t stack_size)
{
    if (!stack_size)
        stack_size = OS_DEFAULT_STACK;
    os_thread *t = calloc(1, sizeof *t);
    void *stack = malloc(stack_size);
    if (!t || !stack) {
        free(t);
        free(stack);
        return 0;
    }
    t->id = next_id++;
    t->fn = fn;
    t->arg = arg;
    t->stack = stack;
    /* Make the stack look like one denali_switch left: four saved registers, then a return
       address into thread_start placed so that it starts with the ABI's 16-byte alignment. */
    uint32_t top = ((uint32_t)stack + stack_size) & ~15u;
    uint32_t *sp = (uint32_t *)(top - 8);
    sp[1] = 0;                       /* thread_start's own (never used) return address */
    sp[0] = (uint32_t)thread_start;  /* where denali_switch's RET goes */
    sp -= 4;                         /* EDI ESI EBX EBP = 0 */
    sp[0] = sp[1] = sp[2] = sp[3] = 0;
    t->esp = (uint32_t)sp;
    enqueue(t);
    return t;
}

void os_yield(void)
{
    enqueue(current);
    schedule();
}

void os_thread_exit(int result)
{
    if (current == &main_thread)
        exit(result);
    current->result = result;
    current->state = DONE;
    schedule();
    __builtin_unreachable();
}

int os_thread_join(os_thread *t)
{
    if (!t || t == current || t == &main_thread)
        return -1;
    if (t->state != DONE) {
        current->wait = WAIT_JOIN;
        current->target = t;
        block_current();
    }
    int result = t->result;
    free(t->stack);
    free(t);
    return result;
}

os_thread *os_self(void) { return current; }
uint32_t os_thread_id(const os_thread *t) { return t->id; }

void os_sleep_until_ns(uint64_t deadline_ns)
{
    if (denali_now_ns() >= deadline_ns)
        return;
    current->wait = WAIT_SLEEP;
    current->has_deadline = 1;
    current->deadline_ns = deadline_ns;
    block_current();
}

void os_sleep_us(uint32_t us) { os_sleep_until_ns(denali_now_ns() + (uint64_t)us * 1000u); }

int os_wait_intr(unsigned bit, uint32_t seen, uint32_t timeout_us)
{
    if (intr_seq(bit) != seen)
        return 1;
    current->wait = WAIT_INTR;
    current->bit = bit;
    current->seen = seen;
    current->has_deadline = timeout_us != DENALI_IDLE_FOREVER;
    current->deadline_ns = denali_now_ns() + (uint64_t)timeout_us * 1000u;
    block_current();
    return !current->timed_out || intr_seq(bit) != seen;
}

uint32_t os_disk_wait(volatile struct denali_disk_request *rq)
{
    if (rq->status == DENALI_DISK_PENDING) {
        current->wait = WAIT_DISK;
        current->rq = rq;
        block_current();
    }
    return rq->status;
}
