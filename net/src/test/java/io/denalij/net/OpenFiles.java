package io.denalij.net;

import java.io.File;

/** This process's open file descriptors, from /proc/self/fd (Linux). */
final class OpenFiles {
    private OpenFiles() {}

    static long count() {
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) throw new IllegalStateException("/proc/self/fd is not readable (not Linux?)");
        return fds.length;
    }

    /** What kinds of descriptors are open, counted (for failure messages). */
    static String describe() {
        java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
        for (File f : new File("/proc/self/fd").listFiles()) {
            String target;
            try {
                target = java.nio.file.Files.readSymbolicLink(f.toPath()).toString().replaceAll("\\[\\d+\\]", "");
            } catch (java.io.IOException e) {
                target = "?";
            }
            kinds.merge(target, 1, Integer::sum);
        }
        return kinds.toString();
    }
}
