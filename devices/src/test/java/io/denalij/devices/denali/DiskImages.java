package io.denalij.devices.denali;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Recognisable block contents for disk tests: every block says which generation and block it is. */
final class DiskImages {
    static final int BLOCK = BaseDisk.BLOCK_SIZE;

    private DiskImages() {}

    /** Generation {@code gen} of block {@code block}: gen and block in the first 16 bytes, then noise derived from both. */
    static byte[] content(long gen, long block) {
        byte[] b = new byte[BLOCK];
        new SplittableRandom(gen * 1_000_003L + block).nextBytes(b);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, gen).putLong(8, block);
        return b;
    }

    /** The generation a block holds, or -1 if it is not exactly some generation's content for that block. */
    static long generationOf(byte[] data, long block) {
        ByteBuffer bb = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long gen = bb.getLong(0);
        if (gen < 0 || bb.getLong(8) != block) return -1;
        return java.util.Arrays.equals(data, content(gen, block)) ? gen : -1;
    }

    /** A disk image whose every block is generation 0. */
    static Path image(Path dir, String name, int blocks) throws IOException {
        Path p = dir.resolve(name);
        byte[] all = new byte[blocks * BLOCK];
        for (int b = 0; b < blocks; b++) System.arraycopy(content(0, b), 0, all, b * BLOCK, BLOCK);
        Files.write(p, all);
        return p;
    }

    static byte[] hostRead(VirtualDisk d, long block) {
        byte[] b = new byte[BLOCK];
        d.readBlock(block, b, 0);
        return b;
    }
}
