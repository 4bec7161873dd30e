package io.uring4j.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

/**
 * {@code struct io_uring_sqe} (64 bytes; 128 with SQE128, where {@code cmd[]} runs from byte 48 to
 * 127). The kernel's unions are laid out by their first member; the aliases are named constants
 * pointing at the same offsets.
 */
public final class IoUringSqe {
    private IoUringSqe() {}

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_BYTE.withName("opcode"), JAVA_BYTE.withName("flags"), JAVA_SHORT.withName("ioprio"),
            JAVA_INT.withName("fd"), JAVA_LONG.withName("off"), JAVA_LONG.withName("addr"),
            JAVA_INT.withName("len"), JAVA_INT.withName("op_flags"), JAVA_LONG.withName("user_data"),
            JAVA_SHORT.withName("buf_index"), JAVA_SHORT.withName("personality"),
            JAVA_INT.withName("splice_fd_in"), JAVA_LONG.withName("addr3"), JAVA_LONG.withName("__pad2"))
            .withName("io_uring_sqe");

    public static final long SIZE = LAYOUT.byteSize();
    public static final long OPCODE = off("opcode"), FLAGS = off("flags"), IOPRIO = off("ioprio"), FD = off("fd"),
            OFF = off("off"), ADDR = off("addr"), LEN = off("len"), OP_FLAGS = off("op_flags"),
            USER_DATA = off("user_data"), BUF_INDEX = off("buf_index"), PERSONALITY = off("personality"),
            SPLICE_FD_IN = off("splice_fd_in"), ADDR3 = off("addr3"), PAD2 = off("__pad2");

    // union aliases
    public static final long ADDR2 = OFF, CMD_OP = OFF, PAD1 = OFF + 4;
    public static final long SPLICE_OFF_IN = ADDR, LEVEL = ADDR, OPTNAME = ADDR + 4;
    public static final long RW_FLAGS = OP_FLAGS, URING_CMD_FLAGS = OP_FLAGS;
    public static final long BUF_GROUP = BUF_INDEX, FILE_INDEX = SPLICE_FD_IN, OPTLEN = SPLICE_FD_IN,
            ADDR_LEN = SPLICE_FD_IN;
    public static final long OPTVAL = ADDR3, CMD = ADDR3;

    private static long off(String f) { return LAYOUT.byteOffset(groupElement(f)); }
}
