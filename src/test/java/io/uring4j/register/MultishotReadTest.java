package io.uring4j.register;

import io.uring4j.ring.Cqe;
import io.uring4j.ring.Multishot;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/** READ_MULTISHOT on a pipe, into a kernel-allocated (IOU_PBUF_RING_MMAP) buffer ring. */
class MultishotReadTest {

    @Test
    void readMultishotOnPipeDeliversEveryChunkThenEndsAtEof() throws Exception {
        int[] p = pipe();
        int rd = p[0], wr = p[1];
        byte[] data = new byte[20 * 300];
        new Random(3).nextBytes(data);
        try (Ring ring = Ring.open(16);
             BufferRing br = BufferRing.builder(ring).group(5).entries(8).bufferSize(256).kernelMapped().build()) {
            assertTrue(br.isKernelMapped());
            Multishot read = new Multishot(77, sqe -> sqe.prepReadMultishot(rd, 0, 0, br.group()));
            read.arm(ring);
            assertEquals(1, ring.submit());
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int written = 0, chunk = 0, more = 0;
            Multishot.Outcome end = null;
            while (end == null) {
                if (written < data.length) { // one chunk of 1..300 bytes per round
                    int n = Math.min(data.length - written, 1 + (chunk++ * 37) % 300);
                    Loopback.writeAll(wr, data, written, n);
                    written += n;
                    if (written == data.length) Sys.close(wr); // EOF ends the request
                }
                int r = ring.submitAndWait(1, TimeUnit.SECONDS.toNanos(10), 0);
                assertTrue(r >= 0 || ring.cqReady() > 0, "no CQE: " + r);
                Cqe c;
                while ((c = ring.peekCqe()) != null) {
                    Multishot.Outcome o = read.onCqe(c);
                    if (c.hasBuffer()) {
                        ProvidedBuffer b = br.take(c);
                        byte[] tmp = new byte[b.length()];
                        b.copyTo(tmp, 0);
                        got.writeBytes(tmp);
                        b.release();
                    }
                    if (o == Multishot.Outcome.MORE) more++;
                    else if (o == Multishot.Outcome.REARM) { ring.cqeSeen(); read.arm(ring); continue; }
                    else end = o;
                    ring.cqeSeen();
                }
            }
            assertEquals(0, read.lastResult(), "READ_MULTISHOT ends with res 0 at EOF");
            assertArrayEquals(data, got.toByteArray());
            assertTrue(more >= 20, "CQEs with F_MORE: " + more);
            assertEquals(0, br.heldCount());
            System.out.printf("read multishot: %d bytes, %d CQEs with F_MORE, %d arm(s)%n", data.length, more, read.arms());
        } finally {
            Sys.close(rd);
        }
    }

    static int[] pipe() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(8);
            Loopback.check(Sys.pipe2(fds, Sys.O_CLOEXEC), "pipe2");
            return new int[]{fds.get(JAVA_INT, 0), fds.get(JAVA_INT, 4)};
        }
    }
}
