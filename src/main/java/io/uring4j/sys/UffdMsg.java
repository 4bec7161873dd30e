package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct uffd_msg} (32 bytes, packed): what a read of a userfaultfd returns, one record per
 * event. The 24-byte {@code arg} union is modelled as its pagefault arm; the other arms' fields
 * are the offset constants below (fork ufd@8; remap from/to/len @8/16/24; remove/unmap start/end
 * @8/16), all measured on the running kernel.
 */
public final class UffdMsg {
    private UffdMsg() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_BYTE.withName("event"), JAVA_BYTE.withName("reserved1"), JAVA_SHORT.withName("reserved2"),
            JAVA_INT.withName("reserved3"),
            MemoryLayout.structLayout(JAVA_LONG.withName("flags"), JAVA_LONG.withName("address"),
                    JAVA_INT.withName("ptid"), JAVA_INT.withName("pad")).withName("pagefault")).withName("uffd_msg");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long EVENT = off("event");
    private static final long ARG = off("pagefault");
    public static final long PAGEFAULT_FLAGS = ARG, PAGEFAULT_ADDRESS = ARG + 8, PAGEFAULT_PTID = ARG + 16;
    public static final long FORK_UFD = ARG;
    public static final long REMAP_FROM = ARG, REMAP_TO = ARG + 8, REMAP_LEN = ARG + 16;
    public static final long REMOVE_START = ARG, REMOVE_END = ARG + 8;
    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
