package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/** {@code struct iovec}. */
public final class Iovec {
    private Iovec() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("iov_base"), JAVA_LONG.withName("iov_len")).withName("iovec");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long IOV_BASE = off("iov_base"), IOV_LEN = off("iov_len");
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
