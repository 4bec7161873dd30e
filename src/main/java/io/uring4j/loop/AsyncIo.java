package io.uring4j.loop;

import io.uring4j.register.FixedBuffers;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * File and socket I/O as {@link CompletableFuture}s, run by io_uring event loops.
 *
 * <ul>
 *   <li>Results: byte counts, new descriptors, {@link FileStat}; {@code null} for Void.</li>
 *   <li>Failures complete the future exceptionally with {@link io.uring4j.ErrnoException}
 *       naming the errno ({@code ENOENT}, {@code EBADF}, ...) and the operation; an operation
 *       bounded by a timeout that expires fails with {@link java.util.concurrent.TimeoutException}.</li>
 *   <li>{@code cancel(true/false)} on a returned future submits ASYNC_CANCEL for its SQE.</li>
 *   <li>Segments must be native; the loop keeps them referenced until the kernel is done with
 *       them (the CQE), even if the future was cancelled first — do not close their arena
 *       before then.</li>
 *   <li>Futures complete on the loop thread: dependent stages ({@code thenApply} ...) run there
 *       unless an {@code *Async} variant is used, so they must not block.</li>
 *   <li>Offsets: {@code >= 0}, or {@code -1} for the file position.</li>
 *   <li>A closed loop throws {@link java.util.concurrent.RejectedExecutionException}.</li>
 * </ul>
 */
public final class AsyncIo {
    private final EventLoopGroup loops;

    public AsyncIo(EventLoopGroup loops) {
        this.loops = Objects.requireNonNull(loops);
    }

    public static AsyncIo of(EventLoop loop) {
        return new AsyncIo(EventLoopGroup.of(loop));
    }

    /** Over {@link EventLoopGroup#shared()}. */
    public static AsyncIo shared() {
        return new AsyncIo(EventLoopGroup.shared());
    }

    public EventLoopGroup loops() { return loops; }

    private <T> CompletableFuture<T> on(EventLoop l, IoOp<T> op) {
        l.enqueue(op);
        return op;
    }

    private EventLoop forPosition(int fd, long offset) {
        return offset < 0 ? loops.forFd(fd) : loops.next();
    }

    // ---------------------------------------------------------------- files

    public CompletableFuture<Integer> nop() { return on(loops.next(), IoOp.<Integer>nop()); }

    /** Reads up to {@code buf.byteSize()} bytes at {@code offset}; 0 at end of file. */
    public CompletableFuture<Integer> read(int fd, MemorySegment buf, long offset) {
        return on(forPosition(fd, offset), IoOp.read(fd, buf, offset));
    }

    public CompletableFuture<Integer> write(int fd, MemorySegment buf, long offset) {
        return on(forPosition(fd, offset), IoOp.write(fd, buf, offset));
    }

    /**
     * READ_FIXED into {@code buf}, which must lie inside registered buffer {@code bufIndex} of
     * {@code bufs} (see {@link EventLoop#registerBuffers}); runs on the loop whose ring holds them.
     */
    public CompletableFuture<Integer> readFixed(int fd, MemorySegment buf, long offset, FixedBuffers bufs, int bufIndex) {
        return on(loopOf(bufs), IoOp.readFixed(fd, buf, offset, bufs, bufIndex));
    }

    /** WRITE_FIXED of {@code buf}, inside registered buffer {@code bufIndex} of {@code bufs}. */
    public CompletableFuture<Integer> writeFixed(int fd, MemorySegment buf, long offset, FixedBuffers bufs, int bufIndex) {
        return on(loopOf(bufs), IoOp.writeFixed(fd, buf, offset, bufs, bufIndex));
    }

    EventLoop loopOf(FixedBuffers bufs) {
        for (EventLoop l : loops.loops()) if (l.owns(bufs.ring())) return l;
        throw new IllegalArgumentException("these fixed buffers are registered with a ring of no loop in this group");
    }

    /** Scatter read (READV) into {@code buffers} in order; the total byte count. */
    public CompletableFuture<Long> readv(int fd, long offset, MemorySegment... buffers) {
        return on(forPosition(fd, offset), IoOp.vector(false, fd, offset, buffers));
    }

    /** Gather write (WRITEV). */
    public CompletableFuture<Long> writev(int fd, long offset, MemorySegment... buffers) {
        return on(forPosition(fd, offset), IoOp.vector(true, fd, offset, buffers));
    }

    /** fsync, or fdatasync when {@code dataOnly}. Not ordered after earlier writes still in flight. */
    public CompletableFuture<Void> fsync(int fd, boolean dataOnly) {
        return on(loops.forFd(fd), IoOp.fsync(fd, dataOnly));
    }

    /** openat(AT_FDCWD, path, flags | O_CLOEXEC, mode); the new descriptor. */
    public CompletableFuture<Integer> open(Path path, int flags, int mode) {
        return on(loops.next(), IoOp.openat(path.toString(), flags, mode));
    }

    public CompletableFuture<Void> close(int fd) {
        return on(loops.forFd(fd), IoOp.close(fd));
    }

    /** statx of a path (following links), basic stats. */
    public CompletableFuture<FileStat> stat(Path path) {
        return on(loops.next(), IoOp.statx(-1, path.toString(), io.uring4j.ring.Statx.STATX_BASIC_STATS));
    }

    /** statx of an open descriptor (AT_EMPTY_PATH). */
    public CompletableFuture<FileStat> stat(int fd) {
        return on(loops.forFd(fd), IoOp.statx(fd, null, io.uring4j.ring.Statx.STATX_BASIC_STATS));
    }

    // ---------------------------------------------------------------- sockets

    /** A new socket (SOCKET op) with SOCK_CLOEXEC added. */
    public CompletableFuture<Integer> socket(int domain, int type, int protocol) {
        return on(loops.next(), IoOp.socket(domain, type, protocol));
    }

    /** Accepts one connection on listening socket {@code fd}; the connected descriptor. */
    public CompletableFuture<Integer> accept(int fd) {
        return on(loops.forFd(fd), IoOp.accept(fd));
    }

    public CompletableFuture<Integer> accept(int fd, Duration timeout) {
        return on(loops.forFd(fd), IoOp.accept(fd).within(timeout));
    }

    public CompletableFuture<Void> connect(int fd, InetSocketAddress address) {
        return on(loops.forFd(fd), IoOp.connect(fd, address));
    }

    public CompletableFuture<Void> connect(int fd, InetSocketAddress address, Duration timeout) {
        return on(loops.forFd(fd), IoOp.connect(fd, address).within(timeout));
    }

    public CompletableFuture<Integer> send(int fd, MemorySegment buf, int msgFlags) {
        return on(loops.forFd(fd), IoOp.send(fd, buf, msgFlags));
    }

    /** Receives up to {@code buf.byteSize()} bytes; 0 when the peer closed. */
    public CompletableFuture<Integer> recv(int fd, MemorySegment buf, int msgFlags) {
        return on(loops.forFd(fd), IoOp.recv(fd, buf, msgFlags));
    }

    /** As {@link #recv}, failing with TimeoutException if nothing arrives within {@code timeout} (LINK_TIMEOUT). */
    public CompletableFuture<Integer> recv(int fd, MemorySegment buf, int msgFlags, Duration timeout) {
        return on(loops.forFd(fd), IoOp.recv(fd, buf, msgFlags).within(timeout));
    }

    public CompletableFuture<Void> shutdown(int fd, int how) {
        return on(loops.forFd(fd), IoOp.shutdown(fd, how));
    }

    /**
     * Cancels every operation on {@code fd} in flight on these loops (ASYNC_CANCEL with
     * IORING_ASYNC_CANCEL_FD|ALL); completes with how many were cancelled.
     */
    public CompletableFuture<Integer> cancelAll(int fd) {
        java.util.List<EventLoop> ls = loops.loops();
        @SuppressWarnings("unchecked")
        CompletableFuture<Integer>[] fs = new CompletableFuture[ls.size()];
        for (int i = 0; i < fs.length; i++) {
            fs[i] = on(ls.get(i), IoOp.cancelFd(fd)).exceptionally(t -> 0); // ENOENT: nothing to cancel
        }
        return CompletableFuture.allOf(fs).thenApply(v -> {
            int n = 0;
            for (CompletableFuture<Integer> f : fs) n += f.join();
            return n;
        });
    }

    // ---------------------------------------------------------------- time

    /** Completes normally after {@code delay} (a TIMEOUT on the ring: no timer thread). */
    public CompletableFuture<Void> timeout(Duration delay) {
        return on(loops.next(), IoOp.timeout(delay));
    }
}
