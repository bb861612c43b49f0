package io.denalij.cpu;

/**
 * The three places where a paravirtual machine (Denali mode, see SPEC.md) changes what the processor
 * does; a PC has none installed ({@link io.denalij.cpu.system.SystemUnit#virtualArchitecture()} is null).
 *
 * <ul>
 *   <li>{@code 0F 3F xx}, reserved (#UD) on real IA-32 processors, becomes a virtual instruction;</li>
 *   <li>IN/OUT to the ports the architecture names are allowed at any privilege level, all others fault;</li>
 *   <li>exceptions are not delivered through an IDT: the architecture decides (Denali: the VM ends).</li>
 * </ul>
 */
public interface VirtualArchitecture {
    /**
     * Executes the virtual instruction {@code 0F 3F function}. EIP already points past it. Throw a
     * {@link CpuException} for an invalid function; call {@link Cpu#requestStop()} to leave the run
     * (IDLE, TERMINATE).
     */
    void virtualInstruction(int function, Instruction instruction);

    /** Whether IN/OUT of {@code size} bytes at {@code port} is allowed; false raises #GP(0). */
    boolean ioAllowed(int port, int size);

    /**
     * An exception the guest raised, with EIP rolled back to the faulting instruction (traps: past it).
     * The run stops after this returns; the architecture records what it needs (the report, the status).
     */
    void exception(CpuException e, int eip);

    /** What the virtual instruction handler is told about the instruction (its address and length). */
    record Instruction(int eip, int length) { }
}
