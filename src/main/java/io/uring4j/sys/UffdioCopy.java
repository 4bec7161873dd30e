package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct uffdio_copy}: UFFDIO_COPY; {@code copy} returns the bytes copied,
            or -errno if none were (40 bytes). */
public final class UffdioCopy {
    private UffdioCopy() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("dst"), JAVA_LONG.withName("src"), JAVA_LONG.withName("len"),
            JAVA_LONG.withName("mode"), JAVA_LONG.withName("copy")).withName("uffdio_copy");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long DST = off("dst"), SRC = off("src"), LEN = off("len"), MODE = off("mode"),
            COPY = off("copy");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
