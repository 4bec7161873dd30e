package io.uring4j.jmh;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** A small cached data file and raw fds for the benchmarks (the library's sys package is internal). */
final class FileSupport {
    private FileSupport() {}

    private static final Linker L = Linker.nativeLinker();
    private static final MethodHandle OPEN = L.downcallHandle(L.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = L.downcallHandle(L.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /** A file of {@code size} non-zero bytes in the current directory (a real filesystem, not tmpfs), read once. */
    static Path dataFile(String prefix, long size) throws IOException {
        Path f = Files.createTempFile(Path.of(System.getProperty("jmh.dir", ".")), prefix, ".dat");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            while (b.hasRemaining()) b.put((byte) 0x5a);
            for (long off = 0; off < size; off += b.capacity()) {
                b.clear();
                if (size - off < b.capacity()) b.limit((int) (size - off));
                ch.write(b, off);
            }
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) { // into the page cache
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            for (long off = 0; off < size; off += b.capacity()) {
                b.clear();
                ch.read(b, off);
            }
        }
        return f;
    }

    static int open(Path p) {
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(a.allocateFrom(p.toString()), 0);
            if (fd < 0) throw new IllegalStateException("open " + p + " failed");
            return fd;
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
    }

    static void close(int fd) {
        try {
            int r = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
