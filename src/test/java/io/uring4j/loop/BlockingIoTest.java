package io.uring4j.loop;

import io.uring4j.ErrnoException;
import io.uring4j.sys.Sys;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/** The blocking API on virtual threads: results, errors, interrupts, and no pinning at scale. */
class BlockingIoTest {
    static EventLoop loop;
    static BlockingIo io;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        loop = EventLoop.builder().name("blocking-io-test").entries(1024).build();
        io = BlockingIo.of(loop);
    }

    @AfterAll
    static void stop() {
        loop.close();
    }

    @Test
    void tenThousandVirtualThreadsReadAndWriteWithoutPinning() throws Exception {
        int threads = 10_000, block = 4096;
        Path f = dir.resolve("blocks");
        int fd = io.open(f, Sys.O_RDWR | Sys.O_CREAT, 0600);
        Set<String> carriers = ConcurrentHashMap.newKeySet();
        AtomicInteger ok = new AtomicInteger();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        // one pass on a single virtual thread first: a virtual thread that waits for a class another
        // one is loading is pinned by the JDK's class loading, which is not what this test is about
        Thread warm = Thread.ofVirtual().start(() -> body(fd, threads, block, carriers, new AtomicInteger(), firstError));
        warm.join();
        LoopStats before = loop.stats();
        List<RecordedEvent> pinned;
        try (PinningRecorder rec = new PinningRecorder()) {
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    ex.submit(() -> body(fd, id, block, carriers, ok, firstError));
                }
            }
            pinned = rec.stop();
        }
        if (firstError.get() != null) throw new AssertionError("a virtual thread failed", firstError.get());
        assertEquals(threads, ok.get());
        assertEquals(List.of(), pinned.stream().map(e -> String.valueOf(e.getStackTrace())).toList(),
                "jdk.VirtualThreadPinned events");
        assertTrue(carriers.size() <= Runtime.getRuntime().availableProcessors(),
                "carriers used " + carriers + ": the pool must not grow compensating threads");
        byte[] file = Files.readAllBytes(f);
        assertEquals((long) (threads + 1) * block, file.length);
        LoopStats after = loop.stats();
        long ops = after.opsSubmitted() - before.opsSubmitted(), enters = after.enterCalls() - before.enterCalls();
        assertTrue(ops >= 3L * threads, "ops " + ops);
        assertTrue(enters < ops, "submissions were batched: " + ops + " ops in " + enters + " enters");
        io.close(fd);
    }

    /** One virtual thread's work: write its block, read it back twice, compare. */
    private static void body(int fd, int id, int block, Set<String> carriers, AtomicInteger ok, AtomicReference<Throwable> firstError) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(block), in = a.allocate(block);
            for (int i = 0; i < block; i += 8) out.set(JAVA_LONG, i, (long) id << 32 | i);
            io.writeFully(fd, out, (long) id * block);
            carriers.add(carrier());
            for (int round = 0; round < 2; round++) {
                in.fill((byte) 0);
                assertEquals(block, io.read(fd, in, (long) id * block));
                assertEquals(-1, in.mismatch(out), "block " + id);
                carriers.add(carrier());
            }
            ok.incrementAndGet();
        } catch (Throwable e) {
            firstError.compareAndSet(null, e);
        }
    }

    /** Positive control: the recorder does see a virtual thread that parks under a native frame. */
    @Test
    void recorderSeesRealPinning() throws Exception {
        Linker linker = Linker.nativeLinker();
        MethodHandle qsort = linker.downcallHandle(linker.defaultLookup().find("qsort").orElseThrow(),
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        MethodHandle cmp = MethodHandles.lookup().findStatic(BlockingIoTest.class, "sleepyCompare",
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
        List<RecordedEvent> pinned;
        try (PinningRecorder rec = new PinningRecorder(); Arena a = Arena.ofShared()) {
            MemorySegment stub = linker.upcallStub(cmp, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), a);
            MemorySegment arr = a.allocate(JAVA_INT, 2);
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    qsort.invokeExact(arr, 2L, 4L, stub);
                } catch (Throwable e) {
                    throw new RuntimeException(e);
                }
            });
            t.join();
            pinned = rec.stop();
        }
        assertFalse(pinned.isEmpty(), "a park under a native frame must be recorded as pinned");
    }

    static int sleepyCompare(MemorySegment x, MemorySegment y) {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static String carrier() {
        String s = Thread.currentThread().toString(); // VirtualThread[#n]/runnable@ForkJoinPool-1-worker-2
        int at = s.indexOf('@');
        return at < 0 ? s : s.substring(at + 1);
    }

    @Test
    void resultsAndErrnoNames() throws Exception {
        Path f = dir.resolve("x");
        try (Arena a = Arena.ofConfined()) {
            int fd = io.open(f, Sys.O_RDWR | Sys.O_CREAT, 0640);
            MemorySegment s = a.allocateFrom("blocking");
            assertEquals(9, io.write(fd, s, 0));
            io.fsync(fd, true);
            assertEquals(9, io.stat(fd).size());
            assertEquals(9, io.stat(f).size());
            MemorySegment b1 = a.allocate(4), b2 = a.allocate(5);
            assertEquals(9, io.readv(fd, 0, b1, b2));
            assertEquals("bloc", new String(b1.toArray(JAVA_BYTE)));
            assertEquals(0, io.read(fd, a.allocate(4), 9), "EOF");
            io.close(fd);
            ErrnoException e = assertThrows(ErrnoException.class, () -> io.read(fd, b1, 0));
            assertEquals("EBADF", e.errnoName());
            assertEquals("ENOENT", assertThrows(ErrnoException.class,
                    () -> io.open(dir.resolve("nope"), Sys.O_RDONLY, 0)).errnoName());
        }
    }

    @Test
    void nowaitFirstReadsCachedDataInPlaceAndFallsBackToTheRing() throws Exception {
        BlockingIo fast = io.nowaitFirst();
        Path f = dir.resolve("cached");
        byte[] data = new byte[64 * 1024];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7 + 1);
        Files.write(f, data);
        int fd = Sys.open(f.toString(), Sys.O_RDONLY | Sys.O_CLOEXEC, 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(4096);
            long ops0 = loop.stats().opsSubmitted();
            for (int i = 0; i < 16; i++) {
                assertEquals(4096, fast.read(fd, buf, i * 4096L));
                assertEquals(-1, buf.mismatch(MemorySegment.ofArray(data).asSlice(i * 4096L, 4096)));
            }
            assertEquals(ops0, loop.stats().opsSubmitted(), "page-cache hits never went to the ring");
            // short at the end: the ring is asked for the rest (it could have been uncached) and says EOF
            assertEquals(100, fast.read(fd, buf, data.length - 100L), "short read at the end");
            assertEquals(0, fast.read(fd, buf, data.length), "EOF");
            assertThrows(ErrnoException.class, () -> fast.read(99999, buf, 0), "errors come from the ring's answer");
        } finally {
            Sys.close(fd);
        }
        // a FIFO refuses preadv2 at an offset (ESPIPE): the read goes through the ring and waits for data
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        int p = Sys.open(fifo.toString(), Sys.O_RDWR | Sys.O_CLOEXEC, 0);
        try (Arena a = Arena.ofShared()) {
            MemorySegment in = a.allocate(8);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(30);
                    io.write(p, a.allocateFrom("pipe"), 0);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertEquals(5, fast.read(p, in, 0));
            assertEquals("pipe", in.getString(0));
            writer.join();
        } finally {
            Sys.close(p);
        }
    }

    @Test
    void interruptCancelsABlockedRecv() throws Exception {
        int[] l = Net.listen();
        int client = Net.tcpSocket();
        try (Arena a = Arena.ofShared()) {
            AtomicInteger server = new AtomicInteger(-1);
            Thread t0 = Thread.ofVirtual().start(() -> {
                try {
                    server.set(io.accept(l[0]));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            io.connect(client, new InetSocketAddress(InetAddress.getLoopbackAddress(), l[1]));
            t0.join();
            AtomicReference<Throwable> got = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            Thread reader = Thread.ofVirtual().start(() -> {
                started.countDown();
                try {
                    io.recv(server.get(), a.allocate(16), 0);
                } catch (Throwable e) {
                    got.set(e);
                    flag.set(Thread.currentThread().isInterrupted());
                }
            });
            started.await();
            Thread.sleep(50);
            reader.interrupt();
            reader.join(5000);
            assertFalse(reader.isAlive());
            assertInstanceOf(InterruptedIOException.class, got.get());
            assertTrue(flag.get(), "interrupt status kept");
            Sys.close(server.get());
        } finally {
            Sys.close(client);
            Sys.close(l[0]);
        }
    }

    @Test
    void recvTimeoutAndSleep() throws Exception {
        int[] l = Net.listen();
        int client = Net.tcpSocket();
        try (Arena a = Arena.ofShared()) {
            io.connect(client, new InetSocketAddress(InetAddress.getLoopbackAddress(), l[1]));
            int server = io.accept(l[0]);
            long t0 = System.nanoTime();
            assertThrows(InterruptedByTimeoutException.class, () -> io.recv(server, a.allocate(8), 0, Duration.ofMillis(30)));
            assertTrue(System.nanoTime() - t0 >= 30_000_000L);
            t0 = System.nanoTime();
            io.sleep(Duration.ofMillis(20));
            assertTrue(System.nanoTime() - t0 >= 20_000_000L);
            Sys.close(server);
        } finally {
            Sys.close(client);
            Sys.close(l[0]);
        }
    }
}
