package io.uring4j.register;

import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import io.uring4j.sys.SyscallNumbers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.atomic.AtomicBoolean;

import static io.uring4j.register.RegWaitTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A slot's signal mask replaces the thread's mask for the wait (pselect-style). SIGPIPE is the
 * probe: HotSpot installs a handler that ignores it, so delivering it to a Java thread is harmless,
 * yet it interrupts a wait it is not blocked in. It is sent repeatedly so it cannot slip in before
 * the wait starts.
 */
class WaitSlotSignalMaskTest {
    private static final int SIGPIPE = 13;

    @ParameterizedTest(name = "fallback={0}")
    @ValueSource(booleans = {false, true})
    void maskDecidesWhetherASignalEndsTheWait(boolean fallback) throws Exception {
        WaitRegionSpec spec = WaitRegionSpec.slots(2);
        if (fallback) spec.pretendKernelLacksRegisteredWaits();
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(spec).build())) {
            assertEquals(!fallback, ring.waitRegion().isRegistered());
            int tid = Sys.gettid();
            WaitSlot open = ring.waitRegion().slot(0).timeout(3_000 * MS).signalMask();          // block nothing
            WaitSlot blocking = ring.waitRegion().slot(1).timeout(300 * MS).signalMask(SIGPIPE);  // block SIGPIPE
            assertTrue(open.hasSignalMask());
            assertEquals(1L << (SIGPIPE - 1), blocking.signalMaskBits());

            try (Pelter p = new Pelter(tid)) {
                long t0 = System.nanoTime();
                assertEquals(-Errno.EINTR, ring.waitCqes(1, open), "an unblocked signal ends the wait and is returned, not retried");
                assertTrue(System.nanoTime() - t0 < 2_000 * MS, "interrupted long before the 3 s timeout");

                t0 = System.nanoTime();
                assertEquals(-Errno.ETIME, ring.waitCqes(1, blocking), "SIGPIPE blocked for the wait: it runs to the timeout");
                assertElapsedAtLeast(System.nanoTime() - t0, 300 * MS, "blocked signal");
                assertTrue(p.sent() > 3, "signals were sent during the wait: " + p.sent());
            }

            open.noSignalMask();
            assertFalse(open.hasSignalMask());
            assertEquals(0, open.signalMaskBits());
        }
    }

    /** Sends SIGPIPE to one thread every 20 ms until closed. */
    private static final class Pelter implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        private final Thread thread;

        Pelter(int tid) {
            long pid = ProcessHandle.current().pid();
            thread = new Thread(() -> {
                while (!stop.get()) {
                    assertEquals(0, Sys.syscall(SyscallNumbers.TGKILL, pid, tid, SIGPIPE, 0, 0, 0));
                    sent.incrementAndGet();
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "sigpipe-pelter");
            thread.setDaemon(true);
            thread.start();
        }

        int sent() { return sent.get(); }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
        }
    }
}
