package io.denalij.devices.pc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AcpiPmTest {
    private final PcRig pc = new PcRig();
    private final AcpiPm pm = new AcpiPm(0x600, 5, pc.clock, pc.control);

    AcpiPmTest() { pm.attach(pc.bus); }

    @Test void timerCountsAt3579545HzOfVirtualTimeIn24Bits() {
        pc.at(0);
        assertEquals(0, pc.bus.in(0x608, 4));
        pc.at(1_000_000_000L);                                         // one second
        assertEquals(3_579_545 & 0xFFFFFF, pc.bus.in(0x608, 4));
        pc.at(279);                                                     // 279 ns is 0.9987 ticks
        assertEquals(0, pc.bus.in(0x608, 4));
        pc.at(280);
        assertEquals(1, pc.bus.in(0x608, 4));
        pc.at(10L * 3600 * 1_000_000_000L);                             // ten hours: no overflow, wraps at 2^24
        assertEquals((int) (10L * 3600 * 3_579_545 % (1 << 24)), pc.bus.in(0x608, 4));
        pc.bus.out(0x608, 4, 0);                                        // read-only
        assertEquals((int) (10L * 3600 * 3_579_545 % (1 << 24)), pc.bus.in(0x608, 4));
    }

    @Test void controlReportsAcpiModeAndKeepsWhatIsWritten() {
        assertEquals(1, pc.bus.in(0x604, 2));                           // SCI_EN
        pc.bus.out(0x604, 2, 0x0004);                                   // GBL_RLS
        assertEquals(0x0005, pc.bus.in(0x604, 2));
        assertEquals(0x05, pc.inb(0x604));
        assertFalse(pc.control.stopRequested());
    }

    @Test void slpEnWithTheS5TypePowersOff() {
        pc.bus.out(0x604, 2, 5 << 10);                                  // the type alone does nothing
        assertFalse(pc.control.stopRequested());
        pc.bus.out(0x604, 2, (5 << 10) | (1 << 13));
        assertTrue(pc.control.stopRequested());
        assertEquals(MachineControl.Reason.POWER_OFF, pc.control.reason());
        assertEquals(0, pc.bus.in(0x604, 2) & (1 << 13));               // SLP_EN reads 0
    }

    @Test void byteWriteOfTheHighHalfCarriesSlpEn() {
        pc.outb(0x605, ((5 << 10) | (1 << 13)) >> 8);
        assertEquals(MachineControl.Reason.POWER_OFF, pc.control.reason());
    }

    @Test void otherSleepStatesAreRefusedLoudly() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> pc.bus.out(0x604, 2, (1 << 10) | (1 << 13)));
        assertEquals("ACPI sleep type 1 (only S5, soft off, is modelled)", e.getMessage());
        assertFalse(pc.control.stopRequested());
    }

    @Test void statusReadsZeroAndEnableKeepsItsBits() {
        pc.bus.out(0x602, 2, 0x0121);
        assertEquals(0x0121, pc.bus.in(0x602, 2));
        assertEquals(0x0121_0000, pc.bus.in(0x600, 4));
        pc.bus.out(0x600, 2, 0xFFFF);                                    // write-1-to-clear on nothing
        assertEquals(0, pc.bus.in(0x600, 2));
        assertEquals(0x0121, pc.bus.in(0x602, 2));
    }
}
