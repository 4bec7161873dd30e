package io.uring4j.loop;

import io.uring4j.ErrnoException;
import io.uring4j.ring.CqeFlags;
import io.uring4j.ring.SetupFlags;
import io.uring4j.ring.TimeoutFlags;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/** The loop itself: ring flags, batching, wake-ups, the raw API, shutdown and leaks. */
class EventLoopTest {

    static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void ringIsSingleIssuerWithDeferredTaskrun() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            int f = loop.ringFlags();
            assertTrue((f & SetupFlags.SINGLE_ISSUER) != 0 && (f & SetupFlags.DEFER_TASKRUN) != 0, SetupFlags.names(f));
            assertTrue(loop.thread().isDaemon());
            assertEquals(0, AsyncIo.of(loop).nop().get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void submissionsFromManyThreadsAreBatched() throws Exception {
        try (EventLoop loop = EventLoop.builder().entries(1024).build()) {
            AsyncIo io = AsyncIo.of(loop);
            int threads = 8, per = 2000;
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            List<CompletableFuture<Integer>> all = new CopyOnWriteArrayList<>();
            for (int t = 0; t < threads; t++) {
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    List<CompletableFuture<Integer>> mine = new ArrayList<>(per);
                    for (int i = 0; i < per; i++) mine.add(io.nop());
                    all.addAll(mine);
                }));
            }
            LoopStats before = loop.stats();
            go.countDown();
            for (Thread t : ts) t.join();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            LoopStats s = loop.stats();
            long ops = s.opsSubmitted() - before.opsSubmitted(), enters = s.enterCalls() - before.enterCalls();
            assertEquals(threads * per, ops);
            assertTrue(enters * 4 < ops, ops + " ops took " + enters + " io_uring_enter calls: expected batching");
            assertTrue(s.wakeups() - before.wakeups() <= enters, "wake-ups " + s.wakeups());
        }
    }

    @Test
    void sleepingLoopWakesForEachLoneSubmission() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            AsyncIo io = AsyncIo.of(loop);
            long w0 = loop.stats().wakeups();
            for (int i = 0; i < 20; i++) {
                Thread.sleep(2); // the loop goes back to sleep in io_uring_enter
                assertEquals(0, io.nop().get(5, TimeUnit.SECONDS));
            }
            assertTrue(loop.stats().wakeups() - w0 >= 10, "eventfd wake-ups: " + (loop.stats().wakeups() - w0));
        }
    }

    @Test
    void executeRunsOnTheLoopThreadAndRawMultishotWorks() throws Exception {
        try (EventLoop loop = EventLoop.open(); Arena a = Arena.ofShared()) {
            MemorySegment ts = a.allocate(16);
            ts.set(JAVA_LONG, 8, 2_000_000L); // 2 ms
            List<int[]> cqes = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<Thread> ran = new AtomicReference<>();
            loop.execute(() -> {
                ran.set(Thread.currentThread());
                long id = loop.register((res, flags) -> {
                    cqes.add(new int[]{res, flags});
                    if (!CqeFlags.hasMore(flags)) done.countDown();
                });
                // multishot timeout: 3 expirations, each a CQE; the last one without F_MORE
                loop.prepare(id).prepTimeout(ts, 3, TimeoutFlags.MULTISHOT);
            });
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertSame(loop.thread(), ran.get());
            assertEquals(3, cqes.size());
            for (int i = 0; i < 3; i++) assertEquals(-62 /* ETIME */, cqes.get(i)[0]);
            assertTrue(CqeFlags.hasMore(cqes.get(0)[1]) && !CqeFlags.hasMore(cqes.get(2)[1]));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.register((r, f) -> {}));
            assertTrue(e.getMessage().contains("loop thread"), e.getMessage());
            Throwable onLoop = loop.submit(() -> {
                try {
                    BlockingIo.of(loop).sleep(Duration.ofMillis(1));
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            }).get(5, TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, onLoop, "a blocking call on the loop thread would deadlock");
        }
    }

    @Test
    void closedLoopRejectsNewWork() throws Exception {
        EventLoop loop = EventLoop.builder().name("rejecting-loop").build();
        AsyncIo io = AsyncIo.of(loop);
        loop.close();
        loop.close(); // idempotent
        assertTrue(loop.isClosed());
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, io::nop);
        assertTrue(e.getMessage().contains("rejecting-loop") && e.getMessage().contains("closed"), e.getMessage());
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> {}));
        assertThrows(RejectedExecutionException.class, () -> BlockingIo.of(loop).sleep(Duration.ofMillis(1)));
    }

    @Test
    void shutdownWithWorkInFlightCompletesEveryFuture() throws Exception {
        int[] l = Net.listen();
        int client = Net.tcpSocket();
        EventLoop loop = EventLoop.builder().name("closing-loop").build();
        AsyncIo io = AsyncIo.of(loop);
        try (Arena a = Arena.ofShared()) {
            CompletableFuture<Integer> acc = io.accept(l[0]);
            io.connect(client, new InetSocketAddress(InetAddress.getLoopbackAddress(), l[1])).get(5, TimeUnit.SECONDS);
            int server = acc.get(5, TimeUnit.SECONDS);
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (int i = 0; i < 50; i++) pending.add(io.recv(server, a.allocate(64), 0)); // never satisfied
            pending.add(io.timeout(Duration.ofMinutes(10)));
            pending.add(io.accept(l[0]));
            AtomicReference<Throwable> blocked = new AtomicReference<>();
            Thread vt = Thread.ofVirtual().start(() -> {
                try {
                    BlockingIo.of(loop).recv(server, a.allocate(8), 0);
                } catch (Throwable t) {
                    blocked.set(t);
                }
            });
            long deadline = System.nanoTime() + 5_000_000_000L; // until the virtual thread's recv is in flight too
            while (loop.stats().inflight() < 53 && System.nanoTime() < deadline) Thread.sleep(5);
            assertEquals(53, loop.stats().inflight());
            long t0 = System.nanoTime();
            loop.close();
            long took = System.nanoTime() - t0;
            assertTrue(took < 2_000_000_000L, "close took " + took / 1_000_000 + " ms");
            for (CompletableFuture<?> f : pending) {
                assertTrue(f.isDone());
                ExecutionException e = assertThrows(ExecutionException.class, f::get);
                ErrnoException ee = assertInstanceOf(ErrnoException.class, e.getCause());
                assertEquals("ECANCELED", ee.errnoName());
                assertTrue(ee.getMessage().contains("closing-loop"), ee.getMessage());
            }
            vt.join(5000);
            assertEquals("ECANCELED", assertInstanceOf(ErrnoException.class, blocked.get()).errnoName());
            Sys.close(server);
        } finally {
            Sys.close(client);
            Sys.close(l[0]);
        }
    }

    @Test
    void loopsLeakNoDescriptors() throws Exception {
        long before = openFds();
        for (int i = 0; i < 20; i++) {
            try (EventLoop loop = EventLoop.open()) {
                AsyncIo.of(loop).nop().get(5, TimeUnit.SECONDS);
            }
        }
        assertEquals(before, openFds(), "ring fd and eventfd closed with each loop");
    }

    @Test
    void groupPlacesFdWorkByDescriptorAndSpreadsTheRest() throws Exception {
        try (EventLoopGroup g = EventLoopGroup.open(3, 64)) {
            assertEquals(3, g.size());
            assertSame(g.forFd(7), g.forFd(7));
            assertSame(g.loops().get(7 % 3), g.forFd(7));
            AsyncIo io = new AsyncIo(g);
            List<CompletableFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 300; i++) fs.add(io.nop());
            for (CompletableFuture<Integer> f : fs) assertEquals(0, f.get(5, TimeUnit.SECONDS));
            for (EventLoop l : g.loops()) assertTrue(l.stats().opsSubmitted() > 30, l + " " + l.stats());
        }
    }
}
