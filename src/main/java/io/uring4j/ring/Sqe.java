package io.uring4j.ring;

import io.uring4j.register.FixedBuffers;
import io.uring4j.register.RegisteredFiles;
import io.uring4j.sys.IoUringSqe;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.ValueLayout;

/**
 * A view of one submission queue entry, obtained from {@link Ring#nextSqe()} already zeroed.
 * Prep methods follow liburing's {@code io_uring_prep_*} (camelCased) and set exactly the fields
 * liburing sets; field setters named after the kernel's fields adjust the rest.
 *
 * <h2>Buffer lifetime (the one rule)</h2>
 * Every segment passed to a prep method is read or written by the kernel <em>asynchronously</em>,
 * at any time until the operation's CQE has been reaped (for SEND_ZC: until its notification
 * CQE). The caller must keep that memory alive and unmodified (for writes) or unread (for reads)
 * until then: do not close its Arena. Heap segments are refused because the GC may move them;
 * {@code io.uring4j.register} offers buffers whose lifetime the library enforces.
 *
 * <p>The view is reused: {@link Ring#nextSqe()} repositions it, so finish one entry before asking
 * for the next.
 *
 * <p>Arguments the kernel would misread (heap segments, lengths over 2 GiB, arrays too small) are
 * refused with an {@link IllegalArgumentException} naming the limit. The slot stays taken but
 * harmless: a NOP with CQE_SKIP_SUCCESS that the next submit consumes without posting a CQE.
 */
public final class Sqe {
    // Unaligned layouts: every SQE field is naturally aligned in the page-aligned mapping, and the
    // unaligned variants spare each access the alignment test (they compile to the same moves).
    private static final ValueLayout.OfShort JAVA_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt JAVA_INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong JAVA_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private final MemorySegment sqes;
    private final boolean big;
    private long base;

    Sqe(MemorySegment sqes, boolean big) {
        this.sqes = sqes;
        this.big = big;
    }

    /** Points the view at the SQE at {@code offset}, which the ring has already zeroed. */
    Sqe at(long offset) {
        base = offset;
        return this;
    }

    /** Zeroes the SQE at {@code offset} and points the view at it (off the hot path: see {@link Ring#nextSqe()}). */
    Sqe reset(long offset) {
        base = offset;
        sqes.asSlice(offset, big ? 128 : 64).fill((byte) 0);
        return this;
    }

    // ------------------------------------------------------------------ raw fields

    public Sqe opcode(Opcode op) { sqes.set(JAVA_BYTE, base + IoUringSqe.OPCODE, op.code()); return this; }

    /** IOSQE_* flags ({@link SqeFlags}); replaces the flags byte. */
    public Sqe flags(int sqeFlags) {
        if ((sqeFlags & ~SqeFlags.KNOWN) != 0)
            throw refused("unknown IOSQE bits 0x" + Integer.toHexString(sqeFlags & ~SqeFlags.KNOWN));
        sqes.set(JAVA_BYTE, base + IoUringSqe.FLAGS, (byte) sqeFlags);
        return this;
    }

    /** ORs IOSQE_* flags into the flags byte. */
    public Sqe addFlags(int sqeFlags) { return flags(flagsValue() | sqeFlags); }

    public int flagsValue() { return sqes.get(JAVA_BYTE, base + IoUringSqe.FLAGS) & 0xff; }

    public Sqe ioprio(int v) { sqes.set(JAVA_SHORT, base + IoUringSqe.IOPRIO, (short) v); return this; }

    public int ioprioValue() { return sqes.get(JAVA_SHORT, base + IoUringSqe.IOPRIO) & 0xffff; }

    public Sqe fd(int fd) { sqes.set(JAVA_INT, base + IoUringSqe.FD, fd); return this; }

    public Sqe off(long off) { sqes.set(JAVA_LONG, base + IoUringSqe.OFF, off); return this; }

    public Sqe addr(long addr) { sqes.set(JAVA_LONG, base + IoUringSqe.ADDR, addr); return this; }

    public Sqe len(int len) { sqes.set(JAVA_INT, base + IoUringSqe.LEN, len); return this; }

    /** The per-op flags union (rw_flags, fsync_flags, timeout_flags, msg_flags, ...). */
    public Sqe opFlags(int v) { sqes.set(JAVA_INT, base + IoUringSqe.OP_FLAGS, v); return this; }

    public int opFlagsValue() { return sqes.get(JAVA_INT, base + IoUringSqe.OP_FLAGS); }

    public Sqe userData(long v) { sqes.set(JAVA_LONG, base + IoUringSqe.USER_DATA, v); return this; }

    public Sqe bufIndex(int v) { sqes.set(JAVA_SHORT, base + IoUringSqe.BUF_INDEX, (short) v); return this; }

    public Sqe bufGroup(int v) { return bufIndex(v); }

    public Sqe personality(int v) { sqes.set(JAVA_SHORT, base + IoUringSqe.PERSONALITY, (short) v); return this; }

    public Sqe spliceFdIn(int v) { sqes.set(JAVA_INT, base + IoUringSqe.SPLICE_FD_IN, v); return this; }

    /** Direct-descriptor slot: {@code slot + 1} in the kernel's encoding, handled here. */
    public Sqe fileIndex(int slot) { sqes.set(JAVA_INT, base + IoUringSqe.FILE_INDEX, slot + 1); return this; }

    /** Raw file_index field (e.g. IORING_FILE_INDEX_ALLOC). */
    public Sqe fileIndexRaw(int v) { sqes.set(JAVA_INT, base + IoUringSqe.FILE_INDEX, v); return this; }

    public Sqe addr3(long v) { sqes.set(JAVA_LONG, base + IoUringSqe.ADDR3, v); return this; }

    /** The SQE's bytes (64, or 128 with SQE128) for fields this class has no setter for. */
    public MemorySegment raw() { return sqes.asSlice(base, big ? 128 : 64); }

    public boolean isBig() { return big; }

    // ------------------------------------------------------------------ checks

    static long addressOf(MemorySegment seg, String what) {
        if (!seg.isNative())
            throw new IllegalArgumentException(what + " is a heap segment: the kernel needs native memory that the GC "
                    + "cannot move (allocate it from an Arena)");
        return seg.address();
    }

    /** As {@link #addressOf}, but {@link MemorySegment#NULL} (an optional out-argument) gives 0. */
    static long addressOrNull(MemorySegment seg, String what) {
        return seg.equals(MemorySegment.NULL) ? 0 : addressOf(seg, what);
    }

    static int length(long len, String what) {
        if (len < 0 || len > Integer.MAX_VALUE)
            throw new IllegalArgumentException(what + " length=" + len + " exceeds the kernel's limit of " + Integer.MAX_VALUE
                    + " bytes per operation");
        return (int) len;
    }

    // A prep validates its arguments before it writes a field, but the slot was already taken from
    // the SQ by nextSqe(). So that a caller who catches the exception and carries on sees no stray
    // completion, a refused prep leaves the slot as a NOP flagged CQE_SKIP_SUCCESS: it is consumed
    // by the next submit and posts nothing. Preps added to this class should use these helpers.

    IllegalArgumentException refused(String message) {
        reset(base);
        sqes.set(JAVA_BYTE, base + IoUringSqe.OPCODE, Opcode.NOP.code());
        sqes.set(JAVA_BYTE, base + IoUringSqe.FLAGS, (byte) SqeFlags.CQE_SKIP_SUCCESS);
        return new IllegalArgumentException(message);
    }

    long nativeAddr(MemorySegment seg, String what) {
        try {
            return addressOf(seg, what);
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
    }

    long nativeAddrOrNull(MemorySegment seg, String what) {
        return seg.equals(MemorySegment.NULL) ? 0 : nativeAddr(seg, what);
    }

    int checkedLen(long len, String what) {
        try {
            return length(len, what);
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
    }

    void checkedIovecs(MemorySegment iovecs, int nr) {
        try {
            checkIovecs(iovecs, nr);
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
    }

    /**
     * liburing's io_uring_prep_rw: opcode, fd, addr, len, off, with flags, ioprio and the op-flags
     * union zero. Written as four 8-byte stores (opcode|flags|ioprio|fd, off, addr, len|op_flags)
     * rather than five narrower ones: each segment store carries its own checks.
     */
    private Sqe rw(Opcode op, int fd, long addr, int len, long off) {
        MemorySegment s = sqes;
        long b = base;
        s.set(JAVA_LONG, b + IoUringSqe.OPCODE, (op.code() & 0xffL) | ((long) fd << 32));
        s.set(JAVA_LONG, b + IoUringSqe.OFF, off);
        s.set(JAVA_LONG, b + IoUringSqe.ADDR, addr);
        s.set(JAVA_LONG, b + IoUringSqe.LEN, len & 0xffff_ffffL);
        return this;
    }

    // ------------------------------------------------------------------ core and file ops

    public Sqe prepNop() { return rw(Opcode.NOP, -1, 0, 0, 0); }

    /** READ into all of {@code buf} at {@code offset} (-1: the file position). */
    public Sqe prepRead(int fd, MemorySegment buf, long offset) {
        return rw(Opcode.READ, fd, nativeAddr(buf, "read buffer"), checkedLen(buf.byteSize(), "read"), offset);
    }

    public Sqe prepWrite(int fd, MemorySegment buf, long offset) {
        return rw(Opcode.WRITE, fd, nativeAddr(buf, "write buffer"), checkedLen(buf.byteSize(), "write"), offset);
    }

    /** READV over {@code nr} iovecs stored in {@code iovecs} (see {@link io.uring4j.ring.Iovecs}). */
    public Sqe prepReadv(int fd, MemorySegment iovecs, int nr, long offset) {
        checkedIovecs(iovecs, nr);
        return rw(Opcode.READV, fd, nativeAddr(iovecs, "iovec array"), nr, offset);
    }

    public Sqe prepWritev(int fd, MemorySegment iovecs, int nr, long offset) {
        checkedIovecs(iovecs, nr);
        return rw(Opcode.WRITEV, fd, nativeAddr(iovecs, "iovec array"), nr, offset);
    }

    /** READV with per-call {@code RWF_*} flags (preadv2), e.g. RWF_NOWAIT. */
    public Sqe prepReadv2(int fd, MemorySegment iovecs, int nr, long offset, int rwFlags) {
        return prepReadv(fd, iovecs, nr, offset).opFlags(rwFlags);
    }

    /** WRITEV with per-call {@code RWF_*} flags (pwritev2), e.g. RWF_DSYNC, RWF_APPEND. */
    public Sqe prepWritev2(int fd, MemorySegment iovecs, int nr, long offset, int rwFlags) {
        return prepWritev(fd, iovecs, nr, offset).opFlags(rwFlags);
    }

    public static final int RWF_HIPRI = 1, RWF_DSYNC = 2, RWF_SYNC = 4, RWF_NOWAIT = 8, RWF_APPEND = 0x10;

    static void checkIovecs(MemorySegment iovecs, int nr) {
        if (nr < 0 || nr > Iovecs.IOV_MAX)
            throw new IllegalArgumentException("nr=" + nr + " iovecs must be in 0.." + Iovecs.IOV_MAX);
        if (iovecs.byteSize() < 16L * nr)
            throw new IllegalArgumentException("iovec array of " + iovecs.byteSize() + " bytes holds fewer than nr=" + nr + " iovecs");
    }

    public static final int FSYNC_DATASYNC = 1;

    /** FSYNC; {@code fsyncFlags} = 0 or {@link #FSYNC_DATASYNC}. */
    public Sqe prepFsync(int fd, int fsyncFlags) { return rw(Opcode.FSYNC, fd, 0, 0, 0).opFlags(fsyncFlags); }

    public Sqe prepSyncFileRange(int fd, int len, long offset, int flags) {
        return rw(Opcode.SYNC_FILE_RANGE, fd, 0, len, offset).opFlags(flags);
    }

    public Sqe prepFallocate(int fd, int mode, long offset, long len) {
        return rw(Opcode.FALLOCATE, fd, len, mode, offset);
    }

    /**
     * FADVISE of {@code len} bytes at {@code offset} (0: to the end of the file). A length that
     * fits in 32 bits goes in {@code len}, as liburing's io_uring_prep_fadvise does, because kernels
     * before 6.12 reject a non-zero {@code addr} with EINVAL; longer ranges go in {@code addr}
     * (io_uring_prep_fadvise64; the kernel reads addr first and falls back to len).
     */
    public Sqe prepFadvise(int fd, long offset, long len, int advice) {
        if (len < 0) throw refused("fadvise len=" + len + " must be >= 0");
        if (len <= 0xFFFF_FFFFL) return rw(Opcode.FADVISE, fd, 0, (int) len, offset).opFlags(advice);
        return rw(Opcode.FADVISE, fd, len, 0, offset).opFlags(advice);
    }

    /**
     * MADVISE over {@code range}. Lengths that fit in 32 bits go in {@code len} (every kernel);
     * longer ones in {@code off} (io_uring_prep_madvise64, kernel 6.12+). The range must be native
     * memory: for a heap segment {@code address()} is an array offset, not a virtual address.
     */
    public Sqe prepMadvise(MemorySegment range, int advice) {
        long addr = nativeAddr(range, "madvise range");
        long len = range.byteSize();
        if (len <= 0xFFFF_FFFFL) return rw(Opcode.MADVISE, -1, addr, (int) len, 0).opFlags(advice);
        return rw(Opcode.MADVISE, -1, addr, 0, len).opFlags(advice);
    }

    /** OPENAT of the NUL-terminated {@code path} (allocate it with {@code arena.allocateFrom(String)}). */
    public Sqe prepOpenat(int dfd, MemorySegment path, int flags, int mode) {
        return rw(Opcode.OPENAT, dfd, nativeAddr(path, "path"), mode, 0).opFlags(flags);
    }

    /** OPENAT into direct-descriptor {@code slot} (or IORING_FILE_INDEX_ALLOC via {@link #fileIndexRaw}). */
    public Sqe prepOpenatDirect(int dfd, MemorySegment path, int flags, int mode, int slot) {
        return prepOpenat(dfd, path, flags, mode).fileIndex(slot);
    }

    /** OPENAT2 with a {@code struct open_how} (flags u64, mode u64, resolve u64; see {@link OpenHow}). */
    public Sqe prepOpenat2(int dfd, MemorySegment path, MemorySegment how) {
        return rw(Opcode.OPENAT2, dfd, nativeAddr(path, "path"), (int) OpenHow.SIZE, nativeAddr(how, "open_how"));
    }

    public Sqe prepClose(int fd) { return rw(Opcode.CLOSE, fd, 0, 0, 0); }

    /** STATX into {@code statxbuf} (at least {@link Statx#SIZE} bytes). */
    public Sqe prepStatx(int dfd, MemorySegment path, int flags, int mask, MemorySegment statxbuf) {
        if (statxbuf.byteSize() < Statx.SIZE)
            throw refused("statx buffer of " + statxbuf.byteSize() + " bytes < " + Statx.SIZE);
        return rw(Opcode.STATX, dfd, nativeAddr(path, "path"), mask, nativeAddr(statxbuf, "statx buffer")).opFlags(flags);
    }

    public Sqe prepFtruncate(int fd, long len) { return rw(Opcode.FTRUNCATE, fd, 0, 0, len); }

    public Sqe prepRenameat(int oldDfd, MemorySegment oldPath, int newDfd, MemorySegment newPath, int flags) {
        return rw(Opcode.RENAMEAT, oldDfd, nativeAddr(oldPath, "old path"), newDfd, nativeAddr(newPath, "new path")).opFlags(flags);
    }

    public Sqe prepUnlinkat(int dfd, MemorySegment path, int flags) {
        return rw(Opcode.UNLINKAT, dfd, nativeAddr(path, "path"), 0, 0).opFlags(flags);
    }

    public Sqe prepMkdirat(int dfd, MemorySegment path, int mode) {
        return rw(Opcode.MKDIRAT, dfd, nativeAddr(path, "path"), mode, 0);
    }

    public Sqe prepSymlinkat(MemorySegment target, int newDfd, MemorySegment linkPath) {
        return rw(Opcode.SYMLINKAT, newDfd, nativeAddr(target, "target"), 0, nativeAddr(linkPath, "link path"));
    }

    public Sqe prepLinkat(int oldDfd, MemorySegment oldPath, int newDfd, MemorySegment newPath, int flags) {
        return rw(Opcode.LINKAT, oldDfd, nativeAddr(oldPath, "old path"), newDfd, nativeAddr(newPath, "new path")).opFlags(flags);
    }

    public static final int SPLICE_F_FD_IN_FIXED = 1 << 31;

    /** SPLICE {@code nbytes} from {@code fdIn} at {@code offIn} to {@code fdOut} at {@code offOut} (-1 for pipes). */
    public Sqe prepSplice(int fdIn, long offIn, int fdOut, long offOut, int nbytes, int spliceFlags) {
        rw(Opcode.SPLICE, fdOut, 0, nbytes, offOut).opFlags(spliceFlags).spliceFdIn(fdIn);
        sqes.set(JAVA_LONG, base + IoUringSqe.SPLICE_OFF_IN, offIn);
        return this;
    }

    public Sqe prepTee(int fdIn, int fdOut, int nbytes, int spliceFlags) {
        return rw(Opcode.TEE, fdOut, 0, nbytes, 0).opFlags(spliceFlags).spliceFdIn(fdIn);
    }

    /** PIPE (6.16+): the two new fds are written to {@code fds} (two ints). */
    public Sqe prepPipe(MemorySegment fds, int pipeFlags) {
        if (fds.byteSize() < 8) throw refused("pipe fds buffer needs 8 bytes, has " + fds.byteSize());
        return rw(Opcode.PIPE, 0, nativeAddr(fds, "pipe fds"), 0, 0).opFlags(pipeFlags);
    }

    // ------------------------------------------------------------------ timeouts, cancel, poll

    /**
     * TIMEOUT: completes with -ETIME when {@code ts} elapses, or with 0 after {@code count}
     * other completions ({@code count} = 0: time only). {@code flags}: {@link TimeoutFlags}.
     */
    public Sqe prepTimeout(MemorySegment ts, int count, int flags) {
        return rw(Opcode.TIMEOUT, -1, nativeAddr(ts, "timespec"), 1, count).opFlags(flags);
    }

    public Sqe prepTimeoutRemove(long userData, int flags) {
        return rw(Opcode.TIMEOUT_REMOVE, -1, userData, 0, 0).opFlags(flags);
    }

    /** Re-arms the timeout identified by {@code userData} with {@code ts} (TIMEOUT_REMOVE + UPDATE). */
    public Sqe prepTimeoutUpdate(MemorySegment ts, long userData, int flags) {
        return rw(Opcode.TIMEOUT_REMOVE, -1, userData, 0, nativeAddr(ts, "timespec")).opFlags(flags | TimeoutFlags.UPDATE);
    }

    /** LINK_TIMEOUT: bounds the previous linked SQE, which is cancelled (-ECANCELED) when {@code ts} elapses. */
    public Sqe prepLinkTimeout(MemorySegment ts, int flags) {
        return rw(Opcode.LINK_TIMEOUT, -1, nativeAddr(ts, "timespec"), 1, 0).opFlags(flags);
    }

    /** ASYNC_CANCEL of the request with {@code userData}; {@code flags}: {@link CancelFlags} (ALL, ANY ...). */
    public Sqe prepCancel(long userData, int flags) {
        return rw(Opcode.ASYNC_CANCEL, -1, userData, 0, 0).opFlags(flags);
    }

    /** ASYNC_CANCEL of requests on {@code fd} (IORING_ASYNC_CANCEL_FD is added). */
    public Sqe prepCancelFd(int fd, int flags) {
        return rw(Opcode.ASYNC_CANCEL, fd, 0, 0, 0).opFlags(flags | CancelFlags.FD);
    }

    /**
     * ASYNC_CANCEL of requests with opcode {@code op} (IORING_ASYNC_CANCEL_OP, 6.6+; the kernel
     * reads the opcode from {@code len}). Combine with {@link CancelFlags#ALL} for every match,
     * {@link CancelFlags#USERDATA} to also match {@code userData}, or {@link CancelFlags#FD} via
     * {@link #fd(int)}; the kernel refuses OP together with ANY (EINVAL).
     */
    public Sqe prepCancelOp(Opcode op, long userData, int flags) {
        return rw(Opcode.ASYNC_CANCEL, -1, userData, op.code(), 0).opFlags(flags | CancelFlags.OP);
    }

    public Sqe prepPollAdd(int fd, int pollMask) {
        return rw(Opcode.POLL_ADD, fd, 0, 0, 0).opFlags(pollMask);
    }

    /** POLL_ADD that stays armed (each event a CQE with F_MORE). */
    public Sqe prepPollMultishot(int fd, int pollMask) {
        return prepPollAdd(fd, pollMask).len(PollFlags.ADD_MULTI);
    }

    public Sqe prepPollRemove(long userData) {
        return rw(Opcode.POLL_REMOVE, -1, userData, 0, 0);
    }

    public Sqe prepPollUpdate(long oldUserData, long newUserData, int pollMask, int flags) {
        return rw(Opcode.POLL_REMOVE, -1, oldUserData, flags, newUserData).opFlags(pollMask);
    }

    public static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
    /**
     * {@code sizeof(struct epoll_event)}: events u32 + data u64, packed on x86_64 (12 bytes) but
     * naturally aligned elsewhere (16 bytes, data at 8).
     */
    public static final int EPOLL_EVENT_SIZE = System.getProperty("os.arch").matches("amd64|x86_64") ? 12 : 16;

    /** EPOLL_CTL: {@code op} on {@code fd} in epoll instance {@code epfd}; {@code event} is an epoll_event (or NULL for DEL). */
    public Sqe prepEpollCtl(int epfd, int fd, int op, MemorySegment event) {
        return rw(Opcode.EPOLL_CTL, epfd, nativeAddrOrNull(event, "epoll_event"), op, fd);
    }

    /** EPOLL_WAIT (6.15+): up to {@code maxEvents} epoll_events ({@link #EPOLL_EVENT_SIZE} each) into {@code events}. */
    public Sqe prepEpollWait(int epfd, MemorySegment events, int maxEvents, int flags) {
        if (maxEvents < 1 || events.byteSize() < (long) EPOLL_EVENT_SIZE * maxEvents)
            throw refused("epoll events buffer of " + events.byteSize() + " bytes cannot hold maxEvents="
                    + maxEvents + " (" + EPOLL_EVENT_SIZE + " bytes each)");
        return rw(Opcode.EPOLL_WAIT, epfd, nativeAddr(events, "epoll events"), maxEvents, 0).opFlags(flags);
    }

    // ------------------------------------------------------------------ sockets

    public Sqe prepSocket(int domain, int type, int protocol, int flags) {
        return rw(Opcode.SOCKET, domain, 0, protocol, type).opFlags(flags);
    }

    public Sqe prepSocketDirect(int domain, int type, int protocol, int slot) {
        return prepSocket(domain, type, protocol, 0).fileIndex(slot);
    }

    public Sqe prepBind(int fd, MemorySegment sockaddr) {
        return rw(Opcode.BIND, fd, nativeAddr(sockaddr, "sockaddr"), 0, sockaddr.byteSize());
    }

    public Sqe prepListen(int fd, int backlog) { return rw(Opcode.LISTEN, fd, 0, backlog, 0); }

    /** ACCEPT; {@code addr}/{@code addrLen} may be {@link MemorySegment#NULL}. */
    public Sqe prepAccept(int fd, MemorySegment addr, MemorySegment addrLen, int flags) {
        return rw(Opcode.ACCEPT, fd, nativeAddrOrNull(addr, "accept sockaddr"), 0, nativeAddrOrNull(addrLen, "accept addrlen"))
                .opFlags(flags);
    }

    public Sqe prepAcceptDirect(int fd, MemorySegment addr, MemorySegment addrLen, int flags, int slot) {
        return prepAccept(fd, addr, addrLen, flags).fileIndex(slot);
    }

    public Sqe prepMultishotAccept(int fd, MemorySegment addr, MemorySegment addrLen, int flags) {
        return prepAccept(fd, addr, addrLen, flags).ioprio(IoprioFlags.ACCEPT_MULTISHOT);
    }

    public Sqe prepConnect(int fd, MemorySegment sockaddr) {
        return rw(Opcode.CONNECT, fd, nativeAddr(sockaddr, "sockaddr"), 0, sockaddr.byteSize());
    }

    public Sqe prepSend(int fd, MemorySegment buf, int msgFlags) {
        return rw(Opcode.SEND, fd, nativeAddr(buf, "send buffer"), checkedLen(buf.byteSize(), "send"), 0).opFlags(msgFlags);
    }

    /** SEND to {@code sockaddr} (sendto(2); for unconnected datagram sockets): addr2 + addr_len (6.10+). */
    public Sqe prepSendto(int fd, MemorySegment buf, int msgFlags, MemorySegment sockaddr) {
        prepSend(fd, buf, msgFlags).off(nativeAddr(sockaddr, "sockaddr"));
        if (sockaddr.byteSize() > 0xFFFF)
            throw refused("sockaddr of " + sockaddr.byteSize() + " bytes exceeds the 16-bit addr_len");
        sqes.set(JAVA_SHORT, base + IoUringSqe.ADDR_LEN, (short) sockaddr.byteSize());
        return this;
    }

    public Sqe prepRecv(int fd, MemorySegment buf, int msgFlags) {
        return rw(Opcode.RECV, fd, nativeAddr(buf, "recv buffer"), checkedLen(buf.byteSize(), "recv"), 0).opFlags(msgFlags);
    }

    /** SENDMSG of a {@code struct msghdr} (see {@link MsgHdr}). */
    public Sqe prepSendmsg(int fd, MemorySegment msghdr, int msgFlags) {
        return rw(Opcode.SENDMSG, fd, nativeAddr(msghdr, "msghdr"), 1, 0).opFlags(msgFlags);
    }

    public Sqe prepRecvmsg(int fd, MemorySegment msghdr, int msgFlags) {
        return rw(Opcode.RECVMSG, fd, nativeAddr(msghdr, "msghdr"), 1, 0).opFlags(msgFlags);
    }

    /**
     * SEND_ZC: zero-copy send. Produces two CQEs: the result (with F_MORE) and, once the kernel
     * no longer references {@code buf}, a notification (F_NOTIF). Keep {@code buf} until the second.
     */
    public Sqe prepSendZc(int fd, MemorySegment buf, int msgFlags, int zcFlags) {
        return rw(Opcode.SEND_ZC, fd, nativeAddr(buf, "send buffer"), checkedLen(buf.byteSize(), "send_zc"), 0)
                .opFlags(msgFlags).ioprio(zcFlags);
    }

    /** SENDMSG_ZC: zero-copy sendmsg; like {@link #prepSendZc} it ends with a notification CQE (F_NOTIF). */
    public Sqe prepSendmsgZc(int fd, MemorySegment msghdr, int msgFlags) {
        return prepSendmsg(fd, msghdr, msgFlags).opcode(Opcode.SENDMSG_ZC);
    }

    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;

    public Sqe prepShutdown(int fd, int how) { return rw(Opcode.SHUTDOWN, fd, 0, how, 0); }

    // ------------------------------------------------------------------ cross-ring, futex, waitid

    /**
     * MSG_RING: posts a CQE with {@code res = len} and {@code user_data = data} on the ring whose
     * fd is {@code ringFd}. {@code flags}: IORING_MSG_RING_* (CQE_SKIP 1, FLAGS_PASS 2).
     */
    public Sqe prepMsgRing(int ringFd, int len, long data, int flags) {
        return rw(Opcode.MSG_RING, ringFd, 0, len, data).opFlags(flags);
    }

    public static final int MSG_RING_CQE_SKIP = 1, MSG_RING_FLAGS_PASS = 2;
    /** msg_ring command in {@code addr}: post a CQE (default) or pass a fixed file. */
    public static final int MSG_DATA = 0, MSG_SEND_FD = 1;

    /** MSG_RING whose target CQE carries {@code cqeFlags} (IORING_MSG_RING_FLAGS_PASS; flags travel in file_index). */
    public Sqe prepMsgRingCqeFlags(int ringFd, int len, long data, int flags, int cqeFlags) {
        return rw(Opcode.MSG_RING, ringFd, 0, len, data).opFlags(flags | MSG_RING_FLAGS_PASS).fileIndexRaw(cqeFlags);
    }

    /**
     * MSG_RING that installs this ring's fixed file {@code sourceSlot} into the target ring's fixed
     * table at {@code targetSlot} (IORING_MSG_SEND_FD; the source must be a registered slot: the kernel
     * looks it up in the sender's table, addr3 = source slot). The target gets a CQE with
     * {@code user_data = data} unless {@link #MSG_RING_CQE_SKIP}.
     */
    public Sqe prepMsgRingFd(int ringFd, int sourceSlot, int targetSlot, long data, int flags) {
        rw(Opcode.MSG_RING, ringFd, MSG_SEND_FD, 0, data).opFlags(flags).addr3(sourceSlot);
        return fileIndex(targetSlot);
    }

    public static final int FUTEX2_SIZE_U8 = 0, FUTEX2_SIZE_U16 = 1, FUTEX2_SIZE_U32 = 2, FUTEX2_SIZE_U64 = 3,
            FUTEX2_PRIVATE = 128;
    public static final long FUTEX_BITSET_MATCH_ANY = 0xffffffffL;

    /** FUTEX_WAIT on the 32-bit word at {@code futex} while it equals {@code val}. */
    public Sqe prepFutexWait(MemorySegment futex, long val, long mask, int futexFlags) {
        return rw(Opcode.FUTEX_WAIT, futexFlags, nativeAddr(futex, "futex word"), 0, val).addr3(mask);
    }

    /** FUTEX_WAKE of up to {@code nr} waiters on {@code futex}. */
    public Sqe prepFutexWake(MemorySegment futex, long nr, long mask, int futexFlags) {
        return rw(Opcode.FUTEX_WAKE, futexFlags, nativeAddr(futex, "futex word"), 0, nr).addr3(mask);
    }

    /** Size of {@code struct futex_waitv}: val u64, uaddr u64, flags u32, __reserved u32. */
    public static final long FUTEX_WAITV_SIZE = 24;

    /**
     * FUTEX_WAITV on {@code nr} futexes described by {@code waitv} (struct futex_waitv[nr]); the
     * result is the index of the futex that woke. At most 128 entries (FUTEX_WAITV_MAX).
     */
    public Sqe prepFutexWaitv(MemorySegment waitv, int nr) {
        if (nr < 1 || nr > 128 || waitv.byteSize() < FUTEX_WAITV_SIZE * nr)
            throw refused("futex_waitv nr=" + nr + " must be in 1..128 and fit the "
                    + waitv.byteSize() + "-byte array (24 bytes each)");
        return rw(Opcode.FUTEX_WAITV, 0, nativeAddr(waitv, "futex_waitv array"), nr, 0);
    }

    public static final int P_ALL = 0, P_PID = 1, WEXITED = 4;

    /** WAITID for a child ({@code idtype} P_PID/P_ALL); {@code infop} receives a siginfo_t (128 bytes) or NULL. */
    public Sqe prepWaitid(int idtype, int id, MemorySegment infop, int options) {
        rw(Opcode.WAITID, id, 0, idtype, nativeAddrOrNull(infop, "siginfo"));
        return fileIndexRaw(options);
    }

    // xattr: name and path are NUL-terminated strings; value is a byte buffer of len bytes.

    public static final int XATTR_CREATE = 1, XATTR_REPLACE = 2;

    public Sqe prepFsetxattr(int fd, MemorySegment name, MemorySegment value, int flags) {
        return rw(Opcode.FSETXATTR, fd, nativeAddr(name, "xattr name"), checkedLen(value.byteSize(), "xattr value"),
                nativeAddr(value, "xattr value")).opFlags(flags);
    }

    /** FGETXATTR into {@code value}; the result is the value's length (ERANGE if it does not fit). */
    public Sqe prepFgetxattr(int fd, MemorySegment name, MemorySegment value) {
        return rw(Opcode.FGETXATTR, fd, nativeAddr(name, "xattr name"), checkedLen(value.byteSize(), "xattr value"),
                nativeAddr(value, "xattr value"));
    }

    public Sqe prepSetxattr(MemorySegment path, MemorySegment name, MemorySegment value, int flags) {
        return rw(Opcode.SETXATTR, 0, nativeAddr(name, "xattr name"), checkedLen(value.byteSize(), "xattr value"),
                nativeAddr(value, "xattr value")).opFlags(flags).addr3(nativeAddr(path, "path"));
    }

    public Sqe prepGetxattr(MemorySegment path, MemorySegment name, MemorySegment value) {
        return rw(Opcode.GETXATTR, 0, nativeAddr(name, "xattr name"), checkedLen(value.byteSize(), "xattr value"),
                nativeAddr(value, "xattr value")).addr3(nativeAddr(path, "path"));
    }

    // ------------------------------------------------------------------ fixed buffers and files
    // (registered buffers/files preps live here)
    // The table-aware preps check index and range against the FixedBuffers table before the kernel
    // would (it answers EFAULT in the CQE), allocate nothing unless they throw, and count the I/O in
    // flight on the table: call FixedBuffers.ioCompleted() when reaping its CQE.

    /** IORING_FILE_INDEX_ALLOC for {@link #fileIndexRaw}: the kernel picks a free slot and returns it as the result. */
    public static final int FILE_INDEX_ALLOC = -1;
    /** FIXED_FD_INSTALL flag (IORING_FIXED_FD_NO_CLOEXEC): the installed fd is not close-on-exec. */
    public static final int FIXED_FD_NO_CLOEXEC = 1;

    /**
     * READ_FIXED: {@code len} bytes at file {@code offset} into registered buffer {@code bufIndex}
     * of {@code bufs}, starting {@code bufOffset} bytes into that buffer.
     */
    public Sqe prepReadFixed(int fd, FixedBuffers bufs, int bufIndex, long bufOffset, int len, long offset) {
        return fixedRw(Opcode.READ_FIXED, fd, bufs.address(bufIndex, bufOffset, len), len, offset, bufs, bufIndex);
    }

    /** READ_FIXED into {@code buf}, which must lie inside registered buffer {@code bufIndex} (e.g. a slice of it). */
    public Sqe prepReadFixed(int fd, MemorySegment buf, long offset, FixedBuffers bufs, int bufIndex) {
        return fixedRw(Opcode.READ_FIXED, fd, bufs.address(bufIndex, buf), (int) buf.byteSize(), offset, bufs, bufIndex);
    }

    /** WRITE_FIXED: {@code len} bytes from registered buffer {@code bufIndex} at {@code bufOffset} to file {@code offset}. */
    public Sqe prepWriteFixed(int fd, FixedBuffers bufs, int bufIndex, long bufOffset, int len, long offset) {
        return fixedRw(Opcode.WRITE_FIXED, fd, bufs.address(bufIndex, bufOffset, len), len, offset, bufs, bufIndex);
    }

    /** WRITE_FIXED of {@code buf}, which must lie inside registered buffer {@code bufIndex}. */
    public Sqe prepWriteFixed(int fd, MemorySegment buf, long offset, FixedBuffers bufs, int bufIndex) {
        return fixedRw(Opcode.WRITE_FIXED, fd, bufs.address(bufIndex, buf), (int) buf.byteSize(), offset, bufs, bufIndex);
    }

    /**
     * READV_FIXED (6.15+): {@code nr} iovecs, each inside registered buffer {@code bufIndex};
     * {@code rwFlags} are RWF_* flags. Every iovec is checked (non-empty, inside the buffer) and the
     * total against MAX_RW_COUNT.
     */
    public Sqe prepReadvFixed(int fd, MemorySegment iovecs, int nr, long offset, int rwFlags, FixedBuffers bufs, int bufIndex) {
        return fixedRw(Opcode.READV_FIXED, fd, fixedIovecs(iovecs, nr, bufs, bufIndex), nr, offset, bufs, bufIndex)
                .opFlags(rwFlags);
    }

    /** WRITEV_FIXED (6.15+); see {@link #prepReadvFixed}. */
    public Sqe prepWritevFixed(int fd, MemorySegment iovecs, int nr, long offset, int rwFlags, FixedBuffers bufs, int bufIndex) {
        return fixedRw(Opcode.WRITEV_FIXED, fd, fixedIovecs(iovecs, nr, bufs, bufIndex), nr, offset, bufs, bufIndex)
                .opFlags(rwFlags);
    }

    /** The fields every table-aware fixed read/write sets, once {@code addr} passed the table's checks; counts the I/O. */
    private Sqe fixedRw(Opcode op, int fd, long addr, int len, long offset, FixedBuffers bufs, int bufIndex) {
        rw(op, fd, addr, len, offset).bufIndex(bufIndex);
        bufs.ioStarted();
        return this;
    }

    private static long fixedIovecs(MemorySegment iovecs, int nr, FixedBuffers bufs, int bufIndex) {
        long addr = addressOf(iovecs, "iovec array");
        checkIovecs(iovecs, nr);
        if (nr < 1) throw new IllegalArgumentException("nr=0 iovecs: a vectored fixed I/O needs at least one");
        long total = 0;
        for (int i = 0; i < nr; i++) {
            long base = iovecs.get(JAVA_LONG, 16L * i), len = iovecs.get(JAVA_LONG, 16L * i + 8);
            if (len == 0) throw emptyIovec(i);
            bufs.checkRange(bufIndex, base, len);
            total += len;
        }
        if (total > FixedBuffers.MAX_RW_COUNT) throw vectorTooLong(total);
        return addr;
    }

    private static IllegalArgumentException emptyIovec(int i) {
        return new IllegalArgumentException("iovec " + i + " has length 0: vectored fixed I/O refuses empty iovecs (EFAULT)");
    }

    private static IllegalArgumentException vectorTooLong(long total) {
        return new IllegalArgumentException("iovecs total " + total + " bytes > MAX_RW_COUNT=" + FixedBuffers.MAX_RW_COUNT
                + " (the kernel answers EINVAL)");
    }

    /**
     * SEND_ZC from registered buffer {@code bufIndex} (IORING_RECVSEND_FIXED_BUF): zero-copy without
     * pinning per send. Two CQEs as for {@link #prepSendZc}; count the I/O complete at the notification.
     * Plain SEND and RECV take no fixed buffer on 6.18 (EINVAL in the CQE), so there is no prep for them.
     */
    public Sqe prepSendZcFixed(int sockfd, FixedBuffers bufs, int bufIndex, long bufOffset, int len, int msgFlags, int zcFlags) {
        long addr = bufs.address(bufIndex, bufOffset, len);
        rw(Opcode.SEND_ZC, sockfd, addr, len, 0).opFlags(msgFlags)
                .ioprio(zcFlags | IoprioFlags.RECVSEND_FIXED_BUF).bufIndex(bufIndex);
        bufs.ioStarted();
        return this;
    }

    /**
     * Marks the entry's fd as slot {@code slot} of {@code files} (IOSQE_FIXED_FILE), after checking
     * the slot. A refused slot turns the entry into a NOP, so the already-prepared operation (say,
     * a read of fd 0) cannot be submitted by accident.
     */
    public Sqe fixedFile(RegisteredFiles files, int slot) {
        try {
            fd(files.checkSlot(slot));
        } catch (RuntimeException e) {
            reset(base);
            throw e;
        }
        return addFlags(SqeFlags.FIXED_FILE);
    }

    /** Direct descriptor target slot {@code slot} of {@code files} (openat/accept/socket); refused slots as in {@link #fixedFile}. */
    public Sqe fileIndex(RegisteredFiles files, int slot) {
        try {
            return fileIndex(files.checkSlot(slot));
        } catch (RuntimeException e) {
            reset(base);
            throw e;
        }
    }

    /** Direct descriptor into any free slot of the allocation range; the CQE's result is the slot. */
    public Sqe fileIndexAlloc() { return fileIndexRaw(FILE_INDEX_ALLOC); }

    /**
     * FIXED_FD_INSTALL: makes a normal fd (the CQE's result) for the file in direct-descriptor
     * {@code slot}; {@code installFlags} 0 (O_CLOEXEC) or {@link #FIXED_FD_NO_CLOEXEC}.
     */
    public Sqe prepFixedFdInstall(int slot, int installFlags) {
        if ((installFlags & ~FIXED_FD_NO_CLOEXEC) != 0)
            throw new IllegalArgumentException("install flags 0x" + Integer.toHexString(installFlags)
                    + ": only FIXED_FD_NO_CLOEXEC (1) is defined (the kernel answers EINVAL)");
        return rw(Opcode.FIXED_FD_INSTALL, slot, 0, 0, 0).flags(SqeFlags.FIXED_FILE).opFlags(installFlags);
    }

    /** {@link #prepFixedFdInstall(int, int)} with the slot checked against {@code files}. */
    public Sqe prepFixedFdInstall(RegisteredFiles files, int slot, int installFlags) {
        return prepFixedFdInstall(files.checkSlot(slot), installFlags);
    }

    /**
     * FILES_UPDATE (the SQE form of FILES_UPDATE2): sets {@code nr} slots from {@code offset} to the
     * fds in {@code fds} (int32 each; -1 empties). With {@code offset = FILE_INDEX_ALLOC} the kernel
     * allocates slots and writes each chosen slot back over its fd. Result: slots updated.
     */
    public Sqe prepFilesUpdate(MemorySegment fds, int nr, int offset) {
        if (nr < 1) throw new IllegalArgumentException("nr=" + nr + ": FILES_UPDATE needs at least one fd (EINVAL)");
        if (fds.byteSize() < 4L * nr)
            throw new IllegalArgumentException("fd array of " + fds.byteSize() + " bytes holds fewer than nr=" + nr + " fds");
        return rw(Opcode.FILES_UPDATE, -1, addressOf(fds, "fd array"), nr, offset);
    }

    /** CLOSE of direct-descriptor {@code slot} (IOSQE_FIXED_FILE with CLOSE is EBADF: the slot goes in file_index). */
    public Sqe prepCloseDirect(int slot) {
        return rw(Opcode.CLOSE, 0, 0, 0, 0).fileIndex(slot);
    }

    // ------------------------------------------------------------------ provided buffers, multishot, uring_cmd
    // (buffer-select, multishot and uring_cmd preps live here)
    //
    // uring_cmd: the preps check the kernel's flag rules (UringCmdFlags) and build MULTISHOT only for a
    // MultishotCmdTarget. The raw setters (opFlags, flags, raw()) bypass every check; they exist to show
    // the kernel's own answers in tests. Never use them to build a MULTISHOT uring_cmd: sent to a driver
    // without multishot support (any socket or in-tree file on 6.18) it never completes.
    //
    // A provided buffer is picked by the kernel when the data arrives; the CQE names it (F_BUFFER,
    // bid = flags >>> 16). io.uring4j.register.BufferRing owns such buffers and hands them back.
    // A multishot request stays armed while its CQEs carry F_MORE; the first CQE without F_MORE
    // ends it (-ENOBUFS when the group ran dry, 0 at EOF, -ECANCELED): re-arm with a fresh SQE
    // (io.uring4j.ring.Multishot does the bookkeeping).

    /** The largest buffer group id (u16). */
    public static final int MAX_BUFFER_GROUP = 0xffff;
    private static final int MSG_WAITALL = 0x100;

    private int opcodeValue() { return sqes.get(JAVA_BYTE, base + IoUringSqe.OPCODE) & 0xff; }

    static void checkGroup(int bgid) {
        if (bgid < 0 || bgid > MAX_BUFFER_GROUP)
            throw new IllegalArgumentException("buffer group=" + bgid + " must be in 0.." + MAX_BUFFER_GROUP);
    }

    /**
     * IOSQE_BUFFER_SELECT from buffer group {@code bgid}: the kernel picks the buffer when data is
     * ready. On a URING_CMD entry this is accepted only together with MULTISHOT (the kernel's rule).
     */
    public Sqe bufferSelect(int bgid) {
        checkGroup(bgid);
        int f = flagsValue() | SqeFlags.BUFFER_SELECT;
        if (opcodeValue() == (Opcode.URING_CMD.code() & 0xff)) {
            UringCmdFlags.check(opFlagsValue(), f); // without MULTISHOT: the kernel's "requires MULTISHOT"
            // with MULTISHOT (only reachable through the raw opFlags setter): never completed here
            throw new IllegalArgumentException("a multishot uring_cmd takes its buffer group from "
                    + "prepUringCmdMultishot(MultishotCmdTarget, cmdOp, bgid), the only way to build one");
        }
        flags(f);
        return bufGroup(bgid);
    }

    /** RECV into a buffer the kernel picks from group {@code bgid}; {@code maxLen} 0 = the whole buffer. */
    public Sqe prepRecvSelect(int fd, int bgid, int maxLen, int msgFlags) {
        checkGroup(bgid);
        if (maxLen < 0) throw new IllegalArgumentException("maxLen=" + maxLen + " must be >= 0 (0: the buffer's size)");
        return rw(Opcode.RECV, fd, 0, maxLen, 0).opFlags(msgFlags).bufferSelect(bgid);
    }

    /**
     * Multishot RECV (5.19+): one SQE, one CQE per received chunk, each in a buffer from group
     * {@code bgid}, with F_MORE while the request stays armed.
     */
    public Sqe prepRecvMultishot(int fd, int bgid, int msgFlags) {
        checkGroup(bgid);
        if ((msgFlags & MSG_WAITALL) != 0)
            throw new IllegalArgumentException("MSG_WAITALL cannot be used with multishot recv (the kernel answers EINVAL)");
        return rw(Opcode.RECV, fd, 0, 0, 0).opFlags(msgFlags).ioprio(IoprioFlags.RECV_MULTISHOT).bufferSelect(bgid);
    }

    /**
     * RECV bundle (6.10+, FEAT_RECVSEND_BUNDLE): one CQE may fill several consecutive buffers of a
     * buffer ring; {@code res} is the total, the CQE names the first buffer.
     */
    public Sqe prepRecvBundle(int fd, int bgid, int msgFlags) {
        return prepRecvSelect(fd, bgid, 0, msgFlags).ioprio(IoprioFlags.RECVSEND_BUNDLE);
    }

    /** Multishot RECV whose CQEs may each carry a bundle of buffers (see {@link #prepRecvBundle}). */
    public Sqe prepRecvMultishotBundle(int fd, int bgid, int msgFlags) {
        return prepRecvMultishot(fd, bgid, msgFlags).ioprio(IoprioFlags.RECV_MULTISHOT | IoprioFlags.RECVSEND_BUNDLE);
    }

    /** READ into a buffer the kernel picks from group {@code bgid}; {@code maxLen} 0 = the whole buffer. */
    public Sqe prepReadSelect(int fd, int bgid, int maxLen, long offset) {
        checkGroup(bgid);
        if (maxLen < 0) throw new IllegalArgumentException("maxLen=" + maxLen + " must be >= 0 (0: the buffer's size)");
        return rw(Opcode.READ, fd, 0, maxLen, offset).bufferSelect(bgid);
    }

    /**
     * READ_MULTISHOT (6.7+): keeps reading a pollable file (pipe, socket, eventfd...) into buffers
     * of ring-mapped group {@code bgid}, one CQE per read; {@code nbytes} 0 = each buffer's size.
     */
    public Sqe prepReadMultishot(int fd, int nbytes, long offset, int bgid) {
        checkGroup(bgid);
        if (nbytes < 0) throw new IllegalArgumentException("nbytes=" + nbytes + " must be >= 0 (0: the buffer's size)");
        return rw(Opcode.READ_MULTISHOT, fd, 0, nbytes, offset).bufferSelect(bgid);
    }

    /**
     * Multishot ACCEPT into direct descriptors: each connection is installed in a free slot of the
     * registered file table (IORING_FILE_INDEX_ALLOC) and the CQE's {@code res} is the slot.
     */
    public Sqe prepMultishotAcceptDirect(int fd, MemorySegment addr, MemorySegment addrLen, int flags) {
        if ((flags & 0x80000 /* SOCK_CLOEXEC */) != 0)
            throw new IllegalArgumentException("SOCK_CLOEXEC has no meaning for a direct descriptor (the kernel answers EINVAL)");
        return prepMultishotAccept(fd, addr, addrLen, flags).fileIndexRaw(-1 /* IORING_FILE_INDEX_ALLOC */);
    }

    /**
     * PROVIDE_BUFFERS (legacy, 5.7+): gives the kernel {@code nr} buffers of {@code bufLen} bytes laid
     * out back to back in {@code bufs}, with ids {@code startBid ..} in group {@code bgid}. The CQE's
     * res is 0 or -errno. Buffer rings ({@code io.uring4j.register.BufferRing}) are the faster way.
     */
    public Sqe prepProvideBuffers(MemorySegment bufs, int bufLen, int nr, int bgid, int startBid) {
        checkGroup(bgid);
        if (nr < 1 || nr > 65536) throw new IllegalArgumentException("nr=" + nr + " buffers must be in 1..65536");
        if (bufLen < 1) throw new IllegalArgumentException("bufLen=" + bufLen + " must be >= 1");
        if (startBid < 0 || startBid + nr > 65536)
            throw new IllegalArgumentException("buffer ids " + startBid + ".." + (startBid + nr - 1) + " exceed the 16-bit id space");
        if (bufs.byteSize() < (long) bufLen * nr)
            throw new IllegalArgumentException("buffer area of " + bufs.byteSize() + " bytes holds fewer than nr=" + nr
                    + " buffers of " + bufLen + " bytes");
        return rw(Opcode.PROVIDE_BUFFERS, nr, addressOf(bufs, "provided buffers"), bufLen, startBid).bufGroup(bgid);
    }

    /** REMOVE_BUFFERS: takes back up to {@code nr} unused legacy buffers of group {@code bgid}; res = how many. */
    public Sqe prepRemoveBuffers(int nr, int bgid) {
        checkGroup(bgid);
        if (nr < 1 || nr > 65536) throw new IllegalArgumentException("nr=" + nr + " buffers must be in 1..65536");
        return rw(Opcode.REMOVE_BUFFERS, nr, 0, 0, 0).bufGroup(bgid);
    }

    /**
     * URING_CMD: driver command {@code cmdOp} on {@code fd}, no flags. Command-specific arguments go in
     * the usual SQE fields or the command area ({@link #cmdArea()}: 16 bytes, 80 with SQE128); the
     * result is {@code res}, plus {@code big_cqe} on CQE32 rings. Typed commands: {@code io.uring4j.cmd}.
     */
    public Sqe prepUringCmd(int fd, int cmdOp) {
        opcode(Opcode.URING_CMD).fd(fd);
        sqes.set(JAVA_INT, base + IoUringSqe.CMD_OP, cmdOp);
        sqes.set(JAVA_INT, base + IoUringSqe.PAD1, 0); // the kernel refuses a non-zero __pad1
        return this;
    }

    /**
     * URING_CMD with {@code uring_cmd_flags} checked by {@link UringCmdFlags#check} first. MULTISHOT is
     * refused here: it exists only through {@link #prepUringCmdMultishot}.
     */
    public Sqe prepUringCmd(int fd, int cmdOp, int uringCmdFlags) {
        if ((uringCmdFlags & UringCmdFlags.MULTISHOT) != 0) throw multishotOnlyViaTarget();
        UringCmdFlags.check(uringCmdFlags, 0);
        return prepUringCmd(fd, cmdOp).opFlags(uringCmdFlags);
    }

    /** URING_CMD with IORING_URING_CMD_FIXED: the command's data is registered buffer {@code bufIndex}. */
    public Sqe prepUringCmdFixed(int fd, int cmdOp, int bufIndex) {
        if (bufIndex < 0 || bufIndex > 0xffff) throw new IllegalArgumentException("bufIndex=" + bufIndex + " must be in 0..65535");
        return prepUringCmd(fd, cmdOp).opFlags(UringCmdFlags.FIXED).bufIndex(bufIndex);
    }

    /**
     * As {@link #prepUringCmdFixed(int, int, int)}, with {@code bufIndex} checked against the
     * {@link io.uring4j.register.FixedBuffers} table (a registered, non-empty slot) and counted in flight
     * there: call {@code bufs.ioCompleted()} when reaping the CQE.
     */
    public Sqe prepUringCmdFixed(int fd, int cmdOp, io.uring4j.register.FixedBuffers bufs, int bufIndex) {
        bufs.address(bufIndex, 0, 0); // throws, naming the index and the table, unless the slot is registered
        prepUringCmdFixed(fd, cmdOp, bufIndex);
        bufs.ioStarted();
        return this;
    }

    /**
     * URING_CMD with IORING_URING_CMD_MULTISHOT (6.18): stays armed, one CQE per buffer it fills from
     * group {@code bgid}. Only for a {@link MultishotCmdTarget}, whose fd is re-checked here: sent to a
     * driver that does not implement it, the command never completes and wedges a kernel worker.
     */
    public Sqe prepUringCmdMultishot(MultishotCmdTarget target, int cmdOp, int bgid) {
        if (target == null) throw new IllegalArgumentException("a multishot uring_cmd needs a MultishotCmdTarget opt-in");
        checkGroup(bgid);
        target.verify();
        prepUringCmd(target.fd(), cmdOp).opFlags(UringCmdFlags.MULTISHOT);
        flags(flagsValue() | SqeFlags.BUFFER_SELECT);
        return bufGroup(bgid);
    }

    /**
     * Replaces the {@code uring_cmd_flags} of a prepared URING_CMD entry, checked against the entry's
     * IOSQE flags (see {@link UringCmdFlags#check}); MULTISHOT cannot be added here.
     */
    public Sqe uringCmdFlags(int uringCmdFlags) {
        if (opcodeValue() != (Opcode.URING_CMD.code() & 0xff))
            throw new IllegalStateException("uring_cmd_flags apply to a URING_CMD entry; this one has opcode "
                    + Opcode.of(opcodeValue()));
        if ((uringCmdFlags & UringCmdFlags.MULTISHOT) != 0 && (opFlagsValue() & UringCmdFlags.MULTISHOT) == 0)
            throw multishotOnlyViaTarget();
        UringCmdFlags.check(uringCmdFlags, flagsValue());
        return opFlags(uringCmdFlags);
    }

    private static IllegalArgumentException multishotOnlyViaTarget() {
        return new IllegalArgumentException("uring_cmd MULTISHOT is available only through prepUringCmdMultishot("
                + "MultishotCmdTarget, ...): sent to a driver that does not implement it (any socket or in-tree file on "
                + "6.18) the command never completes and leaves a kernel worker stuck until reboot");
    }

    /** Bytes of the uring_cmd command area: 16, or 80 on an SQE128 ring. */
    public int cmdAreaSize() { return big ? 80 : 16; }

    /** The command area ({@code sqe->cmd}, from byte 48) as a segment; allocates a slice, for setup paths. */
    public MemorySegment cmdArea() { return sqes.asSlice(base + IoUringSqe.CMD, cmdAreaSize()); }

    /** Writes {@code v} at byte {@code offset} of the command area (bounds-checked, no allocation). */
    public Sqe cmdLong(int offset, long v) {
        checkCmd(offset, 8);
        sqes.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, base + IoUringSqe.CMD + offset, v);
        return this;
    }

    public Sqe cmdInt(int offset, int v) {
        checkCmd(offset, 4);
        sqes.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, base + IoUringSqe.CMD + offset, v);
        return this;
    }

    private void checkCmd(int offset, int size) {
        if (offset < 0 || offset + size > cmdAreaSize())
            throw new IndexOutOfBoundsException("command area offset=" + offset + " size=" + size + " exceeds its "
                    + cmdAreaSize() + " bytes" + (big ? "" : " (80 with an SQE128 ring)"));
    }
}
