package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct uffdio_zeropage}: UFFDIO_ZEROPAGE; {@code zeropage} returns bytes mapped or -errno (32 bytes). */
public final class UffdioZeropage {
    private UffdioZeropage() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            UffdioRange.LAYOUT.withName("range"), JAVA_LONG.withName("mode"),
            JAVA_LONG.withName("zeropage")).withName("uffdio_zeropage");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long RANGE = off("range"), MODE = off("mode"), ZEROPAGE = off("zeropage");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
