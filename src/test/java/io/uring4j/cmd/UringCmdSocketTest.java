package io.uring4j.cmd;

import io.uring4j.register.FixedBuffers;
import io.uring4j.register.Loopback;
import io.uring4j.ring.Cqe;
import io.uring4j.ring.CqeFlags;
import io.uring4j.ring.Ring;
import io.uring4j.ring.UringCmdFlags;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/** Socket uring_cmds: every result compared with the ioctl / getsockopt the kernel gives for the same socket. */
class UringCmdSocketTest {
    static final int FIONREAD = 0x541B, SIOCOUTQ = 0x5411, SO_TYPE = 3, SO_TIMESTAMPING = 37, MSG_DONTWAIT = 0x40;

    static int ioctlInt(int fd, int req) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            Loopback.check(Sys.ioctl(fd, req, v), "ioctl 0x" + Integer.toHexString(req));
            return v.get(JAVA_INT, 0);
        }
    }

    static Cqe run(Ring ring) {
        ring.submitAndWait(1);
        return ring.waitCqe();
    }

    static int res(Ring ring) {
        Cqe c = run(ring);
        int r = c.res();
        ring.cqeSeen();
        return r;
    }

    @Test
    void siocinqEqualsFionreadForTcpAndUdp() throws Exception {
        int[] tcp = Loopback.tcpPair();
        int[] udpL = Loopback.listen(Sys.SOCK_DGRAM);
        int udpC = Loopback.connect(udpL[1], Sys.SOCK_DGRAM);
        try (Ring ring = Ring.open(4)) {
            SocketCmd.prepSiocinq(ring.sqe(), tcp[1]);
            assertEquals(0, res(ring), "nothing queued yet");
            Loopback.writeAll(tcp[0], new byte[1234]);
            Loopback.writeAll(tcp[0], new byte[766]);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (ioctlInt(tcp[1], FIONREAD) < 2000 && System.nanoTime() < deadline) Thread.onSpinWait();
            SocketCmd.prepSiocinq(ring.sqe(), tcp[1]);
            int viaRing = res(ring);
            assertEquals(ioctlInt(tcp[1], FIONREAD), viaRing);
            assertEquals(2000, viaRing);

            Loopback.writeAll(udpC, new byte[77]);
            Loopback.writeAll(udpC, new byte[500]);
            while (ioctlInt(udpL[0], FIONREAD) == 0 && System.nanoTime() < deadline) Thread.onSpinWait();
            SocketCmd.prepSiocinq(ring.sqe(), udpL[0]);
            viaRing = res(ring);
            assertEquals(ioctlInt(udpL[0], FIONREAD), viaRing);
            assertEquals(77, viaRing, "UDP: the size of the next datagram");
        } finally {
            Loopback.closeAll(tcp[0], tcp[1], udpL[0], udpC);
        }
    }

    @Test
    void siocoutqEqualsIoctlWithAFullSendQueue() throws Exception {
        int[] tcp = Loopback.tcpPair();
        try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
            MemorySegment chunk = a.allocate(65536);
            int r;
            long sent = 0;
            do { // fill the peer's window and our send buffer: the unread peer acknowledges nothing more
                ring.sqe().prepSend(tcp[0], chunk, MSG_DONTWAIT);
                r = res(ring);
                if (r > 0) sent += r;
            } while (r > 0);
            assertEquals(-Errno.EAGAIN, r);
            Thread.sleep(50);
            int before = ioctlInt(tcp[0], SIOCOUTQ);
            SocketCmd.prepSiocoutq(ring.sqe(), tcp[0]);
            int viaRing = res(ring);
            int after = ioctlInt(tcp[0], SIOCOUTQ);
            assertEquals(before, after, "the send queue moved during the comparison");
            assertEquals(before, viaRing);
            assertTrue(viaRing > 0, "queued but unacknowledged bytes: " + viaRing + " of " + sent + " sent");
        } finally {
            Loopback.closeAll(tcp);
        }
    }

    @Test
    void getsockoptAndSetsockoptMatchTheSyscalls() throws Exception {
        int[] tcp = Loopback.tcpPair();
        try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
            MemorySegment val = a.allocate(JAVA_INT);
            SocketCmd.prepGetsockopt(ring.sqe(), tcp[1], Sys.SOL_SOCKET, Sys.SO_RCVBUF, val);
            assertEquals(4, res(ring), "res = optlen");
            assertEquals(Loopback.intOpt(tcp[1], Sys.SOL_SOCKET, Sys.SO_RCVBUF), val.get(JAVA_INT, 0));
            SocketCmd.prepGetsockopt(ring.sqe(), tcp[1], Sys.SOL_SOCKET, SO_TYPE, val);
            assertEquals(4, res(ring));
            assertEquals(Sys.SOCK_STREAM, val.get(JAVA_INT, 0));

            val.set(JAVA_INT, 0, 65536);
            SocketCmd.prepSetsockopt(ring.sqe(), tcp[1], Sys.SOL_SOCKET, Sys.SO_RCVBUF, val);
            assertEquals(0, res(ring));
            assertEquals(131072, Loopback.intOpt(tcp[1], Sys.SOL_SOCKET, Sys.SO_RCVBUF), "the kernel doubles SO_RCVBUF");
            val.set(JAVA_INT, 0, 1);
            SocketCmd.prepSetsockopt(ring.sqe(), tcp[1], Sys.IPPROTO_TCP, Sys.TCP_NODELAY, val);
            assertEquals(0, res(ring), "SETSOCKOPT works at any level");
            assertEquals(1, Loopback.intOpt(tcp[1], Sys.IPPROTO_TCP, Sys.TCP_NODELAY));

            var e = assertThrows(IllegalArgumentException.class,
                    () -> SocketCmd.prepGetsockopt(ring.sqe().prepNop(), tcp[1], Sys.IPPROTO_TCP, Sys.TCP_NODELAY, val));
            assertTrue(e.getMessage().contains("SOL_SOCKET"), e.getMessage());
            ring.submitAndWait(1);
            ring.cqeSeen(); // the NOP left by the refused prep
            // the same request written raw: the kernel's answer to a non-SOL_SOCKET getsockopt
            ring.sqe().prepUringCmd(tcp[1], SocketCmd.GETSOCKOPT)
                    .addr(Sys.IPPROTO_TCP | ((long) Sys.TCP_NODELAY << 32)).spliceFdIn(4).addr3(val.address());
            assertEquals(-Errno.EOPNOTSUPP, res(ring));
        } finally {
            Loopback.closeAll(tcp);
        }
    }

    @Test
    void fixedFlagWithARegisteredBufferAndNonSockets() throws Exception {
        int[] tcp = Loopback.tcpPair();
        int[] pipe = new int[2];
        try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
            FixedBuffers table = FixedBuffers.register(ring, a.allocate(4096, 4096));
            Loopback.writeAll(tcp[0], new byte[321]);
            Thread.sleep(20);
            var sqe = ring.sqe().prepUringCmdFixed(tcp[1], SocketCmd.SIOCINQ, table, 0);
            assertEquals(UringCmdFlags.FIXED, sqe.opFlagsValue());
            assertEquals(0, sqe.raw().get(java.lang.foreign.ValueLayout.JAVA_SHORT, 40), "buf_index");
            assertEquals(1, table.inFlight());
            assertEquals(321, res(ring), "FIXED with registered buffer 0: the socket command still answers");
            table.ioCompleted();
            assertEquals(321, ioctlInt(tcp[1], FIONREAD));
            assertThrows(RuntimeException.class, () -> ring.sqe().prepNop().prepUringCmdFixed(tcp[1], SocketCmd.SIOCINQ, table, 1),
                    "slot 1 is not registered");
            assertEquals(0, res(ring)); // the NOP: a refused prep writes nothing

            MemorySegment fds = a.allocate(8);
            Loopback.check(Sys.pipe2(fds, 0), "pipe2");
            pipe[0] = fds.get(JAVA_INT, 0);
            pipe[1] = fds.get(JAVA_INT, 4);
            SocketCmd.prepSiocinq(ring.sqe(), pipe[0]);
            assertEquals(-Errno.EOPNOTSUPP, res(ring), "a pipe has no uring_cmd");
            ring.sqe().prepUringCmd(tcp[1], 99);
            assertEquals(-Errno.EOPNOTSUPP, res(ring), "unknown socket cmd_op");
        } finally {
            Loopback.closeAll(tcp[0], tcp[1], pipe[0], pipe[1]);
        }
    }

    @Test
    void txTimestampsArriveAsCqe32UntilCancelled() throws Exception {
        int[] udpL = Loopback.listen(Sys.SOCK_DGRAM);
        int udpC = Loopback.connect(udpL[1], Sys.SOCK_DGRAM);
        try (Ring ring = Ring.builder().entries(8).cqe32().build(); Ring small = Ring.open(2); Arena a = Arena.ofConfined()) {
            var refused = assertThrows(IllegalArgumentException.class, () -> SocketCmd.prepTxTimestamp(small, udpC));
            assertTrue(refused.getMessage().contains("cqe32"), refused.getMessage());

            MemorySegment v = a.allocate(JAVA_INT);
            // TX_SOFTWARE | SOFTWARE | OPT_ID | OPT_TSONLY: keyed timestamps without payload
            v.set(JAVA_INT, 0, (1 << 1) | (1 << 4) | (1 << 7) | (1 << 11));
            Loopback.check(Sys.setsockopt(udpC, Sys.SOL_SOCKET, SO_TIMESTAMPING, v, 4), "SO_TIMESTAMPING");
            SocketCmd.prepTxTimestamp(ring, udpC).userData(50);
            assertEquals(1, ring.submit());
            long t0 = System.currentTimeMillis();
            for (int i = 0; i < 3; i++) Loopback.writeAll(udpC, new byte[]{(byte) i});
            for (int i = 0; i < 3; i++) {
                int r = ring.submitAndWait(1, TimeUnit.SECONDS.toNanos(5), 0);
                assertTrue(r > 0, "no timestamp CQE: " + r);
                Cqe c = ring.peekCqe();
                assertEquals(50, c.userData());
                assertTrue(c.hasMore(), c.toString());
                assertEquals(i, TxTimestamp.key(c), "OPT_ID keys count datagrams");
                assertEquals(TxTimestamp.SCM_TSTAMP_SND, TxTimestamp.type(c));
                assertFalse(TxTimestamp.isHardware(c));
                long ms = TxTimestamp.epochNanos(c) / 1_000_000L;
                assertTrue(Math.abs(ms - t0) < 5_000, "timestamp " + ms + " vs now " + t0);
                assertTrue(TxTimestamp.nanos(c) >= 0 && TxTimestamp.nanos(c) < 1_000_000_000L);
                assertEquals(0, c.flags() & CqeFlags.BUFFER, "no buffer involved");
                ring.cqeSeen();
            }
            ring.sqe().prepCancel(50, 0).userData(51);
            ring.submit();
            int got = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (got < 2 && System.nanoTime() < deadline) {
                ring.submitAndWait(1, 100_000_000L, 0);
                Cqe c;
                while ((c = ring.peekCqe()) != null) {
                    if (c.userData() == 50) { assertEquals(-Errno.ECANCELED, c.res()); assertFalse(c.hasMore()); }
                    else assertEquals(0, c.res(), c.toString());
                    got++;
                    ring.cqeSeen();
                }
            }
            assertEquals(2, got, "the cancel and the request's final CQE");
        } finally {
            Loopback.closeAll(udpL[0], udpC);
        }
    }
}
