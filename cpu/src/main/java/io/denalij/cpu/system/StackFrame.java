package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.Memory;
import io.denalij.cpu.Segment;
import io.denalij.mmu.Mmu;

/**
 * A frame of pushes onto a stack that need not be the current one (the inner stack of a call gate
 * or interrupt, taken from the TSS). Each push is checked at once — segment limit, expand-down,
 * page present and writable — but nothing is written until {@link #write()}, so a fault anywhere
 * in the frame leaves memory and registers as they were.
 */
final class StackFrame {
    private final Mmu mmu;
    private final Segment ss;
    private final boolean user;
    private final int faultVector, faultError;
    private int esp;
    private int count;
    private int[] linear = new int[12], value = new int[12], size = new int[12];

    /**
     * @param user        page-level privilege of the writes (true only for a CPL 3 stack)
     * @param faultVector exception for a limit violation (#SS), with {@code faultError} as its error code
     */
    StackFrame(Memory mem, Segment ss, int esp, boolean user, int faultVector, int faultError) {
        this.mmu = mem.mmu();
        this.ss = ss;
        this.esp = esp;
        this.user = user;
        this.faultVector = faultVector;
        this.faultError = faultError;
    }

    /** Stages a push of 2 or 4 bytes; throws the stack fault or a page fault if it could not be written. */
    void push(int v, int bytes) {
        int offset;
        if (ss.is32()) {
            offset = esp - bytes;
            esp = offset;
        } else {
            offset = (esp - bytes) & 0xFFFF;
            esp = (esp & 0xFFFF_0000) | offset;
        }
        checkLimit(offset, bytes);
        int a = ss.base + offset;
        mmu.checkWritable(a, bytes, user);
        if (count == linear.length) grow();
        linear[count] = a;
        value[count] = v;
        size[count] = bytes;
        count++;
    }

    private void checkLimit(int offset, int bytes) {
        long first = Integer.toUnsignedLong(offset);
        long last = first + bytes - 1;
        long limit = Integer.toUnsignedLong(ss.limit);
        boolean ok = ss.expandDown ? first > limit && last <= (ss.is32() ? 0xFFFF_FFFFL : 0xFFFFL) : last <= limit;
        if (!ok) throw new CpuException(faultVector, faultError);
    }

    private void grow() {
        linear = java.util.Arrays.copyOf(linear, count * 2);
        value = java.util.Arrays.copyOf(value, count * 2);
        size = java.util.Arrays.copyOf(size, count * 2);
    }

    /** The stack pointer after every staged push (upper half preserved on a 16-bit stack). */
    int esp() { return esp; }

    /** Performs the staged writes; they were all checked, so this cannot fault. */
    void write() {
        for (int i = 0; i < count; i++) {
            if (size[i] == 2) mmu.write16(linear[i], value[i], user);
            else mmu.write32(linear[i], value[i], user);
        }
    }
}
