package io.uring4j.register;

import io.uring4j.ring.Cqe;
import io.uring4j.ring.CqeFlags;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** IOU_PBUF_RING_INC: a buffer consumed piece by piece, each piece at its offset, recycled once finished. */
class BufferRingIncrementalTest {

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (seed + i * 7);
        return b;
    }

    private static Cqe read(Ring ring, int fd, BufferRing br) {
        ring.sqe().prepReadSelect(fd, br.group(), 0, 0).userData(1);
        ring.submitAndWait(1);
        return ring.waitCqe();
    }

    private static byte[] contents(ProvidedBuffer b) {
        byte[] out = new byte[b.length()];
        b.copyTo(out, 0);
        return out;
    }

    @Test
    void piecesShareOneBufferUntilItIsFull() throws Exception {
        for (boolean kernelMapped : new boolean[]{false, true}) {
            int[] p = MultishotReadTest.pipe();
            Ring ring = null;
            try {
                ring = Ring.open(8);
                BufferRing.Builder b = BufferRing.builder(ring).group(11).entries(2).bufferSize(1024).incremental();
                if (kernelMapped) b.kernelMapped();
                BufferRing br = b.build();
                assertTrue(br.isIncremental());
                byte[] a = bytes(100, 1), c2 = bytes(200, 2), d = bytes(724, 3), e = bytes(10, 4);

                Loopback.writeAll(p[1], a);
                Cqe c = read(ring, p[0], br);
                assertEquals(100, c.res());
                assertEquals(CqeFlags.BUFFER | CqeFlags.BUF_MORE, c.flags() & 0xffff, c.toString());
                ProvidedBuffer first = br.take(c);
                ring.cqeSeen();
                assertEquals(0, first.bid());
                assertEquals(0, first.offset());
                assertArrayEquals(a, contents(first));

                Loopback.writeAll(p[1], c2);
                c = read(ring, p[0], br);
                assertEquals(200, c.res());
                assertTrue((c.flags() & CqeFlags.BUF_MORE) != 0);
                assertEquals(0, c.bufferId(), "the kernel keeps filling the same buffer");
                ProvidedBuffer same = br.take(c);
                ring.cqeSeen();
                assertSame(first, same);
                assertEquals(300, same.length(), "the view grows over both pieces while the first is held");
                byte[] both = Arrays.copyOf(a, 300);
                System.arraycopy(c2, 0, both, 100, 200);
                assertArrayEquals(both, contents(same));
                assertEquals(0, br.kernelHead(), "a partly used buffer stays at the head");

                same.release();
                assertTrue(br.isInKernel(0), "released, but the kernel still owns the rest of buffer 0");
                assertEquals(2, br.tail(), "nothing re-published yet");
                assertThrows(IllegalStateException.class, same::release, "a second release is refused");

                Loopback.writeAll(p[1], d);
                c = read(ring, p[0], br);
                assertEquals(724, c.res());
                assertEquals(CqeFlags.BUFFER, c.flags() & 0xffff, "exactly full: no F_BUF_MORE");
                ProvidedBuffer last = br.take(c);
                ring.cqeSeen();
                assertEquals(300, last.offset());
                assertArrayEquals(d, contents(last));
                assertEquals(1, br.kernelHead(), "the finished buffer left the ring");
                assertFalse(br.isInKernel(0));

                Loopback.writeAll(p[1], e);
                c = read(ring, p[0], br);
                assertEquals(1, c.bufferId(), "next data goes to the next buffer");
                ProvidedBuffer next = br.take(c);
                ring.cqeSeen();
                assertEquals(0, next.offset());
                assertArrayEquals(e, contents(next));

                last.release();
                assertTrue(br.isInKernel(0), "finished and released: published again");
                assertEquals(3, br.tail());
                next.release();
                br.close();
            } finally {
                if (ring != null) ring.close();
                Sys.close(p[0]);
                Sys.close(p[1]);
            }
        }
    }
}
