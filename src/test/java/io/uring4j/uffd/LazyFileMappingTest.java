package io.uring4j.uffd;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.*;

/** Lazy paging of a 256 MiB file from two threads, checked block by block against a plain read. */
class LazyFileMappingTest {
    static final int BLOCK = 1 << 20;
    static final int BLOCKS = 256;
    static Path file;
    static long[] expected;

    @BeforeAll
    static void makeFile() throws IOException {
        file = Files.createTempFile("uring4j-lazy-", ".bin");
        SplittableRandom rnd = new SplittableRandom(6);
        ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (int b = 0; b < BLOCKS; b++) {
                buf.clear();
                while (buf.hasRemaining()) buf.putLong(rnd.nextLong());
                buf.flip();
                while (buf.hasRemaining()) ch.write(buf);
            }
            // an odd tail: the last page is partly past EOF and must read as zeros
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        }
        expected = new long[BLOCKS];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int b = 0; b < BLOCKS; b++) {
                buf.clear();
                while (buf.hasRemaining()) ch.read(buf, (long) b * BLOCK + buf.position());
                buf.flip();
                CRC32C c = new CRC32C();
                c.update(buf);
                expected[b] = c.getValue();
            }
        }
    }

    @AfterAll
    static void removeFile() throws IOException {
        if (file != null) Files.deleteIfExists(file);
    }

    @Test
    void twoThreadsReadTheWholeFileLazily() throws Exception {
        try (LazyFileMapping m = LazyFileMapping.open(file, FaultHandlingService.builder().faultAround(64 * 1024))) {
            assertEquals((long) BLOCKS * BLOCK + 3, m.fileSize());
            LazyRegion r = m.region();
            assertEquals(0, r.residentPages(), "nothing read before the first touch");
            long[] got = new long[BLOCKS];
            Future<?>[] fs = new Future<?>[2];
            for (int t = 0; t < 2; t++) {
                int id = t;
                fs[t] = FaultHandlingServiceTest.onPlatformThread(() -> {
                    byte[] block = new byte[BLOCK];
                    MemorySegment dst = MemorySegment.ofArray(block);
                    // interleaved blocks, the second thread walking backwards: both fault all the time
                    for (int i = 0; i < BLOCKS / 2; i++) {
                        int b = id == 0 ? 2 * i : BLOCKS - 1 - 2 * i;
                        r.copyTo((long) b * BLOCK, dst);
                        CRC32C c = new CRC32C();
                        c.update(block);
                        got[b] = c.getValue();
                    }
                    return null;
                });
            }
            for (Future<?> f : fs) f.get(60, TimeUnit.SECONDS);
            assertArrayEquals(expected, got, "every block's checksum matches a plain read");
            assertEquals(1, r.getByte((long) BLOCKS * BLOCK));
            assertEquals(3, r.getByte((long) BLOCKS * BLOCK + 2));
            assertEquals(0, r.getByte((long) BLOCKS * BLOCK + 3), "past EOF reads as zeros");
            FaultStats s = m.service().stats();
            assertTrue(s.faults() >= (long) BLOCKS * BLOCK / (64 * 1024), s.toString());
            assertTrue(s.bytesCopied() >= (long) BLOCKS * BLOCK, s.toString());
        }
    }
}
