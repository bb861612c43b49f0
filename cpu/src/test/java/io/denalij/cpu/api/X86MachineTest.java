package io.denalij.cpu.api;

import io.denalij.cpu.CpuState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The embedding API runs real guest code to known results. */
class X86MachineTest {
    // 1000: mov ecx, 100 / xor eax, eax / add eax, ecx / dec ecx / jnz -5 / mov [0x2000], eax / hlt
    static final byte[] SUM_1_TO_100 = {
            (byte) 0xB9, 100, 0, 0, 0,
            0x31, (byte) 0xC0,
            0x01, (byte) 0xC8,
            0x49,
            0x75, (byte) 0xFB,
            (byte) 0xA3, 0x00, 0x20, 0x00, 0x00,
            (byte) 0xF4};

    @Test
    void runsALoopToItsResult() {
        X86Machine m = X86Machine.flat32(1 << 20).write(0x1000, SUM_1_TO_100).set(Register.EIP, 0x1000);
        X86Machine.Result r = m.runUntil(0x1011, 10_000);
        assertEquals(X86Machine.Stop.ADDRESS_REACHED, r.stop());
        assertEquals(2 + 3 * 100 + 1, r.instructions());
        assertEquals(5050, m.get(Register.EAX));
        assertEquals(0, m.get(Register.ECX));
        assertEquals(5050, m.read32(0x2000));
        // the last DEC left ZF and PF set, SF clear; CF untouched by DEC (ADD never carried)
        assertEquals(CpuState.ZF | CpuState.PF, m.get(Register.EFLAGS) & (CpuState.ZF | CpuState.PF | CpuState.SF | CpuState.CF));
    }

    @Test
    void haltWithInterruptsOffStopsTheRun() {
        X86Machine m = X86Machine.flat32(1 << 20).write(0x1000, SUM_1_TO_100).set(Register.EIP, 0x1000);
        X86Machine.Result r = m.run(1_000_000);
        assertEquals(X86Machine.Stop.HALTED, r.stop());
        assertEquals(5050, m.read32(0x2000));
    }

    @Test
    void countLimitStopsExactly() {
        X86Machine m = X86Machine.flat32(1 << 20).write(0x1000, SUM_1_TO_100).set(Register.EIP, 0x1000);
        X86Machine.Result r = m.run(5);  // mov, xor, add, dec, jnz
        assertEquals(X86Machine.Stop.COUNT_REACHED, r.stop());
        assertEquals(5, r.instructions());
        assertEquals(100, m.get(Register.EAX));
        assertEquals(99, m.get(Register.ECX));
        assertEquals(0x1007, m.get(Register.EIP));
    }
}
