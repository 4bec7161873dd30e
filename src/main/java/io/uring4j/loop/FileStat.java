package io.uring4j.loop;

import io.uring4j.ring.Statx;

import java.lang.foreign.MemorySegment;

/** The fields of a STATX result that most callers need. */
public record FileStat(int mask, int mode, int nlink, long ino, long size, long blocks) {
    private static final int S_IFMT = 0170000, S_IFREG = 0100000, S_IFDIR = 0040000;

    static FileStat of(MemorySegment statx) {
        return new FileStat(Statx.mask(statx), Statx.mode(statx), Statx.nlink(statx), Statx.ino(statx),
                Statx.size(statx), Statx.blocks(statx));
    }

    public boolean isRegularFile() { return (mode & S_IFMT) == S_IFREG; }

    public boolean isDirectory() { return (mode & S_IFMT) == S_IFDIR; }

    /** Permission bits (e.g. 0644). */
    public int permissions() { return mode & 07777; }
}
