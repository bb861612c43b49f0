package io.denalij.devices.denali;

import java.io.IOException;
import java.nio.file.Path;

/** A disk or overlay file that cannot be attached; the message names the file and says why, in one line. */
public final class DiskOpenException extends IOException {
    public DiskOpenException(Path file, String reason) {
        super("disk image " + file + ": " + reason);
    }

    public DiskOpenException(Path file, String reason, Throwable cause) {
        super("disk image " + file + ": " + reason, cause);
    }
}
