package io.denalij.devices.pc;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class Pit8254Test {
    private final PcRig pc = new PcRig();

    private int latchAndRead(int counter) {
        pc.outb(0x43, counter << 6);
        int lo = pc.inb(0x40 + counter);
        return lo | pc.inb(0x40 + counter) << 8;
    }

    @Test
    void clockConversionsAreExactInverses() {
        assertEquals(1_193_182, PitClock.edgeAt(1_000_000_000L));
        assertEquals(1193, PitClock.edgeAt(1_000_000));
        for (long edge : new long[]{1, 1193, 59659, 1_193_181, 1_193_183, 123_456_789_012L}) {
            long ns = PitClock.nsOfEdge(edge);
            assertEquals(edge, PitClock.edgeAt(ns));
            assertEquals(edge - 1, PitClock.edgeAt(ns - 1));
        }
    }

    @Test
    void linuxPeriodicTimerGivesExactlyOneThousandIrq0PerVirtualSecond() {
        pc.linuxPicInit();
        pc.outb(0x21, 0xFA);
        pc.outb(0x43, 0x34);                            // counter 0, lo/hi, mode 2
        pc.outb(0x40, 1193 & 0xFF);
        pc.outb(0x40, 1193 >> 8);
        List<Long> times = new ArrayList<>();
        pc.runUntil(1_000_000_000L, v -> {
            assertEquals(0x30, v);
            times.add(pc.now());
        });
        // Loaded on edge 1, the output rises every 1193 edges: edges 1194, 2387, ... 1193001.
        assertEquals(1000, times.size());
        assertEquals(PitClock.nsOfEdge(1 + 1193), times.get(0));
        assertEquals(PitClock.nsOfEdge(1 + 1000 * 1193), times.get(999));
        assertEquals(1_000_000_000L, pc.now());
    }

    @Test
    void latchedCountAtAKnownTimeInModeTwo() {
        pc.outb(0x43, 0x34);
        pc.outb(0x40, 1000 & 0xFF);
        pc.outb(0x40, 1000 >> 8);
        pc.at(1_000_000);                               // edge 1193: 1192 edges after the load
        assertEquals(1000 - 192, latchAndRead(0));
        pc.at(PitClock.nsOfEdge(1 + 999));              // CE = 1: output low for this one clock
        assertEquals(1, latchAndRead(0));
        assertFalse(pc.pit.out(0));
        pc.at(PitClock.nsOfEdge(1 + 1000));
        assertEquals(1000, latchAndRead(0));
        assertTrue(pc.pit.out(0));
    }

    @Test
    void latchHoldsTheValueUntilBothBytesAreRead() {
        pc.outb(0x43, 0x34);
        pc.outb(0x40, 0x00);
        pc.outb(0x40, 0x00);                            // 0 = 65536
        pc.at(PitClock.nsOfEdge(1 + 0x1234));
        pc.outb(0x43, 0x00);
        pc.at(PitClock.nsOfEdge(1 + 0x2000));
        assertEquals(0x10000 - 0x1234 & 0xFF, pc.inb(0x40));
        pc.outb(0x43, 0x00);                            // a second latch before the read completes is ignored
        assertEquals((0x10000 - 0x1234) >> 8, pc.inb(0x40));
        assertEquals((0x10000 - 0x2000) & 0xFF, pc.inb(0x40));   // unlatched now: live value
    }

    @Test
    void readBackLatchesStatusThenCount() {
        pc.outb(0x43, 0x34);
        pc.outb(0x43, 0xE2);                            // read-back status of counter 0 only
        assertEquals(0x40 | 0x80 | 0x34, pc.inb(0x40), "null count after a control word; OUT high in mode 2");
        pc.outb(0x40, 100);
        pc.outb(0x40, 0);
        pc.at(PitClock.nsOfEdge(1 + 30));
        pc.outb(0x43, 0xC2);                            // status and count of counter 0
        assertEquals(0x80 | 0x34, pc.inb(0x40));
        assertEquals(70, pc.inb(0x40));
        assertEquals(0, pc.inb(0x40));
        pc.outb(0x43, 0xB0);                            // counter 2, mode 0
        pc.outb(0x43, 0xE8);                            // status of counter 2
        assertEquals(0x40 | 0x30, pc.inb(0x42), "mode 0 output starts low");
    }

    @Test
    void linuxTscCalibrationPollsOut2ThroughPort61() {
        int latch = 1_193_182 / (1000 / 50);            // CAL_LATCH: 50 ms
        pc.outb(0x61, (pc.inb(0x61) & ~0x02) | 0x01);
        pc.outb(0x43, 0xB0);
        pc.outb(0x42, latch & 0xFF);
        pc.outb(0x42, latch >> 8);
        long expected = PitClock.nsOfEdge(1 + latch);
        int polls = 0;
        while ((pc.inb(0x61) & 0x20) == 0) {
            pc.at(pc.now() + 997);
            polls++;
        }
        assertTrue(pc.now() >= expected && pc.now() < expected + 997, "OUT2 rose at " + pc.now());
        assertEquals((expected + 996) / 997, polls);
        pc.at(expected - 1);
        assertEquals(0, pc.inb(0x61) & 0x20);
        pc.at(expected);
        assertEquals(0x20, pc.inb(0x61) & 0x20);
        assertEquals(0x01, pc.inb(0x61) & 0x0F);
    }

    @Test
    void port61RefreshBitTogglesOnEveryRead() {
        int a = pc.inb(0x61) & 0x10, b = pc.inb(0x61) & 0x10, c = pc.inb(0x61) & 0x10;
        assertNotEquals(a, b);
        assertEquals(a, c);
    }

    @Test
    void gateLowHoldsAModeZeroCount() {
        pc.outb(0x61, 0x01);
        pc.outb(0x43, 0xB0);
        pc.outb(0x42, 0x00);
        pc.outb(0x42, 0x10);                            // 4096
        pc.at(PitClock.nsOfEdge(1 + 100));
        pc.outb(0x61, 0x00);                            // gate off after 100 counts
        pc.at(PitClock.nsOfEdge(5000));
        assertEquals(4096 - 100, latchAndRead(2));
        pc.outb(0x61, 0x01);                            // resume at edge 5000
        pc.at(PitClock.nsOfEdge(5000 + 3996 - 1));
        assertFalse(pc.pit.out2());
        pc.at(PitClock.nsOfEdge(5000 + 3996));
        assertTrue(pc.pit.out2());
        assertEquals(0, latchAndRead(2));
        pc.at(PitClock.nsOfEdge(5000 + 3996 + 2));
        assertEquals(0xFFFE, latchAndRead(2), "mode 0 keeps counting through zero");
    }

    @Test
    void quickPitCalibrationReadsUnlatchedLsbThenMsb() {
        pc.outb(0x61, 0x01);
        pc.outb(0x43, 0xB0);
        pc.outb(0x42, 0xFF);
        pc.outb(0x42, 0xFF);
        pc.at(PitClock.nsOfEdge(1 + 0x0305));
        assertEquals(0xFA, pc.inb(0x42));
        assertEquals(0xFC, pc.inb(0x42));
    }

    @Test
    void bcdCountsInDecimal() {
        pc.outb(0x61, 0x01);
        pc.outb(0x43, 0xB1);                            // counter 2, lo/hi, mode 0, BCD
        pc.outb(0x42, 0x00);
        pc.outb(0x42, 0x10);                            // 1000 decimal
        pc.at(PitClock.nsOfEdge(1 + 5));
        assertEquals(0x0995, latchAndRead(2));
        pc.at(PitClock.nsOfEdge(1 + 1001));
        assertEquals(0x9999, latchAndRead(2), "BCD wraps at 10000");
    }

    @Test
    void modeThreeSquareWaveCountsByTwoAndTogglesOutput() {
        pc.outb(0x43, 0x36);                            // counter 0, mode 3 (the BIOS default)
        pc.outb(0x40, 10);
        pc.outb(0x40, 0);
        pc.at(PitClock.nsOfEdge(1 + 3));
        assertEquals(4, latchAndRead(0));
        assertTrue(pc.pit.out(0));
        pc.at(PitClock.nsOfEdge(1 + 6));
        assertEquals(8, latchAndRead(0));
        assertFalse(pc.pit.out(0));
        pc.outb(0x43, 0x36);
        pc.outb(0x40, 5);                               // odd: 3 clocks high, 2 low
        pc.outb(0x40, 0);
        long load = PitClock.edgeAt(pc.now()) + 1;
        boolean[] expected = {true, true, true, false, false, true};
        int[] ce = {4, 2, 0, 4, 2, 4};
        for (int j = 0; j < expected.length; j++) {
            pc.at(PitClock.nsOfEdge(load + j));
            assertEquals(expected[j], pc.pit.out(0), "OUT at clock " + j);
            assertEquals(ce[j], latchAndRead(0), "CE at clock " + j);
        }
    }

    @Test
    void modeThreeRaisesIrq0OncePerPeriod() {
        pc.linuxPicInit();
        pc.outb(0x21, 0xFA);
        pc.outb(0x43, 0x36);
        pc.outb(0x40, 0);
        pc.outb(0x40, 0);                               // 65536: 18.2 Hz
        int[] n = new int[1];
        pc.runUntil(1_000_000_000L, v -> n[0]++);
        assertEquals((1_193_182 - 1) / 65536, n[0]);
    }

    @Test
    void modeZeroOneShotInterruptsOnceAtTerminalCount() {
        pc.linuxPicInit();
        pc.outb(0x21, 0xFA);
        pc.outb(0x43, 0x30);
        pc.outb(0x40, 0xE8);
        pc.outb(0x40, 0x03);                            // 1000
        List<Long> t = new ArrayList<>();
        pc.runUntil(100_000_000L, v -> t.add(pc.now()));
        assertEquals(List.of(PitClock.nsOfEdge(1 + 1000)), t);
    }

    @Test
    void modeFourStrobesOneClockAfterTerminalCount() {
        pc.linuxPicInit();
        pc.outb(0x21, 0xFA);
        pc.outb(0x43, 0x38);
        pc.outb(0x40, 50);
        pc.outb(0x40, 0);
        pc.at(PitClock.nsOfEdge(1 + 50));
        assertFalse(pc.pit.out(0));
        List<Long> t = new ArrayList<>();
        pc.runUntil(10_000_000L, v -> t.add(pc.now()));
        assertEquals(List.of(PitClock.nsOfEdge(1 + 51)), t);
    }

    @Test
    void modeOneWaitsForTheGateTrigger() {
        pc.outb(0x43, 0xB2);                            // counter 2, mode 1
        pc.outb(0x42, 20);
        pc.outb(0x42, 0);
        pc.at(PitClock.nsOfEdge(100));
        assertTrue(pc.pit.out2(), "no trigger yet");
        pc.outb(0x61, 0x01);                            // rising gate at edge 100
        pc.at(PitClock.nsOfEdge(101));
        assertFalse(pc.pit.out2());
        assertEquals(20, latchAndRead(2));
        pc.at(PitClock.nsOfEdge(121));
        assertTrue(pc.pit.out2());
    }

    @Test
    void newCountInModeTwoTakesEffectAtTheEndOfThePeriod() {
        pc.outb(0x43, 0x34);
        pc.outb(0x40, 100);
        pc.outb(0x40, 0);
        pc.at(PitClock.nsOfEdge(1 + 40));
        pc.outb(0x40, 10);
        pc.outb(0x40, 0);
        pc.at(PitClock.nsOfEdge(1 + 60));
        assertEquals(40, latchAndRead(0), "old period continues");
        pc.at(PitClock.nsOfEdge(1 + 100 + 3));
        assertEquals(7, latchAndRead(0), "new count after the reload");
    }

    @Test
    void linuxOneshotReprogramsModeZeroWithoutAControlWord() {
        pc.linuxPicInit();
        pc.outb(0x21, 0xFA);
        pc.outb(0x43, 0x30);                            // pit_set_oneshot
        List<Long> t = new ArrayList<>();
        pc.outb(0x40, 100);                             // pit_next_event(100)
        pc.outb(0x40, 0);
        pc.runUntil(PitClock.nsOfEdge(50), v -> t.add(pc.now()));
        pc.outb(0x40, 200 & 0xFF);                      // rearmed before it fired: LSB stops the count
        assertFalse(pc.clock.nextDeadline() < Long.MAX_VALUE, "no IRQ0 while half written");
        pc.outb(0x40, 0);
        long written = PitClock.edgeAt(pc.now());
        pc.runUntil(1_000_000_000L, v -> t.add(pc.now()));
        assertEquals(List.of(PitClock.nsOfEdge(written + 1 + 200)), t);
    }
}
