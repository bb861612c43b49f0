package io.denalij.devices.pc;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class I8042Test {
    private final PcRig pc = new PcRig();
    private final I8042 kbc = new I8042(pc.control, pc.pic);

    I8042Test() {
        kbc.attach(pc.bus);
    }

    /** Reads everything in the output buffer as Linux's i8042_flush does. */
    private List<Integer> drain() {
        List<Integer> got = new ArrayList<>();
        while ((pc.inb(0x64) & 1) != 0) got.add(pc.inb(0x60));
        return got;
    }

    @Test
    void controllerSelfTestAnswers0x55AndSetsTheSystemFlag() {
        assertEquals(List.of(), drain());
        pc.outb(0x64, 0xAA);
        assertEquals(0x01, pc.inb(0x64) & 0x01);
        assertEquals(List.of(0x55), drain());
        assertEquals(0x04, pc.inb(0x64) & 0x04);
    }

    @Test
    void commandByteReadAndWrite() {
        pc.outb(0x64, 0x20);
        int ctr = pc.inb(0x60);
        assertEquals(0x65, ctr);
        pc.outb(0x64, 0x60);
        pc.outb(0x60, 0x47);
        pc.outb(0x64, 0x20);
        assertEquals(List.of(0x47), drain());
        assertEquals(0x08, pc.inb(0x64) & 0x08, "last write went to the command port");
    }

    @Test
    void keyboardProbeAsAtkbdDoesIt() {
        pc.outb(0x60, 0xF2);
        assertEquals(List.of(0xFA, 0xAB, 0x83), drain());
        pc.outb(0x60, 0xED);
        pc.outb(0x60, 0x00);
        assertEquals(List.of(0xFA, 0xFA), drain());
        pc.outb(0x60, 0xFF);
        assertEquals(List.of(0xFA, 0xAA), drain());
    }

    @Test
    void auxLoopbackComesBackFlaggedAsAuxAndTheAbsentMouseTimesOut() {
        pc.outb(0x64, 0xD3);
        pc.outb(0x60, 0x5A);
        assertEquals(0x21, pc.inb(0x64) & 0x21);
        assertEquals(0x5A, pc.inb(0x60));
        pc.outb(0x64, 0xD4);
        pc.outb(0x60, 0xF2);
        assertEquals(0x61, pc.inb(0x64) & 0x61);
        assertEquals(0xFE, pc.inb(0x60));
        assertEquals(0x00, pc.inb(0x64) & 0x61);
    }

    @Test
    void keyboardDataRaisesIrq1WhenEnabled() {
        pc.linuxPicInit();
        pc.outb(0x21, 0xFB & ~0x02);
        pc.outb(0x60, 0xF2);                            // command byte enables IRQ1 by default
        assertTrue(pc.pic.pending());
        assertEquals(0x31, pc.pic.acknowledge());
        assertEquals(0xFA, pc.inb(0x60));
        pc.outb(0x20, 0x20);
        assertTrue(pc.pic.pending(), "the next byte is a new interrupt");
        assertEquals(0x31, pc.pic.acknowledge());
    }

    @Test
    void pulseResetCommandRequestsAMachineReset() {
        pc.outb(0x64, 0xFE);
        assertTrue(pc.control.stopRequested());
        assertEquals(MachineControl.Reason.RESET, pc.control.reason());
    }

    @Test
    void unknownControllerCommandFailsLoudly() {
        var e = assertThrows(UnsupportedOperationException.class, () -> pc.outb(0x64, 0xC8));
        assertTrue(e.getMessage().contains("0xc8"));
    }
}
