package io.uring4j.register;

import io.uring4j.ring.Cqe;
import io.uring4j.ring.Multishot;
import io.uring4j.ring.RegisterOp;
import io.uring4j.ring.Ring;
import io.uring4j.ring.SqeFlags;
import io.uring4j.sys.Errno;
import io.uring4j.sys.RsrcRegister;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/** Multishot ACCEPT: many connections from one SQE, into plain and direct descriptors; cancellation by user_data. */
class MultishotAcceptTest {
    static final long ACCEPT = 10, CANCEL = 11;

    /** Waits until {@code n} CQEs are ready (bounded), returning how many are. */
    static int awaitCqes(Ring ring, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ring.cqReady() < n && System.nanoTime() < deadline) ring.submitAndWait(n - ring.cqReady(), 100_000_000L, 0);
        return ring.cqReady();
    }

    @Test
    void hundredConnectionsFromOneSqeThenCancel() throws Exception {
        int[] l = Loopback.listen();
        List<Integer> clients = new ArrayList<>();
        Set<Integer> accepted = new HashSet<>();
        try (Ring ring = Ring.builder().entries(8).cqEntries(256).build()) {
            Multishot accept = new Multishot(ACCEPT,
                    sqe -> sqe.prepMultishotAccept(l[0], MemorySegment.NULL, MemorySegment.NULL, 0));
            accept.arm(ring);
            assertEquals(1, ring.submit(), "one SQE");
            for (int i = 0; i < 100; i++) clients.add(Loopback.connect(l[1]));
            assertEquals(100, awaitCqes(ring, 100));
            ring.forEachCqe(c -> {
                assertEquals(Multishot.Outcome.MORE, accept.onCqe(c), c.toString());
                assertTrue(c.res() >= 0, c.toString());
                assertTrue(accepted.add(c.res()), "fd " + c.res() + " twice");
            });
            assertEquals(100, accepted.size());
            assertEquals(1, accept.arms());
            assertTrue(accept.isArmed());
            // every accepted fd is a live connection: a byte written by client i arrives on one of them
            Loopback.writeAll(clients.get(0), new byte[]{42});
            assertEquals(1, accepted.stream().mapToInt(fd -> inq(fd)).sum());

            accept.cancel(ring, CANCEL);
            ring.submit();
            assertEquals(2, awaitCqes(ring, 2));
            boolean[] seen = new boolean[2];
            ring.forEachCqe(c -> {
                if (c.userData() == CANCEL) { assertEquals(0, c.res(), c.toString()); seen[0] = true; }
                else {
                    assertEquals(Multishot.Outcome.DONE, accept.onCqe(c));
                    assertEquals(-Errno.ECANCELED, c.res(), c.toString());
                    assertFalse(c.hasMore());
                    seen[1] = true;
                }
            });
            assertTrue(seen[0] && seen[1]);
            assertFalse(accept.isArmed());
        } finally {
            for (int fd : accepted) Sys.close(fd);
            for (int fd : clients) Sys.close(fd);
            Sys.close(l[0]);
        }
    }

    private static int inq(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            Loopback.check(Sys.ioctl(fd, 0x541B /* FIONREAD */, v), "FIONREAD");
            return v.get(JAVA_INT, 0);
        }
    }

    @Test
    void multishotAcceptIntoDirectDescriptors() throws Exception {
        int[] l = Loopback.listen();
        List<Integer> clients = new ArrayList<>();
        try (Ring ring = Ring.open(8); Arena arena = Arena.ofConfined()) {
            MemorySegment reg = arena.allocate(RsrcRegister.LAYOUT);
            reg.set(JAVA_INT, RsrcRegister.NR, 16);
            reg.set(JAVA_INT, RsrcRegister.FLAGS, 1 /* IORING_RSRC_REGISTER_SPARSE */);
            ring.register(RegisterOp.FILES2, reg, (int) RsrcRegister.SIZE);
            ring.sqe().prepMultishotAcceptDirect(l[0], MemorySegment.NULL, MemorySegment.NULL, 0).userData(ACCEPT);
            ring.submit();
            for (int i = 0; i < 10; i++) clients.add(Loopback.connect(l[1]));
            assertEquals(10, awaitCqes(ring, 10));
            Set<Integer> slots = new HashSet<>();
            ring.forEachCqe(c -> {
                assertTrue(c.hasMore(), c.toString());
                assertTrue(c.res() >= 0 && c.res() < 16, "slot " + c.res());
                slots.add(c.res());
            });
            assertEquals(10, slots.size(), "ten distinct table slots");
            // a direct descriptor is usable with IOSQE_FIXED_FILE: find the slot of client 3's connection
            Loopback.writeAll(clients.get(3), "direct".getBytes());
            MemorySegment buf = arena.allocate(16);
            int found = 0;
            for (int slot : slots) {
                ring.sqe().prepRecv(slot, buf, 0x40 /* MSG_DONTWAIT */).addFlags(SqeFlags.FIXED_FILE).userData(100 + slot);
                ring.submitAndWait(1);
                Cqe c = ring.waitCqe();
                if (c.res() > 0) {
                    assertEquals("direct", new String(buf.asSlice(0, c.res()).toArray(JAVA_BYTE)));
                    found++;
                } else assertEquals(-Errno.EAGAIN, c.res(), c.toString());
                ring.cqeSeen();
            }
            assertEquals(1, found);
            ring.sqe().prepCancel(ACCEPT, 0).userData(CANCEL);
            ring.submit();
            assertEquals(2, awaitCqes(ring, 2));
            ring.forEachCqe(c -> { if (c.userData() == ACCEPT) assertEquals(-Errno.ECANCELED, c.res()); });
            assertThrows(IllegalArgumentException.class,
                    () -> ring.sqe().prepMultishotAcceptDirect(l[0], MemorySegment.NULL, MemorySegment.NULL, Sys.SOCK_CLOEXEC));
        } finally {
            for (int fd : clients) Sys.close(fd);
            Sys.close(l[0]);
        }
    }
}
