package io.denalij.translator;

import io.denalij.cpu.ExecutionEngine;
import io.denalij.cpu.decode.Instruction;
import io.denalij.cpu.decode.Op;

import java.lang.invoke.MethodHandles;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Translations shared by every machine that uses this cache (one per JVM is the intent: pass the
 * same {@link JitEngine} to every machine builder).
 *
 * <p>Key: the CS offsets of the region's blocks, its default operand size, and the exact bytes of
 * its instructions. Generated code depends on nothing else (segment bases, paging, privilege and the
 * machine itself come in through {@link JitContext} at run time), so two VMs running the same image
 * at the same addresses share one translation, and a page rewritten with the same bytes (a reloaded
 * module) finds its old translation again. Each machine's own code cache still checks its page
 * generations before it runs a block, so a changed page is never run from a stale translation.
 *
 * <p>Each translation is a hidden class of its own, referenced weakly from here: when no machine's
 * code cache holds it any more, the class is unloaded by the garbage collector.
 */
public final class TranslationCache {
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    /**
     * Translations are named {@code io.denalij.translator.Block_<guest EIP in hex>} (plus the JVM's
     * hidden-class suffix), so that a profile (perf with a perf map, JFR, PrintCompilation) says
     * which guest code each method is. The launcher's CompileCommand matches {@code Block*}.
     */
    private static String name(Region region) {
        return String.format("io/denalij/translator/Block_%08x", region.eip(0));
    }

    private final ConcurrentHashMap<Key, WeakReference<TranslatedBlock>> map = new ConcurrentHashMap<>();
    private final ThreadLocal<BlockTranslator> translators = ThreadLocal.withInitial(BlockTranslator::new);
    private final AtomicLong translated = new AtomicLong(), shared = new AtomicLong(), refused = new AtomicLong(),
            guestInstructions = new AtomicLong(), blocks = new AtomicLong(), classBytes = new AtomicLong(), nanos = new AtomicLong();

    /** What a block is, as far as its translation is concerned. */
    private record Key(int[] eips, boolean code32, byte[] bytes, int hash) {
        static Key of(Region r) {
            int total = 0;
            for (Instruction in : r.code) total += in.length;
            byte[] b = new byte[total];
            int at = 0;
            for (Instruction in : r.code) {
                byte[] x = in.bytes();
                System.arraycopy(x, 0, b, at, x.length);
                at += x.length;
            }
            int[] eips = new int[r.blocks()];
            for (int j = 0; j < eips.length; j++) eips[j] = r.eip(j);
            boolean c32 = r.code[0].code32;
            return new Key(eips, c32, b, (Arrays.hashCode(eips) * 31 + (c32 ? 1 : 0)) * 31 + Arrays.hashCode(b));
        }

        @Override public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(k.eips, eips) && k.code32 == code32 && Arrays.equals(k.bytes, bytes);
        }

        @Override public int hashCode() { return hash; }
    }

    /** The translation of the one block {@code code}, made now or found from any machine; null when it cannot be translated. */
    public TranslatedBlock get(Instruction[] code, Op[] ops) {
        return get(Region.single(code, ops));
    }

    /**
     * The translation of block {@code code} together with the neighbours it reaches (its
     * {@link Region}), made now or found from any machine; null when it cannot be translated.
     */
    public TranslatedBlock get(Instruction[] code, Op[] ops, ExecutionEngine.Neighbours neighbours) {
        return get(Region.discover(code, ops, neighbours, Region.MAX_BLOCKS));
    }

    private TranslatedBlock get(Region region) {
        Key key = Key.of(region);
        WeakReference<TranslatedBlock> ref = map.get(key);
        TranslatedBlock t = ref == null ? null : ref.get();
        if (t != null) {
            shared.incrementAndGet();
            return t;
        }
        t = translate(region);
        if (t == null) return null;
        map.put(key, new WeakReference<>(t));
        if (map.size() > 4 * translated.get() + 1024) map.values().removeIf(r -> r.get() == null);
        return t;
    }

    /**
     * A fresh translation (not looked up, not stored; also for benchmarks of the translator itself).
     * It may cover only a prefix of {@code code} (see {@link TranslatedBlock#length()}) when the whole
     * block would make a method too large for C2.
     */
    public TranslatedBlock translate(Instruction[] code, Op[] ops) {
        return translate(Region.single(code, ops));
    }

    /** A fresh translation of {@code region}, or of as many of its first blocks as fit (see {@link #translate(Instruction[], Op[])}). */
    TranslatedBlock translate(Region region) {
        long t0 = System.nanoTime();
        byte[] bytes = translators.get().translate(name(region), region);
        while (bytes == null && region.blocks() > 1) { // too big for C2: fewer blocks (the coldest go first)
            region = region.prefix(Math.min(region.blocks() - 1, region.blocks() * 3 / 4));
            bytes = translators.get().translate(name(region), region);
        }
        while (bytes == null && region.code.length > 1) { // one block still too big: a prefix, the rest runs as the next block
            region = Region.single(Arrays.copyOf(region.code, region.code.length / 2), Arrays.copyOf(region.ops, region.code.length / 2));
            bytes = translators.get().translate(name(region), region);
        }
        if (PRINT_REGIONS) {
            StringBuilder line = new StringBuilder("denali: jit region");
            for (int j = 0; j < region.blocks(); j++) line.append(String.format(" %08x", region.eip(j)));
            System.err.println(line.append(bytes == null ? " (too large, not translated)" : " (" + bytes.length + " bytes of class)"));
        }
        Instruction[] code = region.code;
        Op[] ops = region.ops;
        if (bytes == null) {
            refused.incrementAndGet();
            return null;
        }
        if (DUMP_DIR != null) dump(code[0].eip, bytes);
        try {
            Class<?> c = LOOKUP.defineHiddenClass(bytes, true).lookupClass();
            TranslatedBlock t = (TranslatedBlock) c.getConstructor(Instruction[].class, Op[].class, int.class, int.class)
                    .newInstance((Object) code.clone(), (Object) ops.clone(), region.length(0), region.longestRuns()[0]);
            translated.incrementAndGet();
            guestInstructions.addAndGet(code.length);
            blocks.addAndGet(region.blocks());
            classBytes.addAndGet(bytes.length);
            nanos.addAndGet(System.nanoTime() - t0);
            return t;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated class for the block at 0x" + Integer.toHexString(code[0].eip)
                    + " does not load: " + e, e);
        }
    }

    /**
     * Where {@code -Ddenali.jit.dump=DIR} writes every class file it generates, as
     * {@code DIR/block-<entry EIP>-<n>.class} ({@code javap -c -p} shows the bytecode): for reading
     * what a guest block became, in class or when a translation misbehaves. Null: not written.
     */
    private static final String DUMP_DIR = System.getProperty("denali.jit.dump");

    /**
     * {@code -Ddenali.jit.printRegions=true} prints every region translated (the EIP of each of its
     * blocks, head first) to stderr: which guest blocks became one JVM method.
     */
    private static final boolean PRINT_REGIONS = Boolean.getBoolean("denali.jit.printRegions");
    private final AtomicLong dumped = new AtomicLong();

    private void dump(int eip, byte[] bytes) {
        java.nio.file.Path file = java.nio.file.Path.of(DUMP_DIR, String.format("block-%08x-%d.class", eip, dumped.incrementAndGet()));
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.write(file, bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("-Ddenali.jit.dump: cannot write " + file, e);
        }
    }

    /**
     * Counters: translations made (each an entry block with its region), lookups served by an
     * existing translation, blocks refused (too large), and the guest blocks and instructions the
     * translations cover (a block that is in several regions counts in each).
     */
    public record Stats(long translated, long shared, long refused, long guestInstructions, long blocks, long classBytes, long nanos) {
        @Override public String toString() {
            return String.format("%d translations (%d guest blocks, %d instructions, %d KiB of classes, %.1f ms), %d reused, %d refused",
                    translated, blocks, guestInstructions, classBytes >> 10, nanos / 1e6, shared, refused);
        }
    }

    public Stats stats() {
        return new Stats(translated.get(), shared.get(), refused.get(), guestInstructions.get(), blocks.get(), classBytes.get(), nanos.get());
    }
}
