package io.denalij.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleEscapesTest {
    final StringBuilder actions = new StringBuilder();
    final ConsoleEscapes keys = new ConsoleEscapes(new ConsoleEscapes.Actions() {
        @Override public void quit() { actions.append('Q'); }
        @Override public void status() { actions.append('S'); }
        @Override public void help() { actions.append('H'); }
    });

    byte[] filter(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return keys.filter(b, b.length);
    }

    @Test void ordinaryKeysPassThroughCtrlCIncluded() {
        assertArrayEquals("ls -l\r\u0003\u001a".getBytes(StandardCharsets.ISO_8859_1), filter("ls -l\r\u0003\u001a"));
        assertEquals("", actions.toString());
    }

    @Test void ctrlAXQuitsAndIsNotSent() {
        assertArrayEquals("ab".getBytes(StandardCharsets.ISO_8859_1), filter("a\u0001xb"));
        assertEquals("Q", actions.toString());
        filter("\u0001X");
        assertEquals("QQ", actions.toString());
    }

    @Test void ctrlACAndHAskForStatusAndHelp() {
        assertEquals(0, filter("\u0001c\u0001h").length);
        assertEquals("SH", actions.toString());
    }

    @Test void ctrlATwiceSendsOneCtrlA() {
        assertArrayEquals(new byte[] {1, 'z'}, filter("\u0001\u0001z"));
        assertEquals("", actions.toString());
    }

    @Test void anEscapeSplitAcrossReadsStillCounts() {
        assertEquals(0, filter("\u0001").length);
        assertEquals(0, filter("x").length);
        assertEquals("Q", actions.toString());
    }

    @Test void unknownCommandsAreDroppedWithTheirCtrlA() {
        assertArrayEquals("b".getBytes(StandardCharsets.ISO_8859_1), filter("\u0001qb"));
        assertEquals("", actions.toString());
    }
}
