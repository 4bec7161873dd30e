package io.uring4j.ring;

import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static io.uring4j.ring.OpsSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** RENAMEAT, UNLINKAT, MKDIRAT, SYMLINKAT, LINKAT and the xattr ops, checked on disk. */
class PathOpsTest extends RingOpsTest {
    @TempDir Path dir;
    int dfd = -1;

    PathOpsTest() {
        super(8);
    }

    @BeforeEach
    void setUp() throws Exception {
        dfd = own(Sys.open(dir.toString(), Sys.O_RDONLY | Sys.O_DIRECTORY, 0));
        assertTrue(dfd >= 0);
    }

    static final int RENAME_NOREPLACE = 1;

    @Test
    void renameatMovesTheFile() throws Exception {
        Files.writeString(dir.resolve("a"), "content-a");
        ring.sqe().prepRenameat(dfd, cstr(arena, "a"), dfd, cstr(arena, "b"), 0).userData(1);
        assertRes(0, submitOne(ring));
        assertFalse(Files.exists(dir.resolve("a")));
        assertEquals("content-a", Files.readString(dir.resolve("b")));

        // absolute paths with AT_FDCWD, into a subdirectory
        Files.createDirectory(dir.resolve("sub"));
        ring.sqe().prepRenameat(Sys.AT_FDCWD, cstr(arena, dir.resolve("b").toString()), Sys.AT_FDCWD,
                cstr(arena, dir.resolve("sub/c").toString()), 0).userData(2);
        assertRes(0, submitOne(ring));
        assertEquals("content-a", Files.readString(dir.resolve("sub/c")));

        // RENAME_NOREPLACE in rename_flags: the existing target is kept
        Files.writeString(dir.resolve("d"), "d");
        ring.sqe().prepRenameat(dfd, cstr(arena, "sub/c"), dfd, cstr(arena, "d"), RENAME_NOREPLACE).userData(3);
        assertRes(-Errno.EEXIST, submitOne(ring));
        assertEquals("d", Files.readString(dir.resolve("d")));
        assertTrue(Files.exists(dir.resolve("sub/c")));
    }

    @Test
    void unlinkatRemovesFilesAndDirectories() throws Exception {
        Files.writeString(dir.resolve("f"), "x");
        Files.createDirectory(dir.resolve("emptydir"));
        ring.sqe().prepUnlinkat(dfd, cstr(arena, "f"), 0).userData(1);
        assertRes(0, submitOne(ring));
        assertFalse(Files.exists(dir.resolve("f")));

        ring.sqe().prepUnlinkat(dfd, cstr(arena, "emptydir"), 0).userData(2);
        assertRes(-Errno.EISDIR, submitOne(ring), "a directory without AT_REMOVEDIR");
        ring.sqe().prepUnlinkat(dfd, cstr(arena, "emptydir"), Sys.AT_REMOVEDIR).userData(3);
        assertRes(0, submitOne(ring));
        assertFalse(Files.exists(dir.resolve("emptydir")));

        ring.sqe().prepUnlinkat(dfd, cstr(arena, "f"), 0).userData(4);
        assertRes(-Errno.ENOENT, submitOne(ring));
    }

    @Test
    void mkdiratCreatesADirectoryWithTheMode() throws Exception {
        ring.sqe().prepMkdirat(dfd, cstr(arena, "newdir"), 0700).userData(1);
        assertRes(0, submitOne(ring));
        Path p = dir.resolve("newdir");
        assertTrue(Files.isDirectory(p));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        ring.sqe().prepMkdirat(dfd, cstr(arena, "newdir"), 0700).userData(2);
        assertRes(-Errno.EEXIST, submitOne(ring));
    }

    @Test
    void symlinkatAndLinkat() throws Exception {
        Files.writeString(dir.resolve("target"), "t");
        ring.sqe().prepSymlinkat(cstr(arena, "target"), dfd, cstr(arena, "sym")).userData(1);
        assertRes(0, submitOne(ring));
        assertTrue(Files.isSymbolicLink(dir.resolve("sym")));
        assertEquals(Path.of("target"), Files.readSymbolicLink(dir.resolve("sym")));

        ring.sqe().prepLinkat(dfd, cstr(arena, "target"), dfd, cstr(arena, "hard"), 0).userData(2);
        assertRes(0, submitOne(ring));
        assertEquals(2, (int) Files.getAttribute(dir.resolve("target"), "unix:nlink"));
        assertEquals("t", Files.readString(dir.resolve("hard")));

        // linkat of a symlink without AT_SYMLINK_FOLLOW links the symlink itself; with it, the target
        final int AT_SYMLINK_FOLLOW = 0x400;
        ring.sqe().prepLinkat(dfd, cstr(arena, "sym"), dfd, cstr(arena, "hard2"), AT_SYMLINK_FOLLOW).userData(3);
        assertRes(0, submitOne(ring));
        assertFalse(Files.isSymbolicLink(dir.resolve("hard2")));
        assertEquals(3, (int) Files.getAttribute(dir.resolve("target"), "unix:nlink", LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void xattrSetAndGetByFdAndByPath() throws Exception {
        Path f = dir.resolve("x");
        Files.writeString(f, "x");
        int fd = Sys.open(f.toString(), Sys.O_RDWR, 0);
        try {
            MemorySegment name = cstr(arena, "user.uring4j");
            MemorySegment value = arena.allocateFrom("value-1"); // includes the NUL: 8 bytes
            ring.sqe().prepFsetxattr(fd, name, value, 0).userData(1);
            Done d = submitOne(ring);
            if (d.res() == -Errno.EOPNOTSUPP) fail("this filesystem has no user xattrs: " + d);
            assertRes(0, d);
            MemorySegment got = arena.allocate(64);
            ring.sqe().prepFgetxattr(fd, name, got).userData(2);
            assertRes(8, submitOne(ring));
            assertEquals("value-1", got.getString(0));

            MemorySegment path = cstr(arena, f.toString());
            ring.sqe().prepSetxattr(path, name, arena.allocateFrom("v2"), Sqe.XATTR_REPLACE).userData(3);
            assertRes(0, submitOne(ring));
            MemorySegment got2 = arena.allocate(64);
            ring.sqe().prepGetxattr(path, name, got2).userData(4);
            assertRes(3, submitOne(ring));
            assertEquals("v2", got2.getString(0));

            ring.sqe().prepFsetxattr(fd, name, value, Sqe.XATTR_CREATE).userData(5);
            assertRes(-Errno.EEXIST, submitOne(ring), "XATTR_CREATE on an existing name");
            ring.sqe().prepGetxattr(path, cstr(arena, "user.missing"), got2).userData(6);
            assertRes(-Errno.ENODATA, submitOne(ring));
        } finally {
            Sys.close(fd);
        }
    }
}
