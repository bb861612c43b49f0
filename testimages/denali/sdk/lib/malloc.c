/*
 * malloc.c - a first-fit heap with boundary tags between the end of .bss and the stack.
 *
 * Every block starts with a 16-byte header (its size including the header, the size of the
 * block before it, a magic word saying whether it is in use, padding) so payloads are 16-byte
 * aligned and a free block can merge with both neighbours in O(1). The heap grows upward from
 * _end; it never passes mem_size - denali_stack_reserve - GUARD, nor comes within GUARD bytes
 * of the caller's stack pointer. A corrupted header or a double free aborts the VM.
 */
#include <denali.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GUARD 4096u
#define MAGIC_USED 0xA110CA7Eu
#define MAGIC_FREE 0xF4EEB10Cu

const uint32_t denali_stack_reserve __attribute__((weak)) = 256u * 1024u;
extern char _end[];

struct block {
    uint32_t size;      /* bytes, header included, multiple of 16 */
    uint32_t prev_size; /* 0 for the first block */
    uint32_t magic;
    uint32_t pad;
};
_Static_assert(sizeof(struct block) == 16, "header keeps payloads 16-byte aligned");

static uintptr_t heap_base, heap_brk;
static size_t in_use;

static void heap_corrupt(const void *p)
{
    fprintf(stderr, "malloc: heap corrupted or bad free at %p\n", p);
    abort();
}

static uintptr_t heap_limit(void)
{
    uintptr_t sp;
    __asm__("movl %%esp, %0" : "=r"(sp));
    uintptr_t top = DENALI->mem_size;
    uintptr_t lim = top > denali_stack_reserve + GUARD ? top - denali_stack_reserve - GUARD : 0;
    uintptr_t below_sp = sp > GUARD ? sp - GUARD : 0;
    /* A thread stack lives inside the heap: only the main stack bounds it. */
    if (below_sp > heap_brk && below_sp < lim)
        lim = below_sp;
    return lim & ~(uintptr_t)15;
}

static struct block *next_of(struct block *b) { return (struct block *)((uintptr_t)b + b->size); }

static void check(struct block *b)
{
    if ((b->magic != MAGIC_USED && b->magic != MAGIC_FREE) || b->size < sizeof(struct block) || (b->size & 15))
        heap_corrupt(b + 1);
}

/* Cuts b down to size bytes if the rest is big enough to be a block of its own. */
static void split(struct block *b, uint32_t size)
{
    if (b->size - size < 2 * sizeof(struct block))
        return;
    struct block *rest = (struct block *)((uintptr_t)b + size);
    rest->size = b->size - size;
    rest->prev_size = size;
    rest->magic = MAGIC_FREE;
    b->size = size;
    struct block *after = next_of(rest);
    if ((uintptr_t)after < heap_brk)
        after->prev_size = rest->size;
}

static void heap_start(void)
{
    if (!heap_base)
        heap_base = heap_brk = ((uintptr_t)_end + 15) & ~(uintptr_t)15;
}

void *malloc(size_t n)
{
    heap_start();
    if (n > 0x7FFF0000u)
        return 0;
    uint32_t need = (uint32_t)((n + sizeof(struct block) + 15) & ~(size_t)15);
    struct block *last = 0;
    for (uintptr_t a = heap_base; a < heap_brk; a += ((struct block *)a)->size) {
        struct block *b = (struct block *)a;
        check(b);
        last = b;
        if (b->magic == MAGIC_FREE && b->size >= need) {
            split(b, need);
            b->magic = MAGIC_USED;
            in_use += b->size;
            return b + 1;
        }
    }
    if (heap_brk + need > heap_limit() || heap_brk + need < heap_brk)
        return 0;
    struct block *b = (struct block *)heap_brk;
    b->size = need;
    b->prev_size = last ? last->size : 0;
    b->magic = MAGIC_USED;
    heap_brk += need;
    in_use += need;
    return b + 1;
}

void free(void *p)
{
    if (!p)
        return;
    struct block *b = (struct block *)p - 1;
    if ((uintptr_t)b < heap_base || (uintptr_t)b >= heap_brk || b->magic != MAGIC_USED)
        heap_corrupt(p);
    check(b);
    in_use -= b->size;
    b->magic = MAGIC_FREE;
    struct block *next = next_of(b);
    if ((uintptr_t)next < heap_brk && next->magic == MAGIC_FREE)
        b->size += next->size;
    if (b->prev_size) {
        struct block *prev = (struct block *)((uintptr_t)b - b->prev_size);
        check(prev);
        if (prev->magic == MAGIC_FREE) {
            prev->size += b->size;
            b = prev;
        }
    }
    next = next_of(b);
    if ((uintptr_t)next < heap_brk)
        next->prev_size = b->size;
    else
        heap_brk = (uintptr_t)b; /* the last block: give the memory back to the top */
}

void *calloc(size_t count, size_t size)
{
    if (size && count > (size_t)-1 / size)
        return 0;
    void *p = malloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    if (!n) {
        free(p);
        return 0;
    }
    struct block *b = (struct block *)p - 1;
    if ((uintptr_t)b < heap_base || (uintptr_t)b >= heap_brk || b->magic != MAGIC_USED)
        heap_corrupt(p);
    size_t have = b->size - sizeof(struct block);
    if (n <= have)
        return p;
    void *q = malloc(n);
    if (q) {
        memcpy(q, p, have);
        free(p);
    }
    return q;
}

size_t denali_heap_in_use(void) { return in_use; }
uintptr_t denali_heap_top(void)
{
    heap_start();
    return heap_brk;
}
