package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import org.junit.jupiter.api.Test;

import static io.denalij.cpu.system.Machine.*;
import static org.junit.jupiter.api.Assertions.*;

class ControlRegistersTest {
    private final Machine m = new Machine();

    @Test
    void cr0KeepsEtAndDropsUndefinedBits() {
        m.sys.writeCr(0, 0x0000_FFC0);                         // only reserved bits: ET reads back as 1 anyway
        assertEquals(CpuState.CR0_ET, m.sys.readCr(0));
        m.sys.writeCr(0, CpuState.CR0_PE | CpuState.CR0_NE | CpuState.CR0_WP | CpuState.CR0_MP);
        assertEquals(0x0001_0033, m.sys.readCr(0));
    }

    @Test
    void invalidCr0CombinationsAreGp0() {
        m.assertFault(CpuException.GP, 0, () -> m.sys.writeCr(0, CpuState.CR0_PG));                    // PG without PE
        m.assertFault(CpuException.GP, 0, () -> m.sys.writeCr(0, CpuState.CR0_NW | CpuState.CR0_PE));  // NW without CD
    }

    @Test
    void pagingBitReachesTheMmuAndClearingPeReturnsToCpl0() {
        m.protectedMode();
        m.ram.write32(0x100000, 0x83);                         // one 4 MiB identity page (needs PSE)
        m.sys.writeCr(4, CpuState.CR4_PSE);
        m.sys.writeCr(3, 0x100FFF);
        assertEquals(0x100018, m.sys.readCr(3), "CR3 keeps the base and PWT/PCD");
        m.sys.writeCr(0, m.s.cr0 | CpuState.CR0_PG);
        assertTrue(m.mmu.pagingEnabled());
        m.sys.writeCr(0, m.s.cr0 & ~(CpuState.CR0_PG | CpuState.CR0_PE));
        assertFalse(m.mmu.pagingEnabled());
        assertFalse(m.s.protectedMode());
        assertEquals(0, m.s.cpl);
    }

    @Test
    void cr4RejectsReservedAndUnimplementedBits() {
        m.sys.writeCr(4, CpuState.CR4_PSE | CpuState.CR4_PGE | CpuState.CR4_DE | CpuState.CR4_TSD);
        assertEquals(0x9C, m.sys.readCr(4));
        m.assertFault(CpuException.GP, 0, () -> m.sys.writeCr(4, CpuState.CR4_PAE));
        CpuException e = m.assertFault(CpuException.GP, 0, () -> m.sys.writeCr(4, CpuState.CR4_VME));
        assertTrue(e.getMessage().contains("VME"), e.getMessage());
        m.assertFault(CpuException.GP, 0, () -> m.sys.writeCr(4, 1 << 9));
    }

    @Test
    void cr2IsPlainAndCr1DoesNotExist() {
        m.sys.writeCr(2, 0xDEADBEEF);
        assertEquals(0xDEADBEEF, m.sys.readCr(2));
        assertEquals(CpuException.UD, assertThrows(CpuException.class, () -> m.sys.readCr(1)).vector);
        assertEquals(CpuException.UD, assertThrows(CpuException.class, () -> m.sys.writeCr(5, 0)).vector);
    }

    @Test
    void controlAndDebugRegistersNeedRing0() {
        m.protectedMode().ring3(0x1000, STACK3);
        m.assertFault(CpuException.GP, 0, () -> m.sys.readCr(0));
        m.assertFault(CpuException.GP, 0, () -> m.sys.writeCr(3, 0));
        m.assertFault(CpuException.GP, 0, () -> m.sys.readDr(7));
        m.assertFault(CpuException.GP, 0, () -> m.sys.lgdt(0, 0));
    }

    @Test
    void debugRegisterFixedBitsAndAliases() {
        assertEquals(0xFFFF0FF0, m.sys.readDr(6));
        assertEquals(0x400, m.sys.readDr(7));
        m.sys.writeDr(0, 0x12345678);
        assertEquals(0x12345678, m.sys.readDr(0));
        m.sys.writeDr(4, 0x0000_4001);                         // DR4 is DR6: B0 and BS
        assertEquals(0xFFFF_4FF1, m.sys.readDr(6));
        m.sys.writeDr(7, 0xFFFF_DFFF);                         // everything but GD
        assertEquals(0xFFFF_07FF, m.sys.readDr(5));
        m.s.dr[7] = 0;
        m.sys.writeCr(4, CpuState.CR4_DE);
        assertEquals(CpuException.UD, assertThrows(CpuException.class, () -> m.sys.readDr(4)).vector);
        assertEquals(CpuException.UD, assertThrows(CpuException.class, () -> m.sys.writeDr(5, 0)).vector);
    }

    @Test
    void generalDetectTurnsADebugRegisterAccessIntoDb() {
        m.sys.writeDr(7, 0x2000);
        CpuException e = assertThrows(CpuException.class, () -> m.sys.readDr(0));
        assertEquals(CpuException.DB, e.vector);
        assertEquals(0x2000, m.s.dr[6] & 0x2000, "DR6.BD");
        assertEquals(0x400, m.sys.readDr(7), "GD cleared for the handler");
    }
}
