package io.denalij.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.denalij.cpu.decode.Form;
import io.denalij.cpu.decode.OpcodeTable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Undefined encodings raise #UD in the guest with EIP at the instruction; every form the table
 * declares reaches a handler (none ends the run as unimplemented).
 */
class InvalidOpcodeTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "0f 04",       // undefined in the 0F map
            "0f 0b",       // UD2
            "0f 3f 01",    // reserved for the Denali interface
            "f0 01 c3",    // LOCK with a register destination
            "f0 90",       // LOCK on a form that is not lockable
            "8d c0",       // LEA with a register operand
            "8e c8",       // MOV CS, eax
            "0f 20 c8",    // MOV eax, CR1
            "0f a2 0f 6f c1" // CPUID then an MMX instruction the Pentium Pro does not have
    })
    void raisesUdWithEipAtTheInstruction(String hex) {
        TestMachine m = new TestMachine(hex, "f4").withIdt();
        m.runToHalt();
        assertEquals(CpuException.UD, m.vector(), hex);
        int expectedEip = TestMachine.CODE + (hex.startsWith("0f a2") ? 2 : 0);
        assertEquals(expectedEip, m.read32(m.esp()), "#UD is a fault: EIP of the bad instruction");
    }

    @Test
    void everyDeclaredFormHasAHandler() {
        for (Form f : OpcodeTable.get().forms()) {
            String code = encode(f);
            TestMachine m = new TestMachine(code, "f4 f4 f4 f4 f4 f4 f4 f4 f4 f4 f4 f4 f4 f4 f4 f4").withIdt();
            m.s.gpr[CpuState.ESP] = TestMachine.STACK;
            Cpu.StopReason r = m.cpu.run(3);
            assertNotEquals(Cpu.StopReason.UNIMPLEMENTED, r, f + ": " + m.cpu.unimplemented());
        }
    }

    /** Bytes for one form: its opcode, a ModRM byte choosing its digit (memory [eax] or a register), zeros. */
    private static String encode(Form f) {
        StringBuilder b = new StringBuilder();
        if (f.opcode >= 0x100) b.append("0f ");
        b.append(String.format("%02x ", f.opcode & 0xFF));
        if (f.hasModrm) {
            int modrm = f.exactModrm >= 0 ? f.exactModrm : (Math.max(f.digit, 0) << 3) | (f.modFilter == 2 ? 0xC0 : 0x00);
            if (f.exactModrm < 0 && f.modFilter == 2) modrm |= 0xC0;
            b.append(String.format("%02x ", modrm));
        }
        b.append("00 00 00 00 00 00");
        return b.toString();
    }
}
