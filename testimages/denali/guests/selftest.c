/*
 * selftest: exercises the SDK itself with deterministic output - printf/snprintf formats,
 * string functions, malloc/free/realloc, cooperative threads (round robin, join), sleeping
 * threads waking in deadline order, waiting for an interrupt with and without timeout, and
 * (when disk 0 is attached) blocking disk I/O from two threads at once. With the word
 * `console` it also reads one line of console input and prints it.
 *
 * Prints `selftest: NAME ok` per part and `selftest ok` at the end (exit 0), or
 * `selftest: FAIL: ...` lines and exit 1.
 */
#include <denali.h>
#include <denali_os.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void fail(const char *part, const char *what)
{
    printf("selftest: FAIL: %s: %s\n", part, what);
    failures++;
}

static void part_done(const char *part, int before)
{
    if (failures == before)
        printf("selftest: %s ok\n", part);
}

/* ---- printf ---- */
static void test_printf(void)
{
    int before = failures;
    static const struct { const char *want; int len; } expect[] = {
        { "[42] [-7] [4294967295] [ff] [FF] [000000ff]", 43 },
        { "[    x] [x    ] [ab] [(null)]", 29 },
        { "[0x00012345] [-00042] [  +5] [ 5] [0x1f] [017]", 46 },
        { "[18446744073709551615] [-9223372036854775808] [123456789abcdef0]", 64 },
        { "[%] [%y] [c] [007]", 18 },
    };
    char buf[96];
    const char *volatile null_str = 0;
    const char *volatile odd_format = "[%%] [%y] [%c] [%03ld]"; /* %y: unknown, printed verbatim */
    int n[5];
    char out[5][96];
    n[0] = snprintf(out[0], 96, "[%d] [%i] [%u] [%x] [%X] [%08x]", 42, -7, 4294967295u, 255u, 255u, 255u);
    n[1] = snprintf(out[1], 96, "[%5s] [%-5s] [%.2s] [%s]", "x", "x", "abc", null_str);
    n[2] = snprintf(out[2], 96, "[%p] [%06d] [%+4d] [% d] [%#x] [%#o]", (void *)0x12345, -42, 5, 5, 31u, 15u);
    n[3] = snprintf(out[3], 96, "[%llu] [%lld] [%llx]", 18446744073709551615ull, (long long)(-9223372036854775807ll - 1),
                    0x123456789abcdef0ull);
    n[4] = snprintf(out[4], 96, odd_format, 'c', 7l);
    for (int i = 0; i < 5; i++)
        if (strcmp(out[i], expect[i].want) || n[i] != expect[i].len) {
            snprintf(buf, sizeof buf, "case %d gave \"%s\" (%d)", i, out[i], n[i]);
            fail("printf", buf);
        }
    if (snprintf(buf, 4, "%s", "abcdef") != 6 || strcmp(buf, "abc"))
        fail("printf", "truncation");
    part_done("printf", before);
}

/* ---- string ---- */
static void test_string(void)
{
    int before = failures;
    char a[32];
    strcpy(a, "hello");
    strcat(a, " world");
    if (strlen(a) != 11 || strcmp(a, "hello world") || strncmp(a, "help", 3) || !strncmp(a, "help", 4))
        fail("string", "strcpy/strcat/strcmp");
    if (strchr(a, 'o') != a + 4 || strrchr(a, 'o') != a + 7 || strstr(a, "wor") != a + 6 || strstr(a, "xyz"))
        fail("string", "strchr/strrchr/strstr");
    memmove(a + 1, a, 5);
    if (memcmp(a, "hhello", 6))
        fail("string", "memmove overlap");
    if (strtoul("0x1F", 0, 0) != 31 || strtol("-12", 0, 10) != -12 || atoi("77") != 77)
        fail("string", "strtoul/strtol/atoi");
    if (denali_crc32(0, "123456789", 9) != 0xCBF43926u)
        fail("string", "crc32 check value");
    part_done("string", before);
}

/* ---- malloc ---- */
static void test_malloc(void)
{
    int before = failures;
    size_t base = denali_heap_in_use();
    uintptr_t top0 = denali_heap_top();
    enum { N = 200 };
    static uint8_t *blk[N];
    static uint32_t len[N];
    uint32_t x = 12345;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            len[i] = x % 3000 + 1;
            blk[i] = malloc(len[i]);
            if (!blk[i] || ((uintptr_t)blk[i] & 15)) {
                fail("malloc", "NULL or misaligned block");
                return;
            }
            memset(blk[i], (uint8_t)i, len[i]);
        }
        for (int k = 0; k < N; k++) {
            int i = (k * 37 + round) % N; /* a fixed shuffled order: 37 is coprime with 200 */
            for (uint32_t j = 0; j < len[i]; j++)
                if (blk[i][j] != (uint8_t)i) {
                    fail("malloc", "block contents overwritten");
                    return;
                }
            free(blk[i]);
        }
    }
    char *r = malloc(10);
    strcpy(r, "realloc");
    r = realloc(r, 5000);
    if (!r || strcmp(r, "realloc"))
        fail("malloc", "realloc lost the contents");
    free(r);
    uint32_t *z = calloc(100, 4);
    for (int i = 0; i < 100; i++)
        if (z[i])
            fail("malloc", "calloc not zeroed");
    free(z);
    if (malloc(0x7FFFFFFF))
        fail("malloc", "a 2 GiB allocation succeeded");
    if (denali_heap_in_use() != base || denali_heap_top() != top0)
        fail("malloc", "heap not back to empty after freeing everything");
    part_done("malloc", before);
}

/* ---- threads ---- */
static char order[64];

static int worker(void *arg)
{
    char name = (char)(uintptr_t)arg;
    for (int i = 1; i <= 3; i++) {
        size_t n = strlen(order);
        order[n] = name;
        order[n + 1] = (char)('0' + i);
        order[n + 2] = 0;
        os_yield();
    }
    return name;
}

/* When each sleeper (10, 20, 30 ms: index ms / 10) asked to wake, and whether it woke early. */
static uint64_t sleep_deadline[4];
static int woke_early;

static int sleeper(void *arg)
{
    uint32_t ms = (uint32_t)(uintptr_t)arg;
    uint64_t deadline = denali_now_ns() + ms * 1000000ull;
    sleep_deadline[ms / 10] = deadline;
    os_sleep_until_ns(deadline);
    if (denali_now_ns() < deadline)
        woke_early = 1;
    size_t n = strlen(order);
    order[n] = (char)('0' + ms / 10);
    order[n + 1] = 0;
    return 0;
}

/* The sleepers' digits ordered by deadline: "123" unless the host held the guest up for 10 ms
   or more between two of them going to sleep (time here is the host's). */
static void deadline_order(char *out)
{
    strcpy(out, "123");
    for (int i = 1; i < 3; i++)
        for (int j = i; j > 0 && sleep_deadline[out[j] - '0'] < sleep_deadline[out[j - 1] - '0']; j--) {
            char c = out[j];
            out[j] = out[j - 1];
            out[j - 1] = c;
        }
}

/*
 * Sleepers of 30, 10 and 20 ms, joined: they must wake in deadline order and not before their
 * deadlines. With spin_ns, this thread first lets them block, then spins that long without
 * looking, so every deadline has passed when the scheduler next looks and all three become
 * ready at once. Returns how long the part took.
 */
static uint64_t sleepers(const char *part, uint64_t spin_ns)
{
    order[0] = 0;
    woke_early = 0;
    uint64_t start = denali_now_ns();
    os_thread *t[3];
    t[0] = os_thread_create(sleeper, (void *)30, 0);
    t[1] = os_thread_create(sleeper, (void *)10, 0);
    t[2] = os_thread_create(sleeper, (void *)20, 0);
    if (spin_ns) {
        os_yield(); /* each sleeper runs until it blocks */
        uint64_t until = denali_now_ns() + spin_ns;
        while (denali_now_ns() < until)
            ;
    }
    for (int i = 0; i < 3; i++)
        os_thread_join(t[i]);
    uint64_t took = denali_now_ns() - start;
    char want[4];
    deadline_order(want);
    if (strcmp(order, want))
        fail(part, order);
    if (woke_early)
        fail(part, "woke before its deadline");
    return took;
}

static void test_threads(void)
{
    int before = failures;
    order[0] = 0;
    os_thread *t[3];
    for (int i = 0; i < 3; i++)
        t[i] = os_thread_create(worker, (void *)(uintptr_t)('A' + i), 0);
    int sum = 0;
    for (int i = 0; i < 3; i++)
        sum += os_thread_join(t[i]);
    if (strcmp(order, "A1B1C1A2B2C2A3B3C3") || sum != 'A' + 'B' + 'C') {
        fail("threads", order);
    }
    part_done("threads", before);

    before = failures;
    if (sleepers("sleep", 0) < 30000000u)
        fail("sleep", "woke before 30 ms");
    part_done("sleep", before);

    before = failures;
    sleepers("sleep-late", 40000000u);
    part_done("sleep-late", before);
}

/* ---- interrupts ---- */
static volatile uint32_t handler_calls;
static void on_timer(unsigned bit, struct denali_upcall_frame *f, void *ctx)
{
    (void)bit, (void)f;
    (*(volatile uint32_t *)ctx)++;
}

static void test_intr(void)
{
    int before = failures;
    intr_register(DENALI_INTR_TIMER_BIT, on_timer, (void *)&handler_calls);
    uint32_t seen = intr_seq(DENALI_INTR_TIMER_BIT);
    DENALI->timer_period_us = 5000;
    if (!os_wait_intr(DENALI_INTR_TIMER_BIT, seen, 1000000))
        fail("intr", "no TIMER within 1 s");
    DENALI->timer_period_us = 0;
    if (!handler_calls)
        fail("intr", "handler not called");
    os_sleep_us(20000); /* let a tick already in flight land */
    seen = intr_seq(DENALI_INTR_TIMER_BIT);
    uint64_t start = denali_now_ns();
    if (os_wait_intr(DENALI_INTR_TIMER_BIT, seen, 10000))
        fail("intr", "TIMER arrived with the timer off");
    if (denali_now_ns() - start < 10000000u)
        fail("intr", "timeout returned early");
    part_done("intr", before);
}

/* ---- disk from two threads ---- */
static int disk_worker(void *arg)
{
    uint32_t first = (uint32_t)(uintptr_t)arg;
    uint8_t *buf = malloc(2 * DENALI_BLOCK_SIZE);
    for (uint32_t i = 0; i < 2 * DENALI_BLOCK_SIZE; i++)
        buf[i] = (uint8_t)(i * 3 + first);
    uint32_t crc = denali_crc32(0, buf, 2 * DENALI_BLOCK_SIZE);
    int bad = os_disk_write(0, first, 2, buf) != DENALI_DISK_OK;
    memset(buf, 0, 2 * DENALI_BLOCK_SIZE);
    bad |= os_disk_read(0, first, 2, buf) != DENALI_DISK_OK;
    bad |= denali_crc32(0, buf, 2 * DENALI_BLOCK_SIZE) != crc;
    free(buf);
    return bad;
}

static void test_disk(void)
{
    int before = failures;
    if (DENALI->disk_count < 1 || DENALI->disk_blocks[0] < 4) {
        printf("selftest: disk skipped (needs disk 0 with 4 blocks)\n");
        return;
    }
    os_thread *a = os_thread_create(disk_worker, (void *)0, 0);
    os_thread *b = os_thread_create(disk_worker, (void *)2, 0);
    if (os_thread_join(a) | os_thread_join(b))
        fail("disk", "read back differs or error status");
    if (os_disk_read(0, DENALI->disk_blocks[0], 1, order) < 2)
        fail("disk", "a read past the end did not fail");
    part_done("disk", before);
}

int main(const char *cmdline)
{
    test_printf();
    test_string();
    test_malloc();
    test_threads();
    test_intr();
    test_disk();
    if (denali_has_word(cmdline, "console")) {
        char line[80];
        printf("selftest: type a line\n");
        os_console_readline(line, sizeof line);
        printf("line: %s\n", line);
    }
    if (failures) {
        printf("selftest: %d failures\n", failures);
        return 1;
    }
    printf("selftest ok\n");
    return 0;
}
