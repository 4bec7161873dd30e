package io.uring4j.cmd;

import io.uring4j.ErrnoException;
import io.uring4j.register.Loopback;
import io.uring4j.ring.Cqe;
import io.uring4j.ring.MultishotCmdTarget;
import io.uring4j.ring.Ring;
import io.uring4j.ring.Sqe;
import io.uring4j.ring.SqeFlags;
import io.uring4j.ring.UringCmdFlags;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The uring_cmd flag rules: each refused by the library before submission, and each shown, through
 * SQE fields written raw, to be the kernel's own EINVAL.
 *
 * <p>Safety: the raw SQEs all target fd -1. A MULTISHOT uring_cmd is only ever submitted in the three
 * combinations the kernel rejects synchronously in io_uring_cmd_prep (MULTISHOT without
 * BUFFER_SELECT, BUFFER_SELECT without MULTISHOT, MULTISHOT|FIXED), and with no file behind it even a
 * kernel that accepted it would fail with EBADF before reaching any driver.
 */
class UringCmdFlagRulesTest {

    private static String refusal(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void everyRuleIsRefusedClientSide() throws Exception {
        // the rule checker, in the kernel's order
        assertTrue(UringCmdFlags.violation(1 << 31, 0).contains("top 8 bits"));
        assertTrue(UringCmdFlags.violation(1 << 24, 0).contains("top 8 bits"));
        assertTrue(UringCmdFlags.violation(1 << 2, 0).contains("unknown bits"));
        assertTrue(UringCmdFlags.violation(UringCmdFlags.MULTISHOT | UringCmdFlags.FIXED, SqeFlags.BUFFER_SELECT)
                .contains("mutually exclusive"));
        assertTrue(UringCmdFlags.violation(UringCmdFlags.MULTISHOT, 0).contains("requires buffer select"));
        assertTrue(UringCmdFlags.violation(0, SqeFlags.BUFFER_SELECT).contains("requires MULTISHOT"));
        assertTrue(UringCmdFlags.violation(UringCmdFlags.FIXED, 0) == null);
        assertTrue(UringCmdFlags.violation(UringCmdFlags.MULTISHOT, SqeFlags.BUFFER_SELECT) == null);

        // through the preps; this ring is never submitted
        try (Ring ring = Ring.open(4)) {
            Sqe sqe = ring.sqe();
            assertTrue(refusal(() -> sqe.prepUringCmd(3, 0, 1 << 31)).contains("top 8 bits"));
            assertTrue(refusal(() -> sqe.prepUringCmd(3, 0, 0x0100_0000)).contains("top 8 bits"));
            assertTrue(refusal(() -> sqe.prepUringCmd(3, 0, 4)).contains("unknown bits"));
            assertTrue(refusal(() -> sqe.prepUringCmd(3, 0, UringCmdFlags.MULTISHOT)).contains("prepUringCmdMultishot"));
            sqe.prepUringCmd(3, 0);
            assertTrue(refusal(() -> sqe.uringCmdFlags(UringCmdFlags.MULTISHOT)).contains("prepUringCmdMultishot"));
            assertTrue(refusal(() -> sqe.bufferSelect(1)).contains("requires MULTISHOT"));
            assertEquals(0, sqe.flagsValue(), "a refused call writes nothing");
            sqe.prepUringCmdFixed(3, 0, 2);
            assertTrue(refusal(() -> sqe.bufferSelect(1)).contains("requires MULTISHOT"));
            assertTrue(refusal(() -> sqe.uringCmdFlags(UringCmdFlags.FIXED | (1 << 30))).contains("top 8 bits"));
            sqe.uringCmdFlags(0); // a plain command again
            assertEquals(0, sqe.opFlagsValue());
            assertThrows(IllegalStateException.class, () -> sqe.prepNop().uringCmdFlags(UringCmdFlags.FIXED),
                    "uring_cmd_flags on a non-URING_CMD entry");
            sqe.prepNop();
        }
    }

    @Test
    void multishotRulesOnAnOptedInTarget() throws Exception {
        int devNull = Sys.open("/dev/null", Sys.O_RDWR | Sys.O_CLOEXEC, 0);
        try (Ring ring = Ring.open(4)) { // never submitted
            MultishotCmdTarget target = MultishotCmdTarget.optIn(devNull, "mem");
            Sqe sqe = ring.sqe().prepUringCmdMultishot(target, 0x77, 3);
            MemorySegment raw = sqe.raw();
            assertEquals(46, raw.get(JAVA_BYTE, 0), "IORING_OP_URING_CMD");
            assertEquals(SqeFlags.BUFFER_SELECT, sqe.flagsValue());
            assertEquals(UringCmdFlags.MULTISHOT, sqe.opFlagsValue());
            assertEquals(3, raw.get(JAVA_SHORT, 40), "buf_group");
            assertEquals(0x77, raw.get(JAVA_INT, 8), "cmd_op");
            assertEquals(devNull, raw.get(JAVA_INT, 4));
            assertTrue(refusal(() -> sqe.uringCmdFlags(UringCmdFlags.MULTISHOT | UringCmdFlags.FIXED)).contains("mutually exclusive"));
            assertTrue(refusal(() -> sqe.uringCmdFlags(0)).contains("requires MULTISHOT"));
            assertTrue(refusal(() -> sqe.bufferSelect(4)).contains("prepUringCmdMultishot"));
            // even with MULTISHOT written raw, the buffer-select helper does not complete the request
            Sqe other = ring.sqe().prepUringCmd(devNull, 0).opFlags(UringCmdFlags.MULTISHOT);
            assertTrue(refusal(() -> other.bufferSelect(4)).contains("prepUringCmdMultishot"));
            assertEquals(0, other.flagsValue());
            other.opFlags(0).prepNop();
            sqe.flags(0).opFlags(0).bufGroup(0).prepNop();
        } finally {
            Sys.close(devNull);
        }
    }

    @Test
    void theOptInRefusesEverythingButTheNamedCharacterDevice(@TempDir Path dir) throws Exception {
        int[] tcp = Loopback.tcpPair();
        int efd = Sys.eventfd(0, 0);
        Path f = dir.resolve("file");
        Files.write(f, new byte[16]);
        int file = Sys.open(f.toString(), Sys.O_RDWR, 0);
        int devNull = Sys.open("/dev/null", Sys.O_RDWR, 0);
        int fuse = Sys.open("/dev/fuse", Sys.O_RDWR, 0);
        int[] pipe = new int[2];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(8);
            Loopback.check(Sys.pipe2(fds, 0), "pipe2");
            pipe[0] = fds.get(JAVA_INT, 0);
            pipe[1] = fds.get(JAVA_INT, 4);
            assertTrue(refusal(() -> optIn(tcp[0], "tcp")).contains("a socket"));
            assertTrue(refusal(() -> optIn(pipe[0], "pipe")).contains("pipe"));
            assertTrue(refusal(() -> optIn(file, "ext4")).contains("regular file"));
            assertTrue(refusal(() -> optIn(efd, "eventfd")).contains("anonymous inode"));
            assertTrue(refusal(() -> optIn(devNull, "ublk-char")).contains("[mem]"), "driver mismatch names the real one");
            assertTrue(refusal(() -> optIn(devNull, " ")).contains("name the target driver"));
            if (Files.exists(Path.of("/dev/fuse"))) {
                assertTrue(fuse >= 0, "open /dev/fuse: " + fuse);
                assertTrue(refusal(() -> optIn(fuse, "fuse")).contains("does not implement multishot"));
            } else {
                System.out.println("skipped the fuse refusal: no /dev/fuse on this machine");
            }
            var closed = assertThrows(ErrnoException.class, () -> MultishotCmdTarget.optIn(9999, "mem"));
            assertEquals("EBADF", closed.errnoName());

            MultishotCmdTarget ok = MultishotCmdTarget.optIn(devNull, "mem");
            assertEquals(1, ok.rdevMajor());
            assertEquals(3, ok.rdevMinor());
            // the fd is re-checked at every prep: once closed (and maybe reused) it is refused
            Sys.close(devNull);
            int reused = Sys.socket(Sys.AF_INET, Sys.SOCK_STREAM, 0);
            try (Ring ring = Ring.open(2)) { // never submitted
                Sqe sqe = ring.sqe();
                var e = assertThrows(IllegalStateException.class, () -> sqe.prepUringCmdMultishot(ok, 0, 1));
                assertTrue(e.getMessage().contains("no longer refers"), e.getMessage());
                assertEquals(0, sqe.opFlagsValue(), "nothing written");
            } finally {
                Sys.close(reused);
            }
        } finally {
            Loopback.closeAll(tcp[0], tcp[1], efd, file, fuse, pipe[0], pipe[1]);
        }
    }

    private static void optIn(int fd, String driver) {
        try {
            MultishotCmdTarget.optIn(fd, driver);
        } catch (ErrnoException e) {
            throw new AssertionError(e);
        }
    }

    /** Submits one raw URING_CMD on fd -1 with the given fields and returns its res. */
    private static int raw(Ring ring, int uringCmdFlags, int sqeFlags, int pad1) {
        Sqe sqe = ring.sqe().prepUringCmd(-1, SocketCmd.SIOCINQ).opFlags(uringCmdFlags).flags(sqeFlags).bufGroup(1);
        sqe.raw().set(JAVA_INT, 12, pad1);
        sqe.userData(0xC0DE);
        ring.submitAndWait(1);
        Cqe c = ring.waitCqe();
        assertEquals(0xC0DE, c.userData());
        int r = c.res();
        ring.cqeSeen();
        return r;
    }

    @Test
    void everyRuleIsTheKernelsEinval() throws Exception {
        try (Ring ring = Ring.open(4)) {
            // control: valid flags reach file lookup, which fails for fd -1
            assertEquals(-Errno.EBADF, raw(ring, 0, 0, 0), "no flag rule broken: EBADF from the missing file");
            assertEquals(-Errno.EBADF, raw(ring, UringCmdFlags.FIXED, 0, 0), "FIXED alone is valid");
            // the rules: rejected in io_uring_cmd_prep, before any file or driver is involved
            assertEquals(-Errno.EINVAL, raw(ring, UringCmdFlags.MULTISHOT, 0, 0), "MULTISHOT without BUFFER_SELECT");
            assertEquals(-Errno.EINVAL, raw(ring, 0, SqeFlags.BUFFER_SELECT, 0), "BUFFER_SELECT without MULTISHOT");
            assertEquals(-Errno.EINVAL, raw(ring, UringCmdFlags.MULTISHOT | UringCmdFlags.FIXED, 0, 0), "MULTISHOT|FIXED");
            assertEquals(-Errno.EINVAL, raw(ring, UringCmdFlags.FIXED, SqeFlags.BUFFER_SELECT, 0),
                    "BUFFER_SELECT with FIXED, without MULTISHOT");
            assertEquals(-Errno.EINVAL, raw(ring, 1 << 31, 0, 0), "top bit (IORING_URING_CMD_REISSUE) is the kernel's");
            assertEquals(-Errno.EINVAL, raw(ring, 1 << 30, 0, 0), "IORING_URING_CMD_CANCELABLE is the kernel's");
            assertEquals(-Errno.EINVAL, raw(ring, 1 << 24, 0, 0), "lowest reserved bit");
            assertEquals(-Errno.EINVAL, raw(ring, 1 << 2, 0, 0), "unknown bit");
            assertEquals(-Errno.EINVAL, raw(ring, 0, 0, 1), "__pad1 must be zero");
        }
    }

    @Test
    void commandAreaIs16BytesOr80WithSqe128() throws Exception {
        try (Ring small = Ring.open(2); Ring big = Ring.builder().entries(2).sqe128().build()) {
            Sqe s = small.sqe().prepUringCmd(0, 1);
            assertEquals(16, s.cmdAreaSize());
            s.cmdLong(8, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, s.raw().get(JAVA_LONG, 56));
            var e = assertThrows(IndexOutOfBoundsException.class, () -> s.cmdLong(16, 1));
            assertTrue(e.getMessage().contains("80 with an SQE128 ring"), e.getMessage());
            s.prepNop().addr3(0).raw().set(JAVA_LONG, 56, 0);

            Sqe b = big.sqe().prepUringCmd(0, 1);
            assertEquals(80, b.cmdAreaSize());
            assertEquals(128, b.raw().byteSize());
            b.cmdLong(72, -1L).cmdInt(0, 7);
            assertEquals(-1L, b.raw().get(JAVA_LONG, 120));
            assertEquals(7, b.cmdArea().get(JAVA_INT, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> b.cmdInt(77, 1));
            b.prepNop();
        }
    }
}
