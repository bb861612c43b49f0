package io.denalij.denali;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.Segment;
import io.denalij.cpu.alu.Flags;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.denalij.denali.Asm.EAX;
import static io.denalij.denali.Asm.EBX;
import static io.denalij.denali.Asm.ECX;
import static io.denalij.denali.Asm.EDX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The VM as SPEC section 6 starts it, the register page, TERMINATE, IDLE, CPUID and RDTSC. */
class DenaliMachineTest {
    @Test
    void bootStateIsSpecSection6() {
        try (Harness h = new Harness()) {
            DenaliMachine m = h.boot(new Asm().exit(0));
            CpuState s = m.state();
            assertEquals(Asm.BASE, s.eip);
            assertEquals((int) Harness.MEM, s.gpr[CpuState.ESP]);
            for (int r : new int[] {0, 1, 2, 3, 5, 6, 7}) assertEquals(0, s.gpr[r], CpuState.REG32[r]);
            assertEquals(0x2, Flags.get(s));
            assertEquals(3, s.cpl);
            assertEquals(0, s.cr0 & CpuState.CR0_PG, "no paging");
            for (Segment sg : s.seg) {
                assertTrue(sg.flat, "flat segments");
                assertEquals(3, sg.selector & 3, "RPL 3");
            }
        }
    }

    @Test
    void registerPageHoldsWhatTheKernelProvides() {
        try (Harness h = new Harness()) {
            DenaliMachine m = h.boot(new Asm().exit(0).elf(), 2 << 20, "hello world", List.of(), 100_000);
            var ram = m.ram();
            assertEquals(0x494C4E44, ram.read32(0x000));
            assertEquals(1, ram.read32(0x004));
            assertEquals(100_000, ram.read32(0x008));
            assertEquals(2 << 20, ram.read32(0x00C));
            assertEquals(1_000_000, ram.read32(0x010));
            assertEquals(ManualTime.WALL, readLong(ram, 0x020));
            // vm_id 100000 = 0x0186A0: MAC 02:44:4E:01:86:A0, IP 10.0.0.0 + 100002 = 10.1.134.162
            assertArrayEquals(new byte[] {0x02, 0x44, 0x4E, 0x01, (byte) 0x86, (byte) 0xA0}, bytes(ram, 0x028, 6));
            assertArrayEquals(new byte[] {10, 1, (byte) 134, (byte) 162}, bytes(ram, 0x030, 4));
            assertArrayEquals(new byte[] {(byte) 255, 0, 0, 0}, bytes(ram, 0x034, 4));
            assertArrayEquals(new byte[] {10, 0, 0, 1}, bytes(ram, 0x038, 4));
            assertEquals(0, ram.read32(0x054), "disk_count");
            assertEquals("hello world\0", new String(bytes(ram, 0x100, 12), StandardCharsets.UTF_8));
            assertEquals(0, ram.read32(0x040), "interrupts start disabled");
        }
    }

    @Test
    void terminateReportsEbxAndStaysOver() {
        try (Harness h = new Harness()) {
            DenaliMachine m = h.boot(new Asm().movImm(EBX, 0xCAFE).terminate().spin());
            Quantum q = m.runQuantum(1000);
            assertEquals(new Quantum.Terminated(0xCAFE), q);
            assertEquals(2, m.instructions(), "mov and TERMINATE retired; the jmp after it never ran");
            assertSame(q, m.runQuantum(1000));
            assertEquals(Long.MAX_VALUE, m.wakeDeadline());
        }
    }

    @Test
    void aBusyLoopUsesItsWholeQuantumAndStaysRunnable() {
        try (Harness h = new Harness()) {
            DenaliMachine m = h.boot(new Asm().spin());
            assertSame(Quantum.RUNNABLE, m.runQuantum(5000));
            assertEquals(5000, m.instructions());
            assertEquals(Long.MIN_VALUE, m.wakeDeadline());
        }
    }

    @Test
    void idleTimeoutReturnsOneAfterTheTimeoutAndNotBefore() {
        try (Harness h = new Harness()) {
            DenaliMachine m = h.boot(new Asm().movImm(EAX, 500).idle().mov(EBX, EAX).terminate());
            long t0 = h.time.now();
            assertEquals(new Quantum.Idle(t0 + 500_000), m.runQuantum(1000));
            long executed = m.instructions();
            h.time.advanceMicros(499);
            assertEquals(new Quantum.Idle(t0 + 500_000), m.runQuantum(1000));
            assertEquals(executed, m.instructions(), "an idle VM does not run before its timeout");
            h.time.advanceMicros(1);
            assertEquals(new Quantum.Terminated(1), m.runQuantum(1000), "EAX = 1: the timeout passed");
        }
    }

    @Test
    void idleWithAnInterruptAlreadyPendingReturnsZeroAtOnce() {
        try (Harness h = new Harness()) {
            // intr_pending set by the guest itself (it is ordinary memory); interrupts stay disabled
            DenaliMachine m = h.boot(new Asm().store(Asm.INTR_PENDING, 8).movImm(EAX, -1).idle().mov(EBX, EAX).terminate());
            assertSame(Quantum.RUNNABLE, m.runQuantum(1000), "IDLE leaves the run, but the VM is runnable at once");
            assertEquals(new Quantum.Terminated(0), m.runQuantum(1000));
        }
    }

    @Test
    void idleForeverWaitsForAnEventAndWakesOnConsoleInput() {
        try (Harness h = new Harness()) {
            DenaliMachine m = h.boot(new Asm().movImm(EAX, -1).idle().mov(EBX, EAX).terminate());
            assertEquals(new Quantum.Idle(Long.MAX_VALUE), m.runQuantum(1000));
            h.time.advanceMicros(10_000_000);
            assertEquals(new Quantum.Idle(Long.MAX_VALUE), m.runQuantum(1000));
            assertEquals(false, m.eventsWaiting());
            int before = h.wakeups.get();
            assertTrue(m.offerConsoleInput("x".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(before + 1, h.wakeups.get(), "the host is told to wake the VM");
            assertTrue(m.eventsWaiting());
            assertEquals(new Quantum.Terminated(0), m.runQuantum(1000));
            assertEquals(8, m.ram().read32(0x44), "CONSOLE pending (interrupts are disabled, so no upcall)");
        }
    }

    @Test
    void timeNsFollowsTheClockAtEachQuantumStart() {
        try (Harness h = new Harness()) {
            // Copies time_ns (low half) into EBX at the start of each of two quanta separated by IDLE.
            DenaliMachine m = h.boot(new Asm().load(ECX, 0x18).movImm(EAX, 1000).idle().load(EBX, 0x18).terminate());
            h.time.advanceMicros(7);
            m.runQuantum(1000);
            assertEquals(7000, m.state().gpr[ECX]);
            h.time.advanceMicros(1000);
            assertEquals(new Quantum.Terminated(1_007_000), m.runQuantum(1000));
        }
    }

    @Test
    void rdtscTracksTimeNsAtCpuKhzAndNeverGoesBack() {
        try (Harness h = new Harness()) {
            // rdtsc; store; IDLE 1 ms; rdtsc; store; terminate
            DenaliMachine m = h.boot(new Asm().bytes(0x0F, 0x31).storeReg(0x12000, EAX).storeReg(0x12004, EDX)
                    .movImm(EAX, 1000).idle()
                    .bytes(0x0F, 0x31).storeReg(0x12008, EAX).storeReg(0x1200C, EDX).exit(0));
            h.time.advanceMicros(3);
            m.runQuantum(1000);
            long first = readLong(m.ram(), 0x12000);
            assertEquals(3000, first, "time_ns 3000 ns at 1 GHz = 3000 ticks at quantum start (rdtsc is the first instruction)");
            h.time.advanceMicros(1000);
            assertEquals(new Quantum.Terminated(0), m.runQuantum(1000));
            long second = readLong(m.ram(), 0x12008);
            assertEquals(1_003_000, second, "moved to time_ns * cpu_khz at the next quantum start");
        }
    }

    @Test
    void rdtscCountsInstructionsWithinAQuantumAndIsMonotonicWhenTimeStandsStill() {
        try (Harness h = new Harness()) {
            DenaliMachine m = h.boot(new Asm().bytes(0x0F, 0x31).mov(ECX, EAX).label("l").jmp("l"));
            m.runQuantum(1000);
            long tscAfter = m.state().icount + m.state().tscOffset;
            m.runQuantum(1000); // same clock: the TSC must not be pulled back to time_ns
            assertTrue(m.state().icount + m.state().tscOffset > tscAfter);
        }
    }

    @Test
    void cpuidReportsTheDenaliVirtualCpu() {
        try (Harness h = new Harness()) {
            DenaliMachine m = h.boot(new Asm().movImm(EAX, 0).bytes(0x0F, 0xA2)
                    .storeReg(0x12000, EBX).storeReg(0x12004, EDX).storeReg(0x12008, ECX)
                    .movImm(EAX, 1).bytes(0x0F, 0xA2).storeReg(0x1200C, EAX).storeReg(0x12010, EDX).storeReg(0x12014, ECX)
                    .exit(0));
            assertEquals(new Quantum.Terminated(0), m.runQuantum(1000));
            assertEquals("DenaliJVirtC", new String(bytes(m.ram(), 0x12000, 12), StandardCharsets.US_ASCII));
            assertEquals(0x611, m.ram().read32(0x1200C) & 0xFFF, "family 6");
            assertEquals(1 | 1 << 4 | 1 << 8 | 1 << 15, m.ram().read32(0x12010), "FPU TSC CX8 CMOV only");
            assertEquals(0, m.ram().read32(0x12014), "no ECX features (no SSE3)");
        }
    }

    @Test
    void consoleWriteReachesTheConsole() {
        try (Harness h = new Harness()) {
            Asm a = new Asm();
            a.out(0x100, 0x12000).exit(0);
            DenaliMachine m = h.boot(a);
            byte[] text = "hi!\n".getBytes(StandardCharsets.US_ASCII);
            m.ram().load(0x12100, text, 0, text.length);
            m.ram().write32(0x12000, 0x12100);
            m.ram().write32(0x12004, text.length);
            assertEquals(new Quantum.Terminated(0), m.runQuantum(1000));
            assertEquals("hi!\n", h.consoleText());
        }
    }

    static long readLong(io.denalij.mmu.PhysicalMemory ram, int at) {
        return Integer.toUnsignedLong(ram.read32(at)) | (long) ram.read32(at + 4) << 32;
    }

    static byte[] bytes(io.denalij.mmu.PhysicalMemory ram, int at, int n) {
        byte[] b = new byte[n];
        ram.copyOut(at, b, 0, n);
        return b;
    }

    @Test
    void quantumResultsAreTheSealedFour() {
        assertInstanceOf(Quantum.class, Quantum.RUNNABLE);
        assertEquals(false, Quantum.RUNNABLE.finished());
        assertEquals(true, new Quantum.Terminated(0).finished());
    }
}
