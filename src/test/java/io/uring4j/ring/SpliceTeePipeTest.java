package io.uring4j.ring;

import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.uring4j.ring.OpsSupport.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/** PIPE, SPLICE and TEE moving bytes through pipes. */
class SpliceTeePipeTest extends RingOpsTest {
    @TempDir Path dir;
    SpliceTeePipeTest() {
        super(8);
    }

    static final int O_NONBLOCK = Sys.O_NONBLOCK;

    @Test
    void pipeOpCreatesAWorkingPipe() {
        MemorySegment fds = arena.allocate(8);
        fds.fill((byte) -1);
        ring.sqe().prepPipe(fds, Sys.O_CLOEXEC).userData(1);
        assertRes(0, submitOne(ring));
        int r = fds.get(JAVA_INT, 0), w = fds.get(JAVA_INT, 4);
        assertTrue(r >= 0 && w >= 0 && r != w, "fds " + r + "," + w);
        try {
            MemorySegment out = pattern(arena, 1000, 1);
            writeFully(w, out);
            MemorySegment in = arena.allocate(1000);
            assertEquals(1000, Sys.read(r, in, 1000));
            assertEquals(-1, in.mismatch(out));
        } finally {
            closeAll(r, w);
        }
        // pipe_flags are read: an unknown flag is EINVAL
        ring.sqe().prepPipe(fds, 0x1).userData(2);
        assertRes(-Errno.EINVAL, submitOne(ring));
        assertThrows(IllegalArgumentException.class, () -> ring.sqe().prepPipe(arena.allocate(4), 0));
    }

    @Test
    void spliceFileToPipeToFile() throws Exception {
        Path src = dir.resolve("src"), dst = dir.resolve("dst");
        MemorySegment data = pattern(arena, 10000, 2);
        Files.write(src, bytes(data));
        Files.write(dst, new byte[0]);
        int in = Sys.open(src.toString(), Sys.O_RDONLY, 0), out = Sys.open(dst.toString(), Sys.O_WRONLY, 0);
        int[] p = pipe(0);
        try {
            // 3000 bytes starting at offset 100 of src into the pipe (off_out -1: pipes have no offset)
            ring.sqe().prepSplice(in, 100, p[1], -1, 3000, 0).userData(1);
            assertRes(3000, submitOne(ring));
            // then from the pipe into dst at offset 500
            ring.sqe().prepSplice(p[0], -1, out, 500, 3000, 0).userData(2);
            assertRes(3000, submitOne(ring));
            byte[] got = Files.readAllBytes(dst);
            assertEquals(3500, got.length);
            assertArrayEquals(new byte[500], Arrays.copyOfRange(got, 0, 500));
            assertArrayEquals(Arrays.copyOfRange(bytes(data), 100, 3100), Arrays.copyOfRange(got, 500, 3500));

            // neither side a pipe: EINVAL
            ring.sqe().prepSplice(in, 0, out, 0, 10, 0).userData(3);
            assertRes(-Errno.EINVAL, submitOne(ring));
        } finally {
            closeAll(in, out, p[0], p[1]);
        }
    }

    @Test
    void spliceOffsetMinusOneUsesTheFilePosition() throws Exception {
        Path src = dir.resolve("src");
        MemorySegment data = pattern(arena, 200, 3);
        Files.write(src, bytes(data));
        int in = Sys.open(src.toString(), Sys.O_RDONLY, 0);
        int[] p = pipe(0);
        try {
            for (int i = 0; i < 2; i++) {
                ring.sqe().prepSplice(in, -1, p[1], -1, 60, 0).userData(i);
                assertRes(60, submitOne(ring));
            }
            MemorySegment got = arena.allocate(120);
            assertEquals(120, Sys.read(p[0], got, 120));
            assertEquals(-1, got.mismatch(data.asSlice(0, 120)), "two splices from the file position: bytes 0..119");
        } finally {
            closeAll(in, p[0], p[1]);
        }
    }

    @Test
    void teeDuplicatesWithoutConsuming() {
        int[] a = pipe(0), b = pipe(0);
        try {
            MemorySegment data = pattern(arena, 4096, 4);
            writeFully(a[1], data);
            ring.sqe().prepTee(a[0], b[1], 4096, 0).userData(1);
            assertRes(4096, submitOne(ring));
            MemorySegment fromA = arena.allocate(4096), fromB = arena.allocate(4096);
            assertEquals(4096, Sys.read(a[0], fromA, 4096), "tee leaves the data in the source pipe");
            assertEquals(4096, Sys.read(b[0], fromB, 4096));
            assertEquals(-1, fromA.mismatch(data));
            assertEquals(-1, fromB.mismatch(data));

            // tee between a pipe and a non-pipe is EINVAL
            ring.sqe().prepTee(a[0], 9999, 10, 0).userData(2);
            assertTrue(submitOne(ring).res() < 0);
        } finally {
            closeAll(a[0], a[1], b[0], b[1]);
        }
    }

    @Test
    void splicePipeToPipeWaitsForData() throws Exception {
        int[] a = pipe(0), b = pipe(0);
        try {
            ring.sqe().prepSplice(a[0], -1, b[1], -1, 100, 0).userData(1);
            assertEquals(1, ring.submit());
            assertTrue(drainFor(ring, 30).isEmpty(), "nothing to splice yet");
            MemorySegment data = pattern(arena, 100, 5);
            writeFully(a[1], data);
            assertRes(100, reap(ring, 1).get(0));
            MemorySegment got = arena.allocate(100);
            assertEquals(100, Sys.read(b[0], got, 100));
            assertEquals(-1, got.mismatch(data));
        } finally {
            closeAll(a[0], a[1], b[0], b[1]);
        }
    }
}
