/*
 * stdlib.h - memory allocation, exit and number parsing (lib/malloc.c, lib/exit.c, lib/string.c).
 *
 * The heap runs from the end of .bss (the link map's `_end`) up to mem_size minus the stack
 * reserve (`denali_stack_reserve`, 256 KiB unless the program defines its own) minus a 4 KiB
 * guard. malloc returns NULL rather than grow into the stack.
 */
#ifndef DENALI_STDLIB_H
#define DENALI_STDLIB_H

#include <stddef.h>
#include <stdint.h>

void *malloc(size_t n);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);

/* Flushes stdout and ends the VM with TERMINATE (EBX = status). */
void exit(int status) __attribute__((noreturn));
void abort(void) __attribute__((noreturn));

unsigned long strtoul(const char *s, char **end, int base);
long strtol(const char *s, char **end, int base);
int atoi(const char *s);
int abs(int v);

/* Bytes the heap may not take below mem_size: the main stack. Weak default 256 KiB. */
extern const uint32_t denali_stack_reserve;
/* Heap statistics for tests: bytes in use by live blocks, and the heap's current top. */
size_t denali_heap_in_use(void);
uintptr_t denali_heap_top(void);

#endif
