package io.uring4j.uffd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/** The fault-handling service and LazyRegion accessors against real faults. */
class FaultHandlingServiceTest {
    static final long P = Mem.PAGE;

    /** Page contents that name their own offset: word i of the region holds offset*7 + 1. */
    static PageSource counting() {
        return PageSource.of((off, dst) -> {
            for (long i = 0; i < dst.byteSize(); i += 8) dst.set(JAVA_LONG, i, (off + i) * 7 + 1);
        });
    }

    /**
     * Stats once {@code done} holds: a faulting thread resumes when its page is mapped, a moment
     * before the handler finishes counting it.
     */
    static FaultStats settled(FaultHandlingService svc, java.util.function.Predicate<FaultStats> done) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        FaultStats s = svc.stats();
        while (!done.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(1);
            s = svc.stats();
        }
        return s;
    }

    static <T> Future<T> onPlatformThread(java.util.concurrent.Callable<T> c) {
        FutureTask<T> t = new FutureTask<>(c);
        Thread.ofPlatform().daemon().start(t);
        return t;
    }

    @ParameterizedTest
    @EnumSource(FaultHandlingService.Delivery.class)
    void lazyContentsAreTheSourcesBothDeliveries(FaultHandlingService.Delivery d) throws Exception {
        try (var svc = FaultHandlingService.builder().delivery(d).spin(Duration.ofMillis(1)).faultAround(P).build();
             LazyRegion r = svc.map(64 * P, counting())) {
            assertFalse(r.isResident(5 * P));
            assertEquals((5 * P + 16) * 7 + 1, r.getLong(5 * P + 16));
            assertTrue(r.isResident(5 * P));
            assertFalse(r.isResident(6 * P), "no fault-around: only the touched page");
            for (long off = 0; off < 64 * P; off += 8) assertEquals(off * 7 + 1, r.getLong(off), "offset " + off);
            FaultStats s = settled(svc, x -> x.bytesCopied() == 64 * P);
            assertEquals(64, s.faults(), s.toString());
            assertEquals(64 * P, s.bytesCopied());
            assertTrue(s.p50Nanos() > 0 && s.p99Nanos() >= s.p50Nanos() && s.maxNanos() >= s.p99Nanos(), s.toString());
        }
    }

    @Test
    void faultAroundResolvesAChunkPerFault() throws Exception {
        try (var svc = FaultHandlingService.builder().faultAround(16 * P).build();
             LazyRegion r = svc.map(64 * P, counting())) {
            MemorySegment all = MemorySegment.ofArray(new long[(int) (64 * P / 8)]);
            r.copyTo(0, all);
            for (int i = 0; i < 64 * P / 8; i++) assertEquals(i * 8L * 7 + 1, all.getAtIndex(JAVA_LONG, i));
            assertEquals(4, svc.stats().faults(), "64 pages / 16-page chunks");
            assertEquals(64, r.residentPages());
        }
    }

    @Test
    void prefetchCopiesAheadWithOneWake() throws Exception {
        try (var svc = FaultHandlingService.builder().faultAround(4 * P).prefetch(3).build();
             LazyRegion r = svc.map(64 * P, counting())) {
            assertEquals(57, r.getLong(8));
            FaultStats s = settled(svc, x -> x.prefetchBytes() == 12 * P);
            assertEquals(12 * P, s.prefetchBytes(), s.toString());
            assertEquals(16, r.residentPages(), "faulting chunk + 3 prefetched");
            for (long off = 0; off < 64 * P; off += P) assertEquals(off * 7 + 1, r.getLong(off));
            assertEquals(4, svc.stats().faults(), "every fault brings 16 pages");
        }
    }

    @Test
    void zeroSourceUsesZeropage() throws Exception {
        try (var svc = FaultHandlingService.builder().faultAround(8 * P).build();
             LazyRegion r = svc.map(32 * P, PageSource.zero())) {
            assertEquals(0, r.getLong(3 * P));
            r.setLong(3 * P, 42);
            assertEquals(42, r.getLong(3 * P));
            assertEquals(8 * P, settled(svc, x -> x.bytesZeroed() == 8 * P).bytesZeroed());
            assertEquals(0, svc.stats().bytesCopied());
        }
    }

    @Test
    void accessorsCopyAndWrite() throws Exception {
        try (var svc = FaultHandlingService.builder().faultAround(2 * P).build();
             LazyRegion r = svc.map(10 * P + 100, counting());
             Arena a = Arena.ofConfined()) {
            assertEquals(11 * P, r.byteSize(), "rounded up to pages");
            MemorySegment buf = a.allocate(3 * P);
            r.copyTo(P - 8, buf);                                     // spans four pages
            assertEquals((P - 8) * 7 + 1, buf.get(JAVA_LONG, 0));
            buf.set(JAVA_LONG, 0, -1);
            r.copyFrom(buf.asSlice(0, 8), 7 * P);
            assertEquals(-1, r.getLong(7 * P));
            assertEquals((7 * P + 8) * 7 + 1, r.getLong(7 * P + 8));
            MemorySegment res = r.resident(9 * P, P);
            assertEquals((9 * P) * 7 + 1, res.get(JAVA_LONG, 0), "resident slice reads directly");
            assertThrows(IndexOutOfBoundsException.class, () -> r.getLong(11 * P - 4));
            assertThrows(IndexOutOfBoundsException.class, () -> r.getLong(-8));
        }
    }

    @Test
    void manyThreadsTwoHandlersDuplicateFaults() throws Exception {
        try (var svc = FaultHandlingService.builder().handlerThreads(2).faultAround(4 * P).build();
             LazyRegion r = svc.map(2048 * P, counting())) {
            List<Future<Long>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                fs.add(onPlatformThread(() -> {
                    long bad = 0;
                    // every thread walks the same pages in a different order: many duplicate faults
                    for (long i = 0; i < 2048; i++) {
                        long page = (i * (2 * seed + 1) * 97) % 2048;
                        long off = page * P + 8 * (i % 512);
                        if (r.getLong(off) != off * 7 + 1) bad++;
                    }
                    return bad;
                }));
            }
            for (Future<Long> f : fs) assertEquals(0L, f.get(30, TimeUnit.SECONDS));
            assertEquals(2048, r.residentPages());
        }
    }

    @Test
    void severalRegionsOnOneService() throws Exception {
        try (var svc = FaultHandlingService.builder().build();
             LazyRegion a = svc.map(8 * P, counting());
             LazyRegion b = svc.map(8 * P, PageSource.of((off, dst) -> dst.fill((byte) 9)))) {
            assertEquals(P * 7 + 1, a.getLong(P));
            assertEquals(0x0909090909090909L, b.getLong(P));
            b.close();
            assertEquals(2 * P * 7 + 1, a.getLong(2 * P), "closing one region leaves the other working");
            assertThrows(IllegalStateException.class, () -> b.getLong(5 * P));
        }
    }

    @Test
    void sourceFailureThrowsInsteadOfZeros() throws Exception {
        PageSource flaky = PageSource.of((off, dst) -> {
            if (off <= 3 * P && 3 * P < off + dst.byteSize() && dst.byteSize() == P) throw new IOException("disk on fire at " + off);
            for (long i = 0; i < dst.byteSize(); i += 8) dst.set(JAVA_LONG, i, (off + i) * 7 + 1);
            if (off <= 3 * P && 3 * P < off + dst.byteSize()) throw new IOException("chunk read failed");
        });
        try (var svc = FaultHandlingService.builder().faultAround(4 * P).build(); LazyRegion r = svc.map(8 * P, flaky)) {
            PageUnavailableException e = assertThrows(PageUnavailableException.class, () -> r.getLong(3 * P + 8));
            assertEquals(3 * P, e.offset());
            assertTrue(e.getMessage().contains("source failed"), e.getMessage());
            assertEquals("EHWPOISON", ((io.uring4j.ErrnoException) e.getCause()).errnoName());
            // the rest of the chunk was retried page by page and is fine
            assertEquals(2 * P * 7 + 1, r.getLong(2 * P));
            assertEquals(5 * P * 7 + 1, r.getLong(5 * P));
            assertThrows(PageUnavailableException.class, () -> r.getByte(3 * P), "still failing on retry, never zeros");
            assertEquals(1, settled(svc, x -> x.failedPages() == 1).failedPages());
            assertInstanceOf(IOException.class, svc.lastError());
        }
    }

    @Test
    void closeWithFaultsPendingDrainsThemWithRealData() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger reads = new AtomicInteger();
        PageSource slow = PageSource.of((off, dst) -> {
            reads.incrementAndGet();
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            for (long i = 0; i < dst.byteSize(); i += 8) dst.set(JAVA_LONG, i, (off + i) * 7 + 1);
        });
        var svc = FaultHandlingService.builder().faultAround(P).drainTimeout(Duration.ofSeconds(10)).build();
        LazyRegion r = svc.map(16 * P, slow);
        List<Future<Long>> readers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            long off = (2 + t * 4) * P + 24;
            readers.add(onPlatformThread(() -> r.getLong(off)));
        }
        long until = System.nanoTime() + 10_000_000_000L;
        while ((reads.get() == 0 || r.inflightAccesses() < 3) && System.nanoTime() < until) Thread.sleep(1);
        assertEquals(3, r.inflightAccesses(), "three accesses in flight within 10 s");
        Future<?> closer = onPlatformThread(() -> { svc.close(); return null; });
        Thread.sleep(200);
        assertFalse(closer.isDone(), "close waits for the in-flight accesses");
        assertThrows(IllegalStateException.class, () -> r.getLong(12 * P), "no new accesses once closing");
        gate.countDown();
        for (int t = 0; t < 3; t++) {
            long off = (2 + t * 4) * P + 24;
            assertEquals(off * 7 + 1, readers.get(t).get(10, TimeUnit.SECONDS), "pending fault got real data, not zeros");
        }
        closer.get(10, TimeUnit.SECONDS);
        assertFalse(r.isOpen());
        assertThrows(IllegalStateException.class, () -> r.getLong(2 * P + 24), "even resident pages are gone after close");
        assertThrows(IllegalStateException.class, () -> svc.map(P, PageSource.zero()));
    }

    @Test
    void closeWithAStuckSourcePoisonsInsteadOfHanging() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        PageSource stuck = PageSource.of((off, dst) -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        });
        var svc = FaultHandlingService.builder().faultAround(P).drainTimeout(Duration.ofMillis(300)).build();
        try {
            LazyRegion r = svc.map(8 * P, stuck);
            Future<Long> reader = onPlatformThread(() -> r.getLong(P));
            Thread.sleep(100);
            long t0 = System.nanoTime();
            r.close();
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "close returned after the drain timeout");
            ExecutionException e = assertThrows(ExecutionException.class, () -> reader.get(5, TimeUnit.SECONDS));
            assertInstanceOf(PageUnavailableException.class, e.getCause(), "the waiting access fails, no zeros, no hang");
            assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
        } finally {
            never.countDown();
            svc.close();
        }
    }

    @Test
    void useAfterCloseAndIdempotentClose() throws Exception {
        var svc = FaultHandlingService.builder().build();
        LazyRegion r = svc.map(4 * P, PageSource.zero());
        r.close();
        r.close();
        svc.close();
        svc.close();
        assertThrows(IllegalStateException.class, () -> r.getByte(0));
        assertFalse(svc.isOpen());
    }

    @Test
    void builderRejectsBadSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaultHandlingService.builder().faultAround(5000));
        assertTrue(e.getMessage().contains("faultAround=5000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FaultHandlingService.builder().handlerThreads(0));
    }
}
