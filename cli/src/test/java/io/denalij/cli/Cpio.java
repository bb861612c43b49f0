package io.denalij.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a "newc" cpio archive (the initramfs format the Linux kernel unpacks: Documentation/driver-api/
 * early-userspace/buffer-format.rst): per entry a 110-byte ASCII header of thirteen 8-digit hex fields, the
 * NUL-terminated name padded to 4 bytes, the data padded to 4 bytes; a "TRAILER!!!" entry ends it.
 */
final class Cpio {
    static final int S_IFDIR = 0040000, S_IFREG = 0100000, S_IFLNK = 0120000, S_IFCHR = 0020000;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int inode = 1;

    Cpio dir(String name) { return entry(name, S_IFDIR | 0755, new byte[0], 0, 0); }

    Cpio file(String name, int perm, byte[] data) { return entry(name, S_IFREG | perm, data, 0, 0); }

    Cpio symlink(String name, String target) {
        return entry(name, S_IFLNK | 0777, target.getBytes(StandardCharsets.UTF_8), 0, 0);
    }

    Cpio charDevice(String name, int perm, int major, int minor) { return entry(name, S_IFCHR | perm, new byte[0], major, minor); }

    /** The archive with its trailer. */
    byte[] finish() {
        inode = 0;
        entry("TRAILER!!!", 0, new byte[0], 0, 0);
        return out.toByteArray();
    }

    private Cpio entry(String name, int mode, byte[] data, int rdevMajor, int rdevMinor) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
        int[] fields = {inode++, mode, 0, 0, (mode & S_IFDIR) != 0 ? 2 : 1, 0, data.length, 0, 0, rdevMajor, rdevMinor,
                n.length, 0};
        StringBuilder h = new StringBuilder("070701");
        for (int f : fields) h.append(String.format("%08X", f));
        out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(n);
        pad();
        out.writeBytes(data);
        pad();
        return this;
    }

    private void pad() {
        while (out.size() % 4 != 0) out.write(0);
    }
}
