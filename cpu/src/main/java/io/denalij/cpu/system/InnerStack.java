package io.denalij.cpu.system;

import io.denalij.cpu.Segment;

/**
 * The more-privileged stack a call gate or an interrupt switches to, read from the current TSS and
 * fully validated but not yet loaded: the caller builds its frame on it and commits everything at once.
 *
 * @param selector   new SS selector (from the TSS)
 * @param descriptor its descriptor, for setting the accessed bit on commit
 * @param cache      the SS cache to install
 * @param esp        the new stack pointer before any push
 */
record InnerStack(int selector, Descriptor descriptor, Segment cache, int esp) { }
