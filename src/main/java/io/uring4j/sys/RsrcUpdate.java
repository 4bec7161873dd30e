package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_uring_rsrc_update} (FILES_UPDATE, RING_FDS). */
public final class RsrcUpdate {
    private RsrcUpdate() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("offset"), JAVA_INT.withName("resv"), JAVA_LONG.withName("data")).withName("io_uring_rsrc_update");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long OFFSET = off("offset"), RESV = off("resv"), DATA = off("data");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
