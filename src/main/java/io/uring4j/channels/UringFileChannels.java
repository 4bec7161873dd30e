package io.uring4j.channels;

import io.uring4j.ErrnoException;
import io.uring4j.loop.EventLoopGroup;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * Opens {@link AsynchronousFileChannel}s whose reads, writes and force are io_uring operations.
 * Code written against {@code AsynchronousFileChannel} switches by replacing
 * {@code AsynchronousFileChannel.open(path, options...)} with
 * {@code UringFileChannels.open(path, options...)}.
 *
 * <p>Differences from the JDK's channel: {@code lock}/{@code tryLock} throw
 * {@link UnsupportedOperationException} (io_uring has no lock operation); completion handlers run
 * on a new virtual thread per completion unless an executor is given. Options are interpreted as
 * the JDK does: READ is the default; CREATE, CREATE_NEW and TRUNCATE_EXISTING apply only with
 * WRITE; APPEND is refused; DELETE_ON_CLOSE, SYNC, DSYNC and NOFOLLOW_LINKS are honoured; SPARSE
 * is ignored.
 */
public final class UringFileChannels {
    private UringFileChannels() {}

    private static final int O_SYNC = 0x101000, O_DSYNC = 0x1000, O_NOFOLLOW = 0x20000;

    /** Opens {@code path} on the {@linkplain EventLoopGroup#shared() shared loops}. */
    public static AsynchronousFileChannel open(Path path, OpenOption... options) throws IOException {
        return open(path, Set.of(options), null, EventLoopGroup.shared());
    }

    /** As {@link AsynchronousFileChannel#open(Path, Set, ExecutorService, FileAttribute[])}: handlers run on {@code executor}. */
    public static AsynchronousFileChannel open(Path path, Set<? extends OpenOption> options, ExecutorService executor,
                                               FileAttribute<?>... attrs) throws IOException {
        return open(path, options, executor, EventLoopGroup.shared(), attrs);
    }

    /** Opens on the given loops; handlers run on {@code executor} (null: a virtual thread each). */
    public static AsynchronousFileChannel open(Path path, Set<? extends OpenOption> options, Executor executor,
                                               EventLoopGroup loops, FileAttribute<?>... attrs) throws IOException {
        boolean read = false, write = false, create = false, createNew = false, truncate = false, deleteOnClose = false;
        int extra = 0;
        for (OpenOption o : options) {
            if (o == StandardOpenOption.READ) read = true;
            else if (o == StandardOpenOption.WRITE) write = true;
            else if (o == StandardOpenOption.APPEND)
                throw new UnsupportedOperationException("APPEND not allowed: an AsynchronousFileChannel writes at explicit positions");
            else if (o == StandardOpenOption.CREATE) create = true;
            else if (o == StandardOpenOption.CREATE_NEW) createNew = true;
            else if (o == StandardOpenOption.TRUNCATE_EXISTING) truncate = true;
            else if (o == StandardOpenOption.DELETE_ON_CLOSE) deleteOnClose = true;
            else if (o == StandardOpenOption.SYNC) extra |= O_SYNC;
            else if (o == StandardOpenOption.DSYNC) extra |= O_DSYNC;
            else if (o == StandardOpenOption.SPARSE) { /* a hint; Linux files are sparse anyway */ }
            else if (o == LinkOption.NOFOLLOW_LINKS) extra |= O_NOFOLLOW;
            else if (o == null) throw new NullPointerException("null open option");
            else throw new UnsupportedOperationException("open option " + o + " is not supported");
        }
        if (!read && !write) read = true;
        int flags = (read && write ? Sys.O_RDWR : write ? Sys.O_WRONLY : Sys.O_RDONLY) | Sys.O_CLOEXEC | extra;
        if (write) {
            if (createNew) flags |= Sys.O_CREAT | Sys.O_EXCL;
            else if (create) flags |= Sys.O_CREAT;
            if (truncate) flags |= Sys.O_TRUNC;
        }
        int mode = mode(attrs);
        String p = path.toString();
        int fd = Sys.open(p, flags, mode);
        if (fd < 0) throw openFailure(-fd, p, (flags & O_NOFOLLOW) != 0);
        return new UringAsynchronousFileChannel(fd, path, read, write, deleteOnClose, loops, executor);
    }

    private static int mode(FileAttribute<?>... attrs) {
        int mode = 0666;
        for (FileAttribute<?> a : attrs) {
            if (!a.name().equals("posix:permissions") && !a.name().equals("unix:permissions"))
                throw new UnsupportedOperationException("file attribute " + a.name() + " cannot be set when opening");
            mode = 0;
            for (Object o : (Set<?>) a.value()) mode |= bit((PosixFilePermission) o);
        }
        return mode;
    }

    private static int bit(PosixFilePermission p) {
        return switch (p) {
            case OWNER_READ -> 0400; case OWNER_WRITE -> 0200; case OWNER_EXECUTE -> 0100;
            case GROUP_READ -> 040; case GROUP_WRITE -> 020; case GROUP_EXECUTE -> 010;
            case OTHERS_READ -> 04; case OTHERS_WRITE -> 02; case OTHERS_EXECUTE -> 01;
        };
    }

    /** The java.nio.file exception the JDK would throw for this errno. */
    static IOException openFailure(int errno, String path, boolean noFollow) {
        return switch (errno) {
            case Errno.ENOENT -> new NoSuchFileException(path);
            case Errno.EEXIST -> new FileAlreadyExistsException(path);
            case Errno.EACCES, Errno.EPERM -> new AccessDeniedException(path);
            case 40 /* ELOOP */ -> new FileSystemException(path, null, noFollow
                    ? "Too many levels of symbolic links or unable to access attributes of symbolic link"
                    : "Too many levels of symbolic links");
            case Errno.EISDIR -> new FileSystemException(path, null, "Is a directory");
            default -> new ErrnoException(errno, "open", path);
        };
    }
}
