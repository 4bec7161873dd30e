package io.uring4j.loop;

import io.uring4j.ErrnoException;
import io.uring4j.ring.Sqe;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/** Every futures operation against the real kernel: results, errno names, timeouts, cancellation. */
class AsyncIoTest {
    static EventLoop loop;
    static AsyncIo io;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        loop = EventLoop.builder().name("async-io-test").build();
        io = AsyncIo.of(loop);
    }

    @AfterAll
    static void stop() {
        loop.close();
    }

    static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    /** The ErrnoException a failed future carries. */
    static ErrnoException failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(ErrnoException.class, e.getCause(), "cause: " + e.getCause());
    }

    static MemorySegment pattern(Arena a, int n, int seed) {
        MemorySegment s = a.allocate(n);
        for (int i = 0; i < n; i++) s.set(JAVA_BYTE, i, (byte) (i * 31 + seed));
        return s;
    }

    @Test
    void writeReadFileAndEof() throws Exception {
        Path f = dir.resolve("data");
        try (Arena a = Arena.ofShared()) {
            int fd = get(io.open(f, Sys.O_RDWR | Sys.O_CREAT, 0644));
            assertTrue(fd >= 0);
            MemorySegment out = pattern(a, 8192, 7);
            assertEquals(8192, get(io.write(fd, out, 0)));
            MemorySegment in = a.allocate(8192);
            assertEquals(8192, get(io.read(fd, in, 0)));
            assertEquals(-1, in.mismatch(out));
            MemorySegment tail = a.allocate(100);
            assertEquals(92, get(io.read(fd, tail.asSlice(0, 100), 8100)), "partial read at the end");
            assertEquals(0, get(io.read(fd, tail, 8192)), "read at EOF returns 0");
            assertNull(get(io.fsync(fd, false)));
            assertNull(get(io.fsync(fd, true)));
            FileStat st = get(io.stat(fd));
            assertEquals(8192, st.size());
            assertTrue(st.isRegularFile());
            assertEquals(0644, st.permissions());
            assertNull(get(io.close(fd)));
            assertEquals("EBADF", failure(io.close(fd)).errnoName(), "double close");
            assertArrayEquals(out.toArray(JAVA_BYTE), Files.readAllBytes(f));
        }
    }

    @Test
    void readvWritevScatterGather() throws Exception {
        Path f = dir.resolve("vec");
        try (Arena a = Arena.ofShared()) {
            int fd = get(io.open(f, Sys.O_RDWR | Sys.O_CREAT, 0600));
            MemorySegment a1 = pattern(a, 100, 1), a2 = pattern(a, 3000, 2);
            assertEquals(3100L, get(io.writev(fd, 10, a1, a2)));
            MemorySegment b1 = a.allocate(3000), b2 = a.allocate(100);
            assertEquals(3100L, get(io.readv(fd, 10, b1, b2)));
            byte[] file = Files.readAllBytes(f);
            assertEquals(3110, file.length);
            assertEquals(-1, MemorySegment.ofArray(file).asSlice(10, 100).mismatch(a1));
            assertEquals(-1, MemorySegment.ofArray(file).asSlice(110, 3000).mismatch(a2));
            assertEquals(-1, b1.asSlice(0, 100).mismatch(a1));
            get(io.close(fd));
        }
    }

    @Test
    void errnoNamesForFileFailures() throws Exception {
        try (Arena a = Arena.ofShared()) {
            ErrnoException e = failure(io.open(dir.resolve("missing"), Sys.O_RDONLY, 0));
            assertEquals("ENOENT", e.errnoName());
            assertTrue(e.getMessage().contains("OPENAT") && e.getMessage().contains("missing"), e.getMessage());
            assertEquals("EBADF", failure(io.read(99999, a.allocate(16), 0)).errnoName());
            assertEquals("EBADF", failure(io.fsync(99999, false)).errnoName());
            assertEquals("ENOENT", failure(io.stat(dir.resolve("missing"))).errnoName());
            Path f = dir.resolve("ro");
            Files.writeString(f, "x");
            int fd = get(io.open(f, Sys.O_RDONLY, 0));
            ErrnoException w = failure(io.write(fd, a.allocate(4), 0));
            assertEquals("EBADF", w.errnoName(), "write to O_RDONLY");
            assertTrue(w.getMessage().contains("WRITE fd=" + fd), w.getMessage());
            assertEquals("EISDIR", failure(io.read(get(io.open(dir, Sys.O_RDONLY, 0)), a.allocate(16), 0)).errnoName());
            assertEquals("EEXIST", failure(io.open(f, Sys.O_RDWR | Sys.O_CREAT | Sys.O_EXCL, 0600)).errnoName());
            get(io.close(fd));
        }
    }

    @Test
    void statOfPathAndDirectory() throws Exception {
        Path f = dir.resolve("s");
        Files.write(f, new byte[12345]);
        FileStat st = get(io.stat(f));
        assertEquals(12345, st.size());
        assertEquals(Files.getAttribute(f, "unix:ino"), st.ino());
        assertTrue(get(io.stat(dir)).isDirectory());
    }

    @Test
    void socketsAcceptConnectSendRecv() throws Exception {
        int[] l = Net.listen();
        try (Arena a = Arena.ofShared()) {
            CompletableFuture<Integer> accepted = io.accept(l[0]);
            int client = get(io.socket(Sys.AF_INET, Sys.SOCK_STREAM, 0));
            assertNull(get(io.connect(client, new InetSocketAddress(InetAddress.getLoopbackAddress(), l[1]))));
            int server = get(accepted);
            assertTrue(server >= 0 && server != client);
            MemorySegment msg = a.allocateFrom("hello over io_uring", StandardCharsets.UTF_8);
            assertEquals((int) msg.byteSize(), get(io.send(client, msg, 0)));
            MemorySegment in = a.allocate(256);
            int n = get(io.recv(server, in, 0));
            assertEquals((int) msg.byteSize(), n);
            assertEquals("hello over io_uring", in.getString(0));
            assertNull(get(io.shutdown(client, Sqe.SHUT_WR)));
            assertEquals(0, get(io.recv(server, in, 0)), "peer shut down: recv returns 0");
            get(io.close(client));
            get(io.close(server));
        } finally {
            Sys.close(l[0]);
        }
    }

    @Test
    void connectRefusedAndRecvOnNonSocket() throws Exception {
        int fd = Net.tcpSocket();
        try (Arena a = Arena.ofShared()) {
            ErrnoException e = failure(io.connect(fd, new InetSocketAddress(InetAddress.getLoopbackAddress(), Net.deadPort())));
            assertEquals("ECONNREFUSED", e.errnoName());
            Path f = dir.resolve("plain");
            Files.writeString(f, "abc");
            int ffd = get(io.open(f, Sys.O_RDONLY, 0));
            assertEquals("ENOTSOCK", failure(io.recv(ffd, a.allocate(8), 0)).errnoName());
            get(io.close(ffd));
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void timeoutCompletesAfterDelay() throws Exception {
        long t0 = System.nanoTime();
        assertNull(get(io.timeout(Duration.ofMillis(30))));
        assertTrue(System.nanoTime() - t0 >= 30_000_000L);
    }

    @Test
    void linkedTimeoutFailsRecvWithTimeoutException() throws Exception {
        int[] l = Net.listen();
        int client = Net.tcpSocket();
        try (Arena a = Arena.ofShared()) {
            CompletableFuture<Integer> acc = io.accept(l[0]);
            get(io.connect(client, new InetSocketAddress(InetAddress.getLoopbackAddress(), l[1])));
            int server = get(acc);
            long t0 = System.nanoTime();
            CompletableFuture<Integer> r = io.recv(server, a.allocate(64), 0, Duration.ofMillis(40));
            ExecutionException e = assertThrows(ExecutionException.class, () -> r.get(10, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertTrue(System.nanoTime() - t0 >= 40_000_000L);
            Sys.close(server);
        } finally {
            Sys.close(client);
            Sys.close(l[0]);
        }
    }

    @Test
    void cancellingTheFutureCancelsTheSqe() throws Exception {
        int[] l = Net.listen();
        int client = Net.tcpSocket();
        try (Arena a = Arena.ofShared()) {
            CompletableFuture<Integer> acc = io.accept(l[0]);
            get(io.connect(client, new InetSocketAddress(InetAddress.getLoopbackAddress(), l[1])));
            int server = get(acc);
            MemorySegment first = a.allocate(64);
            CompletableFuture<Integer> pending = io.recv(server, first, 0);
            get(io.nop()); // the recv is now armed in the kernel
            assertTrue(pending.cancel(true));
            assertThrows(CancellationException.class, pending::join);
            // the kernel really dropped the recv: bytes sent now go to the next one, not the cancelled one
            waitForInflight(0);
            MemorySegment msg = a.allocateFrom("after-cancel");
            get(io.send(client, msg, 0));
            MemorySegment second = a.allocate(64);
            assertEquals((int) msg.byteSize(), get(io.recv(server, second, 0)));
            assertEquals("after-cancel", second.getString(0));
            assertEquals(0, first.get(JAVA_BYTE, 0), "cancelled recv's buffer untouched");
            Sys.close(server);
        } finally {
            Sys.close(client);
            Sys.close(l[0]);
        }
    }

    @Test
    void cancellingATimeoutBeforeItFires() throws Exception {
        CompletableFuture<Void> t = io.timeout(Duration.ofSeconds(30));
        get(io.nop());
        assertTrue(t.cancel(false));
        waitForInflight(0); // the 30 s TIMEOUT left the ring at once
    }

    @Test
    void fixedBufferReadsAndWrites() throws Exception {
        Path f = dir.resolve("fixed");
        try (Arena a = Arena.ofShared()) {
            MemorySegment b0 = a.allocate(8192, 4096), b1 = a.allocate(8192, 4096);
            io.uring4j.register.FixedBuffers fb = loop.registerBuffers(b0, b1).get(5, TimeUnit.SECONDS);
            int fd = get(io.open(f, Sys.O_RDWR | Sys.O_CREAT, 0600));
            MemorySegment.copy(pattern(a, 4096, 11), 0, b0, 100, 4096);
            assertEquals(4096, get(io.writeFixed(fd, b0.asSlice(100, 4096), 0, fb, 0)));
            assertEquals(4096, get(io.readFixed(fd, b1.asSlice(0, 4096), 0, fb, 1)));
            assertEquals(-1, b1.asSlice(0, 4096).mismatch(pattern(a, 4096, 11)));
            assertEquals(4096, BlockingIo.of(loop).readFixed(fd, b1.asSlice(4096, 4096), 0, fb, 1));
            assertEquals(-1, b1.asSlice(4096, 4096).mismatch(pattern(a, 4096, 11)));
            assertEquals(0, fb.inFlight());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> io.readFixed(fd, b0.asSlice(0, 64), 0, fb, 1)); // b0 is not inside buffer 1
            assertNotNull(e.getMessage());
            assertEquals("EBADF", failure(io.readFixed(99999, b0.asSlice(0, 64), 0, fb, 0)).errnoName());
            get(io.close(fd));
        }
    }

    @Test
    void argumentsCheckedOnTheCallersThread() {
        MemorySegment heap = MemorySegment.ofArray(new byte[16]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> io.read(0, heap, 0));
        assertTrue(e.getMessage().contains("heap segment"), e.getMessage());
        try (Arena a = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> io.read(0, a.allocate(8), -2));
        }
        assertThrows(IllegalArgumentException.class, () -> io.timeout(Duration.ZERO));
    }

    static void waitForInflight(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (loop.stats().inflight() != n) {
            assertTrue(System.nanoTime() < deadline, "in flight stays " + loop.stats().inflight());
            Thread.sleep(1);
        }
    }
}
