package io.uring4j.ring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** {@code struct sockaddr_in} / {@code sockaddr_in6} built from Java addresses. */
public final class SockAddr {
    private SockAddr() {}

    public static final int AF_INET = 2, AF_INET6 = 10;
    public static final long IN_SIZE = 16, IN6_SIZE = 28;

    public static MemorySegment of(Arena arena, InetSocketAddress sa) {
        InetAddress ia = sa.getAddress();
        byte[] ip = ia.getAddress();
        boolean v4 = ia instanceof Inet4Address;
        MemorySegment s = arena.allocate(v4 ? IN_SIZE : IN6_SIZE, 4);
        s.set(JAVA_SHORT, 0, (short) (v4 ? AF_INET : AF_INET6));
        s.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) sa.getPort());
        long at = v4 ? 4 : 8;
        for (int i = 0; i < ip.length; i++) s.set(JAVA_BYTE, at + i, ip[i]);
        return s;
    }

    /** 127.0.0.1:port. */
    public static MemorySegment loopback(Arena arena, int port) {
        return of(arena, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /** The port of a sockaddr_in/in6. */
    public static int port(MemorySegment s) {
        return s.get(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2) & 0xffff;
    }
}
