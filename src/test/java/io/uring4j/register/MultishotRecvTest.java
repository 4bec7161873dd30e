package io.uring4j.register;

import io.uring4j.ring.Cqe;
import io.uring4j.ring.Feature;
import io.uring4j.ring.Multishot;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** Multishot RECV over loopback TCP with a buffer ring much smaller than the data. */
class MultishotRecvTest {
    static final long RECV = 1;

    @Test
    void tenThousandMessagesThroughEightBuffersEveryByteInOrder() throws Exception {
        Random rnd = new Random(42);
        int messages = 10_000;
        int[] sizes = new int[messages];
        int total = 0;
        for (int i = 0; i < messages; i++) total += sizes[i] = 1 + rnd.nextInt(2000);
        byte[] stream = new byte[total];
        rnd.nextBytes(stream);
        int[] fds = Loopback.tcpPair();
        int client = fds[0], server = fds[1];
        CountDownLatch primed = new CountDownLatch(1);
        AtomicReference<Throwable> sendError = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            try {
                int off = 0;
                for (int i = 0; i < messages; i++) {
                    Loopback.writeAll(client, stream, off, sizes[i]);
                    off += sizes[i];
                    if (off >= 64 * 1024) primed.countDown();
                }
            } catch (Throwable t) {
                sendError.set(t);
            } finally {
                primed.countDown();
                Sys.close(client); // EOF for the receiver
            }
        }, "sender");
        try (Ring ring = Ring.open(64); BufferRing br = BufferRing.register(ring, 3, 8, 1024)) {
            sender.start();
            // 64 KiB queued before the first arm: 8 KiB of buffers must run dry (-ENOBUFS) at least once
            assertTrue(primed.await(10, TimeUnit.SECONDS));
            Multishot recv = new Multishot(RECV, sqe -> sqe.prepRecvMultishot(server, br.group(), 0));
            recv.arm(ring);
            MemorySegment expected = MemorySegment.ofArray(stream);
            List<ProvidedBuffer> held = new ArrayList<>();
            long[] pos = {0};
            int[] enobufs = {0}, withMore = {0};
            boolean[] eof = {false};
            Multishot.Outcome[] last = {Multishot.Outcome.MORE};
            while (!eof[0]) {
                int r = ring.submitAndWait(1, TimeUnit.SECONDS.toNanos(10), 0);
                assertTrue(r >= 0 || ring.cqReady() > 0, "wait failed: " + r + " after " + pos[0] + " bytes");
                ring.forEachCqe(c -> {
                    Multishot.Outcome o = recv.onCqe(c);
                    if (c.hasBuffer()) {
                        ProvidedBuffer b = br.take(c);
                        assertEquals(c.res(), b.length());
                        long mismatch = b.segment().mismatch(expected.asSlice(pos[0], b.length()));
                        assertEquals(-1, mismatch, "byte mismatch at stream offset " + (pos[0] + mismatch));
                        pos[0] += b.length();
                        held.add(b); // recycled only after the whole batch: the ring runs dry under load
                    }
                    if (o == Multishot.Outcome.MORE) withMore[0]++;
                    if (c.res() == -Errno.ENOBUFS) {
                        assertFalse(c.hasMore());
                        assertEquals(Multishot.Outcome.REARM, o);
                        enobufs[0]++;
                    }
                    if (o == Multishot.Outcome.DONE) {
                        assertEquals(0, c.res(), "recv ended with " + c);
                        eof[0] = true;
                    }
                    last[0] = o;
                });
                for (ProvidedBuffer b : held) b.release();
                held.clear();
                if (last[0] == Multishot.Outcome.REARM && !recv.isArmed()) recv.arm(ring);
            }
            sender.join(10_000);
            assertNull(sendError.get());
            assertEquals(total, pos[0], "every byte received exactly once");
            assertTrue(enobufs[0] >= 1, "the 8-buffer ring never ran dry");
            assertEquals(enobufs[0], recv.rearms(), "each -ENOBUFS end was re-armed");
            assertEquals(0, br.heldCount());
            assertEquals(8, br.inKernelCount());
            assertTrue(withMore[0] * 1024L >= total, "CQEs with F_MORE: " + withMore[0]);
            System.out.printf("multishot recv: %d bytes in %d messages, %d CQEs, %d ENOBUFS re-arms, buffer tail %d%n",
                    total, messages, recv.cqes(), enobufs[0], br.tail());
        } finally {
            Loopback.closeAll(server);
        }
    }

    @Test
    void bundleSpansConsecutiveBuffers() throws Exception {
        int[] fds = Loopback.tcpPair();
        try (Ring ring = Ring.open(8); BufferRing br = BufferRing.register(ring, 4, 8, 512)) {
            org.junit.jupiter.api.Assumptions.assumeTrue(ring.hasFeature(Feature.RECVSEND_BUNDLE),
                    "requires IORING_FEAT_RECVSEND_BUNDLE (kernel >= 6.10)");
            byte[] data = new byte[3 * 512 + 100];
            new Random(7).nextBytes(data);
            Loopback.writeAll(fds[0], data);
            Thread.sleep(20); // let the bytes land in the receive queue: one bundle takes them all
            byte[] got = new byte[data.length];
            int off = 0, bundles = 0, maxSpan = 0, used = 0;
            ProvidedBuffer[] out = new ProvidedBuffer[8];
            List<ProvidedBuffer> held = new ArrayList<>();
            while (off < data.length) { // the kernel may split the data over several bundles
                ring.sqe().prepRecvBundle(fds[1], br.group(), 0).userData(9);
                ring.submitAndWait(1);
                Cqe c = ring.waitCqe();
                assertTrue(c.res() > 0 && c.hasBuffer(), c.toString());
                int n = br.takeBundle(c, out);
                ring.cqeSeen();
                int sum = 0;
                for (int k = 0; k < n; k++) {
                    out[k].copyTo(got, off + sum);
                    sum += out[k].length();
                    if (k < n - 1) assertEquals(512, out[k].length(), "all but the last buffer of a bundle are full");
                    held.add(out[k]);
                }
                off += sum;
                used += n;
                bundles++;
                maxSpan = Math.max(maxSpan, n);
            }
            assertArrayEquals(data, got);
            assertTrue(maxSpan >= 2, "a bundle spanned " + maxSpan + " buffer(s)");
            assertEquals(4, used, "1636 bytes fill four 512-byte buffers");
            assertEquals(4, br.heldCount());
            assertEquals(4, br.kernelHead(), "PBUF_STATUS head after consuming 4 buffers");
            System.out.printf("recv bundle: %d bytes in %d bundle CQE(s), widest %d buffers%n", data.length, bundles, maxSpan);
            for (ProvidedBuffer b : held) b.release();
            assertEquals(8, br.inKernelCount());
        } finally {
            Loopback.closeAll(fds);
        }
    }

    @Test
    void recvMultishotFlagsAndHelperRefusals() throws Exception {
        try (Ring ring = Ring.open(4)) {
            var sqe = ring.sqe();
            sqe.prepRecvMultishot(5, 7, 0);
            assertEquals(io.uring4j.ring.SqeFlags.BUFFER_SELECT, sqe.flagsValue());
            assertEquals(io.uring4j.ring.IoprioFlags.RECV_MULTISHOT, sqe.ioprioValue());
            assertThrows(IllegalArgumentException.class, () -> sqe.prepRecvMultishot(5, 7, 0x100 /* MSG_WAITALL */));
            assertThrows(IllegalArgumentException.class, () -> sqe.prepRecvMultishot(5, 65536, 0));
            sqe.prepNop();
        }
    }
}
