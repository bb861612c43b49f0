package io.denalij.denali;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.alu.Flags;
import io.denalij.devices.denali.BaseDisk;
import io.denalij.devices.denali.VirtualDisk;
import io.denalij.mmu.PhysicalMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static io.denalij.denali.Asm.EAX;
import static io.denalij.denali.Asm.EBP;
import static io.denalij.denali.Asm.EBX;
import static io.denalij.denali.Asm.ECX;
import static io.denalij.denali.Asm.EDI;
import static io.denalij.denali.Asm.EDX;
import static io.denalij.denali.Asm.ESI;
import static io.denalij.denali.Asm.ESP;
import static io.denalij.denali.Asm.INTR_ENABLE;
import static io.denalij.denali.Asm.INTR_HANDLER;
import static io.denalij.denali.Asm.INTR_PENDING;
import static io.denalij.denali.Asm.INTR_STACK;
import static io.denalij.denali.Asm.TIMER_PERIOD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC section 4 to the register: what an upcall pushes and where, what IRET restores, and when
 * upcalls come (while idle, after interrupts were disabled, several bits as one batch).
 */
class UpcallTest {
    static final int R_EBX = 0xB0B1B2B3, R_ECX = 0xC0C1C2C3, R_EDX = 0xD0D1D2D3, R_ESI = 0x51525354,
            R_EDI = 0xD1D2D3D4, R_EBP = 0xB5B6B7B8;
    static final int MAIN_STACK = 0x20000, UPCALL_STACK = 0x30000;
    /** CF PF AF ZF SF DF OF, plus the always-one bit 1. */
    static final int FLAGS = 0xCD5 | 2;
    static final int TIMER = 1, NET = 2, DISK = 4, CONSOLE = 8;

    /** Known values in every register and EFLAGS, as the upcall-probe guest does. */
    static Asm loadKnownRegisters(Asm a) {
        return a.movImm(EBX, R_EBX).movImm(ECX, R_ECX).movImm(EDX, R_EDX).movImm(ESI, R_ESI).movImm(EDI, R_EDI)
                .movImm(EBP, R_EBP).movImm(ESP, MAIN_STACK).push(FLAGS).popf();
    }

    static int[] frameAt(PhysicalMemory ram, int at) {
        int[] f = new int[11];
        for (int i = 0; i < 11; i++) f[i] = ram.read32(at + 4 * i);
        return f;
    }

    /** mask edi esi ebp esp ebx edx ecx eax eip eflags */
    static int[] expectedFrame(int mask, int eax, int eip) {
        return new int[] {mask, R_EDI, R_ESI, R_EBP, MAIN_STACK, R_EBX, R_EDX, R_ECX, eax, eip, FLAGS};
    }

    /** A guest that IDLEs forever with interrupts enabled after arming the timer; its handler is TERMINATE. */
    static Asm idleWithTimer(int intrStack) {
        Asm a = new Asm().storeLabel(INTR_HANDLER, "handler").store(INTR_STACK, intrStack).store(TIMER_PERIOD, 1000);
        loadKnownRegisters(a).store(INTR_ENABLE, 1).movImm(EAX, -1).idle().label("after").spin();
        return a.label("handler").terminate();
    }

    @Test
    void timerWhileIdleUpcallsOnIntrStackWithTheExactFrame() {
        try (Harness h = new Harness()) {
            Asm a = idleWithTimer(UPCALL_STACK);
            DenaliMachine m = h.boot(a);
            assertEquals(new Quantum.Idle(h.time.now() + 1_000_000), m.runQuantum(10_000),
                    "idle until the timer's first period ends (the timer starts at the IDLE boundary)");
            h.time.advanceMicros(1000);
            assertEquals(new Quantum.Terminated(R_EBX), m.runQuantum(10_000), "the handler ran with the interrupted EBX");

            CpuState s = m.state();
            int frame = UPCALL_STACK - 44;
            assertEquals(frame, s.gpr[CpuState.ESP], "ESP points at the mask, 11 dwords below intr_stack");
            assertArrayEquals(expectedFrame(TIMER, 0, a.address("after")), frameAt(m.ram(), frame),
                    "mask, PUSHAD order (ESP = the interrupted one), EIP after IDLE, EFLAGS; EAX = 0 (interrupt pending)");
            assertEquals(a.address("handler") + 3, s.eip);
            assertEquals(0, m.ram().read32(INTR_ENABLE), "intr_enable cleared");
            assertEquals(0, m.ram().read32(INTR_PENDING), "intr_pending cleared");
            assertEquals(FLAGS, Flags.get(s), "the handler starts with the interrupted flags");
            for (int r : new int[] {ECX, EDX, ESI, EDI, EBP}) {
                assertEquals(expectedFrame(TIMER, 0, 0)[new int[] {8, 7, 6, 5, 4, 3, 2, 1}[r]], s.gpr[r], "register " + r + " unchanged");
            }
        }
    }

    @Test
    void withoutIntrStackTheFrameGoesOnTheInterruptedStack() {
        try (Harness h = new Harness()) {
            Asm a = idleWithTimer(0);
            DenaliMachine m = h.boot(a);
            m.runQuantum(10_000);
            h.time.advanceMicros(1000);
            assertEquals(new Quantum.Terminated(R_EBX), m.runQuantum(10_000));
            int frame = MAIN_STACK - 44;
            assertEquals(frame, m.state().gpr[CpuState.ESP]);
            assertArrayEquals(expectedFrame(TIMER, 0, a.address("after")), frameAt(m.ram(), frame));
        }
    }

    @Test
    void iretRestoresRegistersEipEspFromItsSlotAndOnlyThePopfFlags() {
        try (Harness h = new Harness()) {
            int out = 0x12000;
            Asm a = new Asm().storeLabel(INTR_HANDLER, "handler").store(INTR_STACK, UPCALL_STACK).store(TIMER_PERIOD, 1000);
            loadKnownRegisters(a).store(INTR_ENABLE, 1).movImm(EAX, -1).idle().label("after");
            for (int r = 0; r < 8; r++) a.storeReg(out + 4 * r, r);
            a.pushf().popTo(out + 32).load(EAX, INTR_ENABLE).storeReg(out + 36, EAX).exit(0);
            // The handler edits the frame: ECX, the saved ESP, and EFLAGS = CF | IF | IOPL 3 | TF off.
            a.label("handler").store(TIMER_PERIOD, 0)
                    .storeEsp(28, 0x600DF00D)
                    .storeEsp(16, MAIN_STACK + 0x100)
                    .storeEsp(40, 0x3000 | 0x200 | 0x1 | 0x2)
                    .movImm(EAX, 0x12345678).movImm(EBX, 0x9ABCDEF0) // clobbered registers come back from the frame
                    .iret();
            DenaliMachine m = h.boot(a);
            m.runQuantum(10_000);
            h.time.advanceMicros(1000);
            assertEquals(new Quantum.Terminated(0), m.runQuantum(10_000));
            int[] got = new int[10];
            for (int i = 0; i < 10; i++) got[i] = m.ram().read32(out + 4 * i);
            // EAX ECX EDX EBX ESP EBP ESI EDI EFLAGS intr_enable. EAX = 0: IDLE's "interrupt pending".
            assertArrayEquals(new int[] {0, 0x600DF00D, R_EDX, R_EBX, MAIN_STACK + 0x100, R_EBP, R_ESI, R_EDI, 0x3, 1}, got,
                    "CF restored; IF and IOPL are not the guest's to set; intr_enable = 1 again");
        }
    }

    @Test
    void aTimerThatFiresWhileInterruptsAreDisabledWaitsUntilTheyAreEnabled() {
        try (Harness h = new Harness()) {
            Asm a = new Asm().storeLabel(INTR_HANDLER, "handler").store(INTR_STACK, UPCALL_STACK).store(TIMER_PERIOD, 1000);
            loadKnownRegisters(a).label("poll").cmpMem(INTR_PENDING, 0).je("poll")
                    .store(TIMER_PERIOD, 0).store(INTR_ENABLE, 1).label("spin").spin()
                    .label("handler").terminate();
            DenaliMachine m = h.boot(a);
            assertSame(Quantum.RUNNABLE, m.runQuantum(1000)); // arms the timer
            assertSame(Quantum.RUNNABLE, m.runQuantum(1000)); // this boundary starts it
            h.time.advanceMicros(1000);
            assertSame(Quantum.RUNNABLE, m.runQuantum(1000), "TIMER pending, but intr_enable was 0 at the boundary");
            assertEquals(a.address("spin"), m.state().eip, "the guest saw the bit and enabled interrupts");
            assertEquals(MAIN_STACK, m.state().gpr[CpuState.ESP], "no frame was pushed");
            assertEquals(TIMER, m.ram().read32(INTR_PENDING));
            assertEquals(new Quantum.Terminated(R_EBX), m.runQuantum(1000), "delivered at the next quantum start");
            // The guest's own compare changed the arithmetic flags: ZF=0, PF, etc. come from CMP 1, 0.
            int[] frame = frameAt(m.ram(), UPCALL_STACK - 44);
            assertEquals(TIMER, frame[0]);
            assertEquals(MAIN_STACK, frame[4]);
            assertEquals(a.address("spin"), frame[9], "interrupted at the spin loop");
            assertEquals(0, frame[10] & CpuState.ZF, "CMP [pending], 0 with pending = 1 left ZF clear");
        }
    }

    @Test
    void timerDiskAndConsoleArriveAsOneBatch(@TempDir Path dir) throws Exception {
        Path image = dir.resolve("d.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) { f.setLength(4 * 4096); }
        try (BaseDisk base = BaseDisk.open(image, false); Harness h = new Harness()) {
            int rq = 0x12000;
            Asm a = new Asm().storeLabel(INTR_HANDLER, "handler").store(INTR_STACK, UPCALL_STACK).store(INTR_ENABLE, 0)
                    .store(rq, 1).store(rq + 4, 0).store(rq + 8, 0).store(rq + 12, 1).store(rq + 16, 0x13000).store(rq + 20, 0)
                    .out(0x300, rq).store(TIMER_PERIOD, 1000);
            loadKnownRegisters(a).label("poll").load(EAX, INTR_PENDING).andEax(0xD).cmpEax(0xD).jne("poll")
                    .store(TIMER_PERIOD, 0).store(INTR_ENABLE, 1).movImm(EAX, -1).idle().label("after").spin()
                    .label("handler").terminate();
            DenaliMachine m = h.boot(a.elf(), Harness.MEM, "", List.of(VirtualDisk.readOnly(base)), 0);
            assertEquals(4, m.ram().read32(0x58), "disk_blocks[0]");
            assertSame(Quantum.RUNNABLE, m.runQuantum(1000));
            assertTrue(m.offerConsoleInput("k".getBytes(StandardCharsets.US_ASCII)));
            assertSame(Quantum.RUNNABLE, m.runQuantum(1000), "DISK and CONSOLE pend; the timer starts");
            assertEquals(DISK | CONSOLE, m.ram().read32(INTR_PENDING));
            assertEquals(1, m.ram().read32(rq + 20), "disk status 1 = ok");
            h.time.advanceMicros(1000);
            assertSame(Quantum.RUNNABLE, m.runQuantum(1000), "TIMER too: the guest enables and IDLEs, which returns at once");
            assertEquals(new Quantum.Terminated(R_EBX), m.runQuantum(1000));
            int[] want = expectedFrame(TIMER | DISK | CONSOLE, 0, a.address("after"));
            want[10] = CpuState.ZF | CpuState.PF | CpuState.DF | 2; // the poll's CMP 0xD, 0xD; DF from the known flags
            assertArrayEquals(want, frameAt(m.ram(), UPCALL_STACK - 44), "one upcall carries all three bits");
        }
    }

    @Test
    void eventsWhileIdleWakeTheVmForOneUpcallWithEveryBit() {
        try (Harness h = new Harness()) {
            Asm a = new Asm().storeLabel(INTR_HANDLER, "handler").store(INTR_STACK, UPCALL_STACK);
            loadKnownRegisters(a).store(INTR_ENABLE, 1).movImm(EAX, -1).idle().label("after").spin()
                    .label("handler").terminate();
            DenaliMachine m = h.boot(a);
            assertEquals(new Quantum.Idle(Long.MAX_VALUE), m.runQuantum(1000));
            byte[] frame = new byte[60];
            frame[12] = 0x08;
            assertTrue(m.devices().nic().offerReceive(frame));
            assertTrue(m.offerConsoleInput(new byte[] {'a'}));
            assertEquals(2, h.wakeups.get());
            assertEquals(new Quantum.Terminated(R_EBX), m.runQuantum(1000));
            assertArrayEquals(expectedFrame(NET | CONSOLE, 0, a.address("after")), frameAt(m.ram(), UPCALL_STACK - 44));
        }
    }

    @Test
    void noUpcallWithoutAHandler() {
        try (Harness h = new Harness()) {
            DenaliMachine m = h.boot(new Asm().store(INTR_ENABLE, 1).store(INTR_PENDING, TIMER).movImm(EAX, -1).idle()
                    .mov(EBX, EAX).terminate());
            assertSame(Quantum.RUNNABLE, m.runQuantum(1000));
            assertEquals(new Quantum.Terminated(0), m.runQuantum(1000), "IDLE returned 0, no upcall (handler 0)");
            assertEquals(TIMER, m.ram().read32(INTR_PENDING), "still pending");
        }
    }

    @Test
    void anUpcallFrameBelowAddressZeroEndsTheVm() {
        try (Harness h = new Harness()) {
            DenaliMachine m = h.boot(new Asm().store(INTR_HANDLER, 0x10000).store(INTR_STACK, 0x20)
                    .store(INTR_PENDING, TIMER).store(INTR_ENABLE, 1).label("spin").spin());
            assertSame(Quantum.RUNNABLE, m.runQuantum(1000));
            FaultReport r = Harness.fault(m.runQuantum(1000));
            assertEquals(14, r.vector());
            assertEquals(0xFFFFFFFCL, r.address(), "the first push below 0 wraps to the top of the address space");
            assertEquals(142, r.exitStatus());
            assertTrue(r.message().contains("upcall frame below intr_stack 0x00000020"), r.message());
            assertEquals(Asm.BASE + 4 * 10, m.state().eip, "still at the interrupted instruction (the spin)");
            assertEquals((int) Harness.MEM, m.state().gpr[CpuState.ESP], "no frame, no ESP change");
        }
    }

    @Test
    void anUpcallFrameAboveMemSizeEndsTheVm() {
        try (Harness h = new Harness()) {
            int top = (int) Harness.MEM + 0x100;
            DenaliMachine m = h.boot(new Asm().store(INTR_HANDLER, 0x10000).store(INTR_STACK, top)
                    .store(INTR_PENDING, TIMER).store(INTR_ENABLE, 1).spin());
            m.runQuantum(1000);
            FaultReport r = Harness.fault(m.runQuantum(1000));
            assertEquals(14, r.vector());
            assertEquals(top - 4L, r.address(), "EFLAGS, the first push, is already outside");
        }
    }

    @Test
    void iretWithItsFrameOutsideMemoryFaults() {
        try (Harness h = new Harness()) {
            Asm a = new Asm().movImm(ESP, (int) Harness.MEM - 8).label("iret").iret();
            DenaliMachine m = h.boot(a);
            FaultReport r = Harness.fault(m.runQuantum(1000));
            assertEquals(14, r.vector());
            assertEquals(Harness.MEM, r.address(), "the third dword of the frame is the first outside");
            assertEquals(a.address("iret"), r.eip());
            assertTrue(r.instruction().startsWith("0f 3f 02"), r.instruction());
        }
    }
}
