package io.uring4j.uffd;

import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/** MINOR faults on a shmem memfd resolved with CONTINUE by the service, with a hook that edits pages first. */
class MinorFaultServiceTest {
    static final long P = Mem.PAGE;
    static final long KEY = 0x5A5A5A5A5A5A5A5AL;

    @Test
    void hookSeesEachPageOnceBeforeItIsMapped() throws Exception {
        int pages = 64;
        int fd = Mem.memfd(pages * P);
        try (Arena arena = Arena.ofConfined()) {
            // "encrypted" contents in the page cache, written through an unregistered mapping
            MemorySegment plain = Mem.shared(arena, fd, pages * P);
            for (long off = 0; off < pages * P; off += 8) plain.set(JAVA_LONG, off, off ^ KEY);
            AtomicInteger hooked = new AtomicInteger();
            try (var svc = FaultHandlingService.builder().faultAround(4 * P).build();
                 LazyRegion r = svc.mapMinor(fd, pages * P, (off, page) -> {
                     hooked.incrementAndGet();
                     for (long i = 0; i < P; i += 8) page.set(JAVA_LONG, i, page.get(JAVA_LONG, i) ^ KEY);
                 })) {
                for (long off = 0; off < pages * P; off += 8) assertEquals(off, r.getLong(off), "offset " + off);
                assertEquals(pages, hooked.get(), "each page decrypted exactly once");
                FaultStats s = FaultHandlingServiceTest.settled(svc, x -> x.bytesContinued() == pages * P);
                assertEquals(pages * P, s.bytesContinued(), s.toString());
                assertEquals(pages / 4, s.faults(), "fault-around continues 4 pages per fault");
                // shared memory: writes through the region land in the file
                r.setLong(8, 77);
                assertEquals(77, plain.get(JAVA_LONG, 8));
            }
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void aFailingHookFailsTheAccessInsteadOfExposingRawPages() throws Exception {
        int fd = Mem.memfd(8 * P);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment plain = Mem.shared(arena, fd, 8 * P);
            for (long off = 0; off < 8 * P; off += 8) plain.set(JAVA_LONG, off, off ^ KEY);
            try (var svc = FaultHandlingService.builder().faultAround(P).build();
                 LazyRegion r = svc.mapMinor(fd, 8 * P, (off, page) -> {
                     if (off == 2 * P) throw new java.io.IOException("no key for page 2");
                     for (long i = 0; i < P; i += 8) page.set(JAVA_LONG, i, page.get(JAVA_LONG, i) ^ KEY);
                 })) {
                assertEquals(P, r.getLong(P));
                assertThrows(PageUnavailableException.class, () -> r.getLong(2 * P), "poisoned, never the still-encrypted bytes");
                assertEquals(3 * P, r.getLong(3 * P));
            }
        } finally {
            Sys.close(fd);
        }
    }
}
