package io.uring4j.register;

import io.uring4j.ring.SockAddr;
import io.uring4j.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** Loopback sockets through raw syscalls, for tests. */
public final class Loopback {
    private Loopback() {}

    public static int check(int r, String what) {
        if (r < 0) throw new IllegalStateException(what + " failed: -" + io.uring4j.sys.Errno.name(-r));
        return r;
    }

    /** A listening TCP socket on 127.0.0.1, ephemeral port: {fd, port}. */
    public static int[] listen(int type) {
        int fd = check(Sys.socket(Sys.AF_INET, type, 0), "socket");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(JAVA_INT);
            one.set(JAVA_INT, 0, 1);
            check(Sys.setsockopt(fd, Sys.SOL_SOCKET, Sys.SO_REUSEADDR, one, 4), "setsockopt");
            MemorySegment sa = SockAddr.loopback(a, 0);
            check(Sys.bind(fd, sa, (int) sa.byteSize()), "bind");
            if ((type & 0xf) == Sys.SOCK_STREAM) check(Sys.listen(fd, 512), "listen");
            MemorySegment len = a.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, (int) sa.byteSize());
            check(Sys.getsockname(fd, sa, len), "getsockname");
            return new int[]{fd, SockAddr.port(sa)};
        }
    }

    public static int[] listen() { return listen(Sys.SOCK_STREAM); }

    public static int connect(int port, int type) {
        int fd = check(Sys.socket(Sys.AF_INET, type, 0), "socket");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = SockAddr.loopback(a, port);
            check(Sys.connect(fd, sa, (int) sa.byteSize()), "connect");
        }
        return fd;
    }

    public static int connect(int port) { return connect(port, Sys.SOCK_STREAM); }

    public static int accept(int lfd) {
        return check(Sys.accept4(lfd, MemorySegment.NULL, MemorySegment.NULL, 0), "accept4");
    }

    /** A connected TCP pair {client, server}. */
    public static int[] tcpPair() {
        int[] l = listen();
        try {
            int c = connect(l[1]);
            int s = accept(l[0]);
            return new int[]{c, s};
        } finally {
            Sys.close(l[0]);
        }
    }

    public static void writeAll(int fd, byte[] data, int off, int len) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(Math.max(1, len));
            MemorySegment.copy(data, off, m, JAVA_BYTE, 0, len);
            long done = 0;
            while (done < len) {
                long r = Sys.write(fd, m.asSlice(done), len - done);
                if (r < 0) throw new IllegalStateException("write failed: -" + io.uring4j.sys.Errno.name((int) -r));
                done += r;
            }
        }
    }

    public static void writeAll(int fd, byte[] data) { writeAll(fd, data, 0, data.length); }

    public static int intOpt(int fd, int level, int name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT), len = a.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 4);
            check(Sys.getsockopt(fd, level, name, v, len), "getsockopt");
            return v.get(JAVA_INT, 0);
        }
    }

    public static void closeAll(int... fds) {
        for (int fd : fds) if (fd >= 0) Sys.close(fd);
    }
}
