package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_uring_rsrc_update2} (BUFFERS_UPDATE / FILES_UPDATE2). */
public final class RsrcUpdate2 {
    private RsrcUpdate2() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("offset"), JAVA_INT.withName("resv"), JAVA_LONG.withName("data"),
            JAVA_LONG.withName("tags"), JAVA_INT.withName("nr"), JAVA_INT.withName("resv2")).withName("io_uring_rsrc_update2");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long OFFSET = off("offset"), RESV = off("resv"), DATA = off("data"), TAGS = off("tags"),
            NR = off("nr"), RESV2 = off("resv2");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
