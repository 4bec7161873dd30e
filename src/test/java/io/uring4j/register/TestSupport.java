package io.uring4j.register;

import io.uring4j.ring.Cqe;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Sys;
import io.uring4j.sys.SyscallNumbers;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small helpers shared by the register tests: reaping, iovecs, /proc/self/maps, patterns. */
final class TestSupport {
    private TestSupport() {}

    /** A copied CQE (the ring's Cqe is a flyweight). */
    record Done(long userData, int res, int flags) {}

    /** Submits what is prepared and reaps exactly one completion. */
    static Done submitOne(Ring ring) {
        int r = ring.submitAndWait(1);
        assertTrue(r >= 0, "submitAndWait: " + r);
        return reap(ring);
    }

    static Done reap(Ring ring) {
        Cqe c = ring.waitCqe();
        Done d = new Done(c.userData(), c.res(), c.flags());
        ring.cqeSeen();
        return d;
    }

    /** Reaps the next completion, waiting at most 5 s. */
    static Done reapWithin5s(Ring ring) {
        if (ring.cqReady() == 0) ring.waitCqes(1, 5_000_000_000L);
        assertTrue(ring.cqReady() > 0, "no completion within 5 s");
        return reap(ring);
    }

    static long rawRegisterOne(Ring ring, int op, long addr, long len) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iov = a.allocate(16);
            iov.set(JAVA_LONG, 0, addr);
            iov.set(JAVA_LONG, 8, len);
            return ring.registerRaw(op, iov.address(), 1);
        }
    }

    static void fill(MemorySegment s, int seed) {
        for (long i = 0; i < s.byteSize(); i++) s.set(JAVA_BYTE, i, (byte) (i * 31 + seed));
    }

    /** True when {@code addr} lies inside any mapping of this process. */
    static boolean mapped(long addr) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String range = l.substring(0, l.indexOf(' '));
            int dash = range.indexOf('-');
            long s = Long.parseUnsignedLong(range.substring(0, dash), 16), e = Long.parseUnsignedLong(range.substring(dash + 1), 16);
            if (Long.compareUnsigned(addr, s) >= 0 && Long.compareUnsigned(addr, e) < 0) return true;
        }
        return false;
    }

    /** An empty temp file on the root filesystem (ext4 here: a disk file, not tmpfs), opened O_RDWR. */
    static int tempFileFd(Path dir, String name, int size) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, new byte[size]);
        int fd = Sys.open(f.toString(), Sys.O_RDWR, 0);
        assertTrue(fd >= 0, "open " + f + ": " + fd);
        return fd;
    }

    static final int CAP_IPC_LOCK = 14;
    private static final int CAP_V3 = 0x20080522;

    /**
     * Runs {@code body} with CAP_IPC_LOCK dropped from this thread's effective set (capabilities
     * are per thread; capset with pid 0 touches only the caller), then restores it. io_uring
     * decides at ring creation whether pinned memory is charged to RLIMIT_MEMLOCK.
     */
    static <T> T withoutIpcLock(java.util.concurrent.Callable<T> body) throws Exception {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment hdr = a.allocate(8), data = a.allocate(24), saved = a.allocate(24);
            hdr.set(JAVA_INT, 0, CAP_V3);
            long r = Sys.syscall(SyscallNumbers.CAPGET, hdr.address(), data.address(), 0, 0, 0, 0);
            assertEquals(0, r, "capget");
            saved.copyFrom(data);
            int eff = data.get(JAVA_INT, 0);
            if ((eff & (1 << CAP_IPC_LOCK)) == 0) return body.call();
            data.set(JAVA_INT, 0, eff & ~(1 << CAP_IPC_LOCK));
            hdr.set(JAVA_INT, 0, CAP_V3);
            hdr.set(JAVA_INT, 4, 0);
            assertEquals(0, Sys.syscall(SyscallNumbers.CAPSET, hdr.address(), data.address(), 0, 0, 0, 0), "capset drop");
            try {
                return body.call();
            } finally {
                hdr.set(JAVA_INT, 0, CAP_V3);
                hdr.set(JAVA_INT, 4, 0);
                assertEquals(0, Sys.syscall(SyscallNumbers.CAPSET, hdr.address(), saved.address(), 0, 0, 0, 0), "capset restore");
            }
        }
    }
}
