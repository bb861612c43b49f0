package io.denalij.devices.pc;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class DualPicTest {
    private final PcRig pc = new PcRig();
    private final DualPic pic = pc.pic;

    private int readIsr(int cmdPort) {
        pc.outb(cmdPort, 0x0B);
        int v = pc.inb(cmdPort);
        pc.outb(cmdPort, 0x0A);
        return v;
    }

    @Test
    void linuxInitProgramsVectorsAndMasks() {
        pc.linuxPicInit();
        assertEquals(0xFB, pc.inb(0x21));
        assertEquals(0xFF, pc.inb(0xA1));
        assertEquals(0x30, pic.master().vectorBase());
        assertEquals(0x38, pic.slave().vectorBase());
        assertEquals(0x04, pic.master().cascadeIcw3());
        assertEquals(0x02, pic.slave().cascadeIcw3());
        pic.pulse(0);                                   // masked: latched in IRR, not signalled
        assertFalse(pic.pending());
        assertEquals(0x01, pc.inb(0x20));               // OCW3 default reads IRR
    }

    @Test
    void requestIsDeliveredOnceAndBlocksItselfUntilEoi() {
        pc.linuxPicInit();
        pc.outb(0x21, 0xFA);                            // unmask IRQ0
        pic.pulse(0);
        assertTrue(pic.pending());
        assertEquals(0x30, pic.acknowledge());
        assertFalse(pic.pending());
        assertEquals(0x01, readIsr(0x20));
        assertEquals(0x00, pc.inb(0x20));               // IRR cleared by INTA
        pic.pulse(0);
        assertFalse(pic.pending(), "same level in service blocks");
        pc.outb(0x20, 0x20);                            // non-specific EOI
        assertEquals(0x00, readIsr(0x20));
        assertTrue(pic.pending());
        assertEquals(0x30, pic.acknowledge());
    }

    @Test
    void higherPriorityNestsAndNonSpecificEoiClearsTheHighest() {
        pc.linuxPicInit();
        pc.outb(0x21, 0x00);
        pic.pulse(5);
        assertEquals(0x35, pic.acknowledge());
        pic.pulse(6);
        assertFalse(pic.pending(), "IRQ6 is below IRQ5 in service");
        pic.pulse(1);
        assertTrue(pic.pending());
        assertEquals(0x31, pic.acknowledge());
        assertEquals(0x22, readIsr(0x20));
        pc.outb(0x20, 0x20);                            // clears IRQ1, the highest in service
        assertEquals(0x20, readIsr(0x20));
        assertFalse(pic.pending());
        pc.outb(0x20, 0x60 | 5);                        // specific EOI for IRQ5
        assertEquals(0x00, readIsr(0x20));
        assertEquals(0x36, pic.acknowledge());
    }

    @Test
    void slaveInterruptCascadesThroughIrq2() {
        pc.linuxPicInit();
        pc.outb(0xA1, 0xFE);                            // unmask IRQ8
        pic.raise(8);
        assertTrue(pic.pending());
        assertEquals(0x38, pic.acknowledge());
        assertEquals(0x04, readIsr(0x20));
        assertEquals(0x01, readIsr(0xA0));
        pic.lower(8);
        pic.raise(8);                                   // a new edge on the slave waits for both EOIs
        assertFalse(pic.pending());
        pc.outb(0xA0, 0x60);                            // Linux: specific EOI to slave, then to master IR2
        assertFalse(pic.pending(), "master IR2 still in service");
        pc.outb(0x20, 0x62);
        assertTrue(pic.pending());
        assertEquals(0x38, pic.acknowledge());
    }

    @Test
    void vanishedRequestGivesSpuriousIrq7WithoutSettingIsr() {
        pc.linuxPicInit();
        pc.outb(0x21, 0x00);
        pic.raise(3);
        assertTrue(pic.pending());
        pic.lower(3);                                   // line dropped before the INTA cycle
        assertFalse(pic.pending());
        assertEquals(0x37, pic.acknowledge());
        assertEquals(0x00, readIsr(0x20));
    }

    @Test
    void slaveRequestVanishingWithdrawsTheCascadeRequestToo() {
        pc.linuxPicInit();
        pc.outb(0xA1, 0x00);
        pic.raise(12);
        assertTrue(pic.pending());
        pic.lower(12);
        assertFalse(pic.pending());
        assertEquals(0x37, pic.acknowledge());          // the master answers with its own IR7
        assertEquals(0, readIsr(0x20));
        assertEquals(0, readIsr(0xA0));
    }

    @Test
    void edgeInputNeedsANewRisingEdge() {
        pc.linuxPicInit();
        pc.outb(0x21, 0x00);
        pic.raise(4);
        assertEquals(0x34, pic.acknowledge());
        pc.outb(0x20, 0x20);
        pic.raise(4);                                   // still high: no new edge
        assertFalse(pic.pending());
        pic.lower(4);
        pic.raise(4);
        assertTrue(pic.pending());
    }

    @Test
    void elcrMakesAnInputLevelTriggeredWithReservedBitsFixed() {
        pc.linuxPicInit();
        pc.outb(0x4D0, 0xFF);
        pc.outb(0x4D1, 0xFF);
        assertEquals(0xF8, pc.inb(0x4D0));
        assertEquals(0xDE, pc.inb(0x4D1));
        pc.outb(0x21, 0x00);
        pic.raise(5);
        assertEquals(0x35, pic.acknowledge());
        pc.outb(0x20, 0x20);
        assertTrue(pic.pending(), "a level input still high requests again after EOI");
        pic.lower(5);
        assertFalse(pic.pending());
    }

    @Test
    void setPriorityAndRotateOnEoiReorderRequests() {
        pc.linuxPicInit();
        pc.outb(0x21, 0x00);
        pc.outb(0x20, 0xC0 | 3);                        // IR3 lowest, so IR4 highest
        pic.pulse(1);
        pic.pulse(5);
        assertEquals(0x35, pic.acknowledge());
        pc.outb(0x20, 0xA0);                            // rotate on non-specific EOI: IR5 becomes lowest
        pic.pulse(5);
        assertEquals(0x31, pic.acknowledge());
        pc.outb(0x20, 0xE0 | 1);                        // rotate on specific EOI 1: IR2 highest
        pic.pulse(0);
        assertEquals(0x35, pic.acknowledge(), "IR5 ranks above IR0 once IR1 is lowest");
    }

    @Test
    void autoEoiLeavesIsrClearAndMaskBlocks() {
        pc.outb(0x20, 0x11);
        pc.outb(0x21, 0x20);
        pc.outb(0x21, 0x04);
        pc.outb(0x21, 0x03);                            // ICW4: 8086 mode, auto EOI
        pc.outb(0x21, 0xFF & ~(1 << 6));
        pic.pulse(6);
        pic.pulse(7);
        assertEquals(0x26, pic.acknowledge());
        assertEquals(0x00, readIsr(0x20));
        assertFalse(pic.pending(), "IRQ7 is masked");
        pc.outb(0x21, 0x00);
        assertEquals(0x27, pic.acknowledge());
    }

    @Test
    void pollCommandReturnsAndAcknowledgesTheRequest() {
        pc.linuxPicInit();
        pc.outb(0x21, 0x00);
        pic.pulse(6);
        pc.outb(0x20, 0x0C);
        assertEquals(0x86, pc.inb(0x20));
        assertEquals(0x40, readIsr(0x20));
        pc.outb(0x20, 0x0C);
        assertEquals(0x00, pc.inb(0x20));
    }

    @Test
    void intrListenerHearsBothEdgesOfTheOutput() {
        int[] calls = new int[1];
        pic.setIntrListener(() -> calls[0]++);
        pc.linuxPicInit();
        pc.outb(0x21, 0x00);
        pic.pulse(0);
        assertEquals(1, calls[0]);
        pic.acknowledge();
        assertEquals(2, calls[0]);
        assertFalse(pic.pending());
    }

    @Test
    void mcs80ModeFailsLoudly() {
        var e = assertThrows(UnsupportedOperationException.class, () -> pc.outb(0x20, 0x10));
        assertTrue(e.getMessage().contains("MCS-80"));
    }
}
