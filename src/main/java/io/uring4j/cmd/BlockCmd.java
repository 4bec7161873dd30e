package io.uring4j.cmd;

import io.uring4j.ring.Sqe;

/** Block device commands (6.12+). */
public final class BlockCmd {
    private BlockCmd() {}

    /** BLOCK_URING_CMD_DISCARD = _IO(0x12, 0). */
    public static final int DISCARD = 0x1200;
    private static final int SECTOR = 512;

    /**
     * Discards {@code length} bytes at {@code offset} of a block device opened for writing (the
     * asynchronous BLKDISCARD): addr = offset, addr3 = length; {@code res} = 0 or -errno. Both must be
     * multiples of the device's logical block size (checked here for 512; the kernel checks the real
     * size: EINVAL), within the device (EINVAL); an O_RDONLY fd gives EBADF, a regular file EOPNOTSUPP.
     * Afterwards the range reads back as zeroes on devices that guarantee it (loop does).
     */
    public static Sqe prepDiscard(Sqe sqe, int fd, long offset, long length) {
        if (offset < 0 || length <= 0)
            throw new IllegalArgumentException("discard offset=" + offset + " length=" + length + ": need offset >= 0, length > 0");
        if (offset % SECTOR != 0 || length % SECTOR != 0)
            throw new IllegalArgumentException("discard offset=" + offset + " length=" + length
                    + " must be multiples of the 512-byte sector (and of the device's logical block size)");
        return sqe.prepUringCmd(fd, DISCARD).addr(offset).addr3(length);
    }
}
