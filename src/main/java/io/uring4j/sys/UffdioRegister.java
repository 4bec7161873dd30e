package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct uffdio_register}: UFFDIO_REGISTER; {@code ioctls} comes back as the ioctls allowed on that memory (32 bytes). */
public final class UffdioRegister {
    private UffdioRegister() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            UffdioRange.LAYOUT.withName("range"), JAVA_LONG.withName("mode"),
            JAVA_LONG.withName("ioctls")).withName("uffdio_register");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long RANGE = off("range"), MODE = off("mode"), IOCTLS = off("ioctls");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
