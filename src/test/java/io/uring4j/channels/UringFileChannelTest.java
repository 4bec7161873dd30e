package io.uring4j.channels;

import io.uring4j.loop.EventLoop;
import io.uring4j.loop.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static java.nio.file.StandardOpenOption.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The {@link AsynchronousFileChannel} contract, from its javadoc, checked against the io_uring
 * channel: positions, partial reads, EOF = -1, buffer positions, closed-channel and access-mode
 * exceptions, both the Future and the CompletionHandler forms.
 */
class UringFileChannelTest {
    static EventLoop loop;
    static EventLoopGroup group;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        loop = EventLoop.builder().name("channel-test").build();
        group = EventLoopGroup.of(loop);
    }

    @AfterAll
    static void stop() {
        loop.close();
    }

    AsynchronousFileChannel open(Path p, OpenOption... o) throws IOException {
        return UringFileChannels.open(p, Set.of(o), null, group);
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 13 + seed);
        return b;
    }

    static <T> T get(Future<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    static Throwable failure(Future<?> f) {
        return assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS)).getCause();
    }

    @Test
    void writeDirectBufferAtPositionCreatesHoleAndAdvancesBuffer() throws Exception {
        Path f = dir.resolve("w");
        try (AsynchronousFileChannel ch = open(f, WRITE, READ, CREATE_NEW)) {
            byte[] data = bytes(5000, 1);
            ByteBuffer src = ByteBuffer.allocateDirect(5000).put(data).flip();
            assertEquals(5000, get(ch.write(src, 100)));
            assertEquals(5000, src.position(), "position advanced by the bytes written");
            assertEquals(5100, ch.size());
            byte[] file = Files.readAllBytes(f);
            assertArrayEquals(new byte[100], Arrays.copyOf(file, 100), "the gap reads as zeros");
            assertArrayEquals(data, Arrays.copyOfRange(file, 100, 5100));
        }
    }

    @Test
    void heapBuffersGoThroughBounceBuffersWithOffsets() throws Exception {
        Path f = dir.resolve("heap");
        byte[] data = bytes(10_000, 3);
        try (AsynchronousFileChannel ch = open(f, WRITE, READ, CREATE)) {
            ByteBuffer src = ByteBuffer.wrap(new byte[12_000], 1000, 10_000).slice(); // non-zero arrayOffset
            src.put(data).flip();
            src.position(10); // write only bytes 10..
            assertEquals(9990, get(ch.write(src, 0)));
            ByteBuffer dst = ByteBuffer.allocate(20_000);
            dst.position(7);
            assertEquals(9990, get(ch.read(dst, 0)));
            assertEquals(7 + 9990, dst.position());
            assertArrayEquals(Arrays.copyOfRange(data, 10, 10_000), Arrays.copyOfRange(dst.array(), 7, 7 + 9990));
        }
    }

    @Test
    void partialReadAtEndAndMinusOneAtOrPastEof() throws Exception {
        Path f = dir.resolve("eof");
        byte[] data = bytes(1000, 5);
        Files.write(f, data);
        try (AsynchronousFileChannel ch = open(f, READ)) {
            ByteBuffer dst = ByteBuffer.allocateDirect(4096);
            assertEquals(100, get(ch.read(dst, 900)), "only the bytes up to EOF");
            assertEquals(100, dst.position());
            dst.flip();
            byte[] got = new byte[100];
            dst.get(got);
            assertArrayEquals(Arrays.copyOfRange(data, 900, 1000), got);
            ByteBuffer b = ByteBuffer.allocate(10);
            assertEquals(-1, get(ch.read(b, 1000)), "position == size");
            assertEquals(-1, get(ch.read(b, 5000)), "position > size");
            assertEquals(0, b.position(), "buffer untouched at EOF");
            ByteBuffer full = ByteBuffer.allocate(4);
            full.position(4);
            assertEquals(0, get(ch.read(full, 0)), "no space remaining: 0 bytes read");
        }
    }

    @Test
    void largeHeapReadMayBePartialAndLoopsToCompletion() throws Exception {
        Path f = dir.resolve("big");
        byte[] data = bytes(3 << 20, 9);
        Files.write(f, data);
        try (AsynchronousFileChannel ch = open(f, READ)) {
            ByteBuffer dst = ByteBuffer.allocate(data.length);
            long pos = 0;
            while (dst.hasRemaining()) {
                int n = get(ch.read(dst, pos));
                assertTrue(n > 0);
                pos += n;
            }
            assertArrayEquals(data, dst.array());
        }
    }

    @Test
    void completionHandlerFormDeliversResultAndAttachment() throws Exception {
        Path f = dir.resolve("h");
        Files.writeString(f, "handler contract");
        try (AsynchronousFileChannel ch = open(f, READ, WRITE)) {
            CompletableFuture<Object[]> done = new CompletableFuture<>();
            ByteBuffer dst = ByteBuffer.allocate(64);
            ch.read(dst, 8, "att", new CompletionHandler<Integer, String>() {
                public void completed(Integer n, String a) { done.complete(new Object[]{n, a, Thread.currentThread()}); }
                public void failed(Throwable t, String a) { done.completeExceptionally(t); }
            });
            Object[] r = get(done);
            assertEquals(8, r[0]);
            assertEquals("att", r[1]);
            assertNotSame(loop.thread(), r[2], "handlers do not run on the event loop thread");
            assertEquals("contract", new String(dst.array(), 0, 8, StandardCharsets.UTF_8));

            CompletableFuture<Integer> wrote = new CompletableFuture<>();
            ch.write(ByteBuffer.wrap("XY".getBytes()), 0, null, handler(wrote));
            assertEquals(2, get(wrote));
            assertEquals("XYndler contract", Files.readString(f));
        }
    }

    static <A> CompletionHandler<Integer, A> handler(CompletableFuture<Integer> f) {
        return new CompletionHandler<>() {
            public void completed(Integer n, A a) { f.complete(n); }
            public void failed(Throwable t, A a) { f.completeExceptionally(t); }
        };
    }

    @Test
    void accessModeAndArgumentChecks() throws Exception {
        Path f = dir.resolve("m");
        Files.writeString(f, "abc");
        try (AsynchronousFileChannel r = open(f)) { // READ is the default
            assertThrows(NonWritableChannelException.class, () -> r.write(ByteBuffer.allocate(1), 0));
            assertThrows(NonWritableChannelException.class, () -> r.truncate(0));
            assertThrows(IllegalArgumentException.class, () -> r.read(ByteBuffer.allocate(1), -1));
            assertThrows(IllegalArgumentException.class, () -> r.read(ByteBuffer.allocate(1).asReadOnlyBuffer(), 0));
            assertThrows(NullPointerException.class, () -> r.read(ByteBuffer.allocate(1), 0, null, null));
        }
        try (AsynchronousFileChannel w = open(f, WRITE)) {
            assertThrows(NonReadableChannelException.class, () -> w.read(ByteBuffer.allocate(1), 0));
            assertThrows(IllegalArgumentException.class, () -> w.write(ByteBuffer.allocate(1), -5));
        }
    }

    @Test
    void openOptionsFollowTheJdk() throws Exception {
        Path f = dir.resolve("o");
        assertThrows(NoSuchFileException.class, () -> open(f, READ));
        assertThrows(NoSuchFileException.class, () -> open(f, READ, CREATE), "CREATE is ignored without WRITE");
        open(f, WRITE, CREATE).close();
        assertTrue(Files.exists(f));
        assertThrows(FileAlreadyExistsException.class, () -> open(f, WRITE, CREATE_NEW));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> open(f, WRITE, APPEND));
        assertTrue(e.getMessage().contains("APPEND"));
        Files.writeString(f, "0123456789");
        open(f, WRITE, TRUNCATE_EXISTING).close();
        assertEquals(0, Files.size(f));
        Path tmp = dir.resolve("doc");
        AsynchronousFileChannel d = open(tmp, WRITE, CREATE_NEW, DELETE_ON_CLOSE);
        assertTrue(Files.exists(tmp));
        d.close();
        assertFalse(Files.exists(tmp), "DELETE_ON_CLOSE");
        Path perm = dir.resolve("perm");
        UringFileChannels.open(perm, Set.of(WRITE, CREATE_NEW), null, group,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))).close();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(perm)));
    }

    @Test
    void closedChannelFailsOperations() throws Exception {
        Path f = dir.resolve("c");
        Files.writeString(f, "closed");
        AsynchronousFileChannel ch = open(f, READ, WRITE);
        assertTrue(ch.isOpen());
        ch.close();
        ch.close(); // no effect
        assertFalse(ch.isOpen());
        assertInstanceOf(ClosedChannelException.class, failure(ch.read(ByteBuffer.allocate(4), 0)));
        assertInstanceOf(ClosedChannelException.class, failure(ch.write(ByteBuffer.allocate(4), 0)));
        CompletableFuture<Integer> h = new CompletableFuture<>();
        ch.read(ByteBuffer.allocate(4), 0, null, handler(h));
        assertInstanceOf(ClosedChannelException.class, failure(h));
        assertThrows(ClosedChannelException.class, ch::size);
        assertThrows(ClosedChannelException.class, () -> ch.force(true));
        assertThrows(ClosedChannelException.class, () -> ch.truncate(0));
    }

    @Test
    void truncateSizeForceAndNoLocks() throws Exception {
        Path f = dir.resolve("t");
        Files.write(f, bytes(1000, 0));
        try (AsynchronousFileChannel ch = open(f, READ, WRITE)) {
            assertSame(ch, ch.truncate(2000));
            assertEquals(1000, ch.size(), "truncate never grows a file");
            ch.truncate(300);
            assertEquals(300, ch.size());
            ch.force(true);
            ch.force(false);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> ch.lock());
            assertTrue(e.getMessage().contains("lock"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> ch.tryLock());
            assertThrows(UnsupportedOperationException.class, () -> ch.lock(0, 10, false, null, null));
        }
    }

    @Test
    void manyConcurrentWritesLandAtTheirPositions() throws Exception {
        Path f = dir.resolve("many");
        int n = 500, size = 512;
        try (AsynchronousFileChannel ch = open(f, READ, WRITE, CREATE)) {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ByteBuffer b = (i % 2 == 0 ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size));
                b.put(bytes(size, i)).flip();
                fs.add(ch.write(b, (long) i * size));
            }
            for (Future<Integer> fu : fs) assertEquals(size, get(fu));
            ch.force(false);
        }
        byte[] file = Files.readAllBytes(f);
        for (int i = 0; i < n; i++)
            assertArrayEquals(bytes(size, i), Arrays.copyOfRange(file, i * size, (i + 1) * size), "block " + i);
    }

    @Test
    void closeWithReadInFlightFailsItWithAsynchronousCloseException() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        // O_RDWR on a FIFO does not wait for a peer; a read then waits for data
        AsynchronousFileChannel ch = open(fifo, READ, WRITE);
        Future<Integer> pending = ch.read(ByteBuffer.allocateDirect(16), 0);
        Thread.sleep(50);
        assertFalse(pending.isDone(), "nothing written to the FIFO yet");
        ch.close();
        assertInstanceOf(AsynchronousCloseException.class, failure(pending));
    }

    @Test
    void pendingReadCompletesWhenDataArrivesAndCancelCancelsIt() throws Exception {
        Path fifo = dir.resolve("fifo2");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        try (AsynchronousFileChannel ch = open(fifo, READ, WRITE)) {
            Future<Integer> cancelled = ch.read(ByteBuffer.allocateDirect(16), 0);
            Thread.sleep(20);
            assertTrue(cancelled.cancel(true));
            assertTrue(cancelled.isCancelled());
            Thread.sleep(20); // the ASYNC_CANCEL reaches the kernel
            ByteBuffer dst = ByteBuffer.allocate(16);
            Future<Integer> r = ch.read(dst, 0);
            assertEquals(5, get(ch.write(ByteBuffer.wrap("fifo!".getBytes()), 0)));
            assertEquals(5, get(r), "the cancelled read did not take the bytes");
            assertEquals("fifo!", new String(dst.array(), 0, 5));
        }
    }

    @Test
    void defaultOpenUsesTheSharedLoops() throws Exception {
        Path f = dir.resolve("shared");
        try (AsynchronousFileChannel ch = UringFileChannels.open(f, CREATE, WRITE, READ)) {
            assertEquals(3, get(ch.write(ByteBuffer.wrap(new byte[]{1, 2, 3}), 0)));
            ByteBuffer b = ByteBuffer.allocate(3);
            assertEquals(3, get(ch.read(b, 0)));
            assertArrayEquals(new byte[]{1, 2, 3}, b.array());
        }
    }
}
