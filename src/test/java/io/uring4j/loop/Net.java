package io.uring4j.loop;

import io.uring4j.ring.SockAddr;
import io.uring4j.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loopback socket helpers for tests (plain syscalls, so the ring under test is not involved). */
final class Net {
    private Net() {}

    /** A listening TCP socket on 127.0.0.1 with an ephemeral port: {fd, port}. */
    static int[] listen() {
        int fd = Sys.socket(Sys.AF_INET, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0);
        assertTrue(fd >= 0, "socket: " + fd);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(JAVA_INT);
            one.set(JAVA_INT, 0, 1);
            Sys.setsockopt(fd, Sys.SOL_SOCKET, Sys.SO_REUSEADDR, one, 4);
            MemorySegment sa = SockAddr.loopback(a, 0);
            assertTrue(Sys.bind(fd, sa, (int) sa.byteSize()) == 0, "bind");
            assertTrue(Sys.listen(fd, 128) == 0, "listen");
            return new int[]{fd, port(fd)};
        }
    }

    static int port(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(SockAddr.IN_SIZE, 4);
            MemorySegment len = a.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, (int) SockAddr.IN_SIZE);
            assertTrue(Sys.getsockname(fd, sa, len) == 0, "getsockname");
            return SockAddr.port(sa);
        }
    }

    /** A port on which nothing listens (bound, then closed). */
    static int deadPort() {
        int[] l = listen();
        Sys.close(l[0]);
        return l[1];
    }

    static int tcpSocket() {
        int fd = Sys.socket(Sys.AF_INET, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0);
        assertTrue(fd >= 0, "socket: " + fd);
        return fd;
    }
}
