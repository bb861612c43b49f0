package io.denalij.denali;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.denalij.denali.Asm.EAX;
import static io.denalij.denali.Asm.ECX;
import static io.denalij.denali.Asm.EDX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of fault ends the VM (SPEC sections 1, 2 and 6) with a report that names the VM, the
 * exception, EIP, the faulting address and the instruction, and exit status 128 + vector.
 */
class FaultTest {
    /** Runs {@code body} placed after a short prologue and returns the report of the fault it must raise. */
    private static FaultReport faultOf(Asm asm) {
        try (Harness h = new Harness()) {
            DenaliMachine m = h.boot(asm.elf(), Harness.MEM, "", List.of(), 7);
            return Harness.fault(Harness.runUntilStopped(m, 10));
        }
    }

    private static void check(FaultReport r, int vector, int eip, long address, String instruction) {
        assertEquals(vector, r.vector(), r.message());
        assertEquals(eip, r.eip(), r.message());
        assertEquals(address, r.address(), r.message());
        assertEquals(128 + vector, r.exitStatus());
        assertTrue(r.instruction().contains(instruction), r.instruction());
        assertTrue(r.message().startsWith("VM 7: "), r.message());
        assertTrue(r.message().contains(String.format("eip 0x%08x", eip)), r.message());
    }

    /** A fault at the instruction after a 5-byte mov (so EIP is known and not the entry point). */
    private static Asm at(String label) {
        return new Asm().movImm(EAX, 0).label(label);
    }

    @Test
    void divideError() {
        Asm a = at("f").bytes(0xF7, 0xF0); // div eax (eax = 0)
        check(faultOf(a), 0, a.address("f"), -1, "div");
    }

    @Test
    void divideOverflowIsAlsoDe() {
        Asm a = new Asm().movImm(EAX, 0x80000000).movImm(EDX, -1).movImm(ECX, -1).label("f").bytes(0xF7, 0xF9); // idiv ecx
        check(faultOf(a), 0, a.address("f"), -1, "idiv");
    }

    @Test
    void invalidOpcode() {
        Asm a = at("f").bytes(0x0F, 0x0B);
        check(faultOf(a), 6, a.address("f"), -1, "ud2");
    }

    @Test
    void unknownVirtualInstructionIsUd() {
        Asm a = at("f").bytes(0x0F, 0x3F, 0x07);
        FaultReport r = faultOf(a);
        check(r, 6, a.address("f"), -1, "0f 3f 07");
        assertTrue(r.detail().contains("not a Denali virtual instruction"), r.detail());
    }

    @Test
    void privilegedInstructionsAreGp() {
        int[][] cases = {
                {0xFA},                   // cli
                {0xFB},                   // sti
                {0xF4},                   // hlt
                {0x0F, 0x32},             // rdmsr
                {0x0F, 0x30},             // wrmsr
                {0x0F, 0x20, 0xC0},       // mov eax, cr0
                {0x0F, 0x22, 0xD8},       // mov cr3, eax
                {0x0F, 0x01, 0x15, 0, 0, 1, 0}, // lgdt [0x10000]
                {0x0F, 0x09},             // wbinvd
                {0x0F, 0x01, 0x38},       // invlpg [eax]
                {0xCD, 0x80},             // int 0x80 (no IDT: forbidden)
                {0x6A, 0x02, 0x6A, 0x1B, 0x6A, 0x00, 0xCF}, // push flags/cs/eip; iret (the x86 one)
                {0x0F, 0x00, 0xD0},       // lldt ax
                {0x0F, 0x21, 0xC0},       // mov eax, dr0
        };
        for (int[] insn : cases) {
            Asm a = at("f").bytes(insn);
            FaultReport r = faultOf(a);
            assertEquals(13, r.vector(), r.message());
            int faulting = insn[0] == 0x6A ? a.address("f") + 6 : a.address("f");
            assertEquals(faulting, r.eip(), r.message());
            assertEquals(141, r.exitStatus());
        }
    }

    @Test
    void segmentLoadsFaultBecauseThereIsNoGdt() {
        Asm a = new Asm().movImm(EAX, 0x23).label("f").bytes(0x8E, 0xD8); // mov ds, ax (the current selector)
        FaultReport r = faultOf(a);
        check(r, 13, a.address("f"), -1, "mov ds");
        assertEquals(0x20, r.errorCode(), "error code = the selector without RPL");
    }

    @Test
    void aNullSelectorLoadsAsOnIa32ButEveryAccessThroughItFaults() {
        // IA-32 lets CPL 3 load a null selector into DS; the first access through DS is then #GP(0).
        Asm a = new Asm().movImm(EAX, 0).bytes(0x8E, 0xD8).label("f").load(EAX, 0x12000);
        FaultReport r = faultOf(a);
        check(r, 13, a.address("f"), -1, "mov eax");
        assertEquals(0, r.errorCode());
    }

    @Test
    void anLdtSelectorDoesNotReachTheRegisterPage() {
        // LDT selector 0x0F would read a descriptor at 0x8 if an LDT were based at 0; it must not be.
        Asm a = new Asm().movImm(EAX, 0x0F).label("f").bytes(0x8E, 0xC0); // mov es, ax
        check(faultOf(a), 13, a.address("f"), -1, "mov es");
    }

    @Test
    void portsOutsideSection5AndNarrowDeviceAccessesAreGp() {
        Asm a = at("f").bytes(0xE6, 0x80); // out 0x80, al
        check(faultOf(a), 13, a.address("f"), -1, "out");
        Asm b = new Asm().movImm(EDX, 0x100).label("f").bytes(0xEE); // out dx, al on the console port
        check(faultOf(b), 13, b.address("f"), -1, "out dx,al");
        Asm c = new Asm().movImm(EDX, 0x3F8).label("f").bytes(0xED); // in eax, dx on COM1
        check(faultOf(c), 13, c.address("f"), -1, "in eax,dx");
    }

    @Test
    void int3IsBreakpointAndIntoIsOverflow() {
        Asm a = at("f").bytes(0xCC);
        FaultReport r = faultOf(a);
        check(r, 3, a.address("f"), -1, "int3");
        assertEquals("#BP", r.exceptionName());
        Asm b = new Asm().movImm(EAX, 0x7F).bytes(0x04, 0x01).label("f").bytes(0xCE); // add al, 1 (OF=1); into
        check(faultOf(b), 4, b.address("f"), -1, "into");
    }

    @Test
    void readOutsideMemoryIsPfAtThatAddress() {
        Asm a = at("f").load(EAX, 0xF0000000);
        FaultReport r = faultOf(a);
        check(r, 14, a.address("f"), 0xF0000000L, "mov");
        assertTrue(r.message().contains("address 0xf0000000"), r.message());
    }

    @Test
    void writeJustPastMemSizeIsPf() {
        Asm a = at("f").store((int) Harness.MEM, 1);
        check(faultOf(a), 14, a.address("f"), Harness.MEM, "mov");
    }

    @Test
    void jumpOutsideMemoryFaultsOnTheFetch() {
        Asm a = new Asm().movImm(EAX, 0x7FFF0000).bytes(0xFF, 0xE0); // jmp eax
        FaultReport r = faultOf(a);
        assertEquals(14, r.vector());
        assertEquals(0x7FFF0000, r.eip());
        assertEquals(0x7FFF0000L, r.address());
        assertTrue(r.instruction().contains("cannot fetch"), r.instruction());
    }

    @Test
    void stackRunningBelowZeroFaults() {
        // ESP = 8: two pushes land in the register page (ordinary memory), the third wraps to 0xFFFFFFFC.
        Asm a = new Asm().movImm(Asm.ESP, 8).label("l").push(0).jmp("l");
        FaultReport r = faultOf(a);
        assertEquals(14, r.vector());
        assertEquals(0xFFFFFFFCL, r.address());
        assertEquals(a.address("l"), r.eip());
    }

    @Test
    void aDeviceRequestBlockOutsideMemoryIsPfAtItsAddress() {
        Asm a = new Asm().movImm(EDX, 0x100).movImm(EAX, (int) Harness.MEM - 4).label("f").bytes(0xEF);
        FaultReport r = faultOf(a);
        check(r, 14, a.address("f"), Harness.MEM, "out dx,eax");
        assertTrue(r.detail().contains("port 0x100"), r.detail());
    }

    @Test
    void anOversizedConsoleWriteIsGpWithTheDeviceReason() {
        Asm a = new Asm().store(0x12000, 0x13000).store(0x12004, 1 << 20).out(0x100, 0x12000);
        FaultReport r = faultOf(a);
        assertEquals(13, r.vector());
        assertTrue(r.detail().contains("exceeds"), r.detail());
        assertEquals(0x12004L, r.address(), "the len field");
    }

    @Test
    void singleStepIsDebugException() {
        // pushf; or dword [esp], TF; popf; nop -> #DB after the instruction following POPF
        Asm a = new Asm().pushf().bytes(0x81, 0x0C, 0x24).imm32(0x100).popf().label("f").bytes(0x90).bytes(0x90);
        FaultReport r = faultOf(a);
        assertEquals(1, r.vector(), r.message());
        assertEquals(129, r.exitStatus());
    }

    @Test
    void reportReadsAsOneLine() {
        Asm a = at("f").load(EAX, 0xF0000000);
        FaultReport r = faultOf(a);
        assertEquals(String.format("VM 7: #PF(0x4) at eip 0x%08x, address 0xf0000000: 8b 05 00 00 00 f0  mov eax,DWORD PTR ds:0xf0000000",
                a.address("f")), r.message());
        assertEquals(1, r.message().lines().count());
    }
}
