package io.denalij.devices.pc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.denalij.cpu.Segment;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** --bios and --debugcon: a ROM starts at the reset vector and talks through port 0xE9. */
class PcMachineFirmwareTest {
    /**
     * A 64 KiB ROM: at the reset vector (offset 0xFFF0) a far jump to F000:E000, the ROM's copy below 1 MiB;
     * there it writes "OK\n" to port 0xE9 and exits through isa-debug-exit with 0x21.
     */
    static byte[] rom() {
        byte[] rom = new byte[0x10000];
        java.util.Arrays.fill(rom, (byte) 0xF4);                         // hlt everywhere else
        byte[] reset = {(byte) 0xEA, 0x00, (byte) 0xE0, 0x00, (byte) 0xF0};  // jmp far f000:e000
        System.arraycopy(reset, 0, rom, 0xFFF0, reset.length);
        byte[] code = {
                (byte) 0xB0, 'O', (byte) 0xE6, (byte) 0xE9,              // mov al,'O'; out 0xe9,al
                (byte) 0xB0, 'K', (byte) 0xE6, (byte) 0xE9,
                (byte) 0xB0, '\n', (byte) 0xE6, (byte) 0xE9,
                (byte) 0xE4, (byte) 0xE9,                                // in al,0xe9 (reads 0xe9)
                (byte) 0x2C, (byte) 0xC8,                                // sub al,0xc8: 0x21
                (byte) 0xE6, (byte) 0xF4,                                // out 0xf4,al
                (byte) 0xF4};
        System.arraycopy(code, 0, rom, 0xE000, code.length);
        return rom;
    }

    @Test void romRunsFromTheResetVectorAndWritesTheDebugConsole() {
        PcMachine pc = new PcMachine(new PcMachine.Config(4 << 20, new ByteArrayOutputStream(), 8));
        ByteArrayOutputStream debug = new ByteArrayOutputStream();
        pc.attachDebugConsole(debug);
        pc.loadBios(rom());
        assertEquals(0xFFFF0000, pc.state().seg[Segment.CS].base);
        assertEquals(0xFFF0, pc.state().eip);
        PcMachine.Outcome o = pc.run(1000, 0);
        assertEquals(PcMachine.Kind.GUEST_EXIT, o.kind(), o.detail());
        assertEquals((0x21 << 1) | 1, o.exitStatus());
        assertEquals("OK\n", debug.toString(StandardCharsets.US_ASCII));
        assertEquals(0xF000, pc.state().seg[Segment.CS].selector);
    }

    @Test void romImagesMustBeWholeMultiplesOf64KiB() {
        PcMachine pc = new PcMachine(new PcMachine.Config(4 << 20, new ByteArrayOutputStream(), 0));
        assertEquals("a BIOS image must be a multiple of 64 KiB and at most 16 MiB, not 4096 bytes",
                assertThrows(IllegalArgumentException.class, () -> pc.loadBios(new byte[4096])).getMessage());
    }
}
