package io.uring4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the running kernel that messages and feature checks refer to. */
public final class KernelInfo {
    private KernelInfo() {}

    private static final String RELEASE = readRelease();

    private static String readRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.version", "unknown");
        }
    }

    /** The kernel release string, e.g. {@code 6.18.44}. */
    public static String release() { return RELEASE; }

    /** True when the running kernel is at least {@code major.minor}. */
    public static boolean atLeast(int major, int minor) {
        String[] p = RELEASE.split("[.-]");
        try {
            int ma = Integer.parseInt(p[0]), mi = Integer.parseInt(p[1]);
            return ma > major || (ma == major && mi >= minor);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
