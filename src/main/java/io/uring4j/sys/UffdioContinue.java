package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct uffdio_continue}: UFFDIO_CONTINUE for MINOR faults; {@code mapped} returns bytes mapped or -errno (32 bytes). */
public final class UffdioContinue {
    private UffdioContinue() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            UffdioRange.LAYOUT.withName("range"), JAVA_LONG.withName("mode"),
            JAVA_LONG.withName("mapped")).withName("uffdio_continue");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long RANGE = off("range"), MODE = off("mode"), MAPPED = off("mapped");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
