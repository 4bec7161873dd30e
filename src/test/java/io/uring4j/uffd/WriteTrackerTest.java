package io.uring4j.uffd;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.BitSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/** Write tracking: WP faults through a handler (SYNC) and WP_ASYNC + PAGEMAP_SCAN (ASYNC). */
class WriteTrackerTest {
    static final long P = Mem.PAGE;

    static BitSet pages(int... p) {
        BitSet b = new BitSet();
        for (int i : p) b.set(i);
        return b;
    }

    @Test
    void asyncTracksDirectJavaWritesWithoutAHandler() throws Exception {
        try (WriteTracker t = WriteTracker.async(64 * P)) {
            assertEquals(WriteTracker.Mode.ASYNC, t.mode());
            assertEquals(pages(), t.snapshot(), "armed: nothing written yet");
            MemorySegment m = t.memory();
            m.set(JAVA_LONG, 3 * P, 1);                  // plain Java writes are safe: the kernel resolves them
            m.set(JAVA_LONG, 4 * P + 8, 2);
            m.set(JAVA_LONG, 10 * P + 4088, 3);
            assertEquals(0, m.get(JAVA_LONG, 20 * P), "reads are not writes");
            assertEquals(pages(3, 4, 10), t.snapshot());
            assertEquals(pages(), t.snapshot(), "the scan re-protected what it reported");
            m.set(JAVA_LONG, 3 * P, 5);
            t.setLong(63 * P, 9);
            assertEquals(pages(3, 63), t.snapshot());
            assertEquals(5, t.getLong(3 * P));
        }
    }

    @Test
    void asyncScanLargerThanOneOutputVector() throws Exception {
        // every other page written: 600 separate ranges, more than one PAGEMAP_SCAN vector (512)
        try (WriteTracker t = WriteTracker.async(1200 * P)) {
            MemorySegment m = t.memory();
            BitSet want = new BitSet();
            for (int p = 0; p < 1200; p += 2) {
                m.set(JAVA_LONG, p * P, p);
                want.set(p);
            }
            assertEquals(want, t.snapshot());
        }
    }

    @Test
    void syncRecordsFirstWritesThroughTheHandler() throws Exception {
        try (var svc = FaultHandlingService.builder().build(); WriteTracker t = WriteTracker.sync(svc, 64 * P)) {
            assertEquals(WriteTracker.Mode.SYNC, t.mode());
            assertThrows(IllegalStateException.class, t::memory, "no raw memory: direct writes could deadlock");
            t.setLong(P, 11);
            t.setLong(P + 8, 12);                        // same page: no second fault
            t.setLong(5 * P, 13);
            t.write(63 * P + 100, MemorySegment.ofArray(new byte[] {1, 2, 3}));
            assertEquals(0, t.getLong(7 * P), "reads never fault");
            assertEquals(pages(1, 5, 63), t.snapshot());
            assertEquals(3, FaultHandlingServiceTest.settled(svc, s -> s.wpResolved() == 3).wpResolved());
            assertEquals(12, t.getLong(P + 8));
            assertEquals(3, t.getByte(63 * P + 102));
            assertEquals(pages(), t.snapshot());
            t.setLong(5 * P, 14);
            assertEquals(pages(5), t.snapshot());
            assertEquals(14, t.getLong(5 * P));
        }
    }

    @Test
    void syncSnapshotsRacingWritersLoseNothing() throws Exception {
        int n = 256;
        try (var svc = FaultHandlingService.builder().build(); WriteTracker t = WriteTracker.sync(svc, n * P)) {
            AtomicBoolean stop = new AtomicBoolean();
            long[] lastSeq = new long[n];
            Future<?> writer = FaultHandlingServiceTest.onPlatformThread(() -> {
                long seq = 1;
                while (!stop.get()) {
                    int p = (int) ((seq * 37) % n);
                    t.setLong(p * P, seq);
                    lastSeq[p] = seq++;
                }
                return null;
            });
            // a checkpoint loop: copy what each snapshot names; at the end the copy must equal memory
            long[] copy = new long[n];
            for (int round = 0; round < 50; round++) {
                BitSet dirty = t.snapshot();
                for (int p = dirty.nextSetBit(0); p >= 0; p = dirty.nextSetBit(p + 1)) copy[p] = t.getLong(p * P);
                Thread.sleep(1);
            }
            stop.set(true);
            writer.get(10, TimeUnit.SECONDS);
            BitSet dirty = t.snapshot();
            for (int p = dirty.nextSetBit(0); p >= 0; p = dirty.nextSetBit(p + 1)) copy[p] = t.getLong(p * P);
            for (int p = 0; p < n; p++) assertEquals(t.getLong(p * P), copy[p], "page " + p + " changed without being reported");
            assertArrayEquals(lastSeq, copy);
        }
    }

    @Test
    void useAfterClose() throws Exception {
        WriteTracker t = WriteTracker.async(4 * P);
        t.close();
        t.close();
        assertThrows(IllegalStateException.class, t::snapshot);
        assertThrows(IllegalStateException.class, () -> t.setLong(0, 1));
    }

    @Test
    void asyncCloseRacingSnapshotsIsCleanOnBothSides() throws Exception {
        // close() must neither throw (freeing the scan buffers while a scan is in the ioctl) nor
        // make a racing snapshot fail with anything but IllegalStateException (e.g. EBADF from a
        // pagemap fd closed under it)
        for (int round = 0; round < 50; round++) {
            WriteTracker t = WriteTracker.async(4 * P);
            AtomicBoolean started = new AtomicBoolean();
            Future<Throwable> scanner = FaultHandlingServiceTest.onPlatformThread(() -> {
                try {
                    while (true) {
                        t.snapshot();
                        started.set(true);
                    }
                } catch (Throwable e) {
                    return e;
                }
            });
            long until = System.nanoTime() + 1_000_000_000L;
            while (!started.get() && System.nanoTime() < until) Thread.onSpinWait();
            assertDoesNotThrow(t::close, "round " + round);
            Throwable ended = scanner.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, ended, "round " + round + ": " + ended);
        }
    }
}
