package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct uffdio_range}: a page-aligned range (16 bytes). */
public final class UffdioRange {
    private UffdioRange() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("start"), JAVA_LONG.withName("len")).withName("uffdio_range");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long START = off("start"), LEN = off("len");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
