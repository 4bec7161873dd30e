package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct uffdio_move}: UFFDIO_MOVE (6.8+); {@code move} returns bytes moved or -errno (40 bytes). */
public final class UffdioMove {
    private UffdioMove() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("dst"), JAVA_LONG.withName("src"), JAVA_LONG.withName("len"),
            JAVA_LONG.withName("mode"), JAVA_LONG.withName("move")).withName("uffdio_move");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long DST = off("dst"), SRC = off("src"), LEN = off("len"), MODE = off("mode"),
            MOVE = off("move");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
