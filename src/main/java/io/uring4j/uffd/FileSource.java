package io.uring4j.uffd;

import io.uring4j.ErrnoException;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@link PageSource#file}: pread(2) into the handler's staging buffer, zeros past end of file. */
final class FileSource implements PageSource {
    private final Path path;
    private final long size;
    private final OwnedFd fd;

    FileSource(Path path) throws IOException {
        this.path = path;
        this.size = Files.size(path);
        this.fd = new OwnedFd(ErrnoException.check(Sys.open(path.toString(), Sys.O_RDONLY | Sys.O_CLOEXEC, 0), "open", path.toString()));
    }

    long size() { return size; }

    @Override
    public void read(long offset, MemorySegment dst) throws IOException {
        int f = fd.get();
        if (f < 0) throw new IOException("file source " + path + " is closed");
        long want = dst.byteSize(), done = 0;
        while (done < want && offset + done < size) {
            long r = Sys.pread(f, dst.asSlice(done), want - done, offset + done);
            if (r == -Errno.EINTR) continue;
            ErrnoException.check(r, "pread", path + " at " + (offset + done));
            if (r == 0) break;
            done += r;
        }
        if (done < want) dst.asSlice(done).fill((byte) 0);
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() { return "PageSource.file(" + path + ")"; }
}
