package io.uring4j.uffd;

import io.uring4j.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Runs in a child JVM (see {@link GcSafepointTest}); prints one result line and exits 0, or hangs.
 * <ul>
 * <li>{@code safe}: reader threads go through {@link LazyRegion} while another thread calls
 *     System.gc() in a loop and the page source is slow enough that GCs start while faults are
 *     pending. Must finish.</li>
 * <li>{@code unsafe}: one thread touches registered memory with a plain MemorySegment access and a
 *     GC starts while the fault is pending. Expected to deadlock (the watchdog kills it).</li>
 * </ul>
 */
public final class GcSafepointChild {
    static final long P = Sys.PAGE_SIZE;

    public static void main(String[] args) throws Exception {
        if (args[0].equals("safe")) safe(); else unsafe();
    }

    private static void safe() throws Exception {
        long pages = 1024;
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong gcs = new AtomicLong();
        PageSource slow = PageSource.of((off, dst) -> {
            for (long i = 0; i < dst.byteSize(); i += 8) dst.set(JAVA_LONG, i, off + i);
            if ((off / P) % 16 == 0) LockSupport.parkNanos(300_000);
        });
        try (var svc = FaultHandlingService.builder().faultAround(P).build(); LazyRegion r = svc.map(pages * P, slow)) {
            Thread gc = Thread.ofPlatform().daemon().start(() -> {
                while (!done.get()) {
                    System.gc();
                    gcs.incrementAndGet();
                    LockSupport.parkNanos(1_000_000);   // leave the readers some time between full GCs
                }
            });
            int threads = 4;
            Thread[] readers = new Thread[threads];
            long[] bad = new long[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                readers[t] = Thread.ofPlatform().start(() -> {
                    for (long p = id; p < pages; p += threads) {
                        for (long w = 0; w < P; w += 512) {
                            long off = p * P + w;
                            if (r.getLong(off) != off) bad[id]++;
                        }
                        if (p % 64 == 0) {
                            // allocate: TLAB refills and young GCs add safepoints of their own
                            byte[] junk = new byte[64 * 1024];
                            junk[0] = 1;
                        }
                    }
                });
            }
            for (Thread t : readers) t.join();
            done.set(true);
            gc.join();
            long b = 0;
            for (long x : bad) b += x;
            System.out.println("SAFE-DONE bad=" + b + " faults=" + svc.stats().faults() + " gcs=" + gcs.get());
            System.exit(b == 0 ? 0 : 3);
        }
    }

    private static void unsafe() throws Exception {
        Userfaultfd u = Userfaultfd.builder().open();
        Arena arena = Arena.ofShared();
        long a = Sys.mmap(0, P, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS, -1, 0);
        MemorySegment m = MemorySegment.ofAddress(a).reinterpret(P);
        u.register(m, RegisterMode.MISSING);
        MemorySegment src = arena.allocate(P, P);
        AtomicBoolean gotFault = new AtomicBoolean();
        Thread handler = Thread.ofPlatform().daemon().start(() -> {
            try {
                u.readEvents(1);
                gotFault.set(true);
                Thread.sleep(500);     // the GC below starts while the fault is outstanding
                u.copy(m, src, 0);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread toucher = Thread.ofPlatform().daemon().start(() -> {
            long v = m.get(JAVA_LONG, 0);   // the forbidden plain access to a missing registered page
            if (v == 42) System.out.println("impossible");
        });
        while (!gotFault.get()) Thread.onSpinWait();
        System.gc();
        toucher.join();
        handler.join();
        System.out.println("UNSAFE-FINISHED");
        System.exit(0);
    }
}
