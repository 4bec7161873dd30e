package io.uring4j.ring;

/** {@code IORING_OP_*}, named with the kernel's spelling minus the prefix; {@link #code()} is the wire value. */
public enum Opcode {
    NOP, READV, WRITEV, FSYNC, READ_FIXED, WRITE_FIXED, POLL_ADD, POLL_REMOVE, SYNC_FILE_RANGE, SENDMSG,
    RECVMSG, TIMEOUT, TIMEOUT_REMOVE, ACCEPT, ASYNC_CANCEL, LINK_TIMEOUT, CONNECT, FALLOCATE, OPENAT, CLOSE,
    FILES_UPDATE, STATX, READ, WRITE, FADVISE, MADVISE, SEND, RECV, OPENAT2, EPOLL_CTL, SPLICE,
    PROVIDE_BUFFERS, REMOVE_BUFFERS, TEE, SHUTDOWN, RENAMEAT, UNLINKAT, MKDIRAT, SYMLINKAT, LINKAT, MSG_RING,
    FSETXATTR, SETXATTR, FGETXATTR, GETXATTR, SOCKET, URING_CMD, SEND_ZC, SENDMSG_ZC, READ_MULTISHOT, WAITID,
    FUTEX_WAIT, FUTEX_WAKE, FUTEX_WAITV, FIXED_FD_INSTALL, FTRUNCATE, BIND, LISTEN, RECV_ZC, EPOLL_WAIT,
    READV_FIXED, WRITEV_FIXED, PIPE;

    private static final Opcode[] BY_CODE = values();

    /** The kernel's opcode number (the declaration order above is the kernel's enum order). */
    public byte code() { return (byte) ordinal(); }

    /** The opcode for a kernel number, or null when this library does not know it. */
    public static Opcode of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
