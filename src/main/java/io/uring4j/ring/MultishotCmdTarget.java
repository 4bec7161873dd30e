package io.uring4j.ring;

import io.uring4j.ErrnoException;
import io.uring4j.KernelInfo;
import io.uring4j.sys.Sys;
import io.uring4j.sys.SyscallNumbers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The explicit opt-in that {@link Sqe#prepUringCmdMultishot} requires: a file descriptor together
 * with the name of the driver the caller states implements multishot uring_cmd.
 *
 * <h2>Why an opt-in</h2>
 * A MULTISHOT uring_cmd is completed only by a driver that posts its CQEs itself
 * ({@code io_uring_mshot_cmd_post_cqe}). Sent to a file whose driver does not, the handler returns
 * {@code >= 0}, the kernel skips the completion, no CQE ever arrives, and closing the ring leaves an
 * {@code iou_exit} kernel worker asleep until reboot (observed on 6.18 with a TCP socket). No in-tree
 * driver of 6.18 implements it. So the library never builds such an SQE for an arbitrary fd:
 * {@link #optIn} checks, once, that
 * <ul>
 * <li>the fd is a character device (sockets, pipes, regular files, directories, block devices and
 * anonymous inodes such as eventfd are refused);</li>
 * <li>its driver, as the kernel names it (the {@code /proc/devices} entry of its major number, or for
 * misc devices the {@code /proc/misc} entry of its minor), is the one the caller named;</li>
 * <li>that driver is not an in-tree driver known to lack multishot on the running kernel (fuse,
 * nvme, nvme-generic, ublk-control; ublk-char up to 6.18).</li>
 * </ul>
 * Each prep re-checks (one statx) that the fd still refers to the same device, so a closed and
 * reused fd number cannot redirect the command to a socket. Character devices whose driver has no
 * uring_cmd at all are harmless: the kernel answers EOPNOTSUPP at once.
 */
public final class MultishotCmdTarget {
    private static final int S_IFMT = 0170000, S_IFCHR = 0020000, S_IFBLK = 0060000, S_IFSOCK = 0140000,
            S_IFIFO = 0010000, S_IFREG = 0100000, S_IFDIR = 0040000;
    private static final int MISC_MAJOR = 10;
    private static final long STX_INO = 32, STX_MODE = 28, STX_RDEV_MAJOR = 128, STX_RDEV_MINOR = 132,
            STX_DEV_MAJOR = 136, STX_DEV_MINOR = 140;
    /** In-tree drivers with a uring_cmd handler that never posts multishot completions. */
    private static final Set<String> NO_MULTISHOT = Set.of("fuse", "nvme", "nvme-generic", "ublk-control");

    private final int fd;
    private final String driver;
    private final int rdevMajor, rdevMinor;
    private final long ino;
    private final int devMajor, devMinor;
    private final MemorySegment statx = Arena.ofAuto().allocate(Statx.SIZE, 8);
    private final MemorySegment emptyPath = Arena.ofAuto().allocate(1);

    private MultishotCmdTarget(int fd, String driver) throws ErrnoException {
        this.fd = fd;
        this.driver = driver;
        int r = stat();
        if (r < 0) throw new ErrnoException(-r, "statx", "fd " + fd + " for a multishot uring_cmd target");
        int mode = statx.get(JAVA_INT, STX_MODE) & 0xffff;
        if ((mode & S_IFMT) != S_IFCHR)
            throw new IllegalArgumentException("fd " + fd + " is " + kind(mode) + ", not a character device: a MULTISHOT "
                    + "uring_cmd sent to it would never complete and would leave a kernel worker stuck until reboot");
        rdevMajor = statx.get(JAVA_INT, STX_RDEV_MAJOR);
        rdevMinor = statx.get(JAVA_INT, STX_RDEV_MINOR);
        ino = statx.get(java.lang.foreign.ValueLayout.JAVA_LONG, STX_INO);
        devMajor = statx.get(JAVA_INT, STX_DEV_MAJOR);
        devMinor = statx.get(JAVA_INT, STX_DEV_MINOR);
        List<String> names = driverNames(rdevMajor, rdevMinor);
        if (!names.contains(driver))
            throw new IllegalArgumentException("fd " + fd + " is character device " + rdevMajor + ":" + rdevMinor
                    + " of driver " + names + ", not '" + driver + "': the opt-in must name the device's own driver");
        if (NO_MULTISHOT.contains(driver) || ("ublk-char".equals(driver) && !KernelInfo.atLeast(6, 19)))
            throw new IllegalArgumentException("driver '" + driver + "' does not implement multishot uring_cmd on kernel "
                    + KernelInfo.release() + ": the command would never complete and would leave a kernel worker stuck");
    }

    /**
     * Opts {@code fd} in for MULTISHOT uring_cmd, stating that {@code driver} (its kernel name, e.g.
     * {@code ublk-char}) implements it. Throws {@link IllegalArgumentException} when the fd is not a
     * character device of that driver or the driver is known not to implement it.
     */
    public static MultishotCmdTarget optIn(int fd, String driver) throws ErrnoException {
        if (driver == null || driver.isBlank()) throw new IllegalArgumentException("the opt-in must name the target driver");
        return new MultishotCmdTarget(fd, driver);
    }

    public int fd() { return fd; }

    public String driver() { return driver; }

    public int rdevMajor() { return rdevMajor; }

    public int rdevMinor() { return rdevMinor; }

    private int stat() {
        return (int) Sys.syscall(SyscallNumbers.STATX, fd, emptyPath.address(), Statx.AT_EMPTY_PATH,
                Statx.STATX_TYPE | 0x100 /* STATX_INO */, statx.address(), 0);
    }

    /** Throws unless the fd still refers to the device that was opted in (fd numbers get reused). */
    synchronized void verify() {
        int r = stat();
        if (r < 0 || (statx.get(JAVA_INT, STX_MODE) & S_IFMT) != S_IFCHR
                || statx.get(JAVA_INT, STX_RDEV_MAJOR) != rdevMajor || statx.get(JAVA_INT, STX_RDEV_MINOR) != rdevMinor
                || statx.get(java.lang.foreign.ValueLayout.JAVA_LONG, STX_INO) != ino
                || statx.get(JAVA_INT, STX_DEV_MAJOR) != devMajor || statx.get(JAVA_INT, STX_DEV_MINOR) != devMinor)
            throw new IllegalStateException("fd " + fd + " no longer refers to the " + driver + " device " + rdevMajor + ":"
                    + rdevMinor + " that was opted in for multishot uring_cmd (closed and reused?)");
    }

    private static String kind(int mode) {
        return switch (mode & S_IFMT) {
            case S_IFSOCK -> "a socket";
            case S_IFIFO -> "a pipe or FIFO";
            case S_IFREG -> "a regular file";
            case S_IFDIR -> "a directory";
            case S_IFBLK -> "a block device";
            case 0 -> "an anonymous inode (eventfd, io_uring, ...)";
            default -> "a file of type 0" + Integer.toOctalString(mode & S_IFMT);
        };
    }

    /** The kernel's names for a character device: /proc/devices for the major, /proc/misc for misc minors. */
    static List<String> driverNames(int major, int minor) {
        List<String> names = new ArrayList<>();
        try {
            boolean chars = false;
            for (String line : Files.readAllLines(Path.of("/proc/devices"))) {
                if (line.startsWith("Character devices")) { chars = true; continue; }
                if (line.startsWith("Block devices")) break;
                String t = line.trim();
                int sp = t.indexOf(' ');
                if (chars && sp > 0 && Integer.parseInt(t.substring(0, sp)) == major) names.add(t.substring(sp + 1).trim());
            }
            if (major == MISC_MAJOR) {
                names.clear(); // "misc" names the class, not the driver
                for (String line : Files.readAllLines(Path.of("/proc/misc"))) {
                    String t = line.trim();
                    int sp = t.indexOf(' ');
                    if (sp > 0 && Integer.parseInt(t.substring(0, sp)) == minor) names.add(t.substring(sp + 1).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kernel's device table", e);
        }
        return names;
    }

    @Override
    public String toString() {
        return "MultishotCmdTarget[fd=" + fd + ", driver=" + driver + ", dev=" + rdevMajor + ":" + rdevMinor + "]";
    }
}
