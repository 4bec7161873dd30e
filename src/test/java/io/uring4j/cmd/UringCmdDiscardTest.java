package io.uring4j.cmd;

import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/** BLOCK_URING_CMD_DISCARD on a loop device the test creates over a temporary file. */
class UringCmdDiscardTest {
    static final int SIZE = 8 << 20, OFF = 1 << 20, LEN = 256 << 10;
    static final byte FILL = (byte) 0xAB;

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " timed out");
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
        return out;
    }

    private static int res(Ring ring) {
        ring.submitAndWait(1);
        var c = ring.waitCqe();
        int r = c.res();
        ring.cqeSeen();
        return r;
    }

    @Test
    void discardZeroesExactlyTheRange(@TempDir Path dir) throws Exception {
        Path backing = dir.resolve("disk.img");
        byte[] pattern = new byte[SIZE];
        Arrays.fill(pattern, FILL);
        Files.write(backing, pattern);
        String dev;
        try {
            dev = run("losetup", "-f", "--show", backing.toString());
        } catch (IOException e) {
            Assumptions.abort("requires a loop device (root, losetup, /dev/loop-control): " + e.getMessage());
            return;
        }
        int fd = -1, ro = -1, regular = -1;
        try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
            fd = Sys.open(dev, Sys.O_RDWR | Sys.O_CLOEXEC, 0);
            assertTrue(fd >= 0, "open " + dev + ": " + fd);
            BlockCmd.prepDiscard(ring.sqe(), fd, OFF, LEN);
            assertEquals(0, res(ring), "discard of [" + OFF + ", " + (OFF + LEN) + ") on " + dev);

            MemorySegment all = a.allocate(SIZE);
            assertEquals(SIZE, Sys.pread(fd, all, SIZE, 0));
            byte[] got = all.toArray(JAVA_BYTE);
            for (int i = 0; i < SIZE; i++) {
                byte want = i >= OFF && i < OFF + LEN ? 0 : FILL;
                if (got[i] != want) fail("device byte " + i + " is " + got[i] + ", want " + want);
            }
            // the loop driver punched a hole of exactly that range into the backing file
            byte[] file = Files.readAllBytes(backing);
            for (int i = 0; i < SIZE; i++) {
                byte want = i >= OFF && i < OFF + LEN ? 0 : FILL;
                if (file[i] != want) fail("backing file byte " + i + " is " + file[i] + ", want " + want);
            }

            // the kernel's refusals
            assertThrows(IllegalArgumentException.class, () -> BlockCmd.prepDiscard(ring.sqe().prepNop(), 0, 100, 4096));
            assertEquals(0, res(ring)); // the NOP left by the refused prep
            ring.sqe().prepUringCmd(fd, BlockCmd.DISCARD).addr(100).addr3(4096);
            assertEquals(-Errno.EINVAL, res(ring), "unaligned offset");
            BlockCmd.prepDiscard(ring.sqe(), fd, SIZE - 4096, 8192);
            assertEquals(-Errno.EINVAL, res(ring), "past the end");
            ro = Sys.open(dev, Sys.O_RDONLY | Sys.O_CLOEXEC, 0);
            BlockCmd.prepDiscard(ring.sqe(), ro, 0, 4096);
            assertEquals(-Errno.EBADF, res(ring), "read-only fd");
            regular = Sys.open(backing.toString(), Sys.O_RDWR | Sys.O_CLOEXEC, 0);
            BlockCmd.prepDiscard(ring.sqe(), regular, 0, 4096);
            assertEquals(-Errno.EOPNOTSUPP, res(ring), "a regular file is no block device");
            BlockCmd.prepDiscard(ring.sqe(), fd, 0, 4096).opFlags(io.uring4j.ring.UringCmdFlags.FIXED);
            assertEquals(-Errno.EINVAL, res(ring), "discard takes no uring_cmd flags");
        } finally {
            if (fd >= 0) Sys.close(fd);
            if (ro >= 0) Sys.close(ro);
            if (regular >= 0) Sys.close(regular);
            run("losetup", "-d", dev);
        }
    }
}
