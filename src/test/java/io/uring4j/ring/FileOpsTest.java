package io.uring4j.ring;

import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import static io.uring4j.ring.OpsSupport.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/** READ/WRITE/READV/WRITEV, FSYNC, SYNC_FILE_RANGE, FALLOCATE, FADVISE, MADVISE, OPENAT(2), CLOSE, STATX, FTRUNCATE. */
class FileOpsTest extends RingOpsTest {
    @TempDir Path dir;
    Path file;
    int fd = -1;

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("data");
        Files.write(file, new byte[0]);
        fd = own(Sys.open(file.toString(), Sys.O_RDWR, 0));
        assertTrue(fd >= 0, "open: " + Errno.name(-fd));
    }

    @Test
    void writeAtOffsetThenReadBack() throws Exception {
        MemorySegment out = pattern(arena, 8192, 1);
        ring.sqe().prepWrite(fd, out, 4096).userData(1);
        assertRes(8192, submitOne(ring));
        assertEquals(4096 + 8192, Files.size(file), "the write must land at offset 4096");
        byte[] disk = Files.readAllBytes(file);
        assertArrayEquals(new byte[4096], Arrays.copyOfRange(disk, 0, 4096));
        assertArrayEquals(bytes(out), Arrays.copyOfRange(disk, 4096, disk.length));

        MemorySegment in = arena.allocate(8192);
        ring.sqe().prepRead(fd, in, 4096).userData(2);
        Done d = submitOne(ring);
        assertEquals(2, d.userData());
        assertRes(8192, d);
        assertEquals(-1, in.mismatch(out));

        // a short read at the end of the file returns what is there
        MemorySegment tail = arena.allocate(100);
        ring.sqe().prepRead(fd, tail, 4096 + 8192 - 10).userData(3);
        assertRes(10, submitOne(ring));
        assertEquals(-1, tail.asSlice(0, 10).mismatch(out.asSlice(8182, 10)));
    }

    @Test
    void offsetMinusOneUsesAndAdvancesTheFilePosition() {
        MemorySegment a = pattern(arena, 100, 2), b = pattern(arena, 50, 3);
        ring.sqe().prepWrite(fd, a, -1).userData(1);
        assertRes(100, submitOne(ring));
        ring.sqe().prepWrite(fd, b, -1).userData(2);
        assertRes(50, submitOne(ring));
        MemorySegment in = arena.allocate(150);
        ring.sqe().prepRead(fd, in, 0).userData(3);
        assertRes(150, submitOne(ring));
        assertEquals(-1, in.asSlice(0, 100).mismatch(a));
        assertEquals(-1, in.asSlice(100, 50).mismatch(b));
    }

    @Test
    void writevGathersAndReadvScatters() throws Exception {
        MemorySegment p1 = pattern(arena, 10, 4), p2 = pattern(arena, 4000, 5), p3 = pattern(arena, 333, 6);
        MemorySegment iov = Iovecs.of(arena, p1, p2, p3);
        ring.sqe().prepWritev(fd, iov, 3, 0).userData(1);
        assertRes(4343, submitOne(ring));
        byte[] disk = Files.readAllBytes(file);
        assertEquals(4343, disk.length);
        assertArrayEquals(bytes(p1), Arrays.copyOfRange(disk, 0, 10));
        assertArrayEquals(bytes(p2), Arrays.copyOfRange(disk, 10, 4010));
        assertArrayEquals(bytes(p3), Arrays.copyOfRange(disk, 4010, 4343));

        // read back split differently: 2000 + 2343
        MemorySegment r1 = arena.allocate(2000), r2 = arena.allocate(2343);
        ring.sqe().prepReadv(fd, Iovecs.of(arena, r1, r2), 2, 0).userData(2);
        assertRes(4343, submitOne(ring));
        byte[] joined = new byte[4343];
        System.arraycopy(bytes(r1), 0, joined, 0, 2000);
        System.arraycopy(bytes(r2), 0, joined, 2000, 2343);
        assertArrayEquals(disk, joined);
    }

    @Test
    void writev2WithAppendIgnoresTheOffsetAndReadv2Works() throws Exception {
        Files.write(file, new byte[] {1, 2, 3});
        MemorySegment p = pattern(arena, 64, 7);
        ring.sqe().prepWritev2(fd, Iovecs.of(arena, p), 1, 0, Sqe.RWF_APPEND).userData(1);
        assertRes(64, submitOne(ring));
        byte[] disk = Files.readAllBytes(file);
        assertEquals(67, disk.length, "RWF_APPEND (in rw_flags) must append, not overwrite offset 0");
        assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOf(disk, 3));
        MemorySegment in = arena.allocate(64);
        ring.sqe().prepReadv2(fd, Iovecs.of(arena, in), 1, 3, 0).userData(2);
        assertRes(64, submitOne(ring));
        assertEquals(-1, in.mismatch(p));
        // an unknown RWF bit reaches the kernel in rw_flags and is refused
        ring.sqe().prepReadv2(fd, Iovecs.of(arena, in), 1, 0, 1 << 30).userData(3);
        assertRes(-Errno.EOPNOTSUPP, submitOne(ring));
    }

    @Test
    void fsyncAndDatasync() {
        ring.sqe().prepWrite(fd, pattern(arena, 4096, 8), 0).userData(1);
        assertRes(4096, submitOne(ring));
        ring.sqe().prepFsync(fd, 0).userData(2);
        assertRes(0, submitOne(ring));
        ring.sqe().prepFsync(fd, Sqe.FSYNC_DATASYNC).userData(3);
        assertRes(0, submitOne(ring));
        // the flags word is read by the kernel: an unknown fsync flag is EINVAL
        ring.sqe().prepFsync(fd, 2).userData(4);
        assertRes(-Errno.EINVAL, submitOne(ring));
        ring.sqe().prepFsync(9999, 0).userData(5);
        assertRes(-Errno.EBADF, submitOne(ring));
    }

    static final int SYNC_FILE_RANGE_WAIT_BEFORE = 1, SYNC_FILE_RANGE_WRITE = 2, SYNC_FILE_RANGE_WAIT_AFTER = 4;

    @Test
    void syncFileRange() {
        ring.sqe().prepWrite(fd, pattern(arena, 16384, 9), 0).userData(1);
        assertRes(16384, submitOne(ring));
        ring.sqe().prepSyncFileRange(fd, 16384, 0,
                SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER).userData(2);
        assertRes(0, submitOne(ring));
        ring.sqe().prepSyncFileRange(fd, 16384, 0, 8).userData(3);
        assertRes(-Errno.EINVAL, submitOne(ring), "unknown sync_file_range flag");
    }

    static final int FALLOC_FL_KEEP_SIZE = 1;

    @Test
    void fallocateGrowsTheFile() throws Exception {
        ring.sqe().prepFallocate(fd, 0, 0, 1 << 20).userData(1);
        assertRes(0, submitOne(ring));
        assertEquals(1 << 20, Files.size(file));

        // KEEP_SIZE: blocks are allocated past EOF but the size stays
        MemorySegment st = arena.allocate(Statx.SIZE);
        ring.sqe().prepFallocate(fd, FALLOC_FL_KEEP_SIZE, 1 << 20, 1 << 20).userData(2);
        assertRes(0, submitOne(ring));
        ring.sqe().prepStatx(fd, cstr(arena, ""), Statx.AT_EMPTY_PATH, Statx.STATX_BASIC_STATS, st).userData(3);
        assertRes(0, submitOne(ring));
        assertEquals(1 << 20, Statx.size(st));
        assertTrue(Statx.blocks(st) * 512 >= 2L << 20, "KEEP_SIZE allocated blocks: " + Statx.blocks(st));
    }

    static final int POSIX_FADV_NORMAL = 0, POSIX_FADV_WILLNEED = 3, POSIX_FADV_DONTNEED = 4;

    @Test
    void fadvise() {
        ring.sqe().prepWrite(fd, pattern(arena, 8192, 10), 0).userData(1);
        assertRes(8192, submitOne(ring));
        ring.sqe().prepFadvise(fd, 0, 8192, POSIX_FADV_DONTNEED).userData(2);
        assertRes(0, submitOne(ring));
        ring.sqe().prepFadvise(fd, 0, 0, POSIX_FADV_WILLNEED).userData(3);
        assertRes(0, submitOne(ring));
        // a length beyond 32 bits goes in addr (64-bit fadvise)
        ring.sqe().prepFadvise(fd, 0, 8L << 30, POSIX_FADV_NORMAL).userData(4);
        assertRes(0, submitOne(ring));
        ring.sqe().prepFadvise(fd, 0, 8192, 99).userData(5);
        assertRes(-Errno.EINVAL, submitOne(ring), "unknown advice: the advice field reaches the kernel");
    }

    @Test
    void madviseDontneedZeroesAnonymousMemory() {
        long len = 4 * Sys.PAGE_SIZE;
        long addr = Sys.mmap(0, len, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS, -1, 0);
        assertTrue(addr > 0);
        try {
            MemorySegment m = MemorySegment.ofAddress(addr).reinterpret(len);
            m.fill((byte) 0x5a);
            ring.sqe().prepMadvise(m.asSlice(Sys.PAGE_SIZE, 2 * Sys.PAGE_SIZE), Sys.MADV_DONTNEED).userData(1);
            assertRes(0, submitOne(ring));
            assertEquals(0x5a, m.get(JAVA_BYTE, Sys.PAGE_SIZE - 1));
            for (long i = Sys.PAGE_SIZE; i < 3 * Sys.PAGE_SIZE; i += 512) assertEquals(0, m.get(JAVA_BYTE, i), "offset " + i);
            assertEquals(0x5a, m.get(JAVA_BYTE, 3 * Sys.PAGE_SIZE));
            // a misaligned start is EINVAL: the address field is what the kernel used
            ring.sqe().prepMadvise(m.asSlice(1, Sys.PAGE_SIZE), Sys.MADV_DONTNEED).userData(2);
            assertRes(-Errno.EINVAL, submitOne(ring));
        } finally {
            Sys.munmap(addr, len);
        }
    }

    @Test
    void openatCreatesAFileThatWorksAndCloseClosesIt() throws Exception {
        Path p = dir.resolve("created");
        ring.sqe().prepOpenat(Sys.AT_FDCWD, cstr(arena, p.toString()), Sys.O_RDWR | Sys.O_CREAT | Sys.O_EXCL | Sys.O_CLOEXEC, 0600)
                .userData(1);
        Done d = submitOne(ring);
        assertTrue(d.res() >= 0, d.toString());
        int nfd = d.res();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), "mode 0600 (in len)");
        MemorySegment out = pattern(arena, 300, 11);
        ring.sqe().prepWrite(nfd, out, 0).userData(2);
        assertRes(300, submitOne(ring));
        assertArrayEquals(bytes(out), Files.readAllBytes(p));

        ring.sqe().prepClose(nfd).userData(3);
        assertRes(0, submitOne(ring));
        ring.sqe().prepWrite(nfd, out, 0).userData(4);
        assertRes(-Errno.EBADF, submitOne(ring), "the fd is closed");
        assertEquals(-Errno.EBADF, Sys.close(nfd), "already closed by CLOSE");

        // O_EXCL on the existing file: the open flags reach the kernel
        ring.sqe().prepOpenat(Sys.AT_FDCWD, cstr(arena, p.toString()), Sys.O_RDWR | Sys.O_CREAT | Sys.O_EXCL, 0600).userData(5);
        assertRes(-Errno.EEXIST, submitOne(ring));
    }

    @Test
    void openat2HonoursResolveFlags() throws Exception {
        Files.writeString(dir.resolve("inside"), "hello");
        int dfd = Sys.open(dir.toString(), Sys.O_RDONLY | Sys.O_DIRECTORY, 0);
        assertTrue(dfd >= 0);
        try {
            MemorySegment how = OpenHow.allocate(arena, Sys.O_RDONLY | Sys.O_CLOEXEC, 0, OpenHow.RESOLVE_BENEATH);
            ring.sqe().prepOpenat2(dfd, cstr(arena, "inside"), how).userData(1);
            Done d = submitOne(ring);
            assertTrue(d.res() >= 0, d.toString());
            MemorySegment in = arena.allocate(16);
            ring.sqe().prepRead(d.res(), in, 0).userData(2);
            assertRes(5, submitOne(ring));
            assertEquals("hello", str(in, 5));
            ring.sqe().prepClose(d.res()).userData(3);
            assertRes(0, submitOne(ring));

            ring.sqe().prepOpenat2(dfd, cstr(arena, "../" + dir.getFileName() + "/inside"), how).userData(4);
            assertRes(-Errno.EXDEV, submitOne(ring), "RESOLVE_BENEATH forbids leaving the directory");
            // unknown resolve bits are EINVAL: the whole open_how was read
            ring.sqe().prepOpenat2(dfd, cstr(arena, "inside"), OpenHow.allocate(arena, Sys.O_RDONLY, 0, 1L << 40)).userData(5);
            assertRes(-Errno.EINVAL, submitOne(ring));
        } finally {
            Sys.close(dfd);
        }
    }

    @Test
    void statxReportsSizeAndMode() throws Exception {
        Files.write(file, new byte[12345]);
        MemorySegment st = arena.allocate(Statx.SIZE);
        ring.sqe().prepStatx(Sys.AT_FDCWD, cstr(arena, file.toString()), 0, Statx.STATX_BASIC_STATS, st).userData(1);
        assertRes(0, submitOne(ring));
        assertEquals(12345, Statx.size(st));
        assertEquals(0100000, Statx.mode(st) & 0170000, "regular file");
        assertTrue((Statx.mask(st) & Statx.STATX_SIZE) != 0);
        assertEquals(1, Statx.nlink(st));

        ring.sqe().prepStatx(Sys.AT_FDCWD, cstr(arena, dir.resolve("missing").toString()), 0, Statx.STATX_SIZE, st).userData(2);
        assertRes(-Errno.ENOENT, submitOne(ring));
        assertThrows(IllegalArgumentException.class,
                () -> ring.sqe().prepStatx(fd, cstr(arena, ""), 0, Statx.STATX_SIZE, arena.allocate(100)));
    }

    @Test
    void ftruncateShrinksAndGrows() throws Exception {
        Files.write(file, new byte[5000]);
        ring.sqe().prepFtruncate(fd, 1000).userData(1);
        assertRes(0, submitOne(ring));
        assertEquals(1000, Files.size(file));
        ring.sqe().prepFtruncate(fd, 70000).userData(2);
        assertRes(0, submitOne(ring));
        assertEquals(70000, Files.size(file));
        ring.sqe().prepFtruncate(fd, -1).userData(3);
        assertRes(-Errno.EINVAL, submitOne(ring));
    }

    @Test
    void nopCarriesUserDataAndResultZero() {
        ring.sqe().prepNop().userData(0xfeed_beef_cafeL);
        Done d = submitOne(ring);
        assertEquals(0xfeed_beef_cafeL, d.userData());
        assertRes(0, d);
        assertEquals(0, d.flags());
    }
}
