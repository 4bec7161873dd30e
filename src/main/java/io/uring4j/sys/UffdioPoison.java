package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct uffdio_poison}: UFFDIO_POISON (6.6+); {@code updated} returns bytes poisoned or -errno (32 bytes). */
public final class UffdioPoison {
    private UffdioPoison() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            UffdioRange.LAYOUT.withName("range"), JAVA_LONG.withName("mode"),
            JAVA_LONG.withName("updated")).withName("uffdio_poison");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long RANGE = off("range"), MODE = off("mode"), UPDATED = off("updated");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
