package io.uring4j.register;

import io.uring4j.ErrnoException;
import io.uring4j.KernelInfo;
import io.uring4j.ring.Opcode;
import io.uring4j.ring.RegisterOp;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import io.uring4j.sys.RsrcRegister;
import io.uring4j.sys.RsrcUpdate2;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.uring4j.register.TestSupport.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every kernel rule for fixed buffers, twice: provoked through the raw path (registerRaw / raw SQE
 * fields) to show the kernel's errno, then through the library to show it refuses first and says
 * which rule with the numbers.
 */
class FixedBufferErrorsTest {
    @TempDir
    Path dir;

    private static <T extends Throwable> T refused(Class<T> type, String mustContain, org.junit.jupiter.api.function.Executable ex) {
        T e = assertThrows(type, ex);
        assertTrue(e.getMessage().contains(mustContain), "message lacks '" + mustContain + "': " + e.getMessage());
        return e;
    }

    @Test
    void secondRegisterIsEbusy() throws Exception {
        try (Ring ring = Ring.open(2); Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(4096, 4096);
            assertEquals(0, rawRegisterOne(ring, RegisterOp.BUFFERS, m.address(), 4096));
            assertEquals(-Errno.EBUSY, rawRegisterOne(ring, RegisterOp.BUFFERS, m.address(), 4096));
            assertEquals(0, ring.registerRaw(RegisterOp.UNREGISTER_BUFFERS, 0, 0));

            FixedBuffers.register(ring, m);
            refused(IllegalStateException.class, "already has a registered buffer table of 1 slots",
                    () -> FixedBuffers.register(ring, m));
            refused(IllegalStateException.class, "EBUSY", () -> FixedBuffers.registerSparse(ring, 2));
        }
    }

    @Test
    void unregisterWithNothingRegisteredIsEnxio() throws Exception {
        try (Ring ring = Ring.open(2); Arena a = Arena.ofConfined()) {
            assertEquals(-Errno.ENXIO, ring.registerRaw(RegisterOp.UNREGISTER_BUFFERS, 0, 0));
            FixedBuffers t = FixedBuffers.register(ring, a.allocate(4096, 4096));
            t.unregister();
            refused(IllegalStateException.class, "ENXIO", t::unregister);
            t.close(); // close stays idempotent
            // the mapped exception when the kernel itself says ENXIO (a table removed behind the library's back)
            FixedBuffers u = FixedBuffers.register(ring, a.allocate(4096, 4096));
            assertEquals(0, ring.registerRaw(RegisterOp.UNREGISTER_BUFFERS, 0, 0));
            RegistrationException e = assertThrows(RegistrationException.class, u::unregister);
            assertEquals("ENXIO", e.errnoName());
            assertTrue(e.getMessage().contains("no registered buffer table"), e.getMessage());
        }
    }

    @Test
    void einvalForms() throws Exception {
        try (Ring ring = Ring.open(2); Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(4096, 4096);
            assertEquals(0, rawRegisterOne(ring, RegisterOp.BUFFERS, m.address(), 4096));
            // unregister with arg or nr_args != 0 (the library's unregister() has no way to pass them)
            assertEquals(-Errno.EINVAL, ring.registerRaw(RegisterOp.UNREGISTER_BUFFERS, m.address(), 0));
            assertEquals(-Errno.EINVAL, ring.registerRaw(RegisterOp.UNREGISTER_BUFFERS, 0, 1));
            assertEquals(0, ring.registerRaw(RegisterOp.UNREGISTER_BUFFERS, 0, 0));

            // zero buffers / more than IORING_MAX_REG_BUFFERS
            assertEquals(-Errno.EINVAL, ring.registerRaw(RegisterOp.BUFFERS, m.address(), 0));
            assertEquals(-Errno.EINVAL, ring.registerRaw(RegisterOp.BUFFERS, m.address(), FixedBuffers.MAX_BUFFERS + 1));
            refused(IllegalArgumentException.class, "count=0", () -> FixedBuffers.register(ring));
            refused(IllegalArgumentException.class, "count=16385: a buffer table has 1..16384 slots",
                    () -> FixedBuffers.registerSparse(ring, 16385));

            // BUFFERS2: nr_args must be sizeof(io_uring_rsrc_register); a tag on an empty slot
            MemorySegment rr = a.allocate(RsrcRegister.LAYOUT);
            MemorySegment iov = a.allocate(32); // two iovecs: {m, 4096}, {NULL, 0}
            iov.set(JAVA_LONG, 0, m.address());
            iov.set(JAVA_LONG, 8, 4096);
            rr.set(JAVA_INT, RsrcRegister.NR, 2);
            rr.set(JAVA_LONG, RsrcRegister.DATA, iov.address());
            assertEquals(-Errno.EINVAL, ring.registerRaw(RegisterOp.BUFFERS2, rr.address(), 16));
            rr.set(JAVA_LONG, RsrcRegister.TAGS, a.allocateFrom(JAVA_LONG, 0, 5).address());
            assertEquals(-Errno.EINVAL, ring.registerRaw(RegisterOp.BUFFERS2, rr.address(), (int) RsrcRegister.SIZE));
            refused(IllegalArgumentException.class, "slot 1 is empty but has tag=5",
                    () -> FixedBuffers.register(ring, new MemorySegment[]{m, null}, new long[]{0, 5}));

            // update past the table
            FixedBuffers t = FixedBuffers.register(ring, m, a.allocate(4096, 4096));
            MemorySegment up = a.allocate(RsrcUpdate2.LAYOUT);
            up.set(JAVA_INT, RsrcUpdate2.OFFSET, 2);
            up.set(JAVA_LONG, RsrcUpdate2.DATA, iov.address());
            up.set(JAVA_INT, RsrcUpdate2.NR, 1);
            assertEquals(-Errno.EINVAL, ring.registerRaw(RegisterOp.BUFFERS_UPDATE, up.address(), (int) RsrcUpdate2.SIZE));
            refused(IllegalArgumentException.class, "slot=2 count=1 registered=2", () -> t.update(2, m));
        }
    }

    @Test
    void outOfRangeAndBadIndexAreEfault() throws Exception {
        int fd = tempFileFd(dir, "data", 16384);
        // a refused prep leaves its claimed entry a NOP: room for them
        try (Ring ring = Ring.open(16); Arena a = Arena.ofConfined()) {
            MemorySegment[] bufs = new MemorySegment[4];
            for (int i = 0; i < 4; i++) bufs[i] = a.allocate(4096, 4096);
            FixedBuffers t = FixedBuffers.register(ring, bufs);
            long b0 = bufs[0].address();

            // raw: past the end, before the start, an index past the table, address+len overflow
            long[][] cases = {{b0 + 4000, 200, 0}, {b0 - 8, 100, 0}, {b0, 100, 5}, {-4096L, 8192, 0}};
            for (long[] c : cases) {
                ring.sqe().opcode(Opcode.READ_FIXED).fd(fd).addr(c[0]).len((int) c[1]).bufIndex((int) c[2]);
                assertEquals(-Errno.EFAULT, submitOne(ring).res(), "addr=0x" + Long.toHexString(c[0]) + " len=" + c[1] + " index=" + c[2]);
            }
            // library: the same four, refused before the kernel, with the numbers
            refused(IllegalArgumentException.class, "range offset=4000 len=200 (end 4200) is outside buffer 0 of 4096 bytes",
                    () -> ring.sqe().prepReadFixed(fd, t, 0, 4000, 200, 0));
            refused(IllegalArgumentException.class, "range offset=-8 len=100",
                    () -> ring.sqe().prepReadFixed(fd, MemorySegment.ofAddress(b0 - 8).reinterpret(100), 0, t, 0));
            refused(IllegalArgumentException.class, "buffer index=5 registered=4",
                    () -> ring.sqe().prepReadFixed(fd, t, 5, 0, 100, 0));
            refused(IllegalArgumentException.class, "buffer index=-1 registered=4",
                    () -> ring.sqe().prepWriteFixed(fd, t, -1, 0, 100, 0));
            refused(IllegalArgumentException.class, "range offset=9223372036854775000",
                    () -> ring.sqe().prepReadFixed(fd, t, 0, 9223372036854775000L, 4000, 0));
            refused(IllegalArgumentException.class, "len=-1 outside 0..2147479552",
                    () -> ring.sqe().prepReadFixed(fd, t, 0, 0, -1, 0));
            refused(IllegalArgumentException.class, "heap segment",
                    () -> ring.sqe().prepReadFixed(fd, MemorySegment.ofArray(new byte[8]), 0, t, 0));
            assertEquals(0, t.inFlight(), "refused preps count nothing in flight");
            ring.submitAndWait(ring.sqReady());
            ring.cqAdvance(ring.cqReady());
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void nullBaseZeroLengthOversizeAndHeapAreRefused() throws Exception {
        try (Ring ring = Ring.open(2); Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(1 << 20, 4096);
            // raw: NULL base with a length, zero length, over 1 GiB, a hole in the address space
            assertEquals(-Errno.EFAULT, rawRegisterOne(ring, RegisterOp.BUFFERS, 0, 4096));
            assertEquals(-Errno.EFAULT, rawRegisterOne(ring, RegisterOp.BUFFERS, m.address(), 0));
            assertEquals(-Errno.EFAULT, rawRegisterOne(ring, RegisterOp.BUFFERS, m.address(), FixedBuffers.MAX_BUFFER_BYTES + 1));
            assertEquals(-Errno.EFAULT, rawRegisterOne(ring, RegisterOp.BUFFERS, 4096, 4096));
            // library
            refused(IllegalArgumentException.class, "buffer 0 has a NULL base address (the kernel answers EFAULT)",
                    () -> FixedBuffers.register(ring, MemorySegment.ofAddress(0).reinterpret(4096)));
            refused(IllegalArgumentException.class, "buffer 1 has length 0",
                    () -> FixedBuffers.register(ring, m.asSlice(0, 4096), m.asSlice(4096, 0)));
            refused(IllegalArgumentException.class, "buffer 0 length=1073741825 exceeds the kernel's per-buffer limit of 1073741824",
                    () -> FixedBuffers.register(ring, MemorySegment.ofAddress(m.address()).reinterpret(FixedBuffers.MAX_BUFFER_BYTES + 1)));
            refused(IllegalArgumentException.class, "buffer 0 is a heap segment",
                    () -> FixedBuffers.register(ring, MemorySegment.ofArray(new byte[4096])));
            refused(IllegalArgumentException.class, "0x1000 is not mapped",
                    () -> FixedBuffers.register(ring, MemorySegment.ofAddress(4096).reinterpret(4096)));
            refused(IllegalArgumentException.class, "bufferSize=1073741825 outside 1..1073741824",
                    () -> BufferPool.allocate(1, FixedBuffers.MAX_BUFFER_BYTES + 1));
            assertNull(FixedBuffers.of(ring), "nothing was registered");
        }
    }

    @Test
    void regularFileMappingIsRefusedButShmemIsPinned() throws Exception {
        Path disk = dir.resolve("mapped");
        assumeTrue(!"tmpfs".equals(Files.getFileStore(dir).type()), "needs a disk filesystem for the temp dir");
        Files.write(disk, new byte[8192]);
        int fd = Sys.open(disk.toString(), Sys.O_RDWR, 0);
        Path shm = Files.createTempFile(Path.of("/dev/shm"), "uring4j", ".buf");
        int sfd = Sys.open(shm.toString(), Sys.O_RDWR, 0);
        long addr = Sys.mmap(0, 8192, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED, fd, 0);
        long ro = Sys.mmap(0, 8192, Sys.PROT_READ, Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS, -1, 0);
        long priv = Sys.mmap(0, 8192, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_PRIVATE, fd, 0);
        Sys.ftruncate(sfd, 8192);
        long sh = Sys.mmap(0, 8192, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED, sfd, 0);
        try (Ring ring = Ring.open(2)) {
            // since 6.5 gup refuses FOLL_LONGTERM write pins of dirty-tracked file mappings with EFAULT;
            // before, io_uring's own check said EOPNOTSUPP (what io_uring_register(2) still documents)
            int expect = KernelInfo.atLeast(6, 5) ? Errno.EFAULT : Errno.EOPNOTSUPP;
            assertEquals(-expect, rawRegisterOne(ring, RegisterOp.BUFFERS, addr, 8192), "MAP_SHARED ext4 file");
            assertEquals(-Errno.EFAULT, rawRegisterOne(ring, RegisterOp.BUFFERS, ro, 8192), "read-only mapping");
            var e = refused(IllegalArgumentException.class, "MAP_SHARED mapping of a regular file",
                    () -> FixedBuffers.register(ring, MemorySegment.ofAddress(addr).reinterpret(8192)));
            assertTrue(e.getMessage().contains(disk.toString()), "names the file: " + e.getMessage());
            refused(IllegalArgumentException.class, "read-only mapping",
                    () -> FixedBuffers.register(ring, MemorySegment.ofAddress(ro).reinterpret(8192)));

            // allowed: shmem (tmpfs) shared mappings and private file mappings (pinning breaks COW)
            FixedBuffers t = FixedBuffers.register(ring, MemorySegment.ofAddress(sh).reinterpret(8192),
                    MemorySegment.ofAddress(priv).reinterpret(8192));
            assertEquals(2, t.slots());
            t.unregister();
        } finally {
            for (long m : new long[]{addr, ro, priv, sh}) Sys.munmap(m, 8192);
            Sys.close(fd);
            Sys.close(sfd);
            Files.deleteIfExists(shm);
        }
    }

    @Test
    void memlockLimitIsEnomemWithTheLimitInTheMessage() throws Exception {
        long soft = Sys.softLimit(Sys.RLIMIT_MEMLOCK);
        assumeTrue(soft >= 0 && soft < (256L << 20), "needs a finite RLIMIT_MEMLOCK below 256 MiB, have " + soft);
        long size = (soft + (2L << 20)) & -4096L;
        // without CAP_IPC_LOCK at ring creation, pinned pages are charged to RLIMIT_MEMLOCK
        try (Ring ring = withoutIpcLock(() -> Ring.open(2)); BufferPool pool = BufferPool.allocate(1, size)) {
            assertEquals(-Errno.ENOMEM, rawRegisterOne(ring, RegisterOp.BUFFERS, pool.buffer(0).address(), size));
            RegistrationException e = assertThrows(RegistrationException.class, () -> pool.register(ring));
            assertEquals(Errno.ENOMEM, e.errno());
            assertTrue(e.getMessage().contains("RLIMIT_MEMLOCK"), e.getMessage());
            assertTrue(e.getMessage().contains("soft limit is " + soft + " bytes"), e.getMessage());
            assertTrue(e.getMessage().contains("pins " + size + " bytes"), e.getMessage());
            assertFalse(pool.isRegistered());
            // under the limit the same ring registers fine
            FixedBuffers small = FixedBuffers.register(ring, pool.buffer(0).asSlice(0, 1 << 20));
            small.unregister();
        }
    }

    @Test
    void errnoExceptionCarriesTheOperation() {
        RegistrationException e = RegistrationException.forBuffers(-Errno.EOPNOTSUPP, "BUFFERS count=1", 4096);
        assertInstanceOf(ErrnoException.class, e);
        assertEquals("io_uring_register", e.syscall());
        assertTrue(e.getMessage().startsWith("io_uring_register(BUFFERS count=1) failed: EOPNOTSUPP: "), e.getMessage());
        assertTrue(e.getMessage().contains("use anonymous memory"), e.getMessage());
    }
}
