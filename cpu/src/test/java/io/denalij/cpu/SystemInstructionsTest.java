package io.denalij.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CPUID, MSRs and the TSC, port I/O, and HLT woken by a timer interrupt. */
class SystemInstructionsTest {
    @Test
    void cpuidReportsAPentiumPro() {
        TestMachine m = new TestMachine(
                "31 c0",          // xor eax, eax
                "0f a2",          // cpuid
                "89 de",          // mov esi, ebx
                "89 d7",          // mov edi, edx
                "89 cd",          // mov ebp, ecx
                "b8 01 00 00 00", // mov eax, 1
                "0f a2",          // cpuid
                "f4").runToHalt();
        String vendor = ascii(m.esi()) + ascii(m.edi()) + ascii(m.ebp());
        assertEquals("GenuineIntel", vendor);
        assertEquals(0x611, m.eax(), "family 6 model 1 stepping 1");
        int expected = CpuidModel.FPU | CpuidModel.DE | CpuidModel.PSE | CpuidModel.TSC | CpuidModel.MSR
                | CpuidModel.CX8 | CpuidModel.CMOV;
        assertEquals(expected, m.edx());
    }

    @Test
    void denaliModelIsConfigurable() {
        TestMachine m = new TestMachine("31 c0", "0f a2", "f4");
        m.cpu.setCpuid(CpuidModel.denali());
        m.runToHalt();
        assertEquals("Dena", ascii(m.ebx()));
    }

    private static String ascii(int v) {
        return new String(new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)});
    }

    @Test
    void tscWritesThroughTheMsrAndUnknownMsrIsGp() {
        TestMachine m = new TestMachine(
                "b9 10 00 00 00", // mov ecx, 0x10
                "b8 00 10 00 00", // mov eax, 0x1000
                "31 d2",          // xor edx, edx
                "0f 30",          // wrmsr   (TSC := 0x1000 at icount 3)
                "0f 31",          // rdtsc   (icount 4)
                "89 c6",          // mov esi, eax
                "b9 34 12 00 00", // mov ecx, 0x1234
                "0f 32",          // rdmsr -> #GP(0)
                "f4").withIdt();
        m.runToHalt();
        assertEquals(0x1001, m.esi(), "one instruction retired between WRMSR and RDTSC");
        assertEquals(CpuException.GP, m.vector());
        assertEquals(0, m.read32(m.esp()), "#GP(0)");
        assertEquals(TestMachine.CODE + 23, m.read32(m.esp() + 4));
    }

    @Test
    void portIoAndHltWokenByATimerInterrupt() {
        List<String> log = new ArrayList<>();
        IoBus bus = new IoBus() {
            @Override public int in(int port, int size) { log.add("in " + Integer.toHexString(port)); return 0x5A; }
            @Override public void out(int port, int size, int value) {
                log.add("out " + Integer.toHexString(port) + "=" + Integer.toHexString(value));
            }
        };
        boolean[] line = {false};
        InterruptController pic = new InterruptController() {
            @Override public boolean pending() { return line[0]; }
            @Override public int acknowledge() { line[0] = false; return 30; }
        };
        TestMachine base = new TestMachine().withIdt(); // for the GDT, IDT and handlers in its RAM
        CpuState s = base.s;
        VirtualClock clock = new VirtualClock(s);
        Cpu cpu = new Cpu(s, base.mmu, bus, pic, clock);
        base.load(TestMachine.CODE, TestMachine.bytes(
                "66 ba f8 03", // mov dx, 0x3f8
                "b0 41",       // mov al, 0x41
                "ee",          // out dx, al
                "e4 60",       // in al, 0x60
                "88 c3",       // mov bl, al
                "fb",          // sti
                "f4",          // hlt
                "b1 01",       // mov cl, 1
                "f4"));
        clock.arm(new VirtualClock.Timer() {
            @Override protected void fire(long nowNs) { line[0] = true; }
        }, 1000);
        assertEquals(Cpu.StopReason.HALTED_FOREVER, cpu.run(1_000_000));
        assertEquals(List.of("out 3f8=41", "in 60"), log);
        assertEquals(0x5A, s.gpr[CpuState.EBX] & 0xFF);
        assertEquals(30, base.vector(), "the timer's interrupt was taken");
        assertEquals(TestMachine.CODE + 13, base.read32(s.gpr[CpuState.ESP]), "return EIP: after the first HLT");
        assertTrue(clock.nowNs() >= 1000, "halted time skipped to the deadline");
        assertEquals(0, s.gpr[CpuState.ECX] & 0xFF, "the handler halted before returning");
    }
}
