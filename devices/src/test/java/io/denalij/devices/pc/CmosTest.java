package io.denalij.devices.pc;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CmosTest {
    /** Tuesday 2023-11-14 22:13:20 UTC. */
    private static final long EPOCH = 1_700_000_000L;
    private final PcRig pc = new PcRig();
    private final Cmos cmos = new Cmos(pc.clock, pc.pic, EPOCH, 128L << 20);

    CmosTest() {
        cmos.attach(pc.bus);
    }

    private int cmos(int reg) {
        pc.outb(0x70, reg);
        return pc.inb(0x71);
    }

    private void cmos(int reg, int v) {
        pc.outb(0x70, reg);
        pc.outb(0x71, v);
    }

    @Test
    void timeRegistersInBcdForAKnownEpoch() {
        assertEquals(0x20, cmos(0x00));
        assertEquals(0x13, cmos(0x02));
        assertEquals(0x22, cmos(0x04));
        assertEquals(0x03, cmos(0x06), "Tuesday, with Sunday = 1");
        assertEquals(0x14, cmos(0x07));
        assertEquals(0x11, cmos(0x08));
        assertEquals(0x23, cmos(0x09));
        assertEquals(0x20, cmos(0x32));
        assertEquals(0x26, cmos(0x0A));
        assertEquals(0x02, cmos(0x0B));
        assertEquals(0x80, cmos(0x0D));
    }

    @Test
    void virtualTimeAdvancesTheClockAcrossAMinute() {
        pc.at(45_999_999_999L);
        assertEquals(0x05, cmos(0x00));
        assertEquals(0x14, cmos(0x02));
        pc.at(46_000_000_000L);
        assertEquals(0x06, cmos(0x00));
    }

    @Test
    void binaryAndTwelveHourFormatsFollowRegisterB() {
        cmos(0x0B, 0x06);                               // binary, 24 h
        assertEquals(22, cmos(0x04));
        assertEquals(13, cmos(0x02));
        assertEquals(23, cmos(0x09));
        cmos(0x0B, 0x00);                               // BCD, 12 h
        assertEquals(0x80 | 0x10, cmos(0x04), "10 PM");
        cmos(0x0B, 0x04);                               // binary, 12 h
        assertEquals(0x80 | 10, cmos(0x04));
    }

    @Test
    void uipIsSetDuringThe244MicrosecondsBeforeEachUpdate() {
        pc.at(999_755_999L);
        assertEquals(0x00, cmos(0x0A) & 0x80);
        pc.at(999_756_000L);
        assertEquals(0x80, cmos(0x0A) & 0x80);
        pc.at(1_000_000_000L);
        assertEquals(0x00, cmos(0x0A) & 0x80);
    }

    @Test
    void guestSetsTheClockUnderSetAndItRunsOnFromThere() {
        cmos(0x0B, 0x82);                               // SET, 24 h, BCD
        cmos(0x04, 0x07);
        cmos(0x02, 0x30);
        cmos(0x00, 0x00);
        cmos(0x07, 0x31);
        cmos(0x08, 0x12);
        cmos(0x09, 0x99);
        cmos(0x32, 0x19);
        pc.at(5_000_000_000L);
        assertEquals(0x00, cmos(0x00), "frozen while SET");
        cmos(0x0B, 0x02);
        pc.at(7_500_000_000L);
        assertEquals(0x02, cmos(0x00));
        assertEquals(0x30, cmos(0x02));
        assertEquals(0x07, cmos(0x04));
        assertEquals(0x31, cmos(0x07));
        assertEquals(0x12, cmos(0x08));
        assertEquals(0x99, cmos(0x09));
        assertEquals(0x19, cmos(0x32));
        assertEquals(946_625_402L, cmos.epochSeconds()); // 1999-12-31 07:30:02 UTC
    }

    @Test
    void memorySizeBytesForA128MiBMachine() {
        assertEquals(0x80, cmos(0x15));
        assertEquals(0x02, cmos(0x16));
        assertEquals(0xFF, cmos(0x17));
        assertEquals(0xFF, cmos(0x18));
        assertEquals(0xFF, cmos(0x30));
        assertEquals(0xFF, cmos(0x31));
        assertEquals(0x00, cmos(0x34));
        assertEquals(0x07, cmos(0x35), "(128 - 16) MiB / 64 KiB = 0x700");
        assertEquals(0x02, cmos(0x14));
    }

    @Test
    void memorySizeBytesForAnEightMiBMachine() {
        PcRig other = new PcRig();
        Cmos small = new Cmos(other.clock, other.pic, EPOCH, 8L << 20);
        assertEquals(0x00, small.readRegister(0x17));
        assertEquals(0x1C, small.readRegister(0x18), "7168 KiB above 1 MiB");
        assertEquals(0x00, small.readRegister(0x34));
        assertEquals(0x00, small.readRegister(0x35));
        int sum = 0;
        for (int i = 0x10; i <= 0x2D; i++) sum += small.readRegister(i);
        assertEquals(sum, small.readRegister(0x2E) << 8 | small.readRegister(0x2F));
    }

    @Test
    void indexBitSevenDisablesNmiAndRamIsReadWrite() {
        pc.outb(0x70, 0x80 | 0x40);
        assertTrue(cmos.nmiDisabled());
        pc.outb(0x71, 0x5A);
        assertEquals(0x5A, cmos(0x40));
        assertFalse(cmos.nmiDisabled());
        cmos(0x0C, 0xFF);                               // C and D are read-only
        cmos(0x0D, 0x00);
        assertEquals(0x80, cmos(0x0D));
        assertEquals(0x00, cmos(0x0C));
    }

    /** Runs time, serving IRQ8 as Linux's rtc handler does: read C, EOI slave and master. */
    private List<Integer> runIrq8(long endNs) {
        List<Integer> flags = new ArrayList<>();
        while (pc.clock.nextDeadline() <= endNs) {
            pc.at(pc.clock.nextDeadline());
            pc.clock.runDue();
            while (pc.pic.pending()) {
                assertEquals(0x38, pc.pic.acknowledge());
                flags.add(cmos(0x0C));
                pc.outb(0xA0, 0x20);
                pc.outb(0x20, 0x20);
            }
        }
        pc.at(endNs);
        return flags;
    }

    @Test
    void updateEndedInterruptOncePerSecond() {
        pc.linuxPicInit();
        pc.outb(0xA1, 0xFE);
        cmos(0x0B, 0x12);                               // UIE, 24 h
        // The default rate (register A = 0x26) sets PF too, with or without PIE, as on the chip.
        assertEquals(List.of(0xD0, 0xD0, 0xD0), runIrq8(3_500_000_000L));
        assertEquals(0x40, cmos(0x0C));
        cmos(0x0A, 0x20);                               // periodic rate off
        pc.at(4_100_000_000L);
        assertEquals(0x90, cmos(0x0C), "the 4 s update, and no PF with the rate off");
        assertEquals(List.of(0x90), runIrq8(5_000_000_000L));
    }

    @Test
    void periodicInterruptAt1024Hz() {
        pc.linuxPicInit();
        pc.outb(0xA1, 0xFE);
        cmos(0x0A, 0x26);                               // 32.768 kHz, rate 6
        cmos(0x0B, 0x42);                               // PIE
        List<Integer> flags = runIrq8(1_000_000_000L);
        assertEquals(1024, flags.size());
        assertEquals(0xC0, flags.get(0));
        assertEquals(0xD0, flags.get(1023) & 0xD0, "the last tick coincides with the update: UF seen too");
    }

    @Test
    void alarmFlagWhenTheAlarmTimeComes() {
        pc.linuxPicInit();
        pc.outb(0xA1, 0xFE);
        cmos(0x01, 0x23);                               // 22:13:23, three seconds on
        cmos(0x03, 0x13);
        cmos(0x05, 0xC0);                               // any hour
        cmos(0x0A, 0x20);                               // no periodic flag
        cmos(0x0B, 0x22);                               // AIE
        pc.at(2_500_000_000L);
        assertEquals(0x10, cmos(0x0C), "updates seen, no alarm yet, no IRQ without UIE");
        List<Long> when = new ArrayList<>();
        while (pc.clock.nextDeadline() <= 5_000_000_000L) {
            pc.at(pc.clock.nextDeadline());
            pc.clock.runDue();
            if (pc.pic.pending()) {
                pc.pic.acknowledge();
                when.add(pc.now());
                assertEquals(0xB0, cmos(0x0C));
                pc.outb(0xA0, 0x20);
                pc.outb(0x20, 0x20);
            }
        }
        assertEquals(List.of(3_000_000_000L), when);
    }
}
