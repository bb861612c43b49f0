package io.denalij.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The trace ring buffer keeps the last N instructions with the registers they saw. */
class TracerTest {
    @Test
    void keepsTheLastNInstructionsOldestFirst() {
        TestMachine m = new TestMachine(
                "b8 05 00 00 00", // mov eax, 5
                "40",             // inc eax
                "40",             // inc eax
                "01 c0",          // add eax, eax
                "f4");
        Tracer t = new Tracer(3);
        m.cpu.setTracer(t);
        m.runToHalt();
        List<String> lines = t.lines();
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).contains("00001006") && lines.get(0).contains("inc eax") && lines.get(0).contains("eax=00000006"),
                lines.get(0));
        assertTrue(lines.get(1).contains("add eax,eax") && lines.get(1).contains("eax=00000007"), lines.get(1));
        assertTrue(lines.get(2).contains("f4") && lines.get(2).contains("hlt") && lines.get(2).contains("eax=0000000e"), lines.get(2));
        assertEquals(5, t.recorded());
    }
}
