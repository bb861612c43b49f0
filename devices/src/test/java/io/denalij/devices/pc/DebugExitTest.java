package io.denalij.devices.pc;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class DebugExitTest {
    private final PcRig pc = new PcRig();
    private final DebugExit exit = new DebugExit(pc.control);
    private final PostCodePort post = new PostCodePort();

    DebugExitTest() {
        exit.attach(pc.bus);
        post.attach(pc.bus);
    }

    @Test
    void byteWriteRequestsExitWithShiftedStatus() {
        assertFalse(pc.control.stopRequested());
        pc.bus.out(0xF4, 1, 0x10);
        assertTrue(pc.control.stopRequested());
        assertEquals(MachineControl.Reason.EXIT, pc.control.reason());
        assertEquals(0x21, pc.control.exitStatus());
    }

    @Test
    void zeroGivesStatusOneAndTheFirstRequestWins() {
        pc.bus.out(0xF4, 1, 0);
        pc.bus.out(0xF4, 1, 5);
        assertEquals(1, pc.control.exitStatus());
    }

    @Test
    void wideWritesUseTheWholeValueOfTheAccess() {
        pc.bus.out(0xF4, 4, 0x12345678);
        assertEquals((0x12345678 << 1) | 1, pc.control.exitStatus());
        pc.control.clear();
        pc.bus.out(0xF6, 2, 0x0180);                   // any port of the four, word width
        assertEquals(0x0301, pc.control.exitStatus());
        pc.control.clear();
        pc.bus.out(0xF4, 1, 0x1FF);                    // only the byte reaches a byte access
        assertEquals(0x1FF, pc.control.exitStatus());
    }

    @Test
    void postCodePortKeepsTheLastValue() {
        assertEquals(0, pc.inb(0x80));
        pc.outb(0x80, 0x3C);
        pc.outb(0x80, 0xA7);
        assertEquals(0xA7, pc.inb(0x80));
        assertEquals(0xA7, post.lastCode());
        assertTrue(pc.bus.unclaimed().isEmpty());
    }
}
