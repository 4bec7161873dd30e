package io.uring4j.register;

import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.uring4j.register.RegWaitTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Client-side rules, each with a clear error before any syscall; and the region's lifetime. */
class RegWaitRulesTest {

    @Test
    void slotFromAnotherRingRejected() throws Exception {
        try (Ring a = watched(Ring.builder().entries(4).waitSlots(2).build());
             Ring b = watched(Ring.builder().entries(4).waitSlots(2).build())) {
            WaitSlot foreign = b.waitRegion().slot(0).timeout(MS);
            var e = assertThrows(IllegalArgumentException.class, () -> a.submitAndWait(1, foreign));
            assertTrue(e.getMessage().contains("belongs to ring fd " + b.fd()) && e.getMessage().contains("not to ring fd " + a.fd()),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> a.waitCqes(1, foreign));
            assertEquals(-Errno.ETIME, b.waitCqes(1, foreign), "the slot still works on its own ring");
        }
    }

    @Test
    void slotIndexPastRegionRejected() throws Exception {
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(4).build())) {
            WaitRegion r = ring.waitRegion();
            assertEquals(4, r.slotCount());
            var e = assertThrows(IndexOutOfBoundsException.class, () -> r.slot(4));
            assertTrue(e.getMessage().contains("index=4 slots=4"), e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> r.slot(-1));
            // the page holds 64 entries, but only the declared 4 are slots
            assertThrows(IndexOutOfBoundsException.class, () -> r.slot(63));
        }
    }

    @Test
    void closedRingRejectsEverySlotOperation() throws Exception {
        Ring ring = watched(Ring.builder().entries(4).waitSlots(2).build());
        WaitRegion region = ring.waitRegion();
        WaitSlot slot = region.slot(0).timeout(MS);
        ring.close();
        for (var call : new org.junit.jupiter.api.function.Executable[] {
                () -> slot.timeout(MS), () -> slot.waitCqes(1), () -> slot.submitAndWait(1), () -> ring.waitCqes(1, slot),
                () -> region.slot(1), ring::waitRegion, () -> WaitRegion.of(ring), slot::minWaitMicros,
                () -> WaitRegion.register(ring, WaitRegionSpec.slots(1)), () -> region.useClock(WaitClock.BOOTTIME)}) {
            var e = assertThrows(IllegalStateException.class, call);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
        assertTrue(slot.toString().contains("closed"));
    }

    @Test
    void ringWithoutRegion() throws Exception {
        try (Ring ring = Ring.open(4)) {
            var e = assertThrows(IllegalStateException.class, ring::waitRegion);
            assertTrue(e.getMessage().contains("no wait region") && e.getMessage().contains("waitSlots"), e.getMessage());
        }
    }

    @Test
    void badArgumentsNamed() throws Exception {
        var e = assertThrows(IllegalArgumentException.class, () -> Ring.builder().waitSlots(0));
        assertTrue(e.getMessage().contains("slots=0") && e.getMessage().contains("65536"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WaitRegionSpec.slots(WaitRegionSpec.MAX_SLOTS + 1));
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(1).build())) {
            WaitSlot s = ring.waitRegion().slot(0);
            assertThrows(IllegalArgumentException.class, () -> s.timeout(-1));
            assertThrows(IllegalArgumentException.class, () -> s.deadline(-1));
            assertThrows(IllegalArgumentException.class, () -> s.minWaitMicros(-5));
            var se = assertThrows(IllegalArgumentException.class, () -> s.signalMask(65));
            assertTrue(se.getMessage().contains("signal=65"), se.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.signalMask(0));
            assertThrows(IllegalArgumentException.class, () -> s.waitCqes(-1));
        }
    }

    @Test
    void userRegionMemoryLivesExactlyAsLongAsTheRing() throws Exception {
        checkLifetime(WaitRegionSpec.slots(8));
    }

    @Test
    void kernelRegionMappingLivesExactlyAsLongAsTheRing() throws Exception {
        checkLifetime(WaitRegionSpec.slots(8).kernelAllocated());
    }

    private static void checkLifetime(WaitRegionSpec spec) throws Exception {
        Ring ring = watched(Ring.builder().entries(4).waitSlots(spec).build());
        var mem = ring.waitRegion().memory();
        long addr = mem.address();
        String line = mapsLine(addr);
        assertNotNull(line, "region at 0x" + Long.toHexString(addr) + " must be mapped while the ring is open");
        if (spec.isKernelAllocated()) assertTrue(line.contains("io_uring"), "kernel region is a mapping of the ring fd: " + line);
        ring.waitRegion().slot(7).timeout(MS).waitCqes(1);
        assertTrue(mem.scope().isAlive());
        ring.close();
        assertFalse(mem.scope().isAlive(), "region segment must die with the ring");
        assertNull(mapsLine(addr), "region must be unmapped when the ring closes");
    }

    /** The /proc/self/maps line whose range contains {@code addr}, or null. */
    private static String mapsLine(long addr) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] range = l.substring(0, l.indexOf(' ')).split("-");
            long lo = Long.parseUnsignedLong(range[0], 16), hi = Long.parseUnsignedLong(range[1], 16);
            if (Long.compareUnsigned(addr, lo) >= 0 && Long.compareUnsigned(addr, hi) < 0) return l;
        }
        return null;
    }
}
