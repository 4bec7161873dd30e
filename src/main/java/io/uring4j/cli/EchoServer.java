package io.uring4j.cli;

import io.uring4j.ErrnoException;
import io.uring4j.register.ProvidedBuffer;
import io.uring4j.register.BufferRing;
import io.uring4j.ring.Cqe;
import io.uring4j.ring.Multishot;
import io.uring4j.ring.Ring;
import io.uring4j.ring.SockAddr;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The echo server of {@code uring4j demo echo}: one ring, one multishot ACCEPT, one multishot RECV per
 * connection selecting from a shared buffer ring, and SENDs straight out of the received buffers.
 * A buffer stays held from its recv CQE until the send of its bytes completes, then goes back to the
 * ring; a recv that finds the ring empty ends with -ENOBUFS and is re-armed once buffers return.
 */
final class EchoServer implements AutoCloseable {
    private static final long ACCEPT = 1L << 32, RECV = 2L << 32, SEND = 3L << 32, CANCEL = 4L << 32;
    private static final long KIND = 0xffffffffL << 32;
    private static final int MSG_NOSIGNAL = 0x4000;

    private final Ring ring;
    private final BufferRing buffers;
    private final int listenFd, port;
    private final Multishot accept;
    private final List<Conn> conns = new ArrayList<>();
    private final PrintStream log;
    private volatile boolean stop;

    // written by the serving thread only; volatile so a self-test can watch them
    volatile long accepted, closed, bytesIn, bytesOut, recvCqes, enobufs, acceptRearms;
    int maxHeld;

    private final class Conn {
        final int id, fd;
        final Multishot recv;
        final ArrayDeque<ProvidedBuffer> queue = new ArrayDeque<>();
        int sentOfHead;
        boolean sending, eof, waitingForBuffers, open = true;
        long in, out;

        Conn(int id, int fd) {
            this.id = id;
            this.fd = fd;
            this.recv = new Multishot(RECV | id, sqe -> sqe.prepRecvMultishot(fd, buffers.group(), 0));
        }
    }

    EchoServer(int port, int bufferCount, int bufferSize, PrintStream log) throws ErrnoException {
        this.log = log;
        int fd = Sys.socket(Sys.AF_INET, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0);
        ErrnoException.check(fd, "socket", "echo listener");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(JAVA_INT);
            one.set(JAVA_INT, 0, 1);
            Sys.setsockopt(fd, Sys.SOL_SOCKET, Sys.SO_REUSEADDR, one, 4);
            // inherited by accepted sockets: an echo split over several buffers must not wait for delayed ACKs
            Sys.setsockopt(fd, Sys.IPPROTO_TCP, Sys.TCP_NODELAY, one, 4);
            MemorySegment sa = SockAddr.loopback(a, port);
            ErrnoException.check(Sys.bind(fd, sa, (int) sa.byteSize()), "bind", "127.0.0.1:" + port);
            ErrnoException.check(Sys.listen(fd, 1024), "listen", "echo listener");
            MemorySegment len = a.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, (int) sa.byteSize());
            ErrnoException.check(Sys.getsockname(fd, sa, len), "getsockname", "echo listener");
            this.port = SockAddr.port(sa);
        } catch (ErrnoException | RuntimeException e) {
            Sys.close(fd);
            throw e;
        }
        this.listenFd = fd;
        Ring r = null;
        try {
            r = Ring.builder().entries(256).cqEntries(4096).build();
            this.buffers = BufferRing.builder(r).group(0).entries(bufferCount).bufferSize(bufferSize).build();
        } catch (ErrnoException | RuntimeException e) {
            if (r != null) r.close();
            Sys.close(fd);
            throw e;
        }
        this.ring = r;
        this.accept = new Multishot(ACCEPT, sqe -> sqe.prepMultishotAccept(listenFd, MemorySegment.NULL, MemorySegment.NULL, 0));
    }

    int port() { return port; }

    BufferRing buffers() { return buffers; }

    /** Asks {@link #run} to return (from any thread); it notices within 100 ms. */
    void stop() { stop = true; }

    /** Serves until {@link #stop()} or the deadline (System.nanoTime; 0 = none). Call from one thread. */
    void run(long deadlineNanos) {
        accept.arm(ring);
        while (!stop && (deadlineNanos == 0 || System.nanoTime() < deadlineNanos)) {
            int r = ring.submitAndWait(1, 100_000_000L, 0);
            if (r < 0 && r != -Errno.ETIME && r != -Errno.EINTR && r != -Errno.EBUSY)
                throw new IllegalStateException("io_uring_enter failed: " + Errno.name(-r));
            ring.forEachCqe(this::dispatch);
            for (Conn c : conns) // recvs that ran out of buffers wait until some came back
                if (c.open && c.waitingForBuffers && buffers.inKernelCount() > 0) {
                    c.waitingForBuffers = false;
                    c.recv.arm(ring);
                }
        }
    }

    private void dispatch(Cqe cqe) {
        long ud = cqe.userData();
        long kind = ud & KIND;
        if (kind == ACCEPT) onAccept(cqe);
        else if (kind == RECV) onRecv(conns.get((int) ud), cqe);
        else if (kind == SEND) onSend(conns.get((int) ud), cqe.res());
    }

    private void onAccept(Cqe cqe) {
        Multishot.Outcome o = accept.onCqe(cqe);
        int res = cqe.res();
        if (res >= 0) {
            Conn c = new Conn(conns.size(), res);
            conns.add(c);
            accepted++;
            if (log != null) log.printf("conn %d: accepted (fd %d)%n", c.id, c.fd);
            c.recv.arm(ring);
        } else if (log != null && !stop) log.printf("accept ended: %s%n", Errno.name(-res));
        if (o == Multishot.Outcome.REARM) {
            acceptRearms++;
            accept.arm(ring);
        }
    }

    private void onRecv(Conn c, Cqe cqe) {
        Multishot.Outcome o = c.recv.onCqe(cqe);
        int res = cqe.res();
        if (cqe.hasBuffer()) {
            recvCqes++;
            ProvidedBuffer b = buffers.take(cqe);
            c.in += res;
            bytesIn += res;
            c.queue.add(b);
            maxHeld = Math.max(maxHeld, buffers.heldCount());
            if (!c.sending) sendHead(c);
        }
        if (o == Multishot.Outcome.REARM) {
            if (res == -Errno.ENOBUFS) {
                enobufs++;
                c.waitingForBuffers = true;
            } else c.recv.arm(ring);
        } else if (o == Multishot.Outcome.DONE) {
            if (res < 0 && log != null) log.printf("conn %d: recv ended: %s%n", c.id, Errno.name(-res));
            c.eof = true;
            if (!c.sending) closeConn(c);
        }
    }

    private void sendHead(Conn c) {
        ProvidedBuffer b = c.queue.peek();
        c.sending = true;
        ring.sqe().prepSend(c.fd, b.segment().asSlice(c.sentOfHead), MSG_NOSIGNAL).userData(SEND | c.id);
    }

    private void onSend(Conn c, int res) {
        c.sending = false;
        if (res < 0) {
            if (log != null) log.printf("conn %d: send failed: %s%n", c.id, Errno.name(-res));
            c.eof = true;
            closeConn(c);
            return;
        }
        c.out += res;
        bytesOut += res;
        ProvidedBuffer b = c.queue.peek();
        c.sentOfHead += res;
        if (c.sentOfHead == b.length()) { // every byte of this buffer is out: it may be refilled
            c.queue.poll();
            c.sentOfHead = 0;
            b.release();
        }
        if (!c.queue.isEmpty()) sendHead(c);
        else if (c.eof) closeConn(c);
    }

    private void closeConn(Conn c) {
        if (!c.open) return;
        c.open = false;
        for (ProvidedBuffer b : c.queue) b.release();
        c.queue.clear();
        Sys.close(c.fd);
        closed++;
        if (log != null) log.printf("conn %d: closed, %d bytes in, %d bytes echoed%n", c.id, c.in, c.out);
    }

    @Override
    public void close() {
        for (Conn c : conns) if (c.open) {
            c.open = false;
            Sys.close(c.fd);
        }
        ring.close(); // cancels the multishot requests and unregisters the buffer ring
        Sys.close(listenFd);
    }
}
