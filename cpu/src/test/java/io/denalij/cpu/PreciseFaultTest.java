package io.denalij.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.denalij.mmu.PageFault;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults leave no partial state: registers, flags and memory are as before the faulting
 * instruction (REP string instructions: as after the last completed iteration), EIP points at it,
 * and the error code and CR2 are right. Paging: 0-4 MiB identity-mapped except the page at
 * 0x200000 (not present) and 0x202000 (read-only, with CR0.WP).
 */
class PreciseFaultTest {
    static final int PD = 0x10000, PT = 0x11000, MISSING = 0x200000, READ_ONLY = 0x202000;

    private TestMachine m;

    private void paging(TestMachine machine) {
        for (int i = 0; i < 1024; i++) machine.write32(PT + i * 4, (i << 12) | 3);
        machine.write32(PT + (MISSING >> 12) * 4, 0);
        machine.write32(PT + (READ_ONLY >> 12) * 4, READ_ONLY | 1);
        machine.write32(PD, PT | 3);
        machine.s.cr3 = PD;
        machine.s.cr0 |= CpuState.CR0_PG | CpuState.CR0_WP;
        machine.mmu.setControl(machine.s.cr0, machine.s.cr3, machine.s.cr4);
    }

    private TestMachine machine(String... code) {
        m = new TestMachine(code).withIdt();
        paging(m);
        return m;
    }

    @BeforeEach
    void noMachine() { m = null; }

    @Test
    void pushadAcrossANotPresentPageWritesNothing() {
        machine("b8 11 11 11 11", // mov eax, 0x11111111
                "bc 10 10 20 00", // mov esp, 0x201010
                "60",             // pushad (0x200ff0-0x20100f: the lower half is not present)
                "f4").runToHalt();
        assertEquals(CpuException.PF, m.vector());
        assertEquals(MISSING, m.s.cr2 & ~0xFFF, "CR2 in the missing page");
        // the handler's frame, at ESP = 0x201010: error code, EIP, CS, EFLAGS
        assertEquals(PageFault.WRITE, m.read32(0x201000), "error code: write to a not-present page, supervisor");
        assertEquals(TestMachine.CODE + 10, m.read32(0x201004), "EIP of the PUSHAD");
        assertEquals(0x201000, m.esp(), "ESP as PUSHAD left it (unchanged) minus the 16-byte frame");
        assertEquals(0x1111_1111, m.eax());
        assertEquals(0, m.read32(0x201000 + 16), "nothing above the old ESP was written");
    }

    @Test
    void repMovsFaultsMidwayAndResumesAfterTheHandlerMapsThePage() {
        machine("be f0 ff 1f 00", // mov esi, 0x1ffff0
                "bf 00 00 30 00", // mov edi, 0x300000
                "b9 20 00 00 00", // mov ecx, 32
                "f3 a4",          // rep movsb
                "f4");
        // #PF handler: mov dword ptr [PT + 0x200*4], 0x200003 ; invlpg [0x200000] ; add esp, 4 ; iretd
        m.load(TestMachine.HANDLERS + 14 * 16, TestMachine.bytes(
                "c7 05 00 18 01 00 03 00 20 00", "0f 01 3d 00 00 20 00", "83 c4 04", "cf"));
        byte[] src = new byte[32];
        for (int i = 0; i < 32; i++) src[i] = (byte) (0xA0 + i);
        m.load(0x1ffff0, src);
        // stop at the fault: the handler's first instruction
        for (int i = 0; i < 100 && m.s.eip != TestMachine.HANDLERS + 14 * 16; i++) m.cpu.step();
        assertEquals(MISSING, m.s.cr2);
        assertEquals(16, m.ecx(), "16 bytes were copied before the source crossed into the missing page");
        assertEquals(MISSING, m.esi());
        assertEquals(0x300010, m.edi());
        assertEquals(0, m.read32(m.esp()), "error code: read of a not-present page");
        assertEquals(TestMachine.CODE + 15, m.read32(m.esp() + 4), "EIP of the REP MOVSB");
        m.runToHalt();
        assertEquals(0, m.ecx());
        for (int i = 0; i < 32; i++) assertEquals(0xA0 + i, m.read8(0x300000 + i), "byte " + i);
    }

    @Test
    void cmpxchg8bOnAMissingPageChangesNeitherRegistersNorFlags() {
        machine("31 db",                // xor ebx, ebx
                "b8 01 00 00 00",       // mov eax, 1
                "ba 02 00 00 00",       // mov edx, 2
                "39 c0",                // cmp eax, eax (ZF = 1)
                "0f c7 0d 00 00 20 00", // cmpxchg8b qword ptr [0x200000]
                "f4").runToHalt();
        assertEquals(CpuException.PF, m.vector());
        assertEquals(1, m.eax());
        assertEquals(2, m.edx());
        assertEquals(CpuState.ZF, m.arith() & CpuState.ZF, "ZF still from the CMP");
        assertEquals(PageFault.WRITE, m.read32(m.esp()), "CMPXCHG8B checks for a write before it reads");
    }

    @Test
    void readModifyWriteToAReadOnlyPageKeepsTheFlags() {
        machine("b8 01 00 00 00",    // mov eax, 1
                "83 f8 02",          // cmp eax, 2 (CF = 1)
                "01 05 00 20 20 00", // add dword ptr [0x202000], eax
                "f4");
        m.write32(READ_ONLY, 41);
        m.runToHalt();
        assertEquals(CpuException.PF, m.vector());
        assertEquals(PageFault.P | PageFault.WRITE, m.read32(m.esp()), "protection fault on write");
        assertEquals(READ_ONLY, m.s.cr2);
        assertEquals(41, m.read32(READ_ONLY));
        assertEquals(CpuState.CF, m.arith() & CpuState.CF, "flags still from the CMP");
    }
}
