package io.denalij.translator;

import io.denalij.cpu.ExecutionEngine;
import io.denalij.cpu.exec.CodeCache;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.decode.Operand;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The guest blocks one translation covers: the head, where the executor enters, then blocks of the
 * same code page reachable from it by the static branches of the blocks before them (a loop's
 * other blocks, a called function and the code after the call). Inside the translation a branch
 * to a member is a JVM jump, so a hot loop of several blocks never goes back to the executor.
 *
 * <p>Only blocks whose every interpreter fallback is {@linkplain InstructionEmitter#quiet quiet}
 * and that chain (end in a near branch or at the size limit) are members besides the head, and
 * control goes on from a block to a member only out of such a block: whatever could stop the
 * machine, change its mode or need the executor's attention still ends the translation, as it
 * ends an interpreted chain. Members lie in the head's first page, so the page checks the executor
 * made before entering cover them, and a store into any of them is caught by the same check.
 */
final class Region {
    /** At most this many blocks in one translation (the class-size limit may allow fewer). */
    static final int MAX_BLOCKS = Integer.getInteger("denali.jit.regionBlocks", 4);

    /** All instructions, block after block; instruction {@code g} runs with the count {@code base + g}. */
    final Instruction[] code;
    final Op[] ops;
    /** Index in {@link #code} of each block's first instruction, and one past the last block. */
    final int[] start;

    private Region(Instruction[] code, Op[] ops, int[] start) {
        this.code = code;
        this.ops = ops;
        this.start = start;
    }

    /** A region of the one block {@code code}. */
    static Region single(Instruction[] code, Op[] ops) {
        return new Region(code, ops, new int[] {0, code.length});
    }

    int blocks() { return start.length - 1; }

    int length(int block) { return start[block + 1] - start[block]; }

    int eip(int block) { return code[start[block]].eip; }

    Instruction last(int block) { return code[start[block + 1] - 1]; }

    Op lastOp(int block) { return ops[start[block + 1] - 1]; }

    /** The first {@code n} blocks of this region. */
    Region prefix(int n) {
        int len = start[n];
        return new Region(Arrays.copyOf(code, len), Arrays.copyOf(ops, len), Arrays.copyOf(start, n + 1));
    }

    /** The member that starts at {@code eip}, or -1. */
    int blockAt(int eip) {
        for (int j = 0; j < blocks(); j++) if (eip(j) == eip) return j;
        return -1;
    }

    /**
     * True when control may go on from block {@code j} to another member: nothing in it needs the
     * executor (see the class comment), and its end is a near transfer or a fall-through.
     */
    boolean continues(int j) {
        return continues(code, ops, start[j], start[j + 1]);
    }

    /**
     * The members control may go on to from the end of block {@code j} (none when it does not
     * continue): every member after a dynamic end, else the members among its static successors.
     */
    List<Integer> memberTargets(int j) {
        List<Integer> targets = new ArrayList<>();
        if (!continues(j)) return targets;
        if (dynamicEnd(j)) {
            for (int m = 0; m < blocks(); m++) targets.add(m);
        } else {
            for (int eip : staticSuccessors(j)) {
                int m = blockAt(eip);
                if (m >= 0 && !targets.contains(m)) targets.add(m);
            }
        }
        return targets;
    }

    /**
     * For each member, the most instructions that can run from its start while control only goes
     * forward (to members of a higher index): the translation checks the budget only where it
     * enters a member of the same or a lower index (every cycle has such a step), and asks there,
     * and the executor before it enters, for room for the longest forward run from that member. A
     * run never passes the budget, and the forward steps (most of them) carry no check at all:
     * nothing to compute, and no branch that HotSpot compiles as a trap because it never saw it
     * fail and must then compile the region again when a quantum ends there.
     */
    int[] longestRuns() {
        if (longestRuns == null) longestRuns = computeLongestRuns();
        return longestRuns;
    }

    /** {@link #longestRuns}, worked out once (the translator and the translation cache both ask). */
    private int[] longestRuns;

    private int[] computeLongestRuns() {
        int[] runs = new int[blocks()];
        for (int j = blocks() - 1; j >= 0; j--) {
            int after = 0;
            for (int m : memberTargets(j)) if (m > j) after = Math.max(after, runs[m]);
            runs[j] = length(j) + after;
        }
        return runs;
    }

    /** True when the end of block {@code j} goes to an address known only at run time (see {@link #dynamicEnd(Instruction, Op)}). */
    boolean dynamicEnd(int j) { return dynamicEnd(last(j), lastOp(j)); }

    /** Where block {@code j} can go next when its end is static (see {@link #staticSuccessors(Instruction, Op)}). */
    int[] staticSuccessors(int j) { return staticSuccessors(last(j), lastOp(j)); }

    /** RET, and JMP or CALL through a register or memory. */
    private static boolean dynamicEnd(Instruction last, Op op) {
        return switch (op) {
            case RET -> true;
            case JMP, CALL -> last.form.operand(0) == Operand.Ev;
            default -> false;
        };
    }

    /** Branch target and fall-through of a block that ends in {@code last}; none for a dynamic end. */
    private static int[] staticSuccessors(Instruction last, Op op) {
        if (dynamicEnd(last, op)) return new int[0];
        return switch (op) {
            case JCC, LOOP, LOOPE, LOOPNE, JCXZ -> new int[] {last.target, last.nextEip};
            case JMP, CALL -> new int[] {last.target};
            default -> new int[] {last.nextEip};
        };
    }

    /** The member rule for instructions {@code from} to {@code to} (exclusive) of {@code code}. */
    private static boolean continues(Instruction[] code, Op[] ops, int from, int to) {
        if (!CodeCache.chainsAfter(code[to - 1], ops[to - 1])) return false;
        InstructionEmitter probe = new InstructionEmitter(null);
        for (int k = from; k < to; k++) {
            if (!probe.canInline(code[k], ops[k]) && !InstructionEmitter.quiet(ops[k])) return false;
        }
        return true;
    }

    /**
     * The head block and up to {@code maxBlocks - 1} members: candidates are the static successors
     * of every member that continues, and the return address of every CALL (reached later through
     * the RET). The candidate that ran most often interpreted so far joins first (ties, and blocks
     * that never ran, in the order they were found, breadth first): a region then follows the path
     * the guest actually takes through a loop nest instead of the first blocks a search meets, and
     * the prefix kept when the whole is too large for C2 is the hottest part.
     */
    static Region discover(Instruction[] head, Op[] headOps, ExecutionEngine.Neighbours neighbours, int maxBlocks) {
        Region one = single(head, headOps);
        if (maxBlocks <= 1 || !one.continues(0)) return one;
        List<Instruction[]> blocks = new ArrayList<>();
        List<Op[]> blockOps = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        PriorityQueue<Candidate> queue = new PriorityQueue<>();
        blocks.add(head);
        blockOps.add(headOps);
        seen.add(head[0].eip);
        int limit = maxBlocks;
        if (enqueue(head, headOps, seen, queue, neighbours)) limit = Math.max(limit, TABLE_BLOCKS);
        while (!queue.isEmpty() && blocks.size() < limit) {
            ExecutionEngine.Code c = queue.poll().code;
            Instruction[] b = c.instructions();
            // A jump through a table goes into a region only as its head or the block right
            // after it: there the region grows to hold the table's targets, and every other path
            // to the table (a handler's way back to the dispatch loop) leaves for that one region
            // instead of growing its own.
            if (tableJump(b[b.length - 1], c.ops()[b.length - 1]) && blocks.size() > 1) continue;
            blocks.add(b);
            blockOps.add(c.ops());
            if (enqueue(b, c.ops(), seen, queue, neighbours)) limit = Math.max(limit, TABLE_BLOCKS);
        }
        return of(blocks, blockOps);
    }

    /**
     * Blocks in a region whose head, or the block right after it, ends in a jump through a table:
     * a dispatch loop's handlers are many and short, and one region then runs the whole loop (the
     * class-size limit still has the last word). Only there: the handlers' own regions, which
     * reach the same table further on, keep the usual size, so that the loop is compiled once and
     * not once per handler.
     */
    static final int TABLE_BLOCKS = Integer.getInteger("denali.jit.tableBlocks", 16);

    /** Entries read from a jump table at most. */
    static final int TABLE_ENTRIES = 256;

    /**
     * The targets of {@code last} when it is a jump through a table, {@code jmp [disp + reg * 4]}
     * (what compilers make of a dense {@code switch}): the table's entries in guest memory, read
     * without side effects, up to the first that is unreadable or lies outside the page of
     * {@code last} (past the table's end, as a rule). Only candidates: the translation compares the
     * address the jump really takes with its members at run time, so a table that changes later,
     * or data read past its end, costs room in the region and nothing else.
     */
    private static List<Integer> tableTargets(Instruction last, Op op, ExecutionEngine.Neighbours neighbours) {
        List<Integer> out = new ArrayList<>();
        if (!tableJump(last, op)) return out;
        int page = last.eip >>> 12;
        for (int i = 0; i < TABLE_ENTRIES; i++) {
            long t = neighbours.peek32(last.seg, last.disp + 4 * i);
            if (t < 0 || (int) t >>> 12 != page) break;
            out.add((int) t);
        }
        return out;
    }

    /** A block that may join a region: hotter first, then in the order found. */
    private record Candidate(ExecutionEngine.Code code, int order) implements Comparable<Candidate> {
        @Override public int compareTo(Candidate o) {
            int byRuns = Integer.compare(o.code.runs(), code.runs());
            return byRuns != 0 ? byRuns : Integer.compare(order, o.order);
        }
    }

    /** True for {@code jmp [disp + reg * 4]} (32-bit operand and address size, no base register). */
    private static boolean tableJump(Instruction last, Op op) {
        return op == Op.JMP && last.form.operand(0) == Operand.Ev && last.hasMemory && last.addr32 && last.op32
                && last.base == Instruction.NO_REG && last.index != Instruction.NO_REG && last.scale == 2;
    }

    /** Adds the candidates {@code block} leads to; true when it ends in a jump through a table. */
    private static boolean enqueue(Instruction[] block, Op[] ops, Set<Integer> seen, PriorityQueue<Candidate> queue,
                                   ExecutionEngine.Neighbours neighbours) {
        Instruction last = block[block.length - 1];
        Op op = ops[ops.length - 1];
        List<Integer> fixed = new ArrayList<>(); // static successors and the return address
        for (int t : staticSuccessors(last, op)) fixed.add(t);
        if (op == Op.CALL) fixed.add(last.nextEip);
        List<Integer> table = tableTargets(last, op, neighbours);
        List<Integer> next = new ArrayList<>(fixed);
        next.addAll(table);
        for (int eip : next) {
            if (seen.contains(eip)) continue;
            ExecutionEngine.Code c = neighbours.at(eip);
            // A table entry joins only once its code has run: a dispatch table often has many
            // entries the program never takes, and a member that first runs after HotSpot compiled
            // the region makes it compile the whole region again (an "unstable if" trap at the jump
            // into the member); left out, it runs as a translation of its own.
            if (c == null || !fixed.contains(eip) && c.runs() == 0) continue;
            seen.add(eip);
            if (!continues(c.instructions(), c.ops(), 0, c.instructions().length)) continue;
            queue.add(new Candidate(c, seen.size()));
        }
        return !table.isEmpty();
    }

    private static Region of(List<Instruction[]> blocks, List<Op[]> blockOps) {
        int total = 0;
        for (Instruction[] b : blocks) total += b.length;
        Instruction[] code = new Instruction[total];
        Op[] ops = new Op[total];
        int[] start = new int[blocks.size() + 1];
        int at = 0;
        for (int j = 0; j < blocks.size(); j++) {
            start[j] = at;
            System.arraycopy(blocks.get(j), 0, code, at, blocks.get(j).length);
            System.arraycopy(blockOps.get(j), 0, ops, at, blocks.get(j).length);
            at += blocks.get(j).length;
        }
        start[blocks.size()] = at;
        return new Region(code, ops, start);
    }
}
