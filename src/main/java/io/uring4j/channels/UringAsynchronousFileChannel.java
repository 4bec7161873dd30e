package io.uring4j.channels;

import io.uring4j.ErrnoException;
import io.uring4j.loop.AsyncIo;
import io.uring4j.loop.BlockingIo;
import io.uring4j.loop.EventLoop;
import io.uring4j.loop.EventLoopGroup;
import io.uring4j.ring.Statx;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import io.uring4j.sys.SyscallNumbers;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link AsynchronousFileChannel} whose reads, writes and force run on io_uring event loops.
 *
 * <h2>Buffers</h2>
 * A direct buffer is used in place (the kernel reads or writes its memory); a heap buffer goes
 * through a pooled native bounce buffer, at most {@link BounceBuffers#MAX} bytes per operation
 * (a partial read or write, as the contract allows).
 *
 * <h2>Closing</h2>
 * Every operation holds the descriptor open (a count in {@link #state}); {@code close()} marks the
 * channel closed, cancels what is in flight on the fd, and the last operation to finish closes it
 * — so a descriptor number is never reused while an SQE may still name it. Operations cancelled by
 * the close fail with {@link AsynchronousCloseException}.
 */
final class UringAsynchronousFileChannel extends AsynchronousFileChannel {
    private static final long CLOSED = 1L << 62;

    private final int fd;
    private final Path path;
    private final boolean reading, writing, deleteOnClose;
    private final EventLoopGroup loops;
    private final AsyncIo io;
    private final Executor executor;
    /** CLOSED bit | operations in flight. */
    private final AtomicLong state = new AtomicLong();

    UringAsynchronousFileChannel(int fd, Path path, boolean reading, boolean writing, boolean deleteOnClose,
                                 EventLoopGroup loops, Executor executor) {
        this.fd = fd;
        this.path = path;
        this.reading = reading;
        this.writing = writing;
        this.deleteOnClose = deleteOnClose;
        this.loops = loops;
        this.io = new AsyncIo(loops);
        this.executor = executor != null ? executor : Thread::startVirtualThread;
    }

    // ================================================================= open/close accounting

    private boolean begin() {
        while (true) {
            long s = state.get();
            if ((s & CLOSED) != 0) return false;
            if (state.compareAndSet(s, s + 1)) return true;
        }
    }

    private void end() {
        long s = state.decrementAndGet();
        if (s == CLOSED) closeFd();
    }

    @Override
    public boolean isOpen() {
        return (state.get() & CLOSED) == 0;
    }

    @Override
    public void close() throws IOException {
        long s;
        do {
            s = state.get();
            if ((s & CLOSED) != 0) return;
        } while (!state.compareAndSet(s, s | CLOSED));
        if (s == 0) closeFd();
        else {
            try {
                io.cancelAll(fd); // the last op to complete closes the fd
            } catch (RejectedExecutionException ignored) {
                // loops closed: their shutdown completes the ops
            }
        }
    }

    private void closeFd() {
        Sys.close(fd);
        if (deleteOnClose) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // as the JDK: best effort
            }
        }
    }

    // ================================================================= metadata (synchronous, like the JDK)

    @Override
    public long size() throws IOException {
        if (!begin()) throw new ClosedChannelException();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment stx = a.allocate(Statx.SIZE, 8);
            long r = Sys.syscall(SyscallNumbers.STATX, fd, a.allocateFrom("").address(), Statx.AT_EMPTY_PATH,
                    Statx.STATX_SIZE, stx.address(), 0);
            if (r < 0) throw new ErrnoException((int) -r, "statx", "size of " + path);
            return Statx.size(stx);
        } finally {
            end();
        }
    }

    @Override
    public AsynchronousFileChannel truncate(long size) throws IOException {
        if (size < 0) throw new IllegalArgumentException("Negative size");
        if (!writing) throw new NonWritableChannelException();
        if (!begin()) throw new ClosedChannelException();
        try {
            if (size < size()) {
                int r = Sys.ftruncate(fd, size);
                if (r < 0) throw new ErrnoException(-r, "ftruncate", path + " to " + size);
            }
            return this;
        } finally {
            end();
        }
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (!begin()) throw new ClosedChannelException();
        try {
            EventLoop l = loops.forFd(fd);
            if (l.inLoop()) { // blocking on the loop's own ring from its thread would deadlock
                int r = Sys.fsync(fd);
                if (r < 0) throw new ErrnoException(-r, "fsync", path.toString());
            } else {
                new BlockingIo(loops).fsync(fd, !metaData);
            }
        } finally {
            end();
        }
    }

    // ================================================================= locks

    private static UnsupportedOperationException noLocks() {
        return new UnsupportedOperationException("file locks are not supported by uring4j's io_uring channel "
                + "(io_uring has no lock operation); lock the file through FileChannel.open(path, ...).lock() instead");
    }

    @Override
    public <A> void lock(long position, long size, boolean shared, A attachment, CompletionHandler<FileLock, ? super A> handler) {
        throw noLocks();
    }

    @Override
    public Future<FileLock> lock(long position, long size, boolean shared) {
        throw noLocks();
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw noLocks();
    }

    // ================================================================= read / write

    @Override
    public Future<Integer> read(ByteBuffer dst, long position) {
        return implRead(dst, position);
    }

    @Override
    public <A> void read(ByteBuffer dst, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        if (handler == null) throw new NullPointerException("handler");
        deliver(implRead(dst, position), attachment, handler);
    }

    @Override
    public Future<Integer> write(ByteBuffer src, long position) {
        return implWrite(src, position);
    }

    @Override
    public <A> void write(ByteBuffer src, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        if (handler == null) throw new NullPointerException("handler");
        deliver(implWrite(src, position), attachment, handler);
    }

    private <A> void deliver(CompletableFuture<Integer> f, A attachment, CompletionHandler<Integer, ? super A> handler) {
        f.whenComplete((n, t) -> executor.execute(() -> {
            if (t == null) handler.completed(n, attachment);
            else handler.failed(unwrap(t), attachment);
        }));
    }

    private CompletableFuture<Integer> implRead(ByteBuffer dst, long position) {
        if (dst == null) throw new NullPointerException("dst");
        if (position < 0) throw new IllegalArgumentException("Negative position");
        if (!reading) throw new NonReadableChannelException();
        if (dst.isReadOnly()) throw new IllegalArgumentException("Read-only buffer");
        return transfer(false, dst, position);
    }

    private CompletableFuture<Integer> implWrite(ByteBuffer src, long position) {
        if (src == null) throw new NullPointerException("src");
        if (position < 0) throw new IllegalArgumentException("Negative position");
        if (!writing) throw new NonWritableChannelException();
        return transfer(true, src, position);
    }

    private CompletableFuture<Integer> transfer(boolean write, ByteBuffer bb, long position) {
        if (!begin()) return CompletableFuture.failedFuture(new ClosedChannelException());
        int pos = bb.position(), rem = bb.limit() - pos;
        if (rem == 0) {
            end();
            return CompletableFuture.completedFuture(0);
        }
        MemorySegment seg;
        MemorySegment bounce = null;
        if (bb.isDirect()) {
            seg = MemorySegment.ofBuffer(bb); // position..limit, used in place
        } else {
            bounce = BounceBuffers.acquire(Math.min(rem, BounceBuffers.MAX));
            seg = bounce.asSlice(0, Math.min(rem, BounceBuffers.MAX));
            if (write) MemorySegment.copy(MemorySegment.ofBuffer(bb), 0, seg, 0, seg.byteSize());
        }
        CompletableFuture<Integer> op;
        try {
            op = write ? io.write(fd, seg, position) : io.read(fd, seg, position);
        } catch (RuntimeException e) {
            end();
            if (bounce != null) BounceBuffers.release(bounce);
            return CompletableFuture.failedFuture(e instanceof RejectedExecutionException
                    ? new IOException("the channel's event loop is closed", e) : e);
        }
        Result result = new Result(op);
        MemorySegment b = bounce;
        op.whenComplete((n, t) -> {
            end();
            if (t != null) {
                // a cancelled op may still be in the kernel: its bounce buffer is not pooled again
                if (b != null && !(t instanceof CancellationException)) BounceBuffers.release(b);
                result.completeExceptionally(!isOpen() && isCancel(t) ? new AsynchronousCloseException() : unwrap(t));
                return;
            }
            if (n == 0 && !write) {
                if (b != null) BounceBuffers.release(b);
                result.complete(-1); // at or past end of file
                return;
            }
            if (b != null) {
                if (!write) MemorySegment.copy(b, 0, MemorySegment.ofBuffer(bb), 0, n);
                BounceBuffers.release(b);
            }
            bb.position(pos + n);
            result.complete(n);
        });
        return result;
    }

    private static boolean isCancel(Throwable t) {
        return unwrap(t) instanceof ErrnoException e && e.errno() == Errno.ECANCELED || t instanceof CancellationException;
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** The caller's future: cancelling it cancels the io_uring operation behind it. */
    private static final class Result extends CompletableFuture<Integer> {
        private final CompletableFuture<Integer> op;

        Result(CompletableFuture<Integer> op) { this.op = op; }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean r = super.cancel(mayInterruptIfRunning);
            if (r) op.cancel(mayInterruptIfRunning);
            return r;
        }
    }

    @Override
    public String toString() {
        return "UringAsynchronousFileChannel[" + path + ", fd=" + fd + (isOpen() ? "" : ", closed") + "]";
    }

    /** Pooled native bounce buffers for heap ByteBuffers. */
    static final class BounceBuffers {
        static final int MIN = 4096, MAX = 1 << 20;
        private static final int CLASSES = Integer.numberOfTrailingZeros(MAX) - Integer.numberOfTrailingZeros(MIN) + 1;
        private static final int PER_CLASS = 32;
        @SuppressWarnings("unchecked")
        private static final java.util.concurrent.ConcurrentLinkedQueue<MemorySegment>[] POOL =
                new java.util.concurrent.ConcurrentLinkedQueue[CLASSES];
        private static final java.util.concurrent.atomic.AtomicIntegerArray SIZES = new java.util.concurrent.atomic.AtomicIntegerArray(CLASSES);

        static {
            for (int i = 0; i < CLASSES; i++) POOL[i] = new java.util.concurrent.ConcurrentLinkedQueue<>();
        }

        private static int cls(long n) {
            long size = Math.max(MIN, Long.highestOneBit(n - 1) << 1);
            return Long.numberOfTrailingZeros(size) - Integer.numberOfTrailingZeros(MIN);
        }

        static MemorySegment acquire(int n) {
            int c = cls(n);
            MemorySegment s = POOL[c].poll();
            if (s != null) {
                SIZES.decrementAndGet(c);
                return s;
            }
            return Arena.ofAuto().allocate((long) MIN << c, 4096); // freed by the GC when dropped
        }

        static void release(MemorySegment s) {
            int c = cls(s.byteSize());
            if (SIZES.incrementAndGet(c) <= PER_CLASS) POOL[c].offer(s);
            else SIZES.decrementAndGet(c);
        }
    }
}
