package io.uring4j.examples;

import io.uring4j.ErrnoException;
import io.uring4j.loop.EventLoop;
import io.uring4j.loop.EventLoopGroup;
import io.uring4j.register.ProvidedBuffer;
import io.uring4j.register.BufferRing;
import io.uring4j.ring.CqeFlags;
import io.uring4j.ring.SockAddr;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A small HTTP/1.1 server that answers every request with one fixed response, keeping
 * connections alive: the shape of a real io_uring server on {@link EventLoop}'s loop-thread API.
 *
 * <ul>
 *   <li>Each loop owns a listening socket (SO_REUSEPORT, so the kernel spreads connections over
 *       the loops) with one multishot ACCEPT armed.</li>
 *   <li>Each connection has one multishot RECV selecting buffers from the loop's buffer ring; a
 *       buffer is scanned for request ends ({@code \r\n\r\n}, tracked across buffer boundaries)
 *       and given back to the ring in the same callback.</li>
 *   <li>Responses to the requests received so far (pipelined ones included) go out in one SEND
 *       from a native buffer holding the response repeated: no copy per request, no allocation.</li>
 * </ul>
 * Requests with bodies are not supported (a demo of the I/O path, not an HTTP implementation).
 */
public final class HttpServer implements AutoCloseable {
    public static final String BODY = "Hello, World!";
    public static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
            + BODY.length() + "\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_BATCH = 32;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SO_REUSEPORT = 15;

    private final EventLoopGroup loops;
    private final boolean ownsLoops;
    private final List<Worker> workers = new ArrayList<>();
    private boolean closed;
    private final int port;
    private final Arena arena = Arena.ofShared();
    /** RESPONSE repeated MAX_BATCH times; slices[k] = the first k responses. */
    private final MemorySegment[] slices = new MemorySegment[MAX_BATCH + 1];

    private HttpServer(EventLoopGroup loops, boolean ownsLoops, InetAddress bind, int port, int bufferCount, int bufferSize)
            throws ErrnoException {
        this.loops = loops;
        this.ownsLoops = ownsLoops;
        MemorySegment all = arena.allocate((long) RESPONSE.length * MAX_BATCH, 64);
        for (int i = 0; i < MAX_BATCH; i++) MemorySegment.copy(RESPONSE, 0, all, JAVA_BYTE, (long) i * RESPONSE.length, RESPONSE.length);
        for (int k = 1; k <= MAX_BATCH; k++) slices[k] = all.asSlice(0, (long) k * RESPONSE.length);
        int p = port;
        try {
            for (EventLoop l : loops.loops()) {
                int fd = listen(bind, p);
                if (p == 0) p = localPort(fd);
                Worker w = new Worker(l, fd, bufferCount, bufferSize);
                workers.add(w);
                l.submit(() -> { w.start(); return null; }).get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            close();
            if (e instanceof ErrnoException ee) throw ee;
            if (e.getCause() instanceof ErrnoException ee) throw ee;
            throw new IllegalStateException("HTTP server start failed: " + e, e);
        }
        this.port = p;
    }

    /** Starts on {@code threads} new event loops, listening on {@code bind:port} (port 0: any free port). */
    public static HttpServer start(InetAddress bind, int port, int threads) throws ErrnoException {
        EventLoopGroup g = EventLoopGroup.open(threads, 1024);
        try {
            return new HttpServer(g, true, bind, port, 1024, 2048);
        } catch (ErrnoException | RuntimeException e) {
            g.close();
            throw e;
        }
    }

    /** Starts on existing loops (left open by {@link #close()}). */
    public static HttpServer start(EventLoopGroup loops, InetAddress bind, int port) throws ErrnoException {
        return new HttpServer(loops, false, bind, port, 1024, 2048);
    }

    public int port() { return port; }

    /** Requests answered (response SEND issued) so far; approximate while serving. */
    public long requests() {
        long n = 0;
        for (Worker w : workers) n += w.requests;
        return n;
    }

    public long connectionsAccepted() {
        long n = 0;
        for (Worker w : workers) n += w.accepted;
        return n;
    }

    /** Connections currently open. */
    public int connectionsOpen() {
        int n = 0;
        for (Worker w : workers) n += w.open;
        return n;
    }

    private static int listen(InetAddress bind, int port) throws ErrnoException {
        int fd = Sys.socket(bind.getAddress().length == 4 ? Sys.AF_INET : Sys.AF_INET6, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0);
        ErrnoException.check(fd, "socket", "http listener");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(JAVA_INT);
            one.set(JAVA_INT, 0, 1);
            Sys.setsockopt(fd, Sys.SOL_SOCKET, Sys.SO_REUSEADDR, one, 4);
            ErrnoException.check(Sys.setsockopt(fd, Sys.SOL_SOCKET, SO_REUSEPORT, one, 4), "setsockopt", "SO_REUSEPORT");
            Sys.setsockopt(fd, Sys.IPPROTO_TCP, Sys.TCP_NODELAY, one, 4); // inherited by accepted sockets
            MemorySegment sa = SockAddr.of(a, new InetSocketAddress(bind, port));
            ErrnoException.check(Sys.bind(fd, sa, (int) sa.byteSize()), "bind", bind.getHostAddress() + ":" + port);
            ErrnoException.check(Sys.listen(fd, 4096), "listen", "http listener");
            return fd;
        } catch (ErrnoException | RuntimeException e) {
            Sys.close(fd);
            throw e;
        }
    }

    private static int localPort(int fd) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(SockAddr.IN6_SIZE, 4);
            MemorySegment len = a.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, (int) SockAddr.IN6_SIZE);
            ErrnoException.check(Sys.getsockname(fd, sa, len), "getsockname", "http listener");
            return SockAddr.port(sa);
        }
    }

    /** One loop's share of the server; every method runs on that loop's thread. */
    private final class Worker {
        final EventLoop loop;
        final int listenFd, bufferCount, bufferSize;
        final Set<Conn> conns = new HashSet<>();
        BufferRing buffers;
        long acceptId;
        boolean stopping;
        // written by the loop thread, read racily for statistics
        volatile long requests, accepted;
        volatile int open;

        Worker(EventLoop loop, int listenFd, int bufferCount, int bufferSize) {
            this.loop = loop;
            this.listenFd = listenFd;
            this.bufferCount = bufferCount;
            this.bufferSize = bufferSize;
        }

        void start() throws ErrnoException {
            // buffer group ids are per ring: every loop can use group 0
            buffers = BufferRing.builder(loop.ring()).group(0).entries(bufferCount).bufferSize(bufferSize).build();
            acceptId = loop.register(this::onAccept);
            armAccept();
        }

        void armAccept() {
            loop.prepare(acceptId).prepMultishotAccept(listenFd, MemorySegment.NULL, MemorySegment.NULL, Sys.SOCK_CLOEXEC);
        }

        void onAccept(int res, int flags) {
            if (res >= 0) {
                if (stopping) Sys.close(res);
                else {
                    accepted++;
                    open++;
                    Conn c = new Conn(this, res);
                    conns.add(c);
                    c.armRecv();
                }
            }
            // a multishot accept ends on errors (e.g. EMFILE) or cancellation: re-arm unless stopping
            if (!CqeFlags.hasMore(flags) && !stopping) armAccept();
        }

        void stop() {
            stopping = true;
            loop.cancel(acceptId);
            for (Conn c : List.copyOf(conns)) c.close();
        }
    }

    private final class Conn {
        final Worker w;
        final int fd;
        final long recvId, sendId;
        /** Bytes of "\r\n\r\n" matched at the end of the data seen so far (0..3). */
        int matched;
        int pending;         // requests not yet answered
        int sendingCount;    // responses in the SEND in flight
        long sentOfBatch;    // bytes of that batch already sent (partial sends)
        boolean recvArmed, sending, closing, closed;

        Conn(Worker w, int fd) {
            this.w = w;
            this.fd = fd;
            this.recvId = w.loop.register(this::onRecv);
            this.sendId = w.loop.register(this::onSend);
        }

        void armRecv() {
            recvArmed = true;
            w.loop.prepare(recvId).prepRecvMultishot(fd, w.buffers.group(), 0);
        }

        void onRecv(int res, int flags) {
            if (res > 0 && CqeFlags.hasBuffer(flags)) {
                ProvidedBuffer b = w.buffers.take(flags, res);
                pending += scan(b.segment());
                b.release();
                if (!sending && pending > 0 && !closing) send();
            }
            if (CqeFlags.hasMore(flags)) return;
            recvArmed = false;
            // ENOBUFS: the ring ran dry for a moment (buffers are returned at once): re-arm
            if (!closing && (res > 0 || res == -Errno.ENOBUFS)) armRecv();
            else close(); // 0 = peer closed, or an error / cancellation
        }

        /** Counts requests completed in {@code s}: each ends with an empty line. */
        int scan(MemorySegment s) {
            int n = 0, m = matched;
            long len = s.byteSize();
            for (long i = 0; i < len; i++) {
                byte c = s.get(JAVA_BYTE, i);
                if (c == (m == 0 || m == 2 ? '\r' : '\n')) {
                    if (++m == 4) {
                        n++;
                        m = 0;
                    }
                } else m = c == '\r' ? 1 : 0;
            }
            matched = m;
            return n;
        }

        void send() {
            int k = Math.min(pending, MAX_BATCH);
            pending -= k;
            sendingCount = k;
            sentOfBatch = 0;
            w.requests += k;
            sending = true;
            w.loop.prepare(sendId).prepSend(fd, slices[k], MSG_NOSIGNAL);
        }

        void onSend(int res, int flags) {
            sending = false;
            if (res < 0 || closing) {
                close();
                return;
            }
            sentOfBatch += res;
            long total = (long) sendingCount * RESPONSE.length;
            if (sentOfBatch < total) { // partial send: the rest of this batch
                sending = true;
                w.loop.prepare(sendId).prepSend(fd, slices[sendingCount].asSlice(sentOfBatch), MSG_NOSIGNAL);
                return;
            }
            if (pending > 0) send();
        }

        /** Cancels the recv, then closes the socket once no request of ours names it any more. */
        void close() {
            closing = true;
            if (closed) return;
            if (recvArmed) {
                w.loop.cancel(recvId);
                return; // its final CQE calls close() again
            }
            if (sending) return; // the send's CQE calls close() again
            closed = true;
            w.loop.unregister(recvId);
            w.loop.unregister(sendId);
            Sys.close(fd);
            w.conns.remove(this);
            w.open--;
        }
    }

    /**
     * Stops accepting, closes every connection, closes the listeners and, if the server created
     * them, the loops. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Worker w : workers) {
            try {
                w.loop.submit(() -> { w.stop(); return null; }).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // loop already closed: its shutdown cancelled everything
            }
        }
        if (ownsLoops) {
            loops.close();
            arena.close(); // no SEND can name the responses any more
        } else {
            for (Worker w : workers) {
                try {
                    w.loop.submit(() -> {
                        if (w.buffers != null && w.conns.isEmpty()) w.buffers.close();
                        return null;
                    }).get(5, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // closed loop: the ring's close released the buffer ring
                }
            }
        }
        for (Worker w : workers) Sys.close(w.listenFd);
        workers.clear();
    }
}
