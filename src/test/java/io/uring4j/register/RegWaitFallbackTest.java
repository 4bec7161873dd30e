package io.uring4j.register;

import io.uring4j.FeatureUnavailableException;
import io.uring4j.ring.EnterFlags;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import io.uring4j.sys.RegWait;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.foreign.Arena;

import static io.uring4j.register.RegWaitTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The decided fallback: on a kernel without registered waits the same slots drive plain EXT_ARG
 * waits; strict() makes it a FeatureUnavailableException. The kernel here has the feature, so
 * the spec's test hook skips the registration, as the kernel's EINVAL would.
 */
class RegWaitFallbackTest {

    @Test
    void fallbackSlotsDrivePlainExtArgWaits() throws Exception {
        int[] p = pipe();
        try (Ring ring = watched(Ring.builder().entries(8).waitSlots(WaitRegionSpec.slots(3).pretendKernelLacksRegisteredWaits()).build());
             Arena a = Arena.ofConfined()) {
            WaitRegion region = ring.waitRegion();
            assertFalse(region.isRegistered());
            assertTrue(region.toString().contains("EXT_ARG fallback"));
            // nothing was registered with the kernel: a raw registered wait finds no region
            assertEquals(-Errno.EFAULT, ring.enter(0, 1, EnterFlags.GETEVENTS | EnterFlags.EXT_ARG | EnterFlags.EXT_ARG_REG, 0, RegWait.SIZE));

            WaitSlot s0 = region.slot(0).timeout(20 * MS), s2 = region.slot(2).timeout(90 * MS);
            long t0 = System.nanoTime();
            assertEquals(-Errno.ETIME, ring.waitCqes(1, s2));
            assertElapsedAtLeast(System.nanoTime() - t0, 90 * MS, "fallback slot 2");
            t0 = System.nanoTime();
            assertEquals(-Errno.ETIME, ring.waitCqes(1, s0));
            long took = System.nanoTime() - t0;
            assertElapsedAtLeast(took, 20 * MS, "fallback slot 0");
            assertTrue(took < 90 * MS, "slot 0 must not read slot 2's timeout");
            s0.timeout(60 * MS); // in place
            t0 = System.nanoTime();
            assertEquals(-Errno.ETIME, s0.waitCqes(1));
            assertElapsedAtLeast(System.nanoTime() - t0, 60 * MS, "fallback slot changed in place");

            long start = WaitClock.MONOTONIC.now(), deadline = start + 40 * MS;
            assertEquals(-Errno.ETIME, s0.deadline(deadline).waitCqes(1));
            long after = WaitClock.MONOTONIC.now();
            assertTrue(after >= deadline);
            assertElapsedAtLeast(after - start, 40 * MS, "fallback ABS_TIMER deadline");

            WaitSlot batching = region.slot(1).timeout(3_000 * MS).minWaitMicros(100_000);
            ring.sqe().prepRead(p[0], a.allocate(8), 0).userData(3);
            ring.submit();
            Thread w = writeLater(p[1], 20);
            t0 = System.nanoTime();
            assertEquals(1, ring.waitCqes(8, batching));
            w.join();
            assertElapsedAtLeast(System.nanoTime() - t0, 100 * MS, "fallback min-wait");
            assertEquals(3, reap(ring, 1));

            ring.sqe().prepNop().userData(4);
            assertEquals(1, ring.submitAndWait(1, batching.noTimeout().minWaitMicros(0)));
            assertEquals(4, reap(ring, 0));
        } finally {
            closeAll(p);
        }
    }

    @Test
    void strictModeThrowsFeatureUnavailableAndClosesTheRing() throws Exception {
        int fdsBefore = openFds();
        var e = assertThrows(FeatureUnavailableException.class, () -> Ring.builder().entries(4)
                .waitSlots(WaitRegionSpec.slots(2).strict().pretendKernelLacksRegisteredWaits()).build());
        assertTrue(e.getMessage().contains("EXT_ARG_REG") && e.getMessage().contains("6.13"), e.getMessage());
        assertEquals("EINVAL", e.errnoName());
        assertEquals(fdsBefore, openFds(), "the half-built ring's fd must be closed");
    }

    @Test
    void strictModeOnThisKernelRegisters() throws Exception {
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(WaitRegionSpec.slots(2).strict().kernelAllocated()).build())) {
            assertTrue(ring.waitRegion().isRegistered());
            assertTrue(ring.waitRegion().isKernelAllocated());
        }
    }

    private static int openFds() {
        String[] l = new File("/proc/self/fd").list();
        return l == null ? -1 : l.length;
    }
}
