package io.denalij.cpu.fpu;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Memory;
import io.denalij.cpu.alu.Flags;

import static io.denalij.cpu.fpu.Float80.*;

/**
 * The x87 floating-point unit of the Pentium Pro: eight 80-bit registers used as a stack, the control, status
 * and tag words, the last-instruction and last-operand pointers, and every D8..DF instruction.
 *
 * <p>Arithmetic is done in software by {@link Float80}, bit-exact for everything except the transcendental
 * instructions (F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS, FSINCOS), which {@link Transcendentals}
 * computes through {@code double} with the error bound documented there and in docs/X87.md.
 *
 * <p>Exceptions follow the SDM: a masked exception delivers its default result (QNaN indefinite, infinity,
 * denormal, ...); an unmasked IE, DE or ZE leaves the destination and the stack untouched; unmasked OE/UE deliver
 * the bias-adjusted result to a register and nothing to memory. Any unmasked exception sets ES and B, and the
 * next waiting instruction raises #MF when CR0.NE is set. With CR0.NE clear the PC routes FERR# to IRQ13: this
 * FPU then calls the {@link #setFerrListener FERR# listener} (if any) and lets the waiting instruction proceed, as
 * if the chipset asserted IGNNE#; see docs/X87.md.
 */
public final class X87 {
    // Status word bits.
    static final int SW_ES = 0x80, SW_C0 = 0x100, SW_C1 = 0x200, SW_C2 = 0x400, SW_C3 = 0x4000, SW_B = 0x8000;
    static final int SW_CC = SW_C0 | SW_C1 | SW_C2 | SW_C3;

    private final CpuState s;
    private final Memory mem;
    private final Float80 f = new Float80();
    private final Transcendentals trans = new Transcendentals(f);

    /** Physical registers R0..R7: significand and sign+exponent. */
    final long[] sig = new long[8];
    final int[] se = new int[8];
    /** Bit i set: physical register i is empty (the P6 keeps only this "abridged" tag; FNSTENV derives the rest). */
    int emptyMask = 0xFF;
    int cw = 0x037F;
    /** Status word including TOP (bits 11-13). */
    int sw;
    int fip, fcs, fop, fdp, fds;
    private Runnable ferrListener;

    public X87(CpuState s, Memory mem) {
        this.s = s;
        this.mem = mem;
        reset();
    }

    /** Called at a waiting instruction with a pending unmasked exception while CR0.NE = 0 (PC: IRQ13). */
    public void setFerrListener(Runnable listener) { this.ferrListener = listener; }

    /** FNINIT state; also the state after power-on. Register contents are kept, as on the hardware. */
    public void reset() {
        cw = 0x037F;
        sw = 0;
        emptyMask = 0xFF;
        fip = fcs = fop = fdp = fds = 0;
    }

    public int controlWord() { return cw; }
    /** The status word as FNSTSW stores it. */
    public int statusWord() { return sw; }
    public int top() { return (sw >> 11) & 7; }

    /** The full tag word (00 valid, 01 zero, 10 special, 11 empty per physical register), as FNSTENV stores it. */
    public int tagWord() {
        int tw = 0;
        for (int r = 0; r < 8; r++) {
            int tag;
            if ((emptyMask & (1 << r)) != 0) tag = 3;
            else tag = switch (classify(se[r], sig[r])) {
                case ZERO -> 1;
                case NORMAL -> 0;
                default -> 2;
            };
            tw |= tag << (2 * r);
        }
        return tw;
    }

    /** Loads a tag word: only "empty" (11) versus "not empty" is kept. */
    void setTagWord(int tw) {
        emptyMask = 0;
        for (int r = 0; r < 8; r++) if (((tw >> (2 * r)) & 3) == 3) emptyMask |= 1 << r;
    }

    /** Sets the status word and recomputes ES/B from the flags and the masks. */
    void setStatusWord(int v) {
        sw = v & 0xFFFF;
        updateSummary();
    }

    void setControlWord(int v) {
        cw = (v & 0x1F3F) | 0x40;
        updateSummary();
    }

    private void updateSummary() {
        if ((sw & ~cw & 0x3F) != 0) sw |= SW_ES | SW_B;
        else sw &= ~(SW_ES | SW_B);
    }

    public String describe() {
        StringBuilder b = new StringBuilder(160);
        b.append(String.format("x87 cw=%04x sw=%04x tw=%04x top=%d", cw, sw, tagWord(), top()));
        for (int i = 0; i < 8; i++) {
            int r = phys(i);
            if ((emptyMask & (1 << r)) != 0) continue;
            b.append(String.format(" st%d=%04x:%016x", i, se[r], sig[r]));
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- stack

    private int phys(int i) { return (top() + i) & 7; }
    private boolean empty(int i) { return (emptyMask & (1 << phys(i))) != 0; }
    private void setTop(int t) { sw = (sw & ~0x3800) | ((t & 7) << 11); }

    private void write(int i, int vSe, long vSig) {
        int r = phys(i);
        se[r] = vSe & 0xFFFF;
        sig[r] = vSig;
        emptyMask &= ~(1 << r);
    }

    private void pop() {
        emptyMask |= 1 << phys(0);
        setTop(top() + 1);
    }

    private void pushValue(int vSe, long vSig) {
        setTop(top() - 1);
        write(0, vSe, vSig);
    }

    /** Raises exception flags; an unmasked one sets ES and B. */
    private void raise(int exc) {
        sw |= exc & 0x7F;
        updateSummary();
    }

    private void setC1(boolean v) { sw = v ? sw | SW_C1 : sw & ~SW_C1; }

    private void setCc(int c3c2c0) { sw = (sw & ~(SW_C0 | SW_C2 | SW_C3)) | c3c2c0; }

    private boolean ieMasked() { return (cw & IE) != 0; }

    /** Stack underflow: IE and SF with C1 = 0. Returns true when masked (the caller delivers indefinite). */
    private boolean underflow() {
        setC1(false);
        raise(IE | SF);
        return ieMasked();
    }

    /** Stack overflow: IE and SF with C1 = 1. Returns true when masked. */
    private boolean overflow() {
        setC1(true);
        raise(IE | SF);
        return ieMasked();
    }

    /** Pushes a value, or handles stack overflow (masked: pushes the QNaN indefinite). */
    private void push(int vSe, long vSig) {
        if (!empty(-1 & 7)) {
            if (overflow()) pushValue(INDEFINITE_SE, INDEFINITE_SIG);
            return;
        }
        pushValue(vSe, vSig);
    }

    private boolean pushFull() { return !empty(7); }

    /**
     * Finishes an arithmetic result for ST(i): unmasked IE/DE/ZE leave everything untouched; otherwise the result
     * is written and (optionally) the stack popped. C1 reports rounding up.
     */
    private void commit(int i, boolean popAfter) {
        int exc = f.flags;
        if ((exc & ~cw & (IE | DE | ZE)) != 0) { // the operation did not happen: only its pre-computation faults count
            raise(exc & (IE | DE | ZE));
            return;
        }
        setC1(f.roundedUp && (exc & PE) != 0);
        write(i, f.rSe, f.rSig);
        if (popAfter) pop();
        raise(exc);
    }

    // ---------------------------------------------------------------- entry points

    /** WAIT/FWAIT. */
    public void fwait() { checkPending(); }

    private void checkPending() {
        if ((sw & SW_ES) == 0) return;
        if ((s.cr0 & CpuState.CR0_NE) != 0) throw new CpuException(CpuException.MF, -1);
        if (ferrListener != null) ferrListener.run();
    }

    /** Executes one x87 instruction; see the class comment for the exception behaviour. */
    public void execute(int opcode, int modrm, int seg, int offset, boolean operandSize32, int instrEip, int instrCs) {
        int reg = (modrm >> 3) & 7;
        boolean memForm = (modrm & 0xC0) != 0xC0;
        if (!nonWaiting(opcode, modrm, memForm)) checkPending();
        if (!memForm) {
            executeRegister(opcode, modrm & 0xFF, reg, modrm & 7);
            if (!isControl(opcode, modrm, memForm)) recordInstruction(opcode, modrm, instrEip, instrCs);
            return;
        }
        if (isControl(opcode, modrm, memForm)) {
            executeControl(opcode, reg, seg, offset, operandSize32);
            return;
        }
        executeMemory(opcode, reg, seg, offset);
        recordInstruction(opcode, modrm, instrEip, instrCs);
        fdp = offset;
        fds = s.seg[seg].selector;
        if (!s.protectedMode() || s.v86()) fdp = s.seg[seg].base + offset; // real-mode layouts keep linear addresses
    }

    private void recordInstruction(int opcode, int modrm, int eip, int cs) {
        fop = ((opcode & 7) << 8) | (modrm & 0xFF);
        fip = eip;
        fcs = cs & 0xFFFF;
        if (!s.protectedMode() || s.v86()) fip = ((cs & 0xFFFF) << 4) + eip;
    }

    /** FNINIT, FNCLEX, FNSTCW, FNSTSW, FNSTENV, FNSAVE and the 8087 leftovers do not check for pending exceptions. */
    private static boolean nonWaiting(int opcode, int modrm, boolean memForm) {
        int reg = (modrm >> 3) & 7;
        if (memForm) return (opcode == 0xD9 && (reg == 6 || reg == 7)) || (opcode == 0xDD && (reg == 6 || reg == 7));
        return (opcode == 0xDB && modrm >= 0xE0 && modrm <= 0xE4) || (opcode == 0xDF && modrm == 0xE0);
    }

    /** Control instructions leave the last-instruction and operand pointers alone. */
    private static boolean isControl(int opcode, int modrm, boolean memForm) {
        int reg = (modrm >> 3) & 7;
        if (memForm) return (opcode == 0xD9 && reg >= 4) || (opcode == 0xDD && reg >= 4);
        return (opcode == 0xDB && modrm >= 0xE0 && modrm <= 0xE4) || (opcode == 0xDF && modrm == 0xE0);
    }

    private static CpuException undefined(int opcode, int modrm) {
        return CpuException.ud(String.format("x87 opcode %02x %02x does not exist on the Pentium Pro", opcode, modrm));
    }

    // ---------------------------------------------------------------- register forms

    private void executeRegister(int opcode, int modrm, int reg, int i) {
        switch (opcode) {
            case 0xD8 -> {
                switch (reg) {
                    case 2 -> compareSt(i, false, 0);
                    case 3 -> compareSt(i, false, 1);
                    default -> arithmetic(reg, 0, i, false);
                }
            }
            case 0xD9 -> registerD9(modrm, reg, i);
            case 0xDA -> {
                if (reg <= 3) fcmov(i, switch (reg) { case 0 -> 2; case 1 -> 4; case 2 -> 6; default -> 0xA; });
                else if (modrm == 0xE9) compareSt(1, true, 2);
                else throw undefined(opcode, modrm);
            }
            case 0xDB -> {
                if (reg <= 3) fcmov(i, switch (reg) { case 0 -> 3; case 1 -> 5; case 2 -> 7; default -> 0xB; });
                else if (reg == 5) compareFlags(i, true, false);
                else if (reg == 6) compareFlags(i, false, false);
                else if (modrm == 0xE2) sw &= ~(0x7F | SW_ES | SW_B); // FNCLEX
                else if (modrm == 0xE3) reset(); // FNINIT
                else if (modrm == 0xE0 || modrm == 0xE1 || modrm == 0xE4) { /* FENI/FDISI/FSETPM: no-ops since the 80387 */ }
                else throw undefined(opcode, modrm);
            }
            case 0xDC -> {
                switch (reg) {
                    case 2 -> compareSt(i, false, 0); // FCOM2 alias
                    case 3 -> compareSt(i, false, 1); // FCOMP3 alias
                    // Destination ST(i): DC E0 is "FSUBR ST(i),ST0" = ST0 - ST(i), DC E8 is FSUB = ST(i) - ST0.
                    default -> arithmetic(reg, i, i, false);
                }
            }
            case 0xDD -> {
                switch (reg) {
                    case 0 -> emptyMask |= 1 << phys(i); // FFREE
                    case 1 -> fxch(i); // FXCH4 alias
                    case 2 -> storeSt(i, false);
                    case 3 -> storeSt(i, true);
                    case 4 -> compareSt(i, true, 0);
                    case 5 -> compareSt(i, true, 1);
                    default -> throw undefined(opcode, modrm);
                }
            }
            case 0xDE -> {
                switch (reg) {
                    case 2 -> compareSt(i, false, 1); // FCOMP5 alias
                    case 3 -> {
                        if (i != 1) throw undefined(opcode, modrm);
                        compareSt(1, false, 2);
                    }
                    default -> arithmetic(reg, i, i, true);
                }
            }
            case 0xDF -> {
                switch (reg) {
                    case 0 -> { // FFREEP
                        emptyMask |= 1 << phys(i);
                        pop();
                    }
                    case 1 -> fxch(i); // FXCH7 alias
                    case 2, 3 -> storeSt(i, true); // FSTP8/FSTP9 aliases
                    case 4 -> {
                        if (modrm != 0xE0) throw undefined(opcode, modrm);
                        s.setReg16(CpuState.EAX, sw); // FNSTSW AX
                    }
                    case 5 -> compareFlags(i, true, true);
                    case 6 -> compareFlags(i, false, true);
                    default -> throw undefined(opcode, modrm);
                }
            }
            default -> throw new IllegalArgumentException("not an x87 opcode: " + opcode);
        }
    }

    private void registerD9(int modrm, int reg, int i) {
        switch (reg) {
            case 0 -> { // FLD ST(i)
                if (empty(i)) {
                    if (pushFull()) push(0, 0);
                    else if (underflow()) pushValue(INDEFINITE_SE, INDEFINITE_SIG);
                    return;
                }
                int r = phys(i);
                push(se[r], sig[r]);
            }
            case 1 -> fxch(i);
            case 2 -> {
                if (modrm != 0xD0) throw undefined(0xD9, modrm);
                // FNOP
            }
            case 3 -> storeSt(i, true); // FSTP1 alias
            default -> {
                switch (modrm) {
                    case 0xE0, 0xE1 -> signOp(modrm == 0xE0);
                    case 0xE4 -> ftst();
                    case 0xE5 -> fxam();
                    case 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEE -> loadConstant(modrm - 0xE8);
                    case 0xF0, 0xF1, 0xF2, 0xF3, 0xF9, 0xFB, 0xFE, 0xFF -> transcendental(modrm);
                    case 0xF4 -> fxtract();
                    case 0xF5 -> fprem(true);
                    case 0xF6 -> {
                        setC1(false);
                        setTop(top() - 1);
                    }
                    case 0xF7 -> {
                        setC1(false);
                        setTop(top() + 1);
                    }
                    case 0xF8 -> fprem(false);
                    case 0xFA -> unary(0);
                    case 0xFC -> unary(1);
                    case 0xFD -> fscale();
                    default -> throw undefined(0xD9, modrm);
                }
            }
        }
    }

    /**
     * Arithmetic between registers: ST(dst) = ST0 op ST(i), op in ModRM reg order (0 add, 1 mul, 4 sub = ST0 - ST(i),
     * 5 subr = ST(i) - ST0, 6 div, 7 divr). The DC/DE encodings that name the reversed operation for a ST(i)
     * destination (DC E0 "FSUBR ST(i),ST0" = ST0 - ST(i)) therefore need no translation.
     */
    private void arithmetic(int op, int dst, int i, boolean popAfter) {
        if (empty(0) || empty(i)) {
            if (underflow()) {
                write(dst, INDEFINITE_SE, INDEFINITE_SIG);
                if (popAfter) pop();
            }
            return;
        }
        int r0 = phys(0), ri = phys(i);
        compute(op, se[r0], sig[r0], se[ri], sig[ri]);
        commit(dst, popAfter);
    }

    /** f := a op b, with op in ModRM reg order; "a" is always ST0. */
    private void compute(int op, int aSe, long aSig, int bSe, long bSig) {
        f.begin(cw);
        int prec = Float80.precision(cw);
        switch (op) {
            case 0 -> f.add(aSe, aSig, bSe, bSig, false, prec);
            case 1 -> f.mul(aSe, aSig, bSe, bSig, prec);
            case 4 -> f.add(aSe, aSig, bSe, bSig, true, prec);
            case 5 -> f.add(bSe, bSig, aSe, aSig, true, prec);
            case 6 -> f.div(aSe, aSig, bSe, bSig, prec);
            case 7 -> f.div(bSe, bSig, aSe, aSig, prec);
            default -> throw new IllegalStateException("not an arithmetic op: " + op);
        }
    }

    private void fxch(int i) {
        if (empty(0) || empty(i)) {
            if (!underflow()) return;
            if (empty(0)) write(0, INDEFINITE_SE, INDEFINITE_SIG);
            if (empty(i)) write(i, INDEFINITE_SE, INDEFINITE_SIG);
        }
        int r0 = phys(0), ri = phys(i);
        int tSe = se[r0];
        long tSig = sig[r0];
        se[r0] = se[ri];
        sig[r0] = sig[ri];
        se[ri] = tSe;
        sig[ri] = tSig;
        setC1(false);
    }

    /** FST/FSTP ST(i): a raw copy, no conversion and no exceptions beyond stack underflow. */
    private void storeSt(int i, boolean popAfter) {
        if (empty(0)) {
            if (underflow()) {
                write(i, INDEFINITE_SE, INDEFINITE_SIG);
                if (popAfter) pop();
            }
            return;
        }
        setC1(false);
        int r0 = phys(0);
        write(i, se[r0], sig[r0]);
        if (popAfter) pop();
    }

    private void fcmov(int i, int cc) {
        if (empty(0) || empty(i)) {
            if (underflow()) write(0, INDEFINITE_SE, INDEFINITE_SIG);
            return;
        }
        setC1(false);
        if (Flags.condition(s, cc)) {
            int ri = phys(i);
            write(0, se[ri], sig[ri]);
        }
    }

    private static final int[] CC_OF_RELATION = {SW_C0, SW_C3, 0, SW_C0 | SW_C2 | SW_C3}; // less, equal, greater, unordered
    private static final int[] EFLAGS_OF_RELATION = {CpuState.CF, CpuState.ZF, 0, CpuState.ZF | CpuState.PF | CpuState.CF};

    /** FCOM/FUCOM family: compares ST0 with ST(i), then pops {@code pops} times. */
    private void compareSt(int i, boolean quiet, int pops) {
        if (empty(0) || empty(i)) {
            setCc(SW_C0 | SW_C2 | SW_C3); // "unordered" even when IE is unmasked
            if (underflow()) for (int k = 0; k < pops; k++) pop();
            return;
        }
        int r0 = phys(0), ri = phys(i);
        compareValues(se[r0], sig[r0], se[ri], sig[ri], quiet, pops);
    }

    private void compareValues(int aSe, long aSig, int bSe, long bSig, boolean quiet, int pops) {
        f.begin(cw);
        int rel = f.compare(aSe, aSig, bSe, bSig, quiet);
        setC1(false);
        if ((f.flags & ~cw & IE) != 0) setCc(CC_OF_RELATION[rel]);
        if ((f.flags & ~cw & (IE | DE)) == 0) {
            setCc(CC_OF_RELATION[rel]);
            for (int k = 0; k < pops; k++) pop();
        }
        raise(f.flags);
    }

    /** FCOMI/FUCOMI(P): the result goes to ZF, PF, CF. */
    private void compareFlags(int i, boolean quiet, boolean popAfter) {
        if (empty(0) || empty(i)) {
            Flags.setArith(s, CpuState.ZF | CpuState.PF | CpuState.CF);
            if (underflow() && popAfter) pop();
            return;
        }
        int r0 = phys(0), ri = phys(i);
        f.begin(cw);
        int rel = f.compare(se[r0], sig[r0], se[ri], sig[ri], quiet);
        setC1(false);
        if ((f.flags & ~cw & IE) != 0) Flags.setArith(s, EFLAGS_OF_RELATION[rel]);
        if ((f.flags & ~cw & (IE | DE)) == 0) {
            Flags.setArith(s, EFLAGS_OF_RELATION[rel]);
            if (popAfter) pop();
        }
        raise(f.flags);
    }

    private void signOp(boolean chs) {
        if (empty(0)) {
            if (underflow()) write(0, INDEFINITE_SE, INDEFINITE_SIG);
            return;
        }
        setC1(false);
        int r = phys(0);
        se[r] = chs ? se[r] ^ 0x8000 : se[r] & 0x7FFF;
    }

    private void ftst() {
        if (empty(0)) {
            setCc(SW_C0 | SW_C2 | SW_C3);
            underflow();
            return;
        }
        int r = phys(0);
        compareValues(se[r], sig[r], 0, 0, false, 0);
    }

    private void fxam() {
        int r = phys(0);
        int c1 = (se[r] & 0x8000) != 0 ? SW_C1 : 0;
        int cc;
        if (empty(0)) cc = SW_C3 | SW_C0;
        else cc = switch (classify(se[r], sig[r])) {
            case UNSUPPORTED -> 0;
            case QNAN, SNAN -> SW_C0;
            case NORMAL -> SW_C2;
            case INF -> SW_C2 | SW_C0;
            case ZERO -> SW_C3;
            default -> SW_C3 | SW_C2; // denormal
        };
        sw = (sw & ~SW_CC) | cc | c1;
    }

    /** FSQRT (0) and FRNDINT (1). */
    private void unary(int op) {
        if (empty(0)) {
            if (underflow()) write(0, INDEFINITE_SE, INDEFINITE_SIG);
            return;
        }
        int r = phys(0);
        f.begin(cw);
        if (op == 0) f.sqrt(se[r], sig[r], Float80.precision(cw));
        else f.roundInt(se[r], sig[r]);
        commit(0, false);
    }

    private void fscale() {
        if (empty(0) || empty(1)) {
            if (underflow()) write(0, INDEFINITE_SE, INDEFINITE_SIG);
            return;
        }
        int r0 = phys(0), r1 = phys(1);
        f.begin(cw);
        f.scale(se[r0], sig[r0], se[r1], sig[r1]);
        commit(0, false);
    }

    private void fprem(boolean nearest) {
        if (empty(0) || empty(1)) {
            if (underflow()) write(0, INDEFINITE_SE, INDEFINITE_SIG);
            return;
        }
        int r0 = phys(0), r1 = phys(1);
        f.begin(cw);
        int q = f.remainder(se[r0], sig[r0], se[r1], sig[r1], nearest);
        if ((f.flags & ~cw & (IE | DE)) != 0) {
            raise(f.flags);
            return;
        }
        write(0, f.rSe, f.rSig);
        if (q < 0) {
            sw &= ~SW_C2;
            setC1(false);
        } else {
            int cc = (q & 8) != 0 ? SW_C2 : ((q & 4) != 0 ? SW_C0 : 0) | ((q & 2) != 0 ? SW_C3 : 0) | ((q & 1) != 0 ? SW_C1 : 0);
            sw = (sw & ~SW_CC) | cc;
        }
        raise(f.flags);
    }

    private void fxtract() {
        if (empty(0)) {
            if (underflow()) {
                write(0, INDEFINITE_SE, INDEFINITE_SIG);
                push(INDEFINITE_SE, INDEFINITE_SIG);
            }
            return;
        }
        if (pushFull()) {
            if (overflow()) {
                write(0, INDEFINITE_SE, INDEFINITE_SIG);
                pushValue(INDEFINITE_SE, INDEFINITE_SIG);
            }
            return;
        }
        int r = phys(0);
        int vSe = se[r];
        long vSig = sig[r];
        f.begin(cw);
        int c = classify(vSe, vSig);
        int expSe, sigSe;
        long expSig, sigSig;
        if (f.nanOperand(vSe, vSig, c)) {
            expSe = sigSe = f.rSe;
            expSig = sigSig = f.rSig;
        } else if (c == ZERO) {
            f.flags |= ZE;
            expSe = 0xFFFF;
            expSig = INT_BIT; // -infinity
            sigSe = vSe;
            sigSig = 0;
        } else if (c == INF) {
            expSe = EXP_MAX;
            expSig = INT_BIT;
            sigSe = vSe;
            sigSig = vSig;
        } else {
            if (c == DENORMAL) f.flags |= DE;
            f.fromLong(normExp(vSe, vSig) - BIAS);
            expSe = f.rSe;
            expSig = f.rSig;
            sigSe = (vSe & 0x8000) | BIAS;
            sigSig = normSig(vSig);
        }
        setC1(false);
        if ((f.flags & ~cw & (IE | DE | ZE)) == 0) {
            write(0, expSe, expSig);
            pushValue(sigSe, sigSig);
        }
        raise(f.flags);
    }

    private void loadConstant(int k) {
        if (pushFull()) {
            push(0, 0);
            return;
        }
        setC1(false);
        Constants.load(k, (cw >> 10) & 3, f);
        pushValue(f.rSe, f.rSig);
    }

    private void transcendental(int modrm) {
        boolean twoOperands = modrm == 0xF1 || modrm == 0xF3 || modrm == 0xF9;
        boolean pushes = modrm == 0xF2 || modrm == 0xFB;
        if (empty(0) || (twoOperands && empty(1))) {
            if (underflow()) {
                write(twoOperands ? 1 : 0, INDEFINITE_SE, INDEFINITE_SIG);
                if (twoOperands) pop();
                if (pushes) push(INDEFINITE_SE, INDEFINITE_SIG);
            }
            return;
        }
        if (pushes && pushFull()) {
            if (overflow()) {
                write(0, INDEFINITE_SE, INDEFINITE_SIG);
                pushValue(INDEFINITE_SE, INDEFINITE_SIG);
            }
            return;
        }
        int r0 = phys(0), r1 = phys(1);
        f.begin(cw);
        sw &= ~SW_C2;
        switch (modrm) {
            case 0xF0 -> trans.f2xm1(se[r0], sig[r0]);
            case 0xF1 -> trans.fyl2x(se[r0], sig[r0], se[r1], sig[r1]);
            case 0xF9 -> trans.fyl2xp1(se[r0], sig[r0], se[r1], sig[r1]);
            case 0xF3 -> trans.fpatan(se[r0], sig[r0], se[r1], sig[r1]);
            default -> { // FSIN, FCOS, FSINCOS, FPTAN: out-of-range operands set C2 and change nothing
                if (!trans.inTrigRange(se[r0], sig[r0])) {
                    sw |= SW_C2;
                    setC1(false);
                    return;
                }
                switch (modrm) {
                    case 0xFE -> trans.sin(se[r0], sig[r0]);
                    case 0xFF -> trans.cos(se[r0], sig[r0]);
                    case 0xF2 -> trans.tan(se[r0], sig[r0]);
                    default -> trans.sincos(se[r0], sig[r0]);
                }
            }
        }
        setC1(f.roundedUp && (f.flags & PE) != 0);
        if ((f.flags & ~cw & (IE | DE | ZE)) == 0) {
            if (twoOperands) {
                write(1, f.rSe, f.rSig);
                pop();
            } else {
                write(0, f.rSe, f.rSig);
                if (pushes) pushValue(trans.secondSe, trans.secondSig);
            }
        }
        raise(f.flags);
    }

    // ---------------------------------------------------------------- memory forms

    private void executeMemory(int opcode, int reg, int seg, int off) {
        switch (opcode) {
            case 0xD8, 0xDC, 0xDA, 0xDE -> {
                // Read the operand first: a fault must leave the FPU untouched. An SNaN operand stays signalling
                // here; the operation raises IE for it.
                f.begin(cw);
                switch (opcode) {
                    case 0xD8 -> Formats.loadSingle(mem.read32(seg, off), f, false);
                    case 0xDC -> Formats.loadDouble(readLong(seg, off), f, false);
                    case 0xDA -> f.fromLong(mem.read32(seg, off));
                    default -> f.fromLong((short) mem.read16(seg, off));
                }
                int loadFlags = f.flags, vSe = f.rSe;
                long vSig = f.rSig;
                boolean compare = reg == 2 || reg == 3;
                if (empty(0)) {
                    if (compare) setCc(SW_C0 | SW_C2 | SW_C3);
                    if (underflow()) {
                        if (!compare) write(0, INDEFINITE_SE, INDEFINITE_SIG);
                        else if (reg == 3) pop();
                    }
                    return;
                }
                int r0 = phys(0);
                if (compare) {
                    compareMemory(r0, vSe, vSig, loadFlags, reg == 3);
                    return;
                }
                compute(reg, se[r0], sig[r0], vSe, vSig);
                f.flags |= loadFlags;
                commit(0, false);
            }
            case 0xD9 -> {
                switch (reg) {
                    case 0 -> loadMemory(1, seg, off);
                    case 2, 3 -> storeReal(1, seg, off, reg == 3);
                    default -> throw undefined(opcode, reg << 3);
                }
            }
            case 0xDB -> {
                switch (reg) {
                    case 0 -> loadInteger(4, seg, off);
                    case 2, 3 -> storeInteger(4, seg, off, reg == 3);
                    case 5 -> loadMemory(3, seg, off);
                    case 7 -> storeReal(3, seg, off, true);
                    default -> throw undefined(opcode, reg << 3); // reg 1 is FISTTP (SSE3)
                }
            }
            case 0xDD -> {
                switch (reg) {
                    case 0 -> loadMemory(2, seg, off);
                    case 2, 3 -> storeReal(2, seg, off, reg == 3);
                    default -> throw undefined(opcode, reg << 3);
                }
            }
            case 0xDF -> {
                switch (reg) {
                    case 0 -> loadInteger(2, seg, off);
                    case 2, 3 -> storeInteger(2, seg, off, reg == 3);
                    case 4 -> loadBcd(seg, off);
                    case 5 -> loadInteger(8, seg, off);
                    case 6 -> storeBcd(seg, off);
                    case 7 -> storeInteger(8, seg, off, true);
                    default -> throw undefined(opcode, reg << 3);
                }
            }
            default -> throw new IllegalArgumentException("not an x87 opcode: " + opcode);
        }
    }

    private void compareMemory(int r0, int vSe, long vSig, int loadFlags, boolean popAfter) {
        f.begin(cw);
        int rel = f.compare(se[r0], sig[r0], vSe, vSig, false);
        f.flags |= loadFlags & DE;
        setC1(false);
        if ((f.flags & ~cw & IE) != 0) setCc(CC_OF_RELATION[rel]);
        if ((f.flags & ~cw & (IE | DE)) == 0) {
            setCc(CC_OF_RELATION[rel]);
            if (popAfter) pop();
        }
        raise(f.flags);
    }

    private long readLong(int seg, int off) {
        long lo = Integer.toUnsignedLong(mem.read32(seg, off));
        return lo | ((long) mem.read32(seg, off + 4) << 32);
    }

    private void writeLong(int seg, int off, long v) {
        mem.checkWrite(seg, off, 8);
        mem.write32(seg, off, (int) v);
        mem.write32(seg, off + 4, (int) (v >>> 32));
    }

    /** FLD m32 (kind 1), m64 (2), m80 (3). */
    private void loadMemory(int kind, int seg, int off) {
        f.begin(cw);
        switch (kind) {
            case 1 -> Formats.loadSingle(mem.read32(seg, off), f, true);
            case 2 -> Formats.loadDouble(readLong(seg, off), f, true);
            default -> { // m80 is the register format: loaded as is, without exceptions
                f.rSig = readLong(seg, off);
                f.rSe = mem.read16(seg, off + 8);
            }
        }
        if (pushFull()) {
            push(0, 0);
            return;
        }
        setC1(false);
        if ((f.flags & ~cw & (IE | DE)) == 0) pushValue(f.rSe, f.rSig);
        raise(f.flags);
    }

    private void loadInteger(int size, int seg, int off) {
        long v = switch (size) {
            case 2 -> (short) mem.read16(seg, off);
            case 4 -> mem.read32(seg, off);
            default -> readLong(seg, off);
        };
        if (pushFull()) {
            push(0, 0);
            return;
        }
        setC1(false);
        f.fromLong(v);
        pushValue(f.rSe, f.rSig);
    }

    /** FST/FSTP m32 (kind 1), m64 (2), FSTP m80 (3). */
    private void storeReal(int kind, int seg, int off, boolean popAfter) {
        if (empty(0)) {
            if (underflow()) {
                writeIndefinite(kind, seg, off);
                if (popAfter) pop();
            }
            return;
        }
        int r = phys(0);
        f.begin(cw);
        long bits;
        switch (kind) {
            case 1 -> bits = Formats.toSingle(se[r], sig[r], f);
            case 2 -> bits = Formats.toDouble(se[r], sig[r], f);
            default -> {
                mem.checkWrite(seg, off, 10);
                writeLong(seg, off, sig[r]);
                mem.write16(seg, off + 8, se[r]);
                setC1(false);
                if (popAfter) pop();
                return;
            }
        }
        int exc = f.flags;
        if ((exc & ~cw & (IE | DE | OE | UE)) != 0) { // unmasked: memory is not written, PE is not reported
            raise(exc & ~PE);
            return;
        }
        if (kind == 1) mem.write32(seg, off, (int) bits);
        else writeLong(seg, off, bits);
        setC1(f.roundedUp && (exc & PE) != 0);
        if (popAfter) pop();
        raise(exc);
    }

    private void writeIndefinite(int kind, int seg, int off) {
        switch (kind) {
            case 1 -> mem.write32(seg, off, 0xFFC0_0000);
            case 2 -> writeLong(seg, off, 0xFFF8_0000_0000_0000L);
            default -> {
                mem.checkWrite(seg, off, 10);
                writeLong(seg, off, INDEFINITE_SIG);
                mem.write16(seg, off + 8, INDEFINITE_SE);
            }
        }
    }

    private static final long[] INT_INDEFINITE = {0, 0, 0x8000L, 0, 0x8000_0000L, 0, 0, 0, 0x8000_0000_0000_0000L};

    private void storeInteger(int size, int seg, int off, boolean popAfter) {
        long bits;
        int exc;
        if (empty(0)) {
            setC1(false);
            exc = IE | SF;
            bits = INT_INDEFINITE[size];
        } else {
            int r = phys(0);
            f.begin(cw);
            bits = Formats.toInteger(se[r], sig[r], size, f);
            exc = f.flags;
        }
        if ((exc & ~cw & IE) != 0) {
            setC1(false);
            raise(exc);
            return;
        }
        switch (size) {
            case 2 -> mem.write16(seg, off, (int) bits);
            case 4 -> mem.write32(seg, off, (int) bits);
            default -> writeLong(seg, off, bits);
        }
        setC1((exc & SF) == 0 && f.roundedUp && (exc & PE) != 0);
        if (popAfter) pop();
        raise(exc);
    }

    private void loadBcd(int seg, int off) {
        long lo = readLong(seg, off);
        int hi = mem.read16(seg, off + 8);
        if (pushFull()) {
            push(0, 0);
            return;
        }
        setC1(false);
        Formats.loadBcd(lo, hi, f);
        pushValue(f.rSe, f.rSig);
    }

    private void storeBcd(int seg, int off) {
        long lo;
        int hi;
        int exc;
        if (empty(0)) {
            setC1(false);
            exc = IE | SF;
            lo = Formats.BCD_INDEFINITE_LO;
            hi = Formats.BCD_INDEFINITE_HI;
        } else {
            int r = phys(0);
            f.begin(cw);
            long v = Formats.toBcdMagnitude(se[r], sig[r], f);
            exc = f.flags;
            if (v < 0) {
                lo = Formats.BCD_INDEFINITE_LO;
                hi = Formats.BCD_INDEFINITE_HI;
            } else {
                lo = Formats.bcdLow(v);
                hi = Formats.bcdHigh(v, Float80.sign(se[r]));
            }
        }
        if ((exc & ~cw & IE) != 0) {
            setC1(false);
            raise(exc);
            return;
        }
        mem.checkWrite(seg, off, 10);
        writeLong(seg, off, lo);
        mem.write16(seg, off + 8, hi);
        setC1((exc & SF) == 0 && f.roundedUp && (exc & PE) != 0);
        pop();
        raise(exc);
    }

    // ---------------------------------------------------------------- control

    private void executeControl(int opcode, int reg, int seg, int off, boolean op32) {
        boolean realLayout = !s.protectedMode() || s.v86();
        if (opcode == 0xD9) {
            switch (reg) {
                case 4 -> Environment.load(this, mem, seg, off, op32, realLayout);
                case 5 -> setControlWord(mem.read16(seg, off));
                case 6 -> {
                    Environment.store(this, mem, seg, off, op32, realLayout);
                    setControlWord(cw | 0x3F); // FNSTENV masks every exception after storing
                }
                default -> mem.write16(seg, off, cw);
            }
        } else {
            switch (reg) {
                case 4 -> Environment.restore(this, mem, seg, off, op32, realLayout);
                case 6 -> {
                    Environment.save(this, mem, seg, off, op32, realLayout);
                    reset();
                }
                case 7 -> mem.write16(seg, off, sw);
                default -> throw undefined(opcode, reg << 3);
            }
        }
    }
}
