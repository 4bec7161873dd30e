package io.uring4j.loop;

import io.uring4j.register.FixedBuffers;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Blocking file and socket calls for virtual threads, served by io_uring event loops.
 *
 * <p>The calling thread enqueues the operation and parks ({@link java.util.concurrent.locks.LockSupport#park})
 * until its CQE arrives. A virtual thread unmounts from its carrier while parked: no carrier is
 * pinned and the ForkJoinPool is not asked for a compensating thread (which
 * {@link java.nio.channels.FileChannel} file reads do), and no platform thread is used apart from
 * the loops. Platform threads may call it too.
 *
 * <p>Failures throw {@link io.uring4j.ErrnoException} with the errno name. An interrupt cancels
 * the operation (ASYNC_CANCEL) and throws {@link java.io.InterruptedIOException} with the
 * interrupt status kept — once the kernel has given the buffer back. The segments are used in
 * place and must be native.
 */
public final class BlockingIo {
    private final EventLoopGroup loops;
    private final boolean nowaitFirst;

    public BlockingIo(EventLoopGroup loops) {
        this(loops, false);
    }

    private BlockingIo(EventLoopGroup loops, boolean nowaitFirst) {
        this.loops = Objects.requireNonNull(loops);
        this.nowaitFirst = nowaitFirst;
    }

    /**
     * A variant whose positional reads first try {@code preadv2(RWF_NOWAIT)} on the calling thread:
     * data in the page cache is copied at once (one system call that cannot wait for a device: no
     * hand-off, no park); a read that would wait — or fails, or is only partly cached — goes through
     * the ring as usual, so a virtual thread still never blocks its carrier on I/O.
     */
    public BlockingIo nowaitFirst() {
        return new BlockingIo(loops, true);
    }

    public static BlockingIo of(EventLoop loop) {
        return new BlockingIo(EventLoopGroup.of(loop));
    }

    public static BlockingIo shared() {
        return new BlockingIo(EventLoopGroup.shared());
    }

    public EventLoopGroup loops() { return loops; }

    private EventLoop forPosition(int fd, long offset) {
        return offset < 0 ? loops.forFd(fd) : loops.next();
    }

    /** Reads up to {@code buf.byteSize()} bytes at {@code offset} (-1: file position); 0 at end of file. */
    public int read(int fd, MemorySegment buf, long offset) throws IOException {
        if (nowaitFirst) {
            long n = NowaitRead.tryRead(fd, buf, offset);
            if (n == buf.byteSize() || n == 0) return (int) n; // whole range cached, or end of file
            if (n > 0) { // partly cached: the ring reads the rest, as io_uring itself would
                int rest = IoOp.read(fd, buf.asSlice(n), offset + n).await(forPosition(fd, offset));
                return (int) n + rest;
            }
        }
        return IoOp.read(fd, buf, offset).await(forPosition(fd, offset));
    }

    public int write(int fd, MemorySegment buf, long offset) throws IOException {
        return IoOp.write(fd, buf, offset).await(forPosition(fd, offset));
    }

    /** Writes all of {@code buf} at {@code offset}, repeating after short writes. */
    public void writeFully(int fd, MemorySegment buf, long offset) throws IOException {
        long done = 0, size = buf.byteSize();
        while (done < size) {
            int n = write(fd, buf.asSlice(done), offset < 0 ? -1 : offset + done);
            if (n == 0) throw new IOException("write made no progress at " + (offset + done) + " on fd " + fd);
            done += n;
        }
    }

    /** READ_FIXED into {@code buf}, inside registered buffer {@code bufIndex} of {@code bufs}. */
    public int readFixed(int fd, MemorySegment buf, long offset, FixedBuffers bufs, int bufIndex) throws IOException {
        return IoOp.readFixed(fd, buf, offset, bufs, bufIndex).await(new AsyncIo(loops).loopOf(bufs));
    }

    public int writeFixed(int fd, MemorySegment buf, long offset, FixedBuffers bufs, int bufIndex) throws IOException {
        return IoOp.writeFixed(fd, buf, offset, bufs, bufIndex).await(new AsyncIo(loops).loopOf(bufs));
    }

    public long readv(int fd, long offset, MemorySegment... buffers) throws IOException {
        return IoOp.vector(false, fd, offset, buffers).await(forPosition(fd, offset));
    }

    public long writev(int fd, long offset, MemorySegment... buffers) throws IOException {
        return IoOp.vector(true, fd, offset, buffers).await(forPosition(fd, offset));
    }

    public void fsync(int fd, boolean dataOnly) throws IOException {
        IoOp.fsync(fd, dataOnly).await(loops.forFd(fd));
    }

    /** openat(AT_FDCWD, path, flags | O_CLOEXEC, mode); the new descriptor. */
    public int open(Path path, int flags, int mode) throws IOException {
        return IoOp.openat(path.toString(), flags, mode).await(loops.next());
    }

    public void close(int fd) throws IOException {
        IoOp.close(fd).await(loops.forFd(fd));
    }

    public FileStat stat(Path path) throws IOException {
        IoOp<FileStat> op = IoOp.statx(-1, path.toString(), io.uring4j.ring.Statx.STATX_BASIC_STATS);
        op.await(loops.next());
        return op.statResult();
    }

    public FileStat stat(int fd) throws IOException {
        IoOp<FileStat> op = IoOp.statx(fd, null, io.uring4j.ring.Statx.STATX_BASIC_STATS);
        op.await(loops.forFd(fd));
        return op.statResult();
    }

    public int socket(int domain, int type, int protocol) throws IOException {
        return IoOp.socket(domain, type, protocol).await(loops.next());
    }

    public int accept(int fd) throws IOException {
        return IoOp.accept(fd).await(loops.forFd(fd));
    }

    public void connect(int fd, InetSocketAddress address) throws IOException {
        IoOp.connect(fd, address).await(loops.forFd(fd));
    }

    public int send(int fd, MemorySegment buf, int msgFlags) throws IOException {
        return IoOp.send(fd, buf, msgFlags).await(loops.forFd(fd));
    }

    public int recv(int fd, MemorySegment buf, int msgFlags) throws IOException {
        return IoOp.recv(fd, buf, msgFlags).await(loops.forFd(fd));
    }

    /** As {@link #recv}, throwing {@link java.nio.channels.InterruptedByTimeoutException} after {@code timeout}. */
    public int recv(int fd, MemorySegment buf, int msgFlags, Duration timeout) throws IOException {
        return IoOp.recv(fd, buf, msgFlags).within(timeout).await(loops.forFd(fd));
    }

    /** Parks for {@code delay} on a ring TIMEOUT. */
    public void sleep(Duration delay) throws IOException {
        IoOp.timeout(delay).await(loops.next());
    }
}
