package io.denalij.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.denalij.cpu.api.Register;
import io.denalij.cpu.api.X86Machine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

/**
 * REP STOS and REP MOVS run a page at a time through the MMU's bulk fast path: the results, the
 * registers and the instruction count must be exactly those of one iteration after the other,
 * including where an ascending element copy differs from a block copy (overlap), across pages, and
 * when a page fault stops the run half-way.
 */
class BulkStringTest {
    private static final int CODE = 0x1000;

    private static X86Machine run(String hex, int ecx, int esi, int edi, int eax) {
        String[] p = hex.split(" ");
        byte[] code = new byte[p.length];
        for (int i = 0; i < p.length; i++) code[i] = (byte) Integer.parseInt(p[i], 16);
        X86Machine m = X86Machine.flat32(1 << 20).write(CODE, code).set(Register.EIP, CODE);
        m.set(Register.ECX, ecx).set(Register.ESI, esi).set(Register.EDI, edi).set(Register.EAX, eax);
        return m;
    }

    @Test void repStosdAcrossPages() {
        X86Machine m = run("f3 ab f4", 3000, 0, 0x20010, 0xA1B2C3D4); // rep stosd ; hlt
        assertEquals(X86Machine.Stop.HALTED, m.run(100_000).stop());
        ByteBuffer b = ByteBuffer.wrap(m.read(0x20010, 12000)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 3000; i++) assertEquals(0xA1B2C3D4, b.getInt(), "dword " + i);
        assertEquals(0, m.read32(0x20010 + 12000), "nothing written past the run");
        assertEquals(0, m.get(Register.ECX));
        assertEquals(0x20010 + 12000, m.get(Register.EDI));
        // one instruction per slice of 4096 iterations, then the HLT: the same count as iteration by iteration
        assertEquals(1 + 1, m.state().icount);
    }

    @Test void overlappingRepMovsbReplicatesAsAnElementCopyDoes() {
        X86Machine m = run("f3 a4 f4", 100, 0x30000, 0x30001, 0); // rep movsb ; hlt, dst = src + 1
        m.write(0x30000, new byte[] {0x5A, 1, 2, 3});
        assertEquals(X86Machine.Stop.HALTED, m.run(100_000).stop());
        byte[] expect = new byte[101];
        java.util.Arrays.fill(expect, (byte) 0x5A);
        assertArrayEquals(expect, m.read(0x30000, 101));
        assertEquals(0x30000 + 100, m.get(Register.ESI));
        assertEquals(0x30001 + 100, m.get(Register.EDI));
    }

    @Test void repMovsdAcrossPagesBothWays() {
        byte[] data = new byte[40000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7 + (i >> 8));
        // dst below src, overlapping: the ascending copy reads every byte before it is written
        X86Machine m = run("f3 a5 f4", 10000, 0x40123, 0x40000, 0);
        m.write(0x40123, data);
        assertEquals(X86Machine.Stop.HALTED, m.run(100_000).stop());
        assertArrayEquals(data, m.read(0x40000, 40000));
        assertEquals(0, m.get(Register.ECX));
        assertEquals(0x40123 + 40000, m.get(Register.ESI));
        // disjoint, unaligned, both crossing pages at different points
        X86Machine n = run("f3 a5 f4", 10000, 0x50FFD, 0x60003, 0);
        n.write(0x50FFD, data);
        assertEquals(X86Machine.Stop.HALTED, n.run(100_000).stop());
        assertArrayEquals(data, n.read(0x60003, 40000));
    }

    @Test void aPageFaultHalfWayLeavesTheRegistersOfTheIterationsDone() {
        // identity paging of the first 4 MiB through a page table, page 0x30 not present
        X86Machine m = run("f3 ab f4", 0x800, 0, 0x2F000, 0x11111111);
        ByteBuffer pd = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN), pt = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        pd.putInt(0, 0x11000 | 3);
        for (int i = 0; i < 1024; i++) pt.putInt(4 * i, i == 0x30 ? 0 : i << 12 | 3);
        m.write(0x10000, pd.array()).write(0x11000, pt.array());
        m.set(Register.CR3, 0x10000).set(Register.CR0, m.get(Register.CR0) | 0x8000_0001);
        assertEquals(X86Machine.Stop.TRIPLE_FAULT, m.run(100_000).stop()); // #PF with no IDT
        assertEquals(0x30000, m.get(Register.CR2));
        assertEquals(0x800 - 1024, m.get(Register.ECX));
        assertEquals(0x30000, m.get(Register.EDI));
        assertEquals(CODE, m.get(Register.EIP));
        ByteBuffer b = ByteBuffer.wrap(m.read(0x2F000, 4096)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 1024; i++) assertEquals(0x11111111, b.getInt());
    }
}
