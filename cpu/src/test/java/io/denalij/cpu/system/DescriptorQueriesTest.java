package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import org.junit.jupiter.api.Test;

import static io.denalij.cpu.system.Machine.*;
import static org.junit.jupiter.api.Assertions.*;

class DescriptorQueriesTest {
    private final Machine m = new Machine();

    @Test
    void larReturnsMaskedAccessRights() {
        m.protectedMode();
        m.sys.loadSegment(io.denalij.cpu.Segment.DS, DATA3);            // sets the accessed bit
        assertEquals(0x00C0_F300, m.sys.lar(DATA3), "limit bits 19:16 masked out");
        assertEquals(0x00C0_9B00, m.sys.lar(CODE0));                     // accessed by the far jump
        assertEquals(0x0000_8B00, m.sys.lar(TSS_SEL), "busy TSS");
        assertEquals(0x0000_8200, m.sys.lar(LDT_SEL));
        assertEquals(-1, m.sys.lar(0));
        assertEquals(-1, m.sys.lar(0x100), "beyond the GDT");
        m.gate(GDT, 0x48, 14, 0, CODE0, 0, 0);                           // an interrupt gate: not valid for LAR
        assertEquals(-1, m.sys.lar(0x48));
        m.gate(GDT, 0x50, 12, 3, CODE0, 0, 0);                           // a call gate is
        assertEquals(0x0000_EC00, m.sys.lar(0x50));
    }

    @Test
    void privilegeHidesDescriptorsExceptConformingCode() {
        m.protectedMode();
        m.gdt(0x50, 0, 0xFFFFF, 0x9E, G | DB);                          // conforming, DPL 0
        assertEquals(-1, m.sys.lar(DATA0 | 3), "RPL 3 > DPL 0");
        assertNotEquals(-1, m.sys.lar(0x53));
        m.ring3(0x1000, STACK3);
        assertEquals(-1, m.sys.lar(CODE0));
        assertEquals(-1L, m.sys.lsl(DATA0));
        assertFalse(m.sys.verr(DATA0));
        assertTrue(m.sys.verr(0x53));
        assertEquals(0xFFFF_FFFFL, m.sys.lsl(0x53));
    }

    @Test
    void lslReturnsTheByteGranularLimit() {
        m.protectedMode();
        assertEquals(0xFFFF_FFFFL, m.sys.lsl(CODE0), "4 GiB - 1 is a valid result, distinct from 'invalid'");
        assertEquals(0x468L, m.sys.lsl(TSS_SEL));
        assertEquals(0x1FL, m.sys.lsl(LDT_SEL));
        m.gdt(0x50, 0, 0x12, DATA, G);
        assertEquals(0x12FFFL, m.sys.lsl(0x50));
        m.gate(GDT, 0x58, 12, 3, CODE0, 0, 0);
        assertEquals(-1L, m.sys.lsl(0x58), "gates have no limit");
        assertEquals(-1L, m.sys.lsl(3));
    }

    @Test
    void verrAndVerw() {
        m.protectedMode();
        m.gdt(0x50, 0, 0xFFFF, CODE & ~2, 0);                           // execute-only
        m.gdt(0x58, 0, 0xFFFF, DATA & ~2, 0);                           // read-only data
        m.gdt(0x60, 0, 0xFFFF, DATA & ~PRESENT, 0);                     // not present still verifies
        assertTrue(m.sys.verr(CODE0));
        assertFalse(m.sys.verw(CODE0));
        assertFalse(m.sys.verr(0x50));
        assertTrue(m.sys.verr(0x58));
        assertFalse(m.sys.verw(0x58));
        assertTrue(m.sys.verw(DATA0));
        assertTrue(m.sys.verw(0x60));
        assertFalse(m.sys.verr(TSS_SEL));
        assertFalse(m.sys.verw(0));
    }

    @Test
    void notRecognizedInRealMode() {
        assertEquals(CpuException.UD, assertThrows(CpuException.class, () -> m.sys.lar(8)).vector);
        assertEquals(CpuException.UD, assertThrows(CpuException.class, () -> m.sys.lsl(8)).vector);
        assertEquals(CpuException.UD, assertThrows(CpuException.class, () -> m.sys.verr(8)).vector);
        assertEquals(CpuException.UD, assertThrows(CpuException.class, () -> m.sys.ltr(8)).vector);
    }
}
