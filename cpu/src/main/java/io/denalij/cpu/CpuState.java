package io.denalij.cpu;

/**
 * The architectural state of one IA-32 processor: plain fields, no behaviour beyond accessors,
 * so that a machine is cheap to hold by the hundred thousand and easy to compare in tests.
 *
 * <p>Arithmetic flags (CF, PF, AF, ZF, SF, OF) are evaluated lazily: the last flag-setting
 * instruction records what it did in the {@code lazy*} fields and {@link io.denalij.cpu.alu.Flags}
 * computes individual flags only when something reads them. {@link #eflags} holds every other bit,
 * and the arithmetic bits too whenever {@code lazyOp == 0}. Read EFLAGS only through
 * {@code Flags.get(state)} and write it through {@code Flags.set(state, value)}.
 */
public final class CpuState {
    public static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    public static final String[] REG32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    public static final String[] REG16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
    public static final String[] REG8 = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};

    // EFLAGS bits
    public static final int CF = 1, PF = 1 << 2, AF = 1 << 4, ZF = 1 << 6, SF = 1 << 7, TF = 1 << 8, IF = 1 << 9,
            DF = 1 << 10, OF = 1 << 11, IOPL = 3 << 12, NT = 1 << 14, RF = 1 << 16, VM = 1 << 17, AC = 1 << 18,
            VIF = 1 << 19, VIP = 1 << 20, ID = 1 << 21;
    public static final int ARITH_FLAGS = CF | PF | AF | ZF | SF | OF;

    // CR0 bits
    public static final int CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 16, CR0_NE = 32,
            CR0_WP = 1 << 16, CR0_AM = 1 << 18, CR0_NW = 1 << 29, CR0_CD = 1 << 30, CR0_PG = 1 << 31;
    // CR4 bits (i686 subset)
    public static final int CR4_VME = 1, CR4_PVI = 2, CR4_TSD = 4, CR4_DE = 8, CR4_PSE = 16, CR4_PAE = 32,
            CR4_MCE = 64, CR4_PGE = 128, CR4_PCE = 256;

    /** EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI. */
    public final int[] gpr = new int[8];
    public int eip;

    /** EFLAGS without the lazily evaluated arithmetic bits (those are valid here only when lazyOp == 0). */
    public int eflags = 0x2;
    /** What the last flag-setting operation was; 0 means the arithmetic flags live in {@link #eflags}. Owned by Flags. */
    public int lazyOp;
    public int lazyResult, lazySrc1, lazySrc2;

    /** ES, CS, SS, DS, FS, GS. */
    public final Segment[] seg = {new Segment(), new Segment(), new Segment(), new Segment(), new Segment(), new Segment()};
    public final Segment ldtr = new Segment();
    public final Segment tr = new Segment();
    public int gdtrBase, gdtrLimit, idtrBase, idtrLimit;

    public int cr0 = CR0_ET, cr2, cr3, cr4;
    public final int[] dr = new int[8];
    /** Current privilege level (CS.RPL in protected mode, 0 in real mode, 3 in virtual-8086 mode). */
    public int cpl;

    /** Set by HLT; cleared when an interrupt is taken. */
    public boolean halted;
    /** Instructions retired since reset; also the time base (see VirtualClock). */
    public long icount;
    /** TSC offset: RDTSC returns icount + tscOffset (WRMSR to the TSC adjusts it). */
    public long tscOffset;

    /**
     * One instruction of interrupt shadow after MOV SS / POP SS / STI: interrupts are not taken
     * before the next instruction boundary has passed.
     */
    public boolean interruptShadow;

    public CpuState() {
        reset();
    }

    /** Processor state after RESET (SDM Vol. 3, table 9-1), except that EIP/CS are left for the loader. */
    public void reset() {
        java.util.Arrays.fill(gpr, 0);
        eflags = 0x2;
        lazyOp = 0;
        cr0 = CR0_ET | CR0_CD | CR0_NW;
        cr2 = cr3 = cr4 = 0;
        cpl = 0;
        halted = false;
        for (Segment s : seg) {
            s.load(0, 0, 0xFFFF, Segment.ATTR_P | Segment.ATTR_S | Segment.ATTR_RW | Segment.ATTR_ACCESSED);
        }
        seg[Segment.CS].load(0xF000, 0xFFFF0000, 0xFFFF,
                Segment.ATTR_P | Segment.ATTR_S | Segment.ATTR_CODE | Segment.ATTR_RW | Segment.ATTR_ACCESSED);
        eip = 0xFFF0;
        gdtrBase = idtrBase = 0;
        gdtrLimit = idtrLimit = 0xFFFF;
        ldtr.load(0, 0, 0xFFFF, Segment.ATTR_P | 0x2);
        tr.load(0, 0, 0xFFFF, Segment.ATTR_P | 0xB);
        gpr[EDX] = 0x0000_0611; // family 6, model 1, stepping 1: the Pentium Pro signature CPUID also reports
    }

    public boolean protectedMode() { return (cr0 & CR0_PE) != 0; }
    public boolean pagingEnabled() { return (cr0 & CR0_PG) != 0; }
    public boolean v86() { return (eflags & VM) != 0; }
    /** Default operand/address size of the code segment: true for 32-bit. */
    public boolean code32() { return seg[Segment.CS].is32(); }
    /** True when the stack segment is 32-bit (ESP rather than SP). */
    public boolean stack32() { return seg[Segment.SS].is32(); }

    // Byte and word register views, in ModRM register-number order.
    public int reg8(int r) { return r < 4 ? gpr[r] & 0xFF : (gpr[r - 4] >>> 8) & 0xFF; }
    public void setReg8(int r, int v) {
        if (r < 4) gpr[r] = (gpr[r] & ~0xFF) | (v & 0xFF);
        else gpr[r - 4] = (gpr[r - 4] & ~0xFF00) | ((v & 0xFF) << 8);
    }
    public int reg16(int r) { return gpr[r] & 0xFFFF; }
    public void setReg16(int r, int v) { gpr[r] = (gpr[r] & ~0xFFFF) | (v & 0xFFFF); }
}
