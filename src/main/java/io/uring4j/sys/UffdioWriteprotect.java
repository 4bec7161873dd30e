package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct uffdio_writeprotect}: UFFDIO_WRITEPROTECT (24 bytes). */
public final class UffdioWriteprotect {
    private UffdioWriteprotect() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            UffdioRange.LAYOUT.withName("range"), JAVA_LONG.withName("mode")).withName("uffdio_writeprotect");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long RANGE = off("range"), MODE = off("mode");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
