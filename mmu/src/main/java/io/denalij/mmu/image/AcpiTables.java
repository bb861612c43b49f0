package io.denalij.mmu.image;

import io.denalij.mmu.PhysicalMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The smallest ACPI (1.0) firmware description that lets an operating system power the machine off:
 * an RSDP pointing to an RSDT that lists one FADT, which points to a FACS and to a DSDT whose only
 * content is the {@code \_S5} sleep-type package.
 *
 * <p>The FADT describes fixed hardware at {@link #PM_BASE}: the PM1a event block (status at +0, enable at
 * +2), the PM1a control block at +4 and the 24-bit power-management timer at +8; SCI on IRQ 9; no SMI
 * command port (the system is always in ACPI mode); no GPE blocks; power and sleep buttons are not fixed
 * features; C2/C3 unsupported. An OS powers off by writing {@code SLP_TYP = } {@link #S5_SLP_TYP} with
 * {@code SLP_EN} to PM1a control.
 *
 * <p>All tables live in the firmware area the E820 map reserves, at {@link #RSDP_ADDRESS} and after: the
 * RSDP is 16-byte aligned inside 0xE0000-0xFFFFF, where an OS without a boot-loader hint searches for it.
 */
public final class AcpiTables {
    public static final int RSDP_ADDRESS = 0xE0000;
    public static final int PM_BASE = 0x600, PM1_EVT_LEN = 4, PM1_CNT_OFFSET = 4, PM_TMR_OFFSET = 8;
    public static final int SCI_IRQ = 9;
    /** The SLP_TYP value \_S5 names: what PM1a control must receive to power off. */
    public static final int S5_SLP_TYP = 5;

    static final int RSDT = RSDP_ADDRESS + 0x20, FADT = RSDP_ADDRESS + 0x80, FACS = RSDP_ADDRESS + 0x100,
            DSDT = RSDP_ADDRESS + 0x140;
    private static final int HEADER_SIZE = 36, FADT_SIZE = 116, FACS_SIZE = 64;
    private static final String OEM_ID = "DENALI", OEM_TABLE_ID = "DENALIJ ";

    /** FADT flags: WBINVD works, C1 supported, power and sleep buttons are control-method (absent) devices. */
    private static final int FADT_WBINVD = 1, FADT_PROC_C1 = 1 << 2, FADT_PWR_BUTTON = 1 << 4, FADT_SLP_BUTTON = 1 << 5;

    /** Name(_S5_, Package(4) {5, 5, 0, 0}) in AML. */
    private static final byte[] DSDT_AML = {
            0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0A, S5_SLP_TYP, 0x0A, S5_SLP_TYP, 0x00, 0x00};

    private AcpiTables() { }

    /** Writes the tables and returns the RSDP's address. */
    public static int write(PhysicalMemory ram) {
        ByteBuffer rsdp = buffer(20);
        rsdp.put("RSD PTR ".getBytes(StandardCharsets.US_ASCII));
        rsdp.put(9, OEM_ID.getBytes(StandardCharsets.US_ASCII));
        rsdp.put(15, (byte) 0);                        // revision 0: ACPI 1.0, RSDT only
        rsdp.putInt(16, RSDT);
        rsdp.put(8, checksum(rsdp.array(), 20));
        put(ram, RSDP_ADDRESS, rsdp);

        ByteBuffer rsdt = table("RSDT", HEADER_SIZE + 4, 1);
        rsdt.putInt(HEADER_SIZE, FADT);
        put(ram, RSDT, sealed(rsdt));

        ByteBuffer fadt = table("FACP", FADT_SIZE, 1);
        fadt.putInt(36, FACS);
        fadt.putInt(40, DSDT);
        fadt.putShort(46, (short) SCI_IRQ);
        fadt.putInt(48, 0);                            // SMI_CMD 0: no transition to make, ACPI mode always
        fadt.putInt(56, PM_BASE);                      // PM1a_EVT_BLK
        fadt.putInt(64, PM_BASE + PM1_CNT_OFFSET);     // PM1a_CNT_BLK
        fadt.putInt(76, PM_BASE + PM_TMR_OFFSET);      // PM_TMR_BLK
        fadt.put(88, (byte) PM1_EVT_LEN);
        fadt.put(89, (byte) 2);                        // PM1_CNT_LEN
        fadt.put(91, (byte) 4);                        // PM_TMR_LEN
        fadt.putShort(96, (short) 101);                // P_LVL2_LAT > 100: no C2
        fadt.putShort(98, (short) 1001);               // P_LVL3_LAT > 1000: no C3
        fadt.putInt(112, FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON);
        put(ram, FADT, sealed(fadt));

        ByteBuffer facs = buffer(FACS_SIZE);
        facs.put("FACS".getBytes(StandardCharsets.US_ASCII));
        facs.putInt(4, FACS_SIZE);
        put(ram, FACS, facs);

        ByteBuffer dsdt = table("DSDT", HEADER_SIZE + DSDT_AML.length, 1);
        dsdt.put(HEADER_SIZE, DSDT_AML);
        put(ram, DSDT, sealed(dsdt));
        return RSDP_ADDRESS;
    }

    private static ByteBuffer table(String signature, int length, int revision) {
        ByteBuffer b = buffer(length);
        b.put(0, signature.getBytes(StandardCharsets.US_ASCII));
        b.putInt(4, length);
        b.put(8, (byte) revision);
        b.put(10, OEM_ID.getBytes(StandardCharsets.US_ASCII));
        b.put(16, OEM_TABLE_ID.getBytes(StandardCharsets.US_ASCII));
        b.putInt(24, 1);                               // OEM revision
        b.put(28, "DNLJ".getBytes(StandardCharsets.US_ASCII));
        b.putInt(32, 1);                               // creator revision
        return b;
    }

    private static ByteBuffer sealed(ByteBuffer table) {
        table.put(9, checksum(table.array(), table.capacity()));
        return table;
    }

    /** The byte that makes the first {@code length} bytes sum to zero (the byte's own slot must hold 0). */
    static byte checksum(byte[] b, int length) {
        int sum = 0;
        for (int i = 0; i < length; i++) sum += b[i];
        return (byte) -sum;
    }

    private static ByteBuffer buffer(int size) { return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN); }

    private static void put(PhysicalMemory ram, int at, ByteBuffer b) { ram.load(at, b.array(), 0, b.capacity()); }
}
