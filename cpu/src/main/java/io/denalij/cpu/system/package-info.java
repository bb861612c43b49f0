/**
 * Protected-mode mechanics of the IA-32 processor (SDM Vol. 3, chapters 3, 5, 6 and 7), used by the
 * interpreter only through {@link io.denalij.cpu.system.SystemUnit}.
 *
 * <p>The pieces: {@code Descriptor} decodes an 8-byte descriptor; {@code DescriptorTables} reads the
 * GDT, LDT and IDT with their limit checks and writes accessed/busy bits; {@code SegmentLoader} loads
 * data and stack segment registers; {@code FarTransfer} does far JMP/CALL/RET and call gates;
 * {@code InterruptDelivery} and {@code InterruptReturn} enter and leave handlers (IVT, IDT gates,
 * TSS stack switch, virtual-8086 entry and exit); {@code FaultEscalation} applies the #DF / triple
 * fault rules; {@code TaskState} reads the TSS stack pointers and I/O map base; {@code StackFrame}
 * stages pushes onto a not-yet-current stack; {@code ControlRegisters}, {@code TableRegisters},
 * {@code DescriptorQueries} (LAR/LSL/VERR/VERW) and {@code IoPermission} cover the rest.
 *
 * <p>Precision: every operation checks everything (descriptors, limits, pages of the new stack)
 * before it changes a register, so an exception leaves {@link io.denalij.cpu.CpuState} unchanged.
 *
 * <p>Not implemented, failing loudly with #GP and a message: hardware task switching (TSS and task
 * gate targets of JMP/CALL/INT, IRET with NT = 1). CR4.VME, CR4.PVI and CR4.PAE are rejected as
 * reserved bits, so virtual-8086 mode runs without the virtual-interrupt extensions.
 */
package io.denalij.cpu.system;
