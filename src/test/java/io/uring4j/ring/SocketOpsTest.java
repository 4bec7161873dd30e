package io.uring4j.ring;

import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import static io.uring4j.ring.OpsSupport.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.*;

/** SOCKET, BIND, LISTEN, ACCEPT, CONNECT, SEND, RECV, SENDMSG, RECVMSG, SHUTDOWN over loopback, all through the ring. */
class SocketOpsTest extends RingOpsTest {

    int socketOp(int domain, int type) {
        ring.sqe().prepSocket(domain, type | Sys.SOCK_CLOEXEC, 0, 0).userData(100);
        Done d = submitOne(ring);
        assertTrue(d.res() >= 0, "SOCKET: " + d);
        fds.add(d.res());
        return d.res();
    }

    int localPort(int fd) {
        MemorySegment sa = arena.allocate(28), len = arena.allocate(JAVA_INT);
        len.set(JAVA_INT, 0, 28);
        assertEquals(0, Sys.getsockname(fd, sa, len));
        return SockAddr.port(sa);
    }

    /** A listening TCP socket made with SOCKET/BIND/LISTEN ops; returns {fd, port}. */
    int[] listener(MemorySegment bindAddr, int domain) {
        int lfd = socketOp(domain, Sys.SOCK_STREAM);
        ring.sqe().prepBind(lfd, bindAddr).userData(101);
        assertRes(0, submitOne(ring), "BIND");
        int port = localPort(lfd);
        assertTrue(port > 0);
        ring.sqe().prepListen(lfd, 16).userData(102);
        assertRes(0, submitOne(ring), "LISTEN");
        return new int[] {lfd, port};
    }

    @Test
    void tcpConversationOverLoopback() {
        int[] l = listener(SockAddr.loopback(arena, 0), Sys.AF_INET);
        int client = socketOp(Sys.AF_INET, Sys.SOCK_STREAM);

        MemorySegment peer = arena.allocate(16), peerLen = arena.allocate(JAVA_INT);
        peerLen.set(JAVA_INT, 0, 16);
        ring.sqe().prepAccept(l[0], peer, peerLen, Sys.SOCK_CLOEXEC).userData(1);
        ring.sqe().prepConnect(client, SockAddr.loopback(arena, l[1])).userData(2);
        ring.submit();
        List<Done> c = reap(ring, 2);
        assertRes(0, byUserData(c, 2), "CONNECT");
        int server = byUserData(c, 1).res();
        assertTrue(server >= 0, "ACCEPT: " + c);
        fds.add(server);
        assertEquals(16, peerLen.get(JAVA_INT, 0));
        assertEquals(SockAddr.AF_INET, peer.get(JAVA_SHORT, 0));
        assertEquals(localPort(client), SockAddr.port(peer), "ACCEPT filled the peer address");

        // SEND / RECV
        MemorySegment msg = arena.allocateFrom("hello over io_uring");
        int n = (int) msg.byteSize();
        ring.sqe().prepSend(client, msg, 0).userData(3);
        assertRes(n, submitOne(ring));
        MemorySegment in = arena.allocate(256);
        ring.sqe().prepRecv(server, in, 0).userData(4);
        assertRes(n, submitOne(ring));
        assertEquals("hello over io_uring", in.getString(0));

        // SENDMSG with two iovecs / RECVMSG scattering into two others
        MemorySegment a = pattern(arena, 700, 1), b = pattern(arena, 1300, 2);
        MemorySegment out = MsgHdr.allocate(arena, Iovecs.of(arena, a, b), 2);
        ring.sqe().prepSendmsg(server, out, 0).userData(5);
        assertRes(2000, submitOne(ring));
        MemorySegment r1 = arena.allocate(1500), r2 = arena.allocate(500);
        MemorySegment inHdr = MsgHdr.allocate(arena, Iovecs.of(arena, r1, r2), 2);
        int got = 0;
        while (got < 2000) { // a stream may deliver in pieces
            MemorySegment rest = got == 0 ? inHdr : MsgHdr.allocate(arena,
                    got < 1500 ? Iovecs.of(arena, r1.asSlice(got), r2) : Iovecs.of(arena, r2.asSlice(got - 1500)),
                    got < 1500 ? 2 : 1);
            ring.sqe().prepRecvmsg(client, rest, 0).userData(6);
            Done d = submitOne(ring);
            assertTrue(d.res() > 0, d.toString());
            got += d.res();
        }
        MemorySegment sent = concat(a, b);
        assertEquals(-1, r1.mismatch(sent.asSlice(0, 1500)), "first iovec: bytes 0..1499");
        assertEquals(-1, r2.mismatch(sent.asSlice(1500, 500)), "second iovec: bytes 1500..1999");

        // SHUTDOWN(SHUT_WR): the peer reads EOF; the other direction still works
        ring.sqe().prepShutdown(client, Sqe.SHUT_WR).userData(7);
        assertRes(0, submitOne(ring));
        ring.sqe().prepRecv(server, in, 0).userData(8);
        assertRes(0, submitOne(ring), "EOF after the peer's SHUT_WR");
        ring.sqe().prepSend(client, msg, 0).userData(9);
        assertRes(-Errno.EPIPE, submitOne(ring), "sending after SHUT_WR");
        ring.sqe().prepSend(server, msg, 0).userData(10);
        assertRes(n, submitOne(ring));
        ring.sqe().prepRecv(client, in, 0).userData(11);
        assertRes(n, submitOne(ring));

        // CLOSE through the ring
        ring.sqe().prepClose(server).userData(12);
        assertRes(0, submitOne(ring));
        fds.remove((Integer) server);
    }

    MemorySegment concat(MemorySegment a, MemorySegment b) {
        MemorySegment s = arena.allocate(a.byteSize() + b.byteSize());
        s.copyFrom(a);
        s.asSlice(a.byteSize()).copyFrom(b);
        return s;
    }

    @Test
    void recvWaitsForData() {
        int[] l = listener(SockAddr.loopback(arena, 0), Sys.AF_INET);
        int client = socketOp(Sys.AF_INET, Sys.SOCK_STREAM);
        ring.sqe().prepAccept(l[0], MemorySegment.NULL, MemorySegment.NULL, 0).userData(1);
        ring.sqe().prepConnect(client, SockAddr.loopback(arena, l[1])).userData(2);
        ring.submit();
        int server = byUserData(reap(ring, 2), 1).res();
        fds.add(server);
        MemorySegment in = arena.allocate(64);
        ring.sqe().prepRecv(server, in, 0).userData(3);
        ring.submit();
        assertTrue(drainFor(ring, 30).isEmpty(), "no data yet");
        ring.sqe().prepSend(client, arena.allocateFrom("late"), 0).userData(4);
        ring.submit();
        List<Done> d = reap(ring, 2);
        assertRes(5, byUserData(d, 3));
        assertEquals("late", in.getString(0));
    }

    @Test
    void ipv6Loopback() throws Exception {
        MemorySegment any6 = SockAddr.of(arena, new InetSocketAddress(InetAddress.getByName("::1"), 0));
        int[] l = listener(any6, Sys.AF_INET6);
        int client = socketOp(Sys.AF_INET6, Sys.SOCK_STREAM);
        ring.sqe().prepAccept(l[0], MemorySegment.NULL, MemorySegment.NULL, 0).userData(1);
        ring.sqe().prepConnect(client, SockAddr.of(arena, new InetSocketAddress(InetAddress.getByName("::1"), l[1]))).userData(2);
        ring.submit();
        List<Done> c = reap(ring, 2);
        assertRes(0, byUserData(c, 2));
        int server = byUserData(c, 1).res();
        assertTrue(server >= 0);
        fds.add(server);
        ring.sqe().prepSend(server, arena.allocateFrom("six"), 0).userData(3);
        assertRes(4, submitOne(ring));
        MemorySegment in = arena.allocate(16);
        ring.sqe().prepRecv(client, in, 0).userData(4);
        assertRes(4, submitOne(ring));
        assertEquals("six", in.getString(0));
    }

    @Test
    void errorsFromTheKernelArriveAsNegativeResults() {
        int[] l = listener(SockAddr.loopback(arena, 0), Sys.AF_INET);
        int other = socketOp(Sys.AF_INET, Sys.SOCK_STREAM);
        ring.sqe().prepBind(other, SockAddr.loopback(arena, l[1])).userData(1);
        assertRes(-Errno.EADDRINUSE, submitOne(ring));
        Sys.close(l[0]);
        fds.remove((Integer) l[0]);
        ring.sqe().prepConnect(other, SockAddr.loopback(arena, l[1])).userData(2);
        assertRes(-Errno.ECONNREFUSED, submitOne(ring));
        ring.sqe().prepSocket(12345, Sys.SOCK_STREAM, 0, 0).userData(3);
        assertRes(-97 /* EAFNOSUPPORT */, submitOne(ring));
    }

    @Test
    void udpSendtoAndRecvmsgWithSourceAddress() {
        int rx = socketOp(Sys.AF_INET, Sys.SOCK_DGRAM);
        ring.sqe().prepBind(rx, SockAddr.loopback(arena, 0)).userData(1);
        assertRes(0, submitOne(ring));
        int port = localPort(rx);
        int tx = socketOp(Sys.AF_INET, Sys.SOCK_DGRAM);

        MemorySegment payload = pattern(arena, 200, 3);
        ring.sqe().prepSendto(tx, payload, 0, SockAddr.loopback(arena, port)).userData(2);
        assertRes(200, submitOne(ring));

        MemorySegment buf = arena.allocate(512), name = arena.allocate(16);
        MemorySegment hdr = MsgHdr.allocate(arena, Iovecs.of(arena, buf), 1);
        hdr.set(java.lang.foreign.ValueLayout.JAVA_LONG, MsgHdr.NAME, name.address());
        hdr.set(JAVA_INT, MsgHdr.NAMELEN, 16);
        ring.sqe().prepRecvmsg(rx, hdr, 0).userData(3);
        assertRes(200, submitOne(ring));
        assertEquals(-1, buf.asSlice(0, 200).mismatch(payload));
        assertEquals(localPort(tx), SockAddr.port(name), "msg_name carries the sender");
    }

    @Test
    void multishotAcceptPostsOneCqePerConnection() {
        int[] l = listener(SockAddr.loopback(arena, 0), Sys.AF_INET);
        ring.sqe().prepMultishotAccept(l[0], MemorySegment.NULL, MemorySegment.NULL, Sys.SOCK_CLOEXEC).userData(50);
        ring.submit();
        for (int i = 0; i < 3; i++) {
            int c = socketOp(Sys.AF_INET, Sys.SOCK_STREAM);
            ring.sqe().prepConnect(c, SockAddr.loopback(arena, l[1])).userData(60 + i);
            ring.submit();
            List<Done> got = reap(ring, 2);
            Done acc = byUserData(got, 50);
            assertTrue(acc.res() >= 0 && acc.more(), "accept " + i + ": " + acc);
            fds.add(acc.res());
            assertRes(0, byUserData(got, 60 + i));
        }
        ring.sqe().prepCancel(50, 0).userData(70);
        ring.submit();
        List<Done> end = reap(ring, 2);
        assertRes(0, byUserData(end, 70));
        Done last = byUserData(end, 50);
        assertRes(-Errno.ECANCELED, last);
        assertFalse(last.more());
    }
}
