/*
 * disk: writes a known pattern to disk blocks, flushes, reads it back and checks it.
 *
 * cmdline: [write | write-noflush | verify] disk=D start=B blocks=N seed=S alt=S2
 *   write          (default) write N blocks from B with pattern S, flush, read back, compare
 *   write-noflush  the same without the flush (the data may not survive a crash)
 *   verify         only read the N blocks and check that each holds pattern S, or pattern S2
 *                  when alt= is given (a crash test: flushed S, then unflushed S2 on top)
 * Defaults: disk=0 start=0 blocks=16 seed=1, no alt.
 *
 * The pattern of block b under seed s: u32 words "DISK", s, b, ~b, then xorshift32 words
 * seeded from s and b. Writes go out as batches of up to 8 requests in flight at once (their
 * completions arrive as batched DISK interrupts); read-back uses one request of up to 8 blocks.
 * Every step waits through the SDK's blocking I/O (os_disk_wait). Exit 0 and "disk ok" when
 * every block checks out; exit 1 on any mismatch, error status or bad argument.
 */
#include <denali.h>
#include <denali_os.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 8u
#define WORDS (DENALI_BLOCK_SIZE / 4u)

static void fill_pattern(uint32_t *w, uint32_t seed, uint32_t block)
{
    uint32_t x = (seed * 0x9E3779B1u) ^ ((block + 1u) * 0x85EBCA6Bu);
    if (!x)
        x = 0x6D2B79F5u;
    w[0] = 0x4B534944u; /* "DISK" */
    w[1] = seed;
    w[2] = block;
    w[3] = ~block;
    for (uint32_t i = 4; i < WORDS; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        w[i] = x;
    }
}

static uint32_t pattern_crc(uint32_t seed, uint32_t block, uint32_t *scratch)
{
    fill_pattern(scratch, seed, block);
    return denali_crc32(0, scratch, DENALI_BLOCK_SIZE);
}

static int fail(const char *what, uint32_t block, uint32_t status)
{
    printf("disk: FAIL: %s block %u status %u\n", what, block, status);
    return 1;
}

static int write_blocks(uint32_t disk, uint32_t start, uint32_t blocks, uint32_t seed)
{
    static volatile struct denali_disk_request rq[BATCH];
    uint8_t *buf = malloc(BATCH * DENALI_BLOCK_SIZE);
    if (!buf)
        return fail("out of memory for", start, 0);
    for (uint32_t done = 0; done < blocks; done += BATCH) {
        uint32_t n = blocks - done < BATCH ? blocks - done : BATCH;
        for (uint32_t k = 0; k < n; k++) {
            uint8_t *b = buf + k * DENALI_BLOCK_SIZE;
            fill_pattern((uint32_t *)b, seed, start + done + k);
            rq[k].op = DENALI_DISK_WRITE;
            rq[k].disk = disk;
            rq[k].block = start + done + k;
            rq[k].count = 1;
            rq[k].addr = (uint32_t)b;
            denali_disk_submit(&rq[k]);
        }
        for (uint32_t k = 0; k < n; k++) {
            uint32_t st = os_disk_wait(&rq[k]);
            if (st != DENALI_DISK_OK) {
                free(buf);
                return fail("write of", start + done + k, st);
            }
        }
    }
    free(buf);
    return 0;
}

/* Reads the blocks back; each must hold pattern seed (or alt if has_alt). */
static int check_blocks(uint32_t disk, uint32_t start, uint32_t blocks, uint32_t seed, int has_alt, uint32_t alt)
{
    uint8_t *buf = malloc(BATCH * DENALI_BLOCK_SIZE);
    uint32_t *expect = malloc(DENALI_BLOCK_SIZE);
    if (!buf || !expect)
        return fail("out of memory for", start, 0);
    uint32_t total = 0;
    int bad = 0;
    for (uint32_t done = 0; done < blocks; done += BATCH) {
        uint32_t n = blocks - done < BATCH ? blocks - done : BATCH;
        memset(buf, 0xEE, n * DENALI_BLOCK_SIZE);
        uint32_t st = os_disk_read(disk, start + done, n, buf);
        if (st != DENALI_DISK_OK) {
            bad = fail("read of", start + done, st);
            break;
        }
        for (uint32_t k = 0; k < n; k++) {
            uint32_t b = start + done + k;
            uint8_t *got = buf + k * DENALI_BLOCK_SIZE;
            uint32_t crc = denali_crc32(0, got, DENALI_BLOCK_SIZE);
            total = denali_crc32(total, got, DENALI_BLOCK_SIZE);
            fill_pattern(expect, seed, b);
            if (!memcmp(got, expect, DENALI_BLOCK_SIZE)) {
                printf("block %u crc32 %08x seed %u\n", b, crc, seed);
                continue;
            }
            if (has_alt) {
                fill_pattern(expect, alt, b);
                if (!memcmp(got, expect, DENALI_BLOCK_SIZE)) {
                    printf("block %u crc32 %08x seed %u\n", b, crc, alt);
                    continue;
                }
            }
            printf("block %u crc32 %08x CORRUPT (expected %08x)\n", b, crc, pattern_crc(seed, b, expect));
            bad = 1;
        }
    }
    if (!bad)
        printf("total crc32 %08x\n", total);
    free(expect);
    free(buf);
    return bad;
}

int main(const char *cmdline)
{
    const char *mode = denali_has_word(cmdline, "verify")          ? "verify"
                       : denali_has_word(cmdline, "write-noflush") ? "write-noflush"
                                                                   : "write";
    uint32_t disk = denali_arg_u32(cmdline, "disk", 0);
    uint32_t start = denali_arg_u32(cmdline, "start", 0);
    uint32_t blocks = denali_arg_u32(cmdline, "blocks", 16);
    uint32_t seed = denali_arg_u32(cmdline, "seed", 1);
    char altbuf[16];
    int has_alt = denali_arg(cmdline, "alt", altbuf, sizeof altbuf) != 0;
    uint32_t alt = denali_arg_u32(cmdline, "alt", 0);

    printf("disk: mode %s disk %u start %u blocks %u seed %u\n", mode, disk, start, blocks, seed);
    if (disk >= DENALI->disk_count || disk >= DENALI_MAX_DISKS) {
        printf("disk: FAIL: disk %u not attached (disk_count %u)\n", disk, DENALI->disk_count);
        return 1;
    }
    uint32_t size = DENALI->disk_blocks[disk];
    if (blocks == 0 || start >= size || blocks > size - start) {
        printf("disk: FAIL: blocks %u..%u outside the disk's %u blocks\n", start, start + blocks - 1, size);
        return 1;
    }

    if (strcmp(mode, "verify")) {
        if (write_blocks(disk, start, blocks, seed))
            return 1;
        if (!strcmp(mode, "write")) {
            uint32_t st = os_disk_flush(disk);
            if (st != DENALI_DISK_OK)
                return fail("flush after", start + blocks - 1, st);
            printf("disk: flushed\n");
        } else {
            printf("disk: not flushed\n");
        }
    }
    if (check_blocks(disk, start, blocks, seed, has_alt, alt))
        return 1;
    printf("disk ok\n");
    return 0;
}
