package io.denalij.denali;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denalij.cpu.CpuState;
import io.denalij.cpu.ExecutionEngine;
import io.denalij.cpu.Memory;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;
import io.denalij.cpu.exec.Interpreter;
import io.denalij.devices.denali.IoExecutor;
import io.denalij.mmu.WriteWatch;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VMs booted from one {@link GuestImage} share its pages copy-on-write and stay isolated. */
class SharedImageTest {
    /** Stores {@code value} into a word of its own code page, reads it back and terminates with it. */
    static byte[] writer(int value) {
        Asm a = new Asm();
        int slot = Asm.BASE + 0x800;
        a.load(Asm.EBX, slot);           // EBX = the word as the image holds it
        a.store(slot, value);
        a.load(Asm.ECX, slot);
        a.bytes(0x01, 0xCB);              // add ebx, ecx: original + stored
        a.terminate();
        while (a.here() < slot) a.bytes(0x90);
        a.imm32(0x100);                   // the image's word at slot
        return a.elf();
    }

    @Test void vmsOfOneImageShareItsPagesUntilEachWritesItsOwnCopy() {
        GuestImage image = GuestImage.load(writer(7), Harness.MEM);
        assertEquals(1, image.pageCount());
        try (IoExecutor io = new IoExecutor(1)) {
            DenaliMachine a = DenaliMachine.boot(DenaliConfig.of(0, Harness.MEM, OutputStream.nullOutputStream(), io), image);
            DenaliMachine b = DenaliMachine.boot(DenaliConfig.of(1, Harness.MEM, OutputStream.nullOutputStream(), io), image);
            int codePage = Asm.BASE >>> 12;
            assertTrue(a.ram().isShared(codePage) && b.ram().isShared(codePage));
            assertSame(a.ram().pageForRead(codePage), b.ram().pageForRead(codePage), "one array for both VMs");
            assertEquals(1, a.ram().residentPages(), "only the register page is the VM's own after boot");

            assertEquals(new Quantum.Terminated(0x107), Harness.runUntilStopped(a, 10));
            assertEquals(2, a.ram().residentPages(), "the write copied the code page");
            assertEquals(0x100, b.ram().read32(Asm.BASE + 0x800), "B still sees the image");
            assertEquals(new Quantum.Terminated(0x107), Harness.runUntilStopped(b, 10), "B runs from the image, not A's copy");
            a.close();
            b.close();
        }
    }

    /**
     * VM 0 runs code on the image's second page (decoded once, shared with the image's other VMs);
     * any other VM first patches that code in its own copy of the page, then runs it.
     */
    static byte[] patcherOnVmId() {
        int target = Asm.BASE + 0x1000;
        Asm a = new Asm();
        a.load(Asm.EAX, 0x8);                 // vm_id
        a.bytes(0x85, 0xC0);                  // test eax, eax
        a.je("run");
        a.store(target + 1, 0x66);            // patch mov ebx, imm32
        a.label("run");
        a.movImm(Asm.ECX, target);
        a.bytes(0xFF, 0xE1);                  // jmp ecx
        while (a.here() < target) a.bytes(0x90);
        a.movImm(Asm.EBX, 0x55).terminate();
        return a.elf();
    }

    @Test void decodedCodeIsSharedOnlyWhileTheVmStillMapsTheImagesPage() {
        GuestImage image = GuestImage.load(patcherOnVmId(), Harness.MEM);
        try (IoExecutor io = new IoExecutor(1)) {
            DenaliMachine first = DenaliMachine.boot(DenaliConfig.of(0, Harness.MEM, OutputStream.nullOutputStream(), io), image);
            assertEquals(new Quantum.Terminated(0x55), Harness.runUntilStopped(first, 10));
            int shared = image.sharedBlocks();
            assertTrue(shared >= 2, "the blocks VM 0 ran are shared: " + shared);
            DenaliMachine patcher = DenaliMachine.boot(DenaliConfig.of(1, Harness.MEM, OutputStream.nullOutputStream(), io), image);
            assertEquals(new Quantum.Terminated(0x66), Harness.runUntilStopped(patcher, 10),
                    "VM 1 runs its patched copy, not VM 0's decoded block");
            DenaliMachine again = DenaliMachine.boot(DenaliConfig.of(0, Harness.MEM, OutputStream.nullOutputStream(), io), image);
            assertEquals(new Quantum.Terminated(0x55), Harness.runUntilStopped(again, 10), "the image's code is intact");
            assertEquals(shared + 1, image.sharedBlocks(), "only VM 1's first block (up to the patch) was new to share");
            first.close();
            patcher.close();
            again.close();
        }
    }

    @Test void anImageLoadedForMoreMemoryIsCheckedAgainstEachVm() {
        byte[] elf = Elf.executable(0xF0000, java.util.Arrays.copyOf(new byte[] {0x0F, 0x3F, 0x00}, 16), 0x20000, 0xF0000, 3);
        GuestImage image = GuestImage.load(elf, 2 << 20);
        try (IoExecutor io = new IoExecutor(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DenaliMachine.boot(DenaliConfig.of(0, Harness.MEM, OutputStream.nullOutputStream(), io), image));
            assertEquals("segment 0 [0xf0000, 0x110000) runs past mem_size 0x100000", e.getMessage());
        }
    }

    /**
     * A second tier whose "compiled" code replays the block's instructions through the reference
     * interpreter: it records which blocks it was asked to compile and how often its code ran.
     */
    private static final class ReplayEngine implements ExecutionEngine {
        final List<Integer> asked = new ArrayList<>();
        int runs;

        private record Replay(Instruction[] code, Op[] ops) implements Compiled {
            @Override public int length() { return code.length; }
        }

        @Override public Machine attach(CpuState s, Memory memory, Interpreter interpreter, WriteWatch watch) {
            return new Machine() {
                @Override public int threshold() { return 4; }

                @Override public Compiled compile(Instruction[] code, Op[] ops, Neighbours neighbours) {
                    asked.add(code[0].eip);
                    return new Replay(code, ops);
                }

                @Override public boolean run(Compiled c, long stopAt, int ppn, int gen, int ppn2, int gen2) {
                    runs++;
                    Replay r = (Replay) c;
                    for (int k = 0; k < r.code.length; k++) {
                        s.eip = r.code[k].nextEip; // as the executor's fallback does: a branch sets its own
                        interpreter.execute(r.code[k], r.ops[k]);
                        s.icount++;
                    }
                    return true;
                }
            };
        }
    }

    /** Counts ECX down from 1000 in a one-block loop, then terminates with 0x55. */
    static byte[] countdown() {
        Asm a = new Asm();
        a.movImm(Asm.ECX, 1000);
        a.label("loop");
        a.bytes(0x49);                       // dec ecx
        a.jne("loop");
        return a.exit(0x55).elf();
    }

    private static Quantum runOn(GuestImage image, int vmId, IoExecutor io, ExecutionEngine engine) {
        DenaliMachine vm = DenaliMachine.boot(DenaliConfig.of(vmId, Harness.MEM, OutputStream.nullOutputStream(), io), image);
        vm.cpu().setEngine(engine);
        Quantum q = Harness.runUntilStopped(vm, 10);
        vm.close();
        return q;
    }

    @Test void codeCompiledForAnImagesBlockIsAdoptedCompiledByTheOtherVmsOnTheSameEngine() {
        byte[] elf = countdown();
        int loop = Asm.BASE + 5;
        GuestImage image = GuestImage.load(elf, Harness.MEM);
        ReplayEngine engine = new ReplayEngine();
        try (IoExecutor io = new IoExecutor(1)) {
            assertEquals(new Quantum.Terminated(0x55), runOn(image, 0, io, engine));
            assertEquals(List.of(loop), engine.asked, "VM 0 compiled the loop");
            int runs = engine.runs;
            assertTrue(runs > 0, "and ran it compiled");

            assertEquals(new Quantum.Terminated(0x55), runOn(image, 1, io, engine));
            assertEquals(List.of(loop), engine.asked, "VM 1 asked for nothing: its loop block came compiled");
            assertTrue(engine.runs >= runs + 1000 - 10, "VM 1 ran the loop compiled from its first pass: " + (engine.runs - runs));

            ReplayEngine other = new ReplayEngine();
            assertEquals(new Quantum.Terminated(0x55), runOn(image, 2, io, other));
            assertEquals(List.of(loop), other.asked, "another engine's machine compiles for itself");
        }
    }
}
