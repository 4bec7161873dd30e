package io.uring4j.uffd;

import io.uring4j.ErrnoException;
import io.uring4j.FeatureUnavailableException;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import io.uring4j.sys.PageRegion;
import io.uring4j.sys.PmScanArg;
import io.uring4j.sys.Uffd;
import io.uring4j.sys.UffdMsg;
import io.uring4j.sys.UffdioApi;
import io.uring4j.sys.UffdioContinue;
import io.uring4j.sys.UffdioCopy;
import io.uring4j.sys.UffdioMove;
import io.uring4j.sys.UffdioPoison;
import io.uring4j.sys.UffdioRegister;
import io.uring4j.sys.UffdioWriteprotect;
import io.uring4j.sys.UffdioZeropage;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Creation (both ways), the UFFDIO_API handshake and its failure modes, read/poll basics. */
class UserfaultfdApiTest {

    @Test
    void handshakeWithNoFeaturesReportsAllSeventeen() throws Exception {
        try (Userfaultfd u = Userfaultfd.builder().create()) {
            long avail = u.api(0);
            assertEquals(0x1FFFFL, avail, "6.18 offers all 17 feature bits");
            assertEquals(EnumSet.allOf(UffdFeature.class), u.offeredFeatures());
            assertTrue(u.apiIoctls().containsAll(EnumSet.of(UffdIoctl.REGISTER, UffdIoctl.UNREGISTER, UffdIoctl.API)));
            assertTrue(u.features().isEmpty());
        }
        assertEquals(EnumSet.allOf(UffdFeature.class), Userfaultfd.availableFeatures());
    }

    @Test
    void badApiNumberIsEinval() throws Exception {
        try (Userfaultfd u = Userfaultfd.builder().create()) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> u.api(0xAB, 0));
            assertEquals("EINVAL", e.errnoName());
        }
    }

    @Test
    void unknownFeatureBitIsEinval() throws Exception {
        try (Userfaultfd u = Userfaultfd.builder().create()) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> u.api(1L << 40));
            assertEquals("EINVAL", e.errnoName());
        }
    }

    @Test
    void secondHandshakeIsEinval() throws Exception {
        try (Userfaultfd u = Userfaultfd.builder().create()) {
            u.api(UffdFeature.THREAD_ID.mask());
            ErrnoException e = assertThrows(ErrnoException.class, () -> u.api(0));
            assertEquals("EINVAL", e.errnoName());
        }
    }

    @Test
    void registerAndReadBeforeHandshakeAreEinval() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().create()) {
            MemorySegment m = Mem.anon(arena, 4 * Mem.PAGE);
            ErrnoException e = assertThrows(ErrnoException.class, () -> u.register(m, RegisterMode.MISSING));
            assertEquals("EINVAL", e.errnoName());
            assertEquals(-Errno.EINVAL, u.read(arena.allocate(64, 8)));
        }
    }

    @Test
    void createdThroughTheDevice() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Userfaultfd u = Userfaultfd.builder().method(Userfaultfd.CreateMethod.DEVICE)
                     .require(UffdFeature.EXACT_ADDRESS).open()) {
            assertFalse(u.isUserModeOnly());
            MemorySegment m = Mem.anon(arena, Mem.PAGE);
            assertTrue(u.register(m, RegisterMode.MISSING).contains(UffdIoctl.COPY));
            assertEquals(Mem.PAGE, u.zeropage(m, 0));
            assertEquals(0, Mem.nativeReadByte(m.address()));
        }
    }

    @Test
    void requiredFeatureMissingNamesEveryOne() {
        long available = UffdFeature.toMask(EnumSet.complementOf(EnumSet.of(UffdFeature.MOVE, UffdFeature.POISON)));
        FeatureUnavailableException e = assertThrows(FeatureUnavailableException.class, () -> Userfaultfd.checkRequired(
                UffdFeature.toMask(EnumSet.of(UffdFeature.MOVE, UffdFeature.POISON, UffdFeature.THREAD_ID)), available));
        assertTrue(e.getMessage().contains("UFFD_FEATURE_MOVE"), e.getMessage());
        assertTrue(e.getMessage().contains("UFFD_FEATURE_POISON"), e.getMessage());
        assertFalse(e.getMessage().contains("THREAD_ID"), e.getMessage());
        assertTrue(e.getMessage().contains("kernel >= 6.8"), e.getMessage());
        assertDoesNotThrow(() -> Userfaultfd.checkRequired(UffdFeature.THREAD_ID.mask(), available));
    }

    @Test
    void handshakeEnablesRequiredPlusAvailableOptional() throws Exception {
        try (Userfaultfd u = Userfaultfd.open(Set.of(UffdFeature.THREAD_ID), Set.of(UffdFeature.EXACT_ADDRESS, UffdFeature.MOVE))) {
            assertEquals(EnumSet.of(UffdFeature.THREAD_ID, UffdFeature.EXACT_ADDRESS, UffdFeature.MOVE), u.features());
            assertTrue(u.isHandshaken());
        }
    }

    @Test
    void readNeedsRoomForOneMessage() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().nonBlocking(true).open()) {
            MemorySegment buf = arena.allocate(64, 8);
            assertEquals(-Errno.EINVAL, u.read(buf, 31));
            assertEquals(-Errno.EAGAIN, u.read(buf, 32), "nothing pending on a non-blocking uffd");
            assertEquals(0, u.poll(0), "nothing pending: poll times out");
            assertTrue(u.readEvents(4).isEmpty());
        }
    }

    @Test
    void pollOnABlockingUffdIsPollerr() throws Exception {
        try (Userfaultfd u = Userfaultfd.builder().open()) {
            assertEquals(Sys.POLLERR, u.poll(0) & Sys.POLLERR);
        }
    }

    @Test
    void userModeOnlyRefusesKernelAccesses() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().userModeOnly(true).nonBlocking(true).open()) {
            assertTrue(u.isUserModeOnly());
            MemorySegment m = Mem.registered(arena, u, 2 * Mem.PAGE);
            // madvise(POPULATE) faults from kernel mode: refused at once, no event queued
            assertEquals(-Errno.EFAULT, Sys.madvise(m.address(), Mem.PAGE, Sys.MADV_POPULATE_READ));
            int fd = Sys.memfdCreate("src", Uffd.MFD_CLOEXEC);
            try {
                Sys.ftruncate(fd, Mem.PAGE);
                assertEquals(-Errno.EFAULT, Sys.pread(fd, m, Mem.PAGE, 0), "read(2) into the range is a kernel-mode access");
            } finally {
                Sys.close(fd);
            }
            // a user-mode access (libc memcpy) is delivered as usual
            Mem.Faulter f = Mem.Faulter.read(m.address() + Mem.PAGE + 5);
            assertEquals(m.address() + Mem.PAGE, Events.next(u, UffdEvent.PageFault.class).address());
            assertEquals(Mem.PAGE, u.zeropage(m.asSlice(Mem.PAGE, Mem.PAGE), 0));
            assertEquals(0, f.result.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void heapAndUnalignedSegmentsRefusedBeforeTheKernel() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().open()) {
            IllegalArgumentException h = assertThrows(IllegalArgumentException.class,
                    () -> u.register(MemorySegment.ofArray(new byte[8192]), RegisterMode.MISSING));
            assertTrue(h.getMessage().contains("heap"), h.getMessage());
            MemorySegment m = Mem.anon(arena, 2 * Mem.PAGE);
            IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                    () -> u.register(m.asSlice(100, Mem.PAGE), RegisterMode.MISSING));
            assertTrue(a.getMessage().contains("length=4096") && a.getMessage().contains("pageSize=4096"), a.getMessage());
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseFails() throws Exception {
        Userfaultfd u = Userfaultfd.builder().open();
        u.close();
        u.close();
        assertFalse(u.isOpen());
        assertThrows(IllegalStateException.class, u::fd);
    }

    @Test
    void constantsMatchTheKernelHeader() {
        assertEquals(UffdFeature.MOVE.mask(), 1L << 16);
        assertEquals(Uffd.UFFDIO_API, 0xC018AA3FL);
        Map<String, Long> sizes = new LinkedHashMap<>();   // sizeof(struct ...) from the 6.18 uapi headers
        sizes.put("uffd_msg", UffdMsg.SIZE);
        sizes.put("uffdio_api", UffdioApi.SIZE);
        sizes.put("uffdio_register", UffdioRegister.SIZE);
        sizes.put("uffdio_copy", UffdioCopy.SIZE);
        sizes.put("uffdio_zeropage", UffdioZeropage.SIZE);
        sizes.put("uffdio_move", UffdioMove.SIZE);
        sizes.put("uffdio_writeprotect", UffdioWriteprotect.SIZE);
        sizes.put("uffdio_continue", UffdioContinue.SIZE);
        sizes.put("uffdio_poison", UffdioPoison.SIZE);
        sizes.put("pm_scan_arg", PmScanArg.SIZE);
        sizes.put("page_region", PageRegion.SIZE);
        assertEquals(Map.ofEntries(Map.entry("uffd_msg", 32L), Map.entry("uffdio_api", 24L),
                Map.entry("uffdio_register", 32L), Map.entry("uffdio_copy", 40L), Map.entry("uffdio_zeropage", 32L),
                Map.entry("uffdio_move", 40L), Map.entry("uffdio_writeprotect", 24L), Map.entry("uffdio_continue", 32L),
                Map.entry("uffdio_poison", 32L), Map.entry("pm_scan_arg", 96L), Map.entry("page_region", 24L)), sizes);
        assertEquals(16, UffdMsg.PAGEFAULT_ADDRESS);
        assertEquals(24, UffdMsg.PAGEFAULT_PTID);
    }

    @Test
    void moveHasCopysLayoutSoOneArgumentWriterServesBoth() {
        // Userfaultfd fills uffdio_move with uffdio_copy's offsets
        assertEquals(List.of(UffdioCopy.DST, UffdioCopy.SRC, UffdioCopy.LEN, UffdioCopy.MODE, UffdioCopy.COPY, UffdioCopy.SIZE),
                List.of(UffdioMove.DST, UffdioMove.SRC, UffdioMove.LEN, UffdioMove.MODE, UffdioMove.MOVE, UffdioMove.SIZE));
    }
}
