package io.uring4j.register;

import io.uring4j.ring.EnterFlags;
import io.uring4j.ring.RegisterOp;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import io.uring4j.sys.MemRegionReg;
import io.uring4j.sys.RegWait;
import io.uring4j.sys.RegionDesc;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.uring4j.register.RegWaitTestSupport.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/**
 * What the kernel does with arguments the library never produces, through {@link Ring#enter} and
 * {@link Ring#registerRaw}; and that every offset the library does produce is accepted.
 */
class RegWaitRawKernelTest {
    private static final int REG_WAIT = EnterFlags.GETEVENTS | EnterFlags.EXT_ARG | EnterFlags.EXT_ARG_REG;

    @Test
    void kernelRejectsUnalignedAndOutOfRangeOffsetsAndBadArgsz() throws Exception {
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(64).build())) {
            WaitRegion region = ring.waitRegion();
            assertEquals(4096, region.byteSize());
            region.slot(0).timeout(0); // slot 0: zero timeout, so valid raw waits return at once
            assertEquals(-Errno.ETIME, ring.enter(0, 1, REG_WAIT, 0, RegWait.SIZE), "control: offset 0, argsz 64");
            for (long off : new long[] {1, 4, 12, 60}) // not a multiple of 8 (sizeof(long))
                assertEquals(-Errno.EFAULT, ring.enter(0, 1, REG_WAIT, off, RegWait.SIZE), "unaligned offset " + off);
            for (long off : new long[] {4096 - 56, 4096, 8192, 1L << 40, -64L}) // entry does not fit
                assertEquals(-Errno.EFAULT, ring.enter(0, 1, REG_WAIT, off, RegWait.SIZE), "out-of-range offset " + off);
            for (long argsz : new long[] {0, 24, 32, 63, 65, 128})
                assertEquals(-Errno.EINVAL, ring.enter(0, 1, REG_WAIT, 0, argsz), "argsz " + argsz);
        }
    }

    @Test
    void everyOffsetTheLibraryProducesIsAccepted() throws Exception {
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(64).build())) {
            WaitRegion region = ring.waitRegion();
            for (int i = 0; i < region.slotCount(); i++) {
                WaitSlot s = region.slot(i).timeout(0);
                assertEquals(0, s.offset() % 8, "slot " + i + " offset aligned to the native word");
                assertTrue(s.offset() + RegWait.SIZE <= region.byteSize(), "slot " + i + " fits in the region");
                assertEquals(-Errno.ETIME, ring.waitCqes(1, s), "slot " + i + " (the last one ends exactly at the page end)");
            }
            // and the one index past the end is refused before the kernel could say EFAULT
            var e = assertThrows(IndexOutOfBoundsException.class, () -> region.slot(64));
            assertTrue(e.getMessage().contains("index=64 slots=64"), e.getMessage());
        }
    }

    @Test
    void extArgRegWithoutRegionIsEfault() throws Exception {
        try (Ring ring = Ring.open(4)) {
            assertEquals(-Errno.EFAULT, ring.enter(0, 1, REG_WAIT, 0, RegWait.SIZE));
        }
    }

    @Test
    void registrationOnEnabledRingRejectedByLibraryAndKernel() throws Exception {
        try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
            var e = assertThrows(IllegalStateException.class, () -> WaitRegion.register(ring, WaitRegionSpec.slots(4)));
            assertTrue(e.getMessage().contains("is enabled") && e.getMessage().contains("R_DISABLED"), e.getMessage());
            // what the kernel would have said: EINVAL
            long size = 4096;
            long addr = Sys.mmap(0, size, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS, -1, 0);
            assertTrue(addr > 0);
            try {
                assertEquals(-Errno.EINVAL, registerRaw(ring, a, addr, size));
            } finally {
                Sys.munmap(addr, size);
            }
        }
    }

    @Test
    void secondRegionRejectedByLibraryAndKernel() throws Exception {
        // disabled() + waitSlots: the builder registers and leaves the ring disabled as asked
        try (Ring ring = watched(Ring.builder().entries(4).disabled().waitSlots(2).build()); Arena a = Arena.ofConfined()) {
            assertEquals(-Errno.EBADFD, ring.enter(0, 0, 0, 0, 0), "ring must still be disabled");
            var e = assertThrows(IllegalStateException.class, () -> WaitRegion.register(ring, WaitRegionSpec.slots(2)));
            assertTrue(e.getMessage().contains("already has a wait region"), e.getMessage());
            long size = 4096;
            long addr = Sys.mmap(0, size, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS, -1, 0);
            try {
                assertEquals(-Errno.EBUSY, registerRaw(ring, a, addr, size), "the kernel's answer to a second region");
            } finally {
                Sys.munmap(addr, size);
            }
            ring.enable();
            WaitSlot s = ring.waitRegion().slot(1).timeout(10 * MS);
            long t0 = System.nanoTime();
            assertEquals(-Errno.ETIME, s.waitCqes(1));
            assertElapsedAtLeast(System.nanoTime() - t0, 10 * MS, "after the caller's enable()");
        }
    }

    @Test
    void unknownRegWaitFlagsAreEinval() throws Exception {
        try (Ring ring = watched(Ring.builder().entries(4).waitSlots(1).build())) {
            WaitRegion region = ring.waitRegion();
            region.slot(0).timeout(0);
            region.memory().set(JAVA_INT, RegWait.FLAGS, 0x2 | WaitRegion.REG_WAIT_TS);
            assertEquals(-Errno.EINVAL, ring.enter(0, 1, REG_WAIT, 0, RegWait.SIZE));
            region.slot(0).clear().timeout(0); // the library's setters only ever write REG_WAIT_TS
            assertEquals(WaitRegion.REG_WAIT_TS, region.memory().get(JAVA_INT, RegWait.FLAGS));
            assertEquals(-Errno.ETIME, ring.waitCqes(1, region.slot(0)));
        }
    }

    private static long registerRaw(Ring ring, Arena a, long addr, long size) {
        MemorySegment desc = a.allocate(RegionDesc.LAYOUT);
        desc.set(JAVA_LONG, RegionDesc.USER_ADDR, addr);
        desc.set(JAVA_LONG, RegionDesc.SIZE_FIELD, size);
        desc.set(JAVA_INT, RegionDesc.FLAGS, WaitRegion.MEM_REGION_TYPE_USER);
        MemorySegment reg = a.allocate(MemRegionReg.LAYOUT);
        reg.set(JAVA_LONG, MemRegionReg.REGION_UPTR, desc.address());
        reg.set(JAVA_LONG, MemRegionReg.FLAGS, WaitRegion.MEM_REGION_REG_WAIT_ARG);
        return ring.registerRaw(RegisterOp.MEM_REGION, reg.address(), 1);
    }
}
