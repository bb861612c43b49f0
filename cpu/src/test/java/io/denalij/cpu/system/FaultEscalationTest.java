package io.denalij.cpu.system;

import io.denalij.cpu.CpuException;
import io.denalij.cpu.CpuState;
import io.denalij.cpu.Segment;
import org.junit.jupiter.api.Test;

import static io.denalij.cpu.system.Machine.*;
import static org.junit.jupiter.api.Assertions.*;

class FaultEscalationTest {
    private static final int INT_GATE32 = 14;
    private final Machine m = new Machine();

    @Test
    void contributoryFaultDuringDeliveryOfAContributoryFaultIsADoubleFault() {
        m.protectedMode();
        m.idtGate(CpuException.DF, INT_GATE32, 0, CODE0, 0xDF00);
        // no gate for #GP: delivering it raises #NP(13*8+2+EXT)
        m.sys.deliverException(CpuException.gp(0x10), 0x1234);
        assertEquals(0xDF00, m.s.eip);
        assertEquals(STACK0 - 16, m.esp());
        assertEquals(0, m.read32(STACK0 - 16), "#DF error code");
        assertEquals(0x1234, m.read32(STACK0 - 12));
        assertEquals(CODE0, m.read32(STACK0 - 8));
    }

    @Test
    void contributoryFaultDuringPageFaultDeliveryIsADoubleFault() {
        m.protectedMode();
        m.idtGate(CpuException.PF, INT_GATE32, 0, CODE0, 0x9F00);
        m.gdt(CODE0, 0, 0xFFFFF, CODE & ~PRESENT, G | DB);                 // #PF handler's CS not present: #NP
        m.gdt(0x58, 0, 0xFFFFF, CODE, G | DB);
        m.idtGate(CpuException.DF, INT_GATE32, 0, 0x58, 0xDF00);
        m.sys.deliverException(new CpuException(CpuException.PF, 2, 0xCAFE0000, null), 0x1000);
        assertEquals(0xCAFE0000, m.s.cr2);
        assertEquals(0xDF00, m.s.eip);
        assertEquals(0x58, m.s.seg[Segment.CS].selector);
        assertEquals(0, m.read32(STACK0 - 16));
    }

    /** Identity-maps the first 4 MiB with 4 KiB user pages, except the page holding the ring-0 stack, and turns paging on. */
    private void pageOutRing0Stack() {
        int pd = 0x100000, pt = 0x101000;
        m.ram.write32(pd, pt | 7);
        for (int i = 0; i < 1024; i++) m.ram.write32(pt + 4 * i, i << 12 | 7);
        m.ram.write32(pt + 4 * ((STACK0 - 4) >>> 12), 0);
        // Set directly: the caller is already in ring 3, where MOV CR faults.
        m.s.cr3 = pd;
        m.s.cr0 |= CpuState.CR0_PG;
        m.mmu.setControl(m.s.cr0, m.s.cr3, m.s.cr4);
    }

    @Test
    void pageFaultDuringPageFaultDeliveryIsADoubleFault() {
        m.protectedMode();
        m.idtGate(CpuException.PF, INT_GATE32, 0, CODE0, 0x9F00);
        m.idtGate(CpuException.DF, INT_GATE32, 0, CODE1, 0xDF00);         // #DF runs in ring 1, on a mapped stack
        m.ring3(0x1000, STACK3);
        pageOutRing0Stack();
        m.sys.deliverException(new CpuException(CpuException.PF, 4, 0x00500000, null), 0x1000);
        assertEquals(STACK0 - 4, m.s.cr2, "CR2 holds the latest page fault: the push onto the ring-0 stack");
        assertEquals(1, m.s.cpl);
        assertEquals(0xDF00, m.s.eip);
        assertEquals(DATA1, m.s.seg[Segment.SS].selector);
        int[] frame = {0, 0x1000, CODE3, 0x202, STACK3, DATA3};
        for (int i = 0; i < frame.length; i++) assertEquals(frame[i], m.read32(STACK1 - 24 + 4 * i), "dword " + i);
    }

    @Test
    void pageFaultWhileDeliveringADoubleFaultIsATripleFault() {
        m.protectedMode();
        m.idtGate(CpuException.PF, INT_GATE32, 0, CODE0, 0x9F00);
        m.idtGate(CpuException.DF, INT_GATE32, 0, CODE0, 0xDF00);
        m.ring3(0x1000, STACK3);
        pageOutRing0Stack();
        String before = m.state().replaceAll("cr2=\\S+", "");
        TripleFault t = assertThrows(TripleFault.class,
                () -> m.sys.deliverException(new CpuException(CpuException.PF, 4, 0x00500000, null), 0x1000));
        assertTrue(t.getMessage().matches("(?s).*#PF.*#PF.*#DF.*#PF.*"), t.getMessage());
        assertEquals(before, m.state().replaceAll("cr2=\\S+", ""), "only CR2 changed");
    }

    @Test
    void benignExceptionThenContributoryFaultIsHandledSerially() {
        m.protectedMode();
        m.idtGate(CpuException.NP, INT_GATE32, 0, CODE0, 0x0B00);
        m.idtGate(CpuException.UD, INT_GATE32, 0, CODE0, 0x0600);
        m.ram.write8(IDT + CpuException.UD * 8 + 5, 0x0E);                  // #UD gate not present
        m.sys.deliverException(CpuException.ud("test"), 0x2000);
        assertEquals(0x0B00, m.s.eip, "the #NP handler runs, not #DF");
        assertEquals(CpuException.UD * 8 + 3, m.read32(STACK0 - 16), "#NP names the IDT entry with IDT and EXT bits");
    }

    @Test
    void faultWhileDeliveringADoubleFaultIsATripleFault() {
        m.protectedMode();
        String before = m.state();
        TripleFault t = assertThrows(TripleFault.class, () -> m.sys.deliverException(CpuException.gp(0), 0x1000));
        assertTrue(t.getMessage().contains("#GP"), t.getMessage());
        assertTrue(t.getMessage().contains("#DF"), t.getMessage());
        assertTrue(t.getMessage().contains("triple fault"), t.getMessage());
        assertEquals(before, m.state(), "nothing was delivered");
    }

    @Test
    void realModeTripleFaultWithAnEmptyIvt() {
        m.sys.lidt(0, 0);
        m.s.seg[Segment.SS].loadReal(0);
        m.s.gpr[CpuState.ESP] = 0x1000;
        assertThrows(TripleFault.class, () -> m.sys.deliverException(new CpuException(CpuException.DE, -1), 0));
    }

    @Test
    void exceptionsWithoutErrorCodesPushNone() {
        m.protectedMode();
        m.idtGate(CpuException.BR, INT_GATE32, 0, CODE0, 0x0500);
        m.sys.deliverException(new CpuException(CpuException.BR, 7), 0x3000);
        assertEquals(STACK0 - 12, m.esp());
        assertEquals(0x3000, m.read32(STACK0 - 12));
    }

    @Test
    void pageFaultSetsCr2() {
        m.protectedMode();
        m.idtGate(CpuException.PF, INT_GATE32, 0, CODE0, 0x9F00);
        m.sys.deliverException(new CpuException(CpuException.PF, 6, 0x00401000, null), 0x1000);
        assertEquals(0x00401000, m.s.cr2);
        assertEquals(6, m.read32(STACK0 - 16));
    }
}
