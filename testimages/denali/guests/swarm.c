/*
 * swarm: the guest of the scale runs (`denali swarm`, docs/SCHEDULER.md). Each VM boots,
 * allocates and touches a working set, then loops: IDLE with a timeout, and per wake-up a little
 * work that also checks the VM's own memory. It ends when asked (console input containing 'q'),
 * after a number of rounds or after a duration, and reports through the console:
 *
 *     swarm: vm=7 rounds=120 checked=31744 errors=0 sum=1a2b3c4d ok
 *
 * The defaults suit the 100,000-VM run on 2 cores: a 4 KiB working set, one 256-byte chunk
 * (about 1,000 guest instructions) per round, one round a second.
 *
 * and exits 0 (1 when any check failed, 2 for a bad command line or no memory).
 *
 * cmdline (all optional):
 *   ws=BYTES      working set, rounded up to whole chunks (default 4096)
 *   chunk=BYTES   bytes checked and rewritten per round, a multiple of 4 (default 256)
 *   period=US     IDLE timeout between rounds in microseconds (default 1000000)
 *   rounds=N      end after N rounds (default 0: no limit)
 *   duration=S    end once time_ns passes S seconds (default 0: no limit)
 *   busy          never IDLE: rounds back to back (a compute-bound VM)
 *   fault=N       after N rounds, store outside guest memory (a VM that faults)
 *   verbose       print a line once the working set is touched
 *
 * The check: every chunk holds a pattern derived from (vm_id, word index, stamp), where stamp is
 * the round that last wrote the chunk (0 = the boot fill). Each round verifies one chunk against
 * its pattern, then rewrites it with the round's stamp, going round the working set; the VM also
 * keeps the sum of all words, and at the end verifies every chunk and the whole-set checksum. A
 * page that came back from swap wrong, or lost, shows up as errors.
 */
#include <denali.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t *ws;
static uint32_t *stamps;
static uint32_t words_per_chunk, chunks, seed;
static uint32_t running_sum, errors, checked;

static inline uint32_t pattern(uint32_t index, uint32_t stamp)
{
    uint32_t x = index * 0x9E3779B1u ^ stamp * 0x85EBCA77u ^ seed;
    return x ^ x >> 15;
}

/* Verifies chunk c against its stamp; returns the chunk's sum as it is in memory. */
static uint32_t verify(uint32_t c)
{
    uint32_t *w = ws + c * words_per_chunk, base = c * words_per_chunk, sum = 0;
    for (uint32_t i = 0; i < words_per_chunk; i++) {
        if (w[i] != pattern(base + i, stamps[c]))
            errors++;
        sum += w[i];
    }
    checked += words_per_chunk;
    return sum;
}

static uint32_t fill(uint32_t c, uint32_t stamp)
{
    uint32_t *w = ws + c * words_per_chunk, base = c * words_per_chunk, sum = 0;
    for (uint32_t i = 0; i < words_per_chunk; i++)
        sum += w[i] = pattern(base + i, stamp);
    stamps[c] = stamp;
    return sum;
}

/* True when console input asks the VM to stop. Input is read whole; anything but 'q' is ignored. */
static int quit_requested(void)
{
    char buf[64];
    uint32_t n;
    int quit = 0;
    while ((n = denali_console_read(buf, sizeof buf)) > 0)
        for (uint32_t i = 0; i < n; i++)
            quit |= buf[i] == 'q';
    return quit;
}

int main(const char *cmdline)
{
    uint32_t ws_bytes = denali_arg_u32(cmdline, "ws", 4096);
    uint32_t chunk = denali_arg_u32(cmdline, "chunk", 256);
    uint32_t period = denali_arg_u32(cmdline, "period", 1000000);
    uint32_t max_rounds = denali_arg_u32(cmdline, "rounds", 0);
    uint32_t duration_s = denali_arg_u32(cmdline, "duration", 0);
    uint32_t fault_at = denali_arg_u32(cmdline, "fault", 0);
    int busy = denali_has_word(cmdline, "busy");
    if (chunk < 4 || chunk % 4 != 0 || ws_bytes == 0) {
        printf("swarm: vm=%u bad cmdline: chunk must be a positive multiple of 4, ws positive\n", DENALI->vm_id);
        return 2;
    }
    words_per_chunk = chunk / 4;
    chunks = (ws_bytes + chunk - 1) / chunk;
    seed = DENALI->vm_id * 0xC2B2AE3Du + 1;
    ws = malloc((size_t)chunks * chunk);
    stamps = calloc(chunks, sizeof *stamps);
    if (!ws || !stamps) {
        printf("swarm: vm=%u cannot allocate %u bytes of working set\n", DENALI->vm_id, chunks * chunk);
        return 2;
    }
    for (uint32_t c = 0; c < chunks; c++)
        running_sum += fill(c, 0);
    if (denali_has_word(cmdline, "verbose"))
        printf("swarm: vm=%u up ws=%u chunk=%u period=%u\n", DENALI->vm_id, chunks * chunk, chunk, period);

    uint64_t end_ns = (uint64_t)duration_s * 1000000000ull;
    uint32_t rounds = 0;
    for (;;) {
        if (denali_take_pending() & DENALI_INTR_CONSOLE && quit_requested())
            break;
        if (max_rounds && rounds >= max_rounds)
            break;
        if (end_ns && denali_read_u64(&DENALI->time_ns) >= end_ns)
            break;
        if (fault_at && rounds == fault_at)
            *(volatile uint32_t *)DENALI->mem_size = rounds; /* outside RAM: #PF ends this VM */
        uint32_t c = rounds % chunks;
        running_sum -= verify(c);
        running_sum += fill(c, ++rounds);
        if (!busy)
            denali_idle(period);
    }

    uint32_t sum = 0;
    for (uint32_t c = 0; c < chunks; c++)
        sum += verify(c);
    if (sum != running_sum)
        errors++;
    printf("swarm: vm=%u rounds=%u checked=%u errors=%u sum=%08x %s\n", DENALI->vm_id, rounds, checked, errors, sum,
           errors ? "FAIL" : "ok");
    return errors ? 1 : 0;
}
