package io.denalij.translator;

import io.denalij.cpu.ExecutionEngine;

/**
 * Where the executor enters a translation for one of its blocks: the head (member 0) of the
 * translation made for that block, or a member of one made earlier for another block, whose code
 * the machine then runs without a translation of its own. One {@link TranslatedBlock} thus serves
 * every block it covers: a hot function or loop nest is one method, translated and compiled by
 * HotSpot once, however many of its blocks the executor reaches it through.
 */
final class Entry implements ExecutionEngine.Compiled {
    final TranslatedBlock code;
    /** The member the executor enters at. */
    final int block;
    private final int length;

    Entry(TranslatedBlock code, int block) {
        this.code = code;
        this.block = block;
        this.length = code.length(block);
    }

    /** The entered member's instructions (for the head: all of them, or the prefix that was translated). */
    @Override public int length() { return length; }
}
