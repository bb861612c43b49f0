package io.denalij.devices.denali;

/** Values of the status field of a port 0x300 request block (documented in docs/DENALI-DISKS.md). */
public final class DiskStatus {
    /** Written when the request is accepted; the final status arrives at a later quantum boundary. */
    public static final int PENDING = 0;
    public static final int OK = 1;
    /** The disk field names no attached disk. */
    public static final int BAD_DISK = 2;
    /** block + count runs past the end of the disk. */
    public static final int BAD_RANGE = 3;
    /** A write to a disk attached read-only. */
    public static final int READ_ONLY = 4;
    /** op is not 1 (read), 2 (write) or 3 (flush). */
    public static final int BAD_OP = 5;
    /** The host failed to read, write or force the backing file; the disk then refuses everything with this. */
    public static final int IO_ERROR = 6;
    /**
     * The VM already has {@link DiskController#MAX_OUTSTANDING} requests outstanding; this one was not
     * accepted. Written at once, with no DISK interrupt, because the request never entered the device.
     */
    public static final int BUSY = 7;

    private DiskStatus() {}
}
