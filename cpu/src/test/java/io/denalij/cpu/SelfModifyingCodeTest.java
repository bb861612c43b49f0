package io.denalij.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Stores into code take effect for the next instruction, in the same decoded block or another. */
class SelfModifyingCodeTest {
    @Test
    void storeIntoTheNextInstructionOfTheSameBlock() {
        TestMachine m = new TestMachine(
                "c6 05 08 10 00 00 42", // mov byte ptr [0x1008], 0x42  (the immediate of the next instruction)
                "b0 00",                // mov al, 0
                "f4").runToHalt();
        assertEquals(0x42, m.eax() & 0xFF);
    }

    @Test
    void moffsStoreIntoTheNextInstructionOfTheSameBlock() {
        TestMachine m = new TestMachine(
                "b0 42",                // mov al, 0x42
                "a2 08 10 00 00",       // mov [0x1008], al  (moffs form: the immediate of the next instruction)
                "b3 00",                // mov bl, 0
                "f4").runToHalt();
        assertEquals(0x42, m.ebx() & 0xFF);
    }

    @Test
    void patchedFunctionIsRedecoded() {
        TestMachine m = new TestMachine(
                "bb 00 50 00 00",                // mov ebx, 0x5000
                "ff d3",                         // call ebx
                "89 c1",                         // mov ecx, eax
                "c7 05 01 50 00 00 02 00 00 00", // mov dword ptr [0x5001], 2
                "ff d3",                         // call ebx
                "f4");
        m.load(0x5000, TestMachine.bytes("b8 01 00 00 00", "c3")); // mov eax, 1 ; ret
        m.runToHalt();
        assertEquals(1, m.ecx(), "first call ran the original code");
        assertEquals(2, m.eax(), "second call ran the patched immediate");
    }
}
