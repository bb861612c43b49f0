package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Memory;

/**
 * The protected-mode machinery of one IA-32 processor, as the interpreter sees it: segment loads,
 * far transfers, interrupt and exception delivery, the system-table and control registers, and
 * the I/O privilege checks (SDM Vol. 3, chapters 3, 5, 6 and 7).
 *
 * <p>Every method is precise: when it throws ({@link CpuException}, or {@link io.denalij.mmu.PageFault}
 * from a descriptor-table or stack access), {@link CpuState} is unchanged. Memory may have had
 * accessed bits set, as on hardware. Error codes follow the SDM exactly.
 *
 * <p>Not implemented, and failing loudly: task switching (far JMP/CALL to a TSS or task gate, task
 * gates in the IDT, IRET with NT = 1 all raise #GP with a message saying so), and the
 * virtual-8086 mode extensions (CR4.VME/PVI are rejected as reserved bits).
 */
public final class SystemUnit {
    /** An exception raised by the processor (faults, traps, aborts, INT1): faults during delivery set EXT. */
    public static final int KIND_EXCEPTION = 0;
    /** INT n: the gate's DPL must be >= CPL; IOPL-sensitive in virtual-8086 mode. */
    public static final int KIND_SOFTWARE = 1;
    /** A hardware interrupt (INTR or NMI): no DPL check; faults during delivery set EXT. */
    public static final int KIND_EXTERNAL = 2;
    /** INT3 and INTO: the gate's DPL check of INT n, but not IOPL-sensitive in virtual-8086 mode. */
    public static final int KIND_BREAKPOINT = 3;

    private final CpuState s;
    private final SegmentLoader segments;
    private final FarTransfer far;
    private final InterruptReturn iret;
    private final InterruptDelivery interrupts;
    private final FaultEscalation faults;
    private final TableRegisters tableRegisters;
    private final DescriptorQueries queries;
    private final ControlRegisters control;
    private final IoPermission io;

    public SystemUnit(CpuState s, Memory mem) {
        this.s = s;
        DescriptorTables tables = new DescriptorTables(s, mem);
        TaskState tss = new TaskState(s, mem, tables);
        this.segments = new SegmentLoader(s, tables);
        this.far = new FarTransfer(s, mem, tables, tss, segments);
        this.iret = new InterruptReturn(s, mem, tables, tss, far);
        this.interrupts = new InterruptDelivery(s, mem, tables, tss);
        this.faults = new FaultEscalation(s, interrupts);
        this.tableRegisters = new TableRegisters(s, tables);
        this.queries = new DescriptorQueries(s, tables);
        this.control = new ControlRegisters(s, mem.mmu());
        this.io = new IoPermission(s, mem, tss);
    }

    /**
     * MOV Sreg / POP Sreg / LDS, LES, LFS, LGS, LSS for ES, SS, DS, FS, GS (CS is loaded only by
     * far transfers: passing it is a programming error). Loading SS sets {@link CpuState#interruptShadow}.
     */
    public void loadSegment(int segIndex, int selector) { segments.load(segIndex, selector); }

    /** Far JMP; {@code offset} is truncated to 16 bits when {@code operandSize} is 2. */
    public void jumpFar(int selector, int offset, int operandSize) { far.jump(selector, offset, operandSize); }

    /** Far CALL; pushes CS and {@code returnEip} (the next instruction) as the target requires. */
    public void callFar(int selector, int offset, int operandSize, int returnEip) {
        far.call(selector, offset, operandSize, returnEip);
    }

    /** RETF / RETF imm16 ({@code popBytes} = imm16, else 0). */
    public void returnFar(int operandSize, int popBytes) { far.ret(operandSize, popBytes); }

    public void iret(int operandSize) { iret.iret(operandSize); }

    /**
     * Delivers one event without escalation: if delivery faults, the fault is thrown and state is
     * unchanged. For INT n/INT3/INTO such a fault belongs to the INT instruction (the run loop
     * delivers it with the INT's own address); for an external interrupt the run loop passes it to
     * {@link #deliverException} with the interrupted EIP.
     *
     * @param errorCode pushed in protected mode when >= 0; -1 for none (ignored in real mode)
     * @param kind      {@link #KIND_EXCEPTION}, {@link #KIND_SOFTWARE}, {@link #KIND_EXTERNAL}, {@link #KIND_BREAKPOINT}
     * @param returnEip EIP in the pushed frame
     */
    public void deliver(int vector, int errorCode, int kind, int returnEip) {
        if (virtualArchitecture != null && kind != KIND_EXTERNAL) {
            // A paravirtual machine has no IDT: hand the architecture what the guest raised (#BP for INT3,
            // #OF for INTO, #DB for a single step) rather than the #GP an empty IDT would produce. INT n
            // is a privileged operation there and faults as #GP(IDT entry), as it would with no gate.
            throw kind == KIND_SOFTWARE ? new CpuException(CpuException.GP, vector * 8 + 2, 0, "INT " + vector + " is not allowed")
                    : new CpuException(vector, errorCode, 0, "raised by the instruction; there is no IDT");
        }
        interrupts.deliver(vector, errorCode, kind, returnEip);
    }

    /**
     * Delivers an exception the way the run loop must: CR2 for #PF, #DF on a second contributory
     * fault or page fault during delivery, {@link TripleFault} if delivering #DF fails. The error
     * code is taken from {@code e} for vectors that have one (a missing one counts as 0).
     */
    public void deliverException(CpuException e, int faultingEip) { faults.deliver(e, faultingEip); }

    /** @param limit the 16-bit limit; @param base already truncated to 24 bits for a 16-bit operand size */
    public void lgdt(int base, int limit) { tableRegisters.lgdt(base, limit); }

    public void lidt(int base, int limit) { tableRegisters.lidt(base, limit); }

    public void lldt(int selector) {
        requireProtected("LLDT");
        tableRegisters.lldt(selector);
    }

    public void ltr(int selector) {
        requireProtected("LTR");
        tableRegisters.ltr(selector);
    }

    /** LAR: the access rights (high descriptor dword masked with 0x00F0FF00; a 16-bit LAR keeps the low word), or -1 for ZF = 0. */
    public int lar(int selector) {
        requireProtected("LAR");
        return queries.lar(selector);
    }

    /** LSL: the byte-granular limit as an unsigned value 0..0xFFFFFFFF, or -1 for ZF = 0. */
    public long lsl(int selector) {
        requireProtected("LSL");
        return queries.lsl(selector);
    }

    public boolean verr(int selector) {
        requireProtected("VERR");
        return queries.verr(selector);
    }

    public boolean verw(int selector) {
        requireProtected("VERW");
        return queries.verw(selector);
    }

    /** MOV from CRn: #GP(0) outside ring 0, #UD for CR1 and CR5-7. */
    public int readCr(int n) { return control.readCr(n); }

    /** MOV to CRn: #GP(0) for PG without PE, NW without CD, reserved CR4 bits, or outside ring 0. */
    public void writeCr(int n, int value) { control.writeCr(n, value); }

    public int readDr(int n) { return control.readDr(n); }

    public void writeDr(int n, int value) { control.writeDr(n, value); }

    /** IN/OUT/INS/OUTS of {@code size} bytes (1, 2, 4) at {@code port}: returns or throws #GP(0). */
    public void checkIo(int port, int size) {
        if (virtualArchitecture == null) io.check(port, size);
        else if (!virtualArchitecture.ioAllowed(port, size)) throw CpuException.gp(0);
    }

    private io.denalij.cpu.VirtualArchitecture virtualArchitecture;

    /** Installs a paravirtual architecture (Denali mode); null for a PC. */
    public void setVirtualArchitecture(io.denalij.cpu.VirtualArchitecture va) { this.virtualArchitecture = va; }

    public io.denalij.cpu.VirtualArchitecture virtualArchitecture() { return virtualArchitecture; }

    /** CLI/STI: allowed when CPL <= IOPL (IOPL = 3 in virtual-8086 mode); else the caller raises #GP(0). */
    public boolean cliStiAllowed() { return io.cliStiAllowed(); }

    /** LLDT, LTR, LAR, LSL, VERR and VERW do not exist in real-address and virtual-8086 mode. */
    private void requireProtected(String mnemonic) {
        if (!s.protectedMode() || s.v86()) {
            throw CpuException.ud(mnemonic + " is not recognized in " + (s.v86() ? "virtual-8086" : "real-address") + " mode");
        }
    }
}
