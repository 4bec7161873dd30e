package io.uring4j.loop;

import io.uring4j.register.FixedBuffers;
import io.uring4j.ring.Iovecs;
import io.uring4j.ring.SockAddr;
import io.uring4j.ring.SqeFlags;
import io.uring4j.ring.Sqe;
import io.uring4j.ring.Statx;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One I/O operation of the futures or the blocking API. Built and validated on the caller's
 * thread (bad arguments throw there, before anything reaches the loop); prepared and completed on
 * the loop thread. A future op completes its {@link java.util.concurrent.CompletableFuture}; a
 * blocking op ({@link #waiter} set) stores the result and unparks its thread.
 */
final class IoOp<T> extends Op<T> {
    enum Kind { NOP, READ, WRITE, READV, WRITEV, READ_FIXED, WRITE_FIXED, FSYNC, OPENAT, CLOSE, STATX, SOCKET,
        ACCEPT, CONNECT, SEND, RECV, SHUTDOWN, TIMEOUT, CANCEL_FD }

    final Kind kind;
    private int fd;
    /** The data buffer, path, iovec array or sockaddr the SQE points at. */
    private MemorySegment buf;
    /** A second segment the kernel writes (statx result). */
    private MemorySegment buf2;
    /** Keeps the segments an iovec array points at reachable; or the path for messages. */
    private Object keep;
    private long off;
    private int arg, flags;
    private long timeoutNanos;

    // ---- blocking mode
    Thread waiter;
    private volatile boolean done;
    private int result;
    private Throwable failure;

    private IoOp(Kind kind) {
        this.kind = kind;
    }

    // ================================================================= factories (caller thread)

    static <T> IoOp<T> nop() {
        return new IoOp<>(Kind.NOP);
    }

    static IoOp<Integer> read(int fd, MemorySegment buf, long offset) {
        return rw(Kind.READ, fd, checkBuf(buf, "read buffer"), offset);
    }

    static IoOp<Integer> write(int fd, MemorySegment buf, long offset) {
        return rw(Kind.WRITE, fd, checkBuf(buf, "write buffer"), offset);
    }

    /** READ_FIXED into {@code buf}, a part of registered buffer {@code bufIndex} of {@code bufs} (checked here). */
    static IoOp<Integer> readFixed(int fd, MemorySegment buf, long offset, FixedBuffers bufs, int bufIndex) {
        return fixed(Kind.READ_FIXED, fd, buf, offset, bufs, bufIndex);
    }

    static IoOp<Integer> writeFixed(int fd, MemorySegment buf, long offset, FixedBuffers bufs, int bufIndex) {
        return fixed(Kind.WRITE_FIXED, fd, buf, offset, bufs, bufIndex);
    }

    private static IoOp<Integer> fixed(Kind k, int fd, MemorySegment buf, long offset, FixedBuffers bufs, int bufIndex) {
        bufs.address(bufIndex, checkBuf(buf, "fixed buffer")); // index and range, before the kernel's EFAULT
        IoOp<Integer> op = rw(k, fd, buf, offset);
        op.arg = bufIndex;
        op.keep = bufs;
        return op;
    }

    static IoOp<Long> vector(boolean write, int fd, long offset, MemorySegment[] buffers) {
        if (buffers.length == 0 || buffers.length > Iovecs.IOV_MAX)
            throw new IllegalArgumentException("buffers=" + buffers.length + " must be in 1.." + Iovecs.IOV_MAX);
        MemorySegment[] copy = buffers.clone();
        for (int i = 0; i < copy.length; i++) checkBuf(copy[i], "buffer " + i);
        IoOp<Long> op = new IoOp<>(write ? Kind.WRITEV : Kind.READV);
        op.fd = fd;
        op.off = checkOffset(offset);
        op.buf = Iovecs.of(Arena.ofAuto(), copy); // freed by the GC once the op is
        op.arg = copy.length;
        op.keep = copy;
        return op;
    }

    static IoOp<Void> fsync(int fd, boolean dataOnly) {
        IoOp<Void> op = new IoOp<>(Kind.FSYNC);
        op.fd = fd;
        op.flags = dataOnly ? Sqe.FSYNC_DATASYNC : 0;
        return op;
    }

    static IoOp<Integer> openat(String path, int openFlags, int mode) {
        IoOp<Integer> op = new IoOp<>(Kind.OPENAT);
        op.fd = Sys.AT_FDCWD;
        op.buf = Arena.ofAuto().allocateFrom(path);
        op.keep = path;
        op.flags = openFlags | Sys.O_CLOEXEC;
        op.arg = mode;
        return op;
    }

    static IoOp<Void> close(int fd) {
        IoOp<Void> op = new IoOp<>(Kind.CLOSE);
        op.fd = fd;
        return op;
    }

    /** STATX of {@code path}, or of {@code fd} itself when {@code path} is null (AT_EMPTY_PATH). */
    static IoOp<FileStat> statx(int fd, String path, int mask) {
        IoOp<FileStat> op = new IoOp<>(Kind.STATX);
        Arena a = Arena.ofAuto();
        op.fd = path == null ? fd : Sys.AT_FDCWD;
        op.buf = a.allocateFrom(path == null ? "" : path);
        op.buf2 = a.allocate(Statx.SIZE, 8);
        op.flags = path == null ? Statx.AT_EMPTY_PATH : 0;
        op.arg = mask;
        op.keep = path;
        return op;
    }

    static IoOp<Integer> socket(int domain, int type, int protocol) {
        IoOp<Integer> op = new IoOp<>(Kind.SOCKET);
        op.fd = domain;
        op.flags = type | Sys.SOCK_CLOEXEC;
        op.arg = protocol;
        return op;
    }

    static IoOp<Integer> accept(int fd) {
        IoOp<Integer> op = new IoOp<>(Kind.ACCEPT);
        op.fd = fd;
        op.flags = Sys.SOCK_CLOEXEC;
        return op;
    }

    static IoOp<Void> connect(int fd, InetSocketAddress address) {
        if (address.isUnresolved()) throw new IllegalArgumentException("unresolved address " + address);
        IoOp<Void> op = new IoOp<>(Kind.CONNECT);
        op.fd = fd;
        op.buf = SockAddr.of(Arena.ofAuto(), address);
        op.keep = address;
        return op;
    }

    static IoOp<Integer> send(int fd, MemorySegment buf, int msgFlags) {
        return socketIo(Kind.SEND, fd, checkBuf(buf, "send buffer"), msgFlags);
    }

    static IoOp<Integer> recv(int fd, MemorySegment buf, int msgFlags) {
        return socketIo(Kind.RECV, fd, checkBuf(buf, "recv buffer"), msgFlags);
    }

    private static IoOp<Integer> socketIo(Kind k, int fd, MemorySegment buf, int msgFlags) {
        IoOp<Integer> op = new IoOp<>(k);
        op.fd = fd;
        op.buf = buf;
        op.flags = msgFlags;
        return op;
    }

    static IoOp<Void> shutdown(int fd, int how) {
        IoOp<Void> op = new IoOp<>(Kind.SHUTDOWN);
        op.fd = fd;
        op.arg = how;
        return op;
    }

    /** ASYNC_CANCEL of every request on {@code fd}; the number cancelled (ENOENT: none). */
    static IoOp<Integer> cancelFd(int fd) {
        IoOp<Integer> op = new IoOp<>(Kind.CANCEL_FD);
        op.fd = fd;
        return op;
    }

    static IoOp<Void> timeout(Duration d) {
        IoOp<Void> op = new IoOp<>(Kind.TIMEOUT);
        op.timeoutNanos = checkTimeout(d);
        return op;
    }

    /** Bounds this op by a LINK_TIMEOUT: it fails with a timeout if not complete within {@code d}. */
    IoOp<T> within(Duration d) {
        if (kind == Kind.TIMEOUT) throw new IllegalArgumentException("a TIMEOUT takes no linked timeout");
        timeoutNanos = checkTimeout(d);
        return this;
    }

    private static IoOp<Integer> rw(Kind k, int fd, MemorySegment buf, long offset) {
        IoOp<Integer> op = new IoOp<>(k);
        op.fd = fd;
        op.buf = buf;
        op.off = checkOffset(offset);
        return op;
    }

    private static MemorySegment checkBuf(MemorySegment buf, String what) {
        if (!buf.isNative())
            throw new IllegalArgumentException(what + " is a heap segment: the kernel needs native memory that the GC "
                    + "cannot move (allocate it from an Arena)");
        if (buf.byteSize() > Integer.MAX_VALUE)
            throw new IllegalArgumentException(what + " length=" + buf.byteSize() + " exceeds the kernel's limit of "
                    + Integer.MAX_VALUE + " bytes per operation");
        return buf;
    }

    private static long checkOffset(long offset) {
        if (offset < -1) throw new IllegalArgumentException("offset=" + offset + " must be >= 0 (or -1: the file position)");
        return offset;
    }

    private static long checkTimeout(Duration d) {
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("timeout=" + d + " must be > 0");
        return d.toNanos();
    }

    // ================================================================= loop thread

    @Override
    int sqeCount() {
        return timeoutNanos > 0 && kind != Kind.TIMEOUT ? 2 : 1;
    }

    @Override
    void prep(Sqe s, EventLoop l) {
        switch (kind) {
            case NOP -> s.prepNop();
            case READ -> s.prepRead(fd, buf, off);
            case WRITE -> s.prepWrite(fd, buf, off);
            case READV -> s.prepReadv(fd, buf, arg, off);
            case WRITEV -> s.prepWritev(fd, buf, arg, off);
            case READ_FIXED -> s.prepReadFixed(fd, buf, off, (FixedBuffers) keep, arg);
            case WRITE_FIXED -> s.prepWriteFixed(fd, buf, off, (FixedBuffers) keep, arg);
            case FSYNC -> s.prepFsync(fd, flags);
            case OPENAT -> s.prepOpenat(fd, buf, flags, arg);
            case CLOSE -> s.prepClose(fd);
            case STATX -> s.prepStatx(fd, buf, flags, arg, buf2);
            case SOCKET -> s.prepSocket(fd, flags, arg, 0);
            case ACCEPT -> s.prepAccept(fd, MemorySegment.NULL, MemorySegment.NULL, flags);
            case CONNECT -> s.prepConnect(fd, buf);
            case SEND -> s.prepSend(fd, buf, flags);
            case RECV -> s.prepRecv(fd, buf, flags);
            case SHUTDOWN -> s.prepShutdown(fd, arg);
            case TIMEOUT -> s.prepTimeout(l.timespec(timeoutNanos), 0, 0);
            case CANCEL_FD -> s.prepCancelFd(fd, io.uring4j.ring.CancelFlags.ALL);
        }
        if (timeoutNanos > 0 && kind != Kind.TIMEOUT) {
            s.addFlags(SqeFlags.IO_LINK);
            l.linkTimeout(timeoutNanos);
        }
    }

    @Override
    void onCqe(int res, int cqeFlags) {
        if (kind == Kind.READ_FIXED || kind == Kind.WRITE_FIXED) ((FixedBuffers) keep).ioCompleted();
        if (waiter != null) {
            result = res;
            done = true; // volatile store publishes result
            LockSupport.unpark(waiter);
            return;
        }
        if (res >= 0) {
            complete(value(res));
        } else if (kind == Kind.TIMEOUT && res == -Errno.ETIME) {
            complete(null);
        } else if (res == -Errno.ECANCELED && timeoutNanos > 0 && !loop.isClosed()) {
            completeExceptionally(new TimeoutException(describe() + " did not complete within "
                    + Duration.ofNanos(timeoutNanos)));
        } else {
            completeExceptionally(loop.failure(this, res));
        }
    }

    @SuppressWarnings("unchecked")
    private T value(int res) {
        return (T) switch (kind) {
            case FSYNC, CLOSE, CONNECT, SHUTDOWN, TIMEOUT -> null;
            case STATX -> FileStat.of(buf2);
            case READV, WRITEV -> Long.valueOf(res);
            default -> Integer.valueOf(res);
        };
    }

    @Override
    void abort(Throwable cause) {
        if (waiter != null) {
            failure = cause;
            done = true;
            LockSupport.unpark(waiter);
        } else {
            completeExceptionally(cause);
        }
    }

    /** Cancelling the future also cancels the SQE (ASYNC_CANCEL); the buffer stays referenced until its CQE. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean r = super.cancel(mayInterruptIfRunning);
        EventLoop l = loop;
        if (r && l != null) l.requestCancel(this);
        return r;
    }

    // ================================================================= blocking mode (caller thread)

    /**
     * Enqueues on {@code l} and parks until the CQE. A virtual thread unmounts while parked (no
     * carrier pinned); an interrupt cancels the SQE, but the wait continues until the kernel gives
     * the buffer back.
     */
    int await(EventLoop l) throws IOException {
        if (l.inLoop())
            throw new IllegalStateException("blocking " + kind + " on event loop thread '" + l.name()
                    + "' would wait for itself: use AsyncIo from loop callbacks");
        waiter = Thread.currentThread();
        l.enqueue(this);
        boolean interrupted = false, cancelSent = false;
        while (!done) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true;
                if (!cancelSent) {
                    cancelSent = true;
                    l.requestCancel(this);
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure != null) {
            if (failure instanceof IOException e) throw e;
            if (failure instanceof RuntimeException e) throw e;
            throw new IOException(describe() + " failed", failure);
        }
        int r = result;
        if (r >= 0 || (kind == Kind.TIMEOUT && r == -Errno.ETIME)) return Math.max(r, 0);
        if (r == -Errno.ECANCELED && !l.isClosed()) {
            if (interrupted) {
                InterruptedIOException e = new InterruptedIOException(describe() + " interrupted");
                e.initCause(l.failure(this, r));
                throw e;
            }
            if (timeoutNanos > 0) throw new InterruptedByTimeoutException();
        }
        throw l.failure(this, r);
    }

    /** The STATX result of a completed blocking op. */
    FileStat statResult() {
        return FileStat.of(buf2);
    }

    @Override
    String describe() {
        StringBuilder sb = new StringBuilder(kind.name());
        switch (kind) {
            case NOP, TIMEOUT -> {}
            case OPENAT -> sb.append(" path=").append(keep).append(" flags=0x").append(Integer.toHexString(flags));
            case STATX -> sb.append(keep == null ? " fd=" + fd : " path=" + keep);
            case SOCKET -> sb.append(" domain=").append(fd).append(" type=").append(flags & 0xf);
            case CONNECT -> sb.append(" fd=").append(fd).append(" to=").append(keep);
            default -> sb.append(" fd=").append(fd);
        }
        if (buf != null && (kind == Kind.READ || kind == Kind.WRITE || kind == Kind.READ_FIXED || kind == Kind.WRITE_FIXED
                || kind == Kind.SEND || kind == Kind.RECV)) sb.append(" len=").append(buf.byteSize());
        if (kind == Kind.READ || kind == Kind.WRITE || kind == Kind.READV || kind == Kind.WRITEV
                || kind == Kind.READ_FIXED || kind == Kind.WRITE_FIXED) sb.append(" off=").append(off);
        if (timeoutNanos > 0) sb.append(kind == Kind.TIMEOUT ? " " : " within ").append(Duration.ofNanos(timeoutNanos));
        return sb.toString();
    }
}
