package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct uffdio_api}: the UFFDIO_API handshake; the kernel writes back the available features and ioctls (24 bytes). */
public final class UffdioApi {
    private UffdioApi() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("api"), JAVA_LONG.withName("features"),
            JAVA_LONG.withName("ioctls")).withName("uffdio_api");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long API = off("api"), FEATURES = off("features"), IOCTLS = off("ioctls");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
