package io.uring4j.cmd;

import io.uring4j.ring.Ring;
import io.uring4j.ring.SetupFlags;
import io.uring4j.ring.Sqe;

import java.lang.foreign.MemorySegment;

/**
 * Socket commands (SOCKET_URING_OP_*, 6.7+; TX_TIMESTAMP 6.16+): the io_uring form of ioctl and
 * get/setsockopt, usable on fixed files and in links. Results arrive in {@code cqe.res}.
 */
public final class SocketCmd {
    private SocketCmd() {}

    public static final int SIOCINQ = 0, SIOCOUTQ = 1, GETSOCKOPT = 2, SETSOCKOPT = 3, TX_TIMESTAMP = 4;
    static final int SOL_SOCKET = 1;

    /**
     * Bytes waiting to be read (ioctl SIOCINQ/FIONREAD): for TCP the queued stream bytes, for UDP the
     * size of the next datagram. {@code res} = the count.
     */
    public static Sqe prepSiocinq(Sqe sqe, int fd) {
        return sqe.prepUringCmd(fd, SIOCINQ);
    }

    /** Bytes in the send queue not yet acknowledged (ioctl SIOCOUTQ). {@code res} = the count. */
    public static Sqe prepSiocoutq(Sqe sqe, int fd) {
        return sqe.prepUringCmd(fd, SIOCOUTQ);
    }

    /**
     * getsockopt(fd, SOL_SOCKET, optname) into {@code optval}; {@code res} = the option's length, the
     * value is written to {@code optval}. The kernel implements only SOL_SOCKET here (other levels:
     * EOPNOTSUPP), so other levels are refused before submission.
     */
    public static Sqe prepGetsockopt(Sqe sqe, int fd, int level, int optname, MemorySegment optval) {
        if (level != SOL_SOCKET)
            throw new IllegalArgumentException("socket uring_cmd GETSOCKOPT supports only level SOL_SOCKET (1), not " + level
                    + " (the kernel answers EOPNOTSUPP)");
        return sockopt(sqe, fd, GETSOCKOPT, level, optname, optval);
    }

    /** setsockopt(fd, level, optname, optval) at any level; {@code res} = 0 or -errno. */
    public static Sqe prepSetsockopt(Sqe sqe, int fd, int level, int optname, MemorySegment optval) {
        return sockopt(sqe, fd, SETSOCKOPT, level, optname, optval);
    }

    private static Sqe sockopt(Sqe sqe, int fd, int op, int level, int optname, MemorySegment optval) {
        if (!optval.isNative()) throw new IllegalArgumentException("optval is a heap segment: the kernel needs native memory");
        if (optval.byteSize() > Integer.MAX_VALUE) throw new IllegalArgumentException("optval of " + optval.byteSize() + " bytes");
        // level/optname alias addr (u32 each, little-endian), optlen aliases splice_fd_in, optval addr3
        return sqe.prepUringCmd(fd, op)
                .addr((level & 0xffffffffL) | ((long) optname << 32))
                .spliceFdIn((int) optval.byteSize())
                .addr3(optval.address());
    }

    /**
     * Arms TX timestamp reporting (SOCKET_URING_OP_TX_TIMESTAMP, 6.16+) on a socket with
     * SO_TIMESTAMPING (including SOF_TIMESTAMPING_OPT_TSONLY: timestamps with payload are skipped).
     * It stays armed: each timestamp from the socket's error queue is a CQE32 with F_MORE, read with
     * {@link TxTimestamp}. Needs a ring with 32-byte CQEs; ends on cancellation (by user_data).
     */
    public static Sqe prepTxTimestamp(Ring ring, int fd) {
        if ((ring.setupFlags() & (SetupFlags.CQE32 | SetupFlags.CQE_MIXED)) == 0)
            throw new IllegalArgumentException("TX_TIMESTAMP posts 32-byte CQEs: create the ring with cqe32() "
                    + "(the kernel answers EINVAL on " + ring + ")");
        return ring.sqe().prepUringCmd(fd, TX_TIMESTAMP);
    }
}
