package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct io_uring_rsrc_register} (BUFFERS2 / FILES2). */
public final class RsrcRegister {
    private RsrcRegister() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("nr"), JAVA_INT.withName("flags"), JAVA_LONG.withName("resv2"),
            JAVA_LONG.withName("data"), JAVA_LONG.withName("tags")).withName("io_uring_rsrc_register");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long NR = off("nr"), FLAGS = off("flags"), RESV2 = off("resv2"), DATA = off("data"),
            TAGS = off("tags");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
