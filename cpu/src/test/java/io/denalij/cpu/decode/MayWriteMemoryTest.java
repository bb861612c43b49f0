package io.denalij.cpu.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Instruction#mayWriteMemory}: the code caches check for self-modifying code after exactly
 * the instructions that may store, so a store must never be missed and a load should not count.
 */
class MayWriteMemoryTest {
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "89 03, mov [ebx] eax, true",
            "8b 03, mov eax [ebx], false",
            "a3 00 20 00 00, mov [moffs] eax, true",
            "a1 00 20 00 00, mov eax [moffs], false",
            "01 03, add [ebx] eax, true",
            "03 03, add eax [ebx], false",
            "39 03, cmp [ebx] eax, false",
            "85 03, test [ebx] eax, false",
            "0f af 03, imul eax [ebx], false",
            "0f b6 03, movzx eax byte [ebx], false",
            "8d 03, lea eax [ebx], false",
            "ff 23, jmp [ebx], false",
            "ff 13, call [ebx] (pushes), true",
            "ff 33, push [ebx], true",
            "8f 03, pop [ebx], true",
            "87 03, xchg [ebx] eax, true",
            "0f 94 03, sete [ebx], true",
            "f7 23, mul dword [ebx], false",
            "0f a3 03, bt [ebx] eax, false",
            "0f ab 03, bts [ebx] eax, true",
            "d1 23, shl dword [ebx], true",
            "01 c3, add ebx eax, false",
            "50, push eax, true",
    })
    void storesCountAndLoadsDoNot(String hex, String what, boolean writes) {
        byte[] b = HexFormat.of().parseHex(hex.replace(" ", ""));
        Instruction in = new Decoder().decode(i -> b[i] & 0xFF, 0x1000, true);
        assertEquals(writes, in.mayWriteMemory, what);
    }
}
