package io.denalij.mmu.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.denalij.mmu.PhysicalMemory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AcpiTablesTest {
    final PhysicalMemory ram = new PhysicalMemory(2 << 20);
    final int rsdp = AcpiTables.write(ram);

    String text(int at, int n) {
        byte[] b = new byte[n];
        ram.copyOut(at, b, 0, n);
        return new String(b, StandardCharsets.US_ASCII);
    }

    int sum(int at, int n) {
        int s = 0;
        for (int i = 0; i < n; i++) s += ram.read8(at + i);
        return s & 0xFF;
    }

    /** Follows the pointers as an OS does and checks every signature, length and checksum on the way. */
    @Test void chainFromRsdpToDsdtIsValid() {
        assertEquals(0xE0000, rsdp);
        assertEquals(0, rsdp & 15);
        assertEquals("RSD PTR ", text(rsdp, 8));
        assertEquals(0, sum(rsdp, 20));
        assertEquals(0, ram.read8(rsdp + 15));                         // ACPI 1.0

        int rsdt = ram.read32(rsdp + 16);
        assertEquals("RSDT", text(rsdt, 4));
        assertEquals(40, ram.read32(rsdt + 4));
        assertEquals(0, sum(rsdt, 40));

        int fadt = ram.read32(rsdt + 36);
        assertEquals("FACP", text(fadt, 4));
        assertEquals(116, ram.read32(fadt + 4));
        assertEquals(0, sum(fadt, 116));
        assertEquals(9, ram.read16(fadt + 46));                         // SCI_INT
        assertEquals(0, ram.read32(fadt + 48));                         // no SMI command port
        assertEquals(0x600, ram.read32(fadt + 56));                     // PM1a_EVT_BLK
        assertEquals(0x604, ram.read32(fadt + 64));                     // PM1a_CNT_BLK
        assertEquals(0x608, ram.read32(fadt + 76));                     // PM_TMR_BLK
        assertEquals(4, ram.read8(fadt + 88));
        assertEquals(2, ram.read8(fadt + 89));
        assertEquals(4, ram.read8(fadt + 91));

        int facs = ram.read32(fadt + 36);
        assertEquals(0, facs & 63);                                     // 64-byte aligned
        assertEquals("FACS", text(facs, 4));
        assertEquals(64, ram.read32(facs + 4));

        int dsdt = ram.read32(fadt + 40);
        int len = ram.read32(dsdt + 4);
        assertEquals("DSDT", text(dsdt, 4));
        assertEquals(0, sum(dsdt, len));
        // Name(_S5_, Package(4) {5, 5, 0, 0})
        assertEquals("_S5_", text(dsdt + 37, 4));
        assertEquals(0x12, ram.read8(dsdt + 41));
        assertEquals(AcpiTables.S5_SLP_TYP, ram.read8(dsdt + 45));
        assertEquals(dsdt + len, dsdt + 50);                            // nothing after the package

        // the tables do not overlap one another
        int[][] spans = {{rsdp, 20}, {rsdt, 40}, {fadt, 116}, {facs, 64}, {dsdt, len}};
        for (int i = 0; i < spans.length; i++) {
            for (int j = i + 1; j < spans.length; j++) {
                boolean apart = spans[i][0] + spans[i][1] <= spans[j][0] || spans[j][0] + spans[j][1] <= spans[i][0];
                assertEquals(true, apart, "tables " + i + " and " + j + " overlap");
            }
        }
    }
}
