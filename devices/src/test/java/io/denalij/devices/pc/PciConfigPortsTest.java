package io.denalij.devices.pc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class PciConfigPortsTest {
    private final PcRig pc = new PcRig();
    private final PciConfigPorts pci = new PciConfigPorts(pc.control);

    PciConfigPortsTest() { pci.attach(pc.bus); }

    /** What Linux's pci_check_type1 does: the address register must read back what was written. */
    @Test void addressRegisterLatchesDwordWrites() {
        pc.bus.out(0xCF8, 4, 0x8000_0000);
        assertEquals(0x8000_0000, pc.bus.in(0xCF8, 4));
        pc.bus.out(0xCF8, 4, 0xFFFF_FFFF);                               // reserved bits 24-30 and 0-1 read 0
        assertEquals(0x80FF_FFFC, pc.bus.in(0xCF8, 4));
    }

    @Test void everyConfigurationReadFindsNoDevice() {
        pc.bus.out(0xCF8, 4, 0x8000_0000);                               // bus 0, device 0, vendor/device id
        assertEquals(0xFFFF_FFFF, pc.bus.in(0xCFC, 4));
        assertEquals(0xFFFF, pc.bus.in(0xCFE, 2));
        assertEquals(0xFF, pc.inb(0xCFD));
        pc.bus.out(0xCFC, 4, 0x1234_5678);                               // goes nowhere
        assertEquals(0xFFFF_FFFF, pc.bus.in(0xCFC, 4));
    }

    /** Configuration mechanism #2's probe (byte writes to 0xCF8/0xCFA, expecting zeros back) must fail. */
    @Test void byteAccessesAreNotMechanismTwo() {
        pc.outb(0xCFB, 0);
        pc.outb(0xCF8, 0);
        pc.outb(0xCFA, 0);
        assertEquals(0xFF, pc.inb(0xCF8));
        assertEquals(0xFF, pc.inb(0xCFA));
    }

    @Test void resetControlResetsOnlyWithBothResetBits() {
        pc.outb(0xCF9, 0x02);
        assertEquals(0x02, pc.inb(0xCF9));
        assertFalse(pc.control.stopRequested());
        pc.outb(0xCF9, 0x06);
        assertEquals(MachineControl.Reason.RESET, pc.control.reason());
    }
}
