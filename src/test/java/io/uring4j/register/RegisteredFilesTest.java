package io.uring4j.register;

import io.uring4j.ring.RegisterOp;
import io.uring4j.ring.Ring;
import io.uring4j.ring.SockAddr;
import io.uring4j.ring.Sqe;
import io.uring4j.ring.SqeFlags;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.uring4j.register.TestSupport.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/** Registered files, direct descriptors and FIXED_FD_INSTALL on the real kernel. */
class RegisteredFilesTest {
    @TempDir
    Path dir;

    @Test
    void fixedFileReadWriteAndClose() throws Exception {
        int fd = tempFileFd(dir, "data", 0);
        try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
            RegisteredFiles files = RegisteredFiles.register(ring, RegisteredFiles.EMPTY, fd);
            assertEquals(0, Sys.close(fd), "the table holds its own reference: the fd can go");

            MemorySegment out = a.allocateFrom("registered file");
            ring.sqe().prepWrite(0, out, 0).fixedFile(files, 1);
            assertEquals(out.byteSize(), submitOne(ring).res());
            MemorySegment in = a.allocate(out.byteSize());
            ring.sqe().prepRead(0, in, 0).fixedFile(files, 1);
            assertEquals(out.byteSize(), submitOne(ring).res());
            assertEquals(-1, in.mismatch(out));
            assertEquals("registered file", Files.readString(dir.resolve("data")).trim().replace("\0", ""));

            // the empty slot is EBADF from the kernel; a slot past the table is refused by the library
            ring.sqe().prepRead(0, in, 0).addFlags(SqeFlags.FIXED_FILE);
            assertEquals(-Errno.EBADF, submitOne(ring).res());
            var e = assertThrows(IllegalArgumentException.class, () -> ring.sqe().prepRead(0, in, 0).fixedFile(files, 2));
            assertTrue(e.getMessage().contains("file index=2 registered=2"), e.getMessage());
            assertEquals(0, submitOne(ring).res(), "the refused entry was turned into a NOP, not left a READ of fd 0");

            // CLOSE with IOSQE_FIXED_FILE is EBADF: a direct close names the slot in file_index
            ring.sqe().prepClose(1).addFlags(SqeFlags.FIXED_FILE);
            assertEquals(-Errno.EBADF, submitOne(ring).res());
            ring.sqe().prepCloseDirect(1);
            assertEquals(0, submitOne(ring).res());
            ring.sqe().prepRead(0, in, 0).fixedFile(files, 1);
            assertEquals(-Errno.EBADF, submitOne(ring).res(), "the slot is empty after the direct close");
        }
    }

    @Test
    void sparseTableUpdate2AllocRangeAndDirectOpen() throws Exception {
        int fd = tempFileFd(dir, "data", 4096);
        Files.writeString(dir.resolve("data"), "abc");
        try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
            RegisteredFiles files = RegisteredFiles.registerSparse(ring, 8);
            assertEquals(1, files.update(2, fd));
            MemorySegment in = a.allocate(3);
            ring.sqe().prepRead(0, in, 0).fixedFile(files, 2);
            assertEquals(3, submitOne(ring).res());
            assertEquals("abc", new String(in.toArray(JAVA_BYTE)));

            files.allocRange(4, 2);
            MemorySegment path = a.allocateFrom(dir.resolve("data").toString());
            int[] got = new int[3];
            for (int i = 0; i < 3; i++) {
                ring.sqe().prepOpenat(Sys.AT_FDCWD, path, Sys.O_RDONLY, 0).fileIndexAlloc();
                got[i] = submitOne(ring).res();
            }
            assertTrue(got[0] >= 4 && got[0] <= 5 && got[1] >= 4 && got[1] <= 5 && got[0] != got[1],
                    "allocated inside the range 4..5: " + got[0] + ", " + got[1]);
            assertEquals(-Errno.ENFILE, got[2], "the range is full");

            // direct open into a chosen slot, then read through it
            ring.sqe().prepOpenatDirect(Sys.AT_FDCWD, path, Sys.O_RDONLY, 0, 0);
            assertEquals(0, submitOne(ring).res());
            in.fill((byte) 0);
            ring.sqe().prepRead(0, in, 0).fixedFile(files, 0);
            assertEquals(3, submitOne(ring).res());
            assertEquals("abc", new String(in.toArray(JAVA_BYTE)));

            // SKIP leaves a slot, EMPTY clears it
            assertEquals(2, files.update(2, RegisteredFiles.SKIP, RegisteredFiles.EMPTY));
            ring.sqe().prepRead(0, in, 0).fixedFile(files, 2);
            assertEquals(3, submitOne(ring).res(), "slot 2 skipped");
            ring.sqe().prepRead(0, in, 0).fixedFile(files, 3);
            assertEquals(-Errno.EBADF, submitOne(ring).res());
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void directAcceptOnALoopbackSocket() throws Exception {
        try (Ring ring = Ring.open(8); Arena a = Arena.ofConfined()) {
            RegisteredFiles files = RegisteredFiles.registerSparse(ring, 4);
            int l = Sys.socket(Sys.AF_INET, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0);
            MemorySegment sa = SockAddr.loopback(a, 0);
            assertEquals(0, Sys.bind(l, sa, (int) sa.byteSize()));
            assertEquals(0, Sys.listen(l, 4));
            assertEquals(0, Sys.getsockname(l, sa, a.allocateFrom(JAVA_INT, (int) sa.byteSize())));
            int c = Sys.socket(Sys.AF_INET, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0);
            try {
                ring.sqe().prepAccept(l, MemorySegment.NULL, MemorySegment.NULL, 0).fileIndex(files, 3).userData(1);
                assertEquals(1, ring.submit());
                assertEquals(0, Sys.connect(c, sa, (int) sa.byteSize()));
                Done acc = reapWithin5s(ring);
                assertEquals(0, acc.res(), "accept into slot 3");

                MemorySegment ping = a.allocateFrom("ping");
                assertEquals(5, Sys.write(c, ping, 5));
                MemorySegment in = a.allocate(5);
                ring.sqe().prepRecv(0, in, 0).fixedFile(files, 3);
                assertEquals(5, submitOne(ring).res());
                assertEquals("ping", in.getString(0));
                MemorySegment pong = a.allocateFrom("pong");
                ring.sqe().prepSend(0, pong, 0).fixedFile(files, 3);
                assertEquals(5, submitOne(ring).res());
                MemorySegment back = a.allocate(5);
                assertEquals(5, Sys.read(c, back, 5));
                assertEquals("pong", back.getString(0));

                // a second connection into a kernel-chosen slot
                int c2 = Sys.socket(Sys.AF_INET, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0);
                assertEquals(0, Sys.connect(c2, sa, (int) sa.byteSize()));
                ring.sqe().prepAccept(l, MemorySegment.NULL, MemorySegment.NULL, 0).fileIndexAlloc();
                int slot = submitOne(ring).res();
                assertTrue(slot >= 0 && slot < 3, "allocated slot " + slot);
                Sys.close(c2);
            } finally {
                Sys.close(c);
                Sys.close(l);
            }
        }
    }

    @Test
    void directSocketThenFixedFdInstall() throws Exception {
        try (Ring ring = Ring.open(4)) {
            RegisteredFiles files = RegisteredFiles.registerSparse(ring, 2);
            ring.sqe().prepSocket(Sys.AF_INET, Sys.SOCK_STREAM, 0, 0).fileIndex(files, 1);
            assertEquals(0, submitOne(ring).res(), "socket straight into slot 1");

            ring.sqe().prepFixedFdInstall(files, 1, 0);
            int fd = submitOne(ring).res();
            assertTrue(fd >= 0, "installed fd: " + fd);
            try {
                assertTrue(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString().startsWith("socket:["));
                assertNotEquals(0, Long.parseLong(fdFlagsOctal(fd), 8) & 02000000, "O_CLOEXEC by default: flags=" + fdFlagsOctal(fd));
            } finally {
                Sys.close(fd);
            }
            ring.sqe().prepFixedFdInstall(files, 1, Sqe.FIXED_FD_NO_CLOEXEC);
            int fd2 = submitOne(ring).res();
            assertTrue(fd2 >= 0);
            assertEquals(0, Long.parseLong(fdFlagsOctal(fd2), 8) & 02000000, "NO_CLOEXEC");
            Sys.close(fd2);

            // the raw form without IOSQE_FIXED_FILE is EBADF; bad flags EINVAL (refused by the library)
            ring.sqe().prepFixedFdInstall(1, 0).flags(0);
            assertEquals(-Errno.EBADF, submitOne(ring).res());
            ring.sqe().prepFixedFdInstall(1, 0).opFlags(2);
            assertEquals(-Errno.EINVAL, submitOne(ring).res());
            var e = assertThrows(IllegalArgumentException.class, () -> ring.sqe().prepFixedFdInstall(1, 2));
            assertTrue(e.getMessage().contains("only FIXED_FD_NO_CLOEXEC"), e.getMessage());
            ring.submitAndWait(1);
            ring.cqAdvance(ring.cqReady());
        }
    }

    private static String fdFlagsOctal(int fd) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)))
            if (l.startsWith("flags:")) return l.substring(6).trim();
        throw new AssertionError("no flags in fdinfo");
    }

    @Test
    void filesUpdateOpAllocatesSlotsAndWritesThemBack() throws Exception {
        int fd = tempFileFd(dir, "data", 10);
        try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
            RegisteredFiles files = RegisteredFiles.registerSparse(ring, 4);
            MemorySegment fds = a.allocateFrom(JAVA_INT, fd, fd);
            ring.sqe().prepFilesUpdate(fds, 2, Sqe.FILE_INDEX_ALLOC);
            assertEquals(2, submitOne(ring).res());
            int s0 = fds.get(JAVA_INT, 0), s1 = fds.get(JAVA_INT, 4);
            assertTrue(s0 != s1 && s0 >= 0 && s0 < 4 && s1 >= 0 && s1 < 4, "slots " + s0 + ", " + s1);
            MemorySegment in = a.allocate(10);
            ring.sqe().prepRead(0, in, 0).fixedFile(files, s1);
            assertEquals(10, submitOne(ring).res());
            // explicit offset form
            MemorySegment one = a.allocateFrom(JAVA_INT, -1);
            ring.sqe().prepFilesUpdate(one, 1, s0);
            assertEquals(1, submitOne(ring).res());
            ring.sqe().prepRead(0, in, 0).fixedFile(files, s0);
            assertEquals(-Errno.EBADF, submitOne(ring).res(), "slot cleared by FILES_UPDATE with -1");
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void registrationErrorsRawAndRefused() throws Exception {
        int fd = tempFileFd(dir, "data", 10);
        try (Ring ring = Ring.open(2); Ring other = Ring.open(2); Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocateFrom(JAVA_INT, fd);
            // nothing registered: unregister is ENXIO
            assertEquals(-Errno.ENXIO, ring.registerRaw(RegisterOp.UNREGISTER_FILES, 0, 0));
            // an io_uring fd cannot be a registered file
            assertEquals(-Errno.EBADF, ring.registerRaw(RegisterOp.FILES, a.allocateFrom(JAVA_INT, other.fd()).address(), 1));
            var e = assertThrows(IllegalArgumentException.class, () -> RegisteredFiles.register(ring, other.fd()));
            assertTrue(e.getMessage().contains("is an io_uring fd"), e.getMessage());
            // a second table: EBUSY
            assertEquals(0, ring.registerRaw(RegisterOp.FILES, one.address(), 1));
            assertEquals(-Errno.EBUSY, ring.registerRaw(RegisterOp.FILES, one.address(), 1));
            assertEquals(0, ring.registerRaw(RegisterOp.UNREGISTER_FILES, 0, 0));
            RegisteredFiles files = RegisteredFiles.register(ring, fd, fd);
            var busy = assertThrows(IllegalStateException.class, () -> RegisteredFiles.registerSparse(ring, 4));
            assertTrue(busy.getMessage().contains("already has a registered file table of 2 slots"), busy.getMessage());
            // updates past the table: EINVAL, refused with the numbers
            var up = assertThrows(IllegalArgumentException.class, () -> files.update(1, fd, fd));
            assertTrue(up.getMessage().contains("slot=1 count=2 registered=2"), up.getMessage());
            var ar = assertThrows(IllegalArgumentException.class, () -> files.allocRange(1, 5));
            assertTrue(ar.getMessage().contains("first=1 count=5 registered=2"), ar.getMessage());
            // more slots than IORING_MAX_FIXED_FILES
            var big = assertThrows(IllegalArgumentException.class, () -> RegisteredFiles.registerSparse(other, (1 << 20) + 1));
            assertTrue(big.getMessage().contains("count=1048577"), big.getMessage());
            files.unregister();
            var twice = assertThrows(IllegalStateException.class, files::unregister);
            assertTrue(twice.getMessage().contains("ENXIO"), twice.getMessage());
            // a registration whose file table would exceed RLIMIT_NOFILE is named with the limit
            long nofile = Sys.softLimit(Sys.RLIMIT_NOFILE);
            if (nofile > 0 && nofile < (1 << 20)) {
                var lim = assertThrows(IllegalArgumentException.class, () -> RegisteredFiles.registerSparse(ring, (int) nofile + 1));
                assertTrue(lim.getMessage().contains("RLIMIT_NOFILE soft limit " + nofile), lim.getMessage());
            }
        } finally {
            Sys.close(fd);
        }
    }
}
