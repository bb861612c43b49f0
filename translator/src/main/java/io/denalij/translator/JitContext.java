package io.denalij.translator;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Memory;
import io.denalij.cpu.Segment;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.exec.Interpreter;
import io.denalij.mmu.WriteWatch;

/**
 * One machine's side of translated code: its state, memory, the reference interpreter for the
 * instructions the translator leaves to it, and the code pages of the block being run (for the
 * self-modifying-code check). Translations are shared between machines; this is what is not.
 *
 * <p>The methods are what generated code calls; each is a few bytecodes so that HotSpot inlines it.
 */
public final class JitContext {
    public final CpuState s;
    public final Memory mem;
    /** The MMU's page arrays for {@link FastMemory} (the same array for the machine's life). */
    public final byte[][] pages;
    private final Interpreter interpreter;
    private final WriteWatch watch;
    /** The code pages (physical page numbers, -1 for none) and their write generations of the running block. */
    private int ppn = -1, gen, ppn2 = -1, gen2;
    /** {@link WriteWatch#hits} when the code pages were last known unwritten. */
    private int hits;

    public JitContext(CpuState s, Memory mem, Interpreter interpreter, WriteWatch watch) {
        this.s = s;
        this.mem = mem;
        this.pages = mem.mmu().fastPages();
        this.interpreter = interpreter;
        this.watch = watch;
    }

    /** Names the code pages of the block about to run. */
    public void enter(int ppn, int gen, int ppn2, int gen2) {
        this.ppn = ppn;
        this.gen = gen;
        this.ppn2 = ppn2;
        this.gen2 = gen2;
        this.hits = watch.hits();
    }

    /**
     * True when a store has hit the running block's code since it was decoded. Asked after every
     * store and between the blocks of a region, so the common answer is one compare (no watched page
     * written at all) that HotSpot inlines; the pages are compared only when some watched page was.
     */
    public boolean codeChanged() {
        return watch.hits() != hits && pagesChanged();
    }

    private boolean pagesChanged() {
        if (ppn >= 0 && watch.generation(ppn) != gen || ppn2 >= 0 && watch.generation(ppn2) != gen2) return true;
        hits = watch.hits(); // another page was written: ours are still as decoded
        return false;
    }

    /**
     * The tags {@link FastMemory} compares for a {@code write} (or read) through segment {@code seg}
     * at the current privilege level: the MMU's when the segment is flat for that access (and, for
     * SS, 32-bit, so that PUSH and POP may move ESP as a plain number), else tags that never match.
     * Generated code asks at entry and after every instruction the interpreter ran (which may have
     * loaded a segment or changed the privilege level) and keeps the answer in a local.
     */
    public int[] tags(int seg, boolean write) {
        Segment sg = s.seg[seg];
        boolean flat = (write ? sg.flatWrite : sg.flatRead) && (seg != Segment.SS || sg.is32());
        return flat ? mem.mmu().fastTags(write, s.cpl == 3) : mem.mmu().noFastTags();
    }

    /** One instruction through the reference interpreter (state written back by the caller, EIP at the next instruction). */
    public void interpret(Instruction in, Op op) {
        interpreter.execute(in, op);
    }

    /** A near branch target: #GP(0) beyond the CS limit. */
    public int branchTarget(int target) {
        Segment cs = s.seg[Segment.CS];
        if (!cs.flat && Integer.compareUnsigned(target, cs.limit) > 0) throw CpuException.gp(0);
        return target;
    }

    /** Pushes {@code size} bytes at ESP (or SP) and returns the new ESP; nothing changes if the write faults. */
    public int push(int esp, int value, int size) {
        if (s.seg[Segment.SS].is32()) {
            int n = esp - size;
            if (size == 4) mem.write32(Segment.SS, n, value); else mem.write16(Segment.SS, n, value);
            return n;
        }
        int sp = (esp - size) & 0xFFFF;
        if (size == 4) mem.write32(Segment.SS, sp, value); else mem.write16(Segment.SS, sp, value);
        return (esp & 0xFFFF_0000) | sp;
    }

    /** Reads {@code size} bytes at ESP + delta (SP + delta, wrapped, on a 16-bit stack). */
    public int peek(int esp, int delta, int size) {
        int a = s.seg[Segment.SS].is32() ? esp + delta : (esp + delta) & 0xFFFF;
        return size == 4 ? mem.read32(Segment.SS, a) : mem.read16(Segment.SS, a);
    }

    /**
     * True when the stack is 32-bit (SS's B bit), so that ESP moves as a plain number. Generated code
     * asks where it fetches the tags (at entry and after each interpreter call, which may load SS)
     * and keeps the answer in a local, instead of asking {@link #adjust} at every POP and RET.
     */
    public boolean stack32() {
        return s.seg[Segment.SS].is32();
    }

    /** ESP after adding {@code delta} (only SP changes on a 16-bit stack). */
    public int adjust(int esp, int delta) {
        return s.seg[Segment.SS].is32() ? esp + delta : (esp & 0xFFFF_0000) | ((esp + delta) & 0xFFFF);
    }
}
