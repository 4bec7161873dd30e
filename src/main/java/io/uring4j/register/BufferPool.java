package io.uring4j.register;

import io.uring4j.ErrnoException;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code count} page-aligned buffers of {@code bufferSize} bytes in one anonymous mapping, and the
 * registrations that use them: the pool is the one owner of the memory, so it cannot be freed
 * while the kernel may still use it.
 *
 * <h2>close() defers, it never frees memory in use</h2>
 * {@link #close()} marks the pool closed ({@link #buffer} then throws) and:
 * <ul>
 * <li>for every table holding its buffers with no I/O in flight ({@link FixedBuffers#inFlight()}
 *     is 0), gives the slots back: the whole table is unregistered when it holds only this pool's
 *     buffers, otherwise the pool's slots are cleared with BUFFERS_UPDATE;</li>
 * <li>a table with I/O in flight is released when its count returns to zero
 *     ({@link FixedBuffers#ioCompleted()}) or when its ring closes;</li>
 * <li>the mapping is unmapped once no table holds any of its buffers and no I/O counted on a table
 *     that held them is in flight ({@link #isFreed()}); this holds however the buffers left the
 *     table (pool close, {@link FixedBuffers#unregister()}, a slot update or clear).</li>
 * </ul>
 * Closing the ring also ends its registrations, so {@code try (Ring r = ...; BufferPool p = ...)}
 * frees everything in either order.
 *
 * <p>Threads: allocation and registration from any thread; {@code close()} may be called from any
 * thread, but not while the ring's issuing thread is preparing new I/O on the pool.
 */
public final class BufferPool implements AutoCloseable {
    /** The huge page size of this machine (Hugepagesize in /proc/meminfo; 2 MiB on x86_64). */
    public static final long HUGE_PAGE_SIZE = hugePageSize();

    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;
    private final MemorySegment[] buffers;
    private final long bufferSize, stride;
    private final HugePages hugePages;
    private final List<FixedBuffers> tables = new ArrayList<>();
    private volatile boolean closed, freed;

    private BufferPool(long addr, long mapped, int count, long bufferSize, long stride, HugePages hugePages) {
        this.memory = MemorySegment.ofAddress(addr).reinterpret(mapped, arena, s -> Sys.munmap(addr, mapped));
        this.bufferSize = bufferSize;
        this.stride = stride;
        this.hugePages = hugePages;
        this.buffers = new MemorySegment[count];
        for (int i = 0; i < count; i++) buffers[i] = memory.asSlice(stride * i, bufferSize);
    }

    /** {@code count} buffers of {@code bufferSize} bytes on normal pages. */
    public static BufferPool allocate(int count, long bufferSize) throws ErrnoException {
        return allocate(count, bufferSize, HugePages.NONE);
    }

    /**
     * {@code count} buffers (1..{@value FixedBuffers#MAX_BUFFERS}) of {@code bufferSize} bytes
     * (1..1 GiB, the kernel's per-buffer limit), each starting on a page boundary.
     */
    public static BufferPool allocate(int count, long bufferSize, HugePages hugePages) throws ErrnoException {
        if (count < 1 || count > FixedBuffers.MAX_BUFFERS)
            throw new IllegalArgumentException("count=" + count + ": a pool has 1.." + FixedBuffers.MAX_BUFFERS
                    + " buffers (one registered slot each, IORING_MAX_REG_BUFFERS)");
        if (bufferSize < 1 || bufferSize > FixedBuffers.MAX_BUFFER_BYTES)
            throw new IllegalArgumentException("bufferSize=" + bufferSize + " outside 1.." + FixedBuffers.MAX_BUFFER_BYTES
                    + " (the kernel registers at most 1 GiB per buffer)");
        long page = Sys.PAGE_SIZE;
        long stride = (bufferSize + page - 1) & -page;
        long total;
        try {
            total = Math.multiplyExact(stride, (long) count);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("count=" + count + " x bufferSize=" + bufferSize + " overflows");
        }
        int prot = Sys.PROT_READ | Sys.PROT_WRITE, flags = Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS;
        return switch (hugePages) {
            case NONE -> {
                long addr = Sys.mmap(0, total, prot, flags, -1, 0);
                if (addr < 0) throw new ErrnoException((int) -addr, "mmap", "buffer pool of " + total + " bytes");
                yield new BufferPool(addr, total, count, bufferSize, stride, hugePages);
            }
            case TRANSPARENT -> {
                long h = HUGE_PAGE_SIZE, size = (total + h - 1) & -h;
                // over-map by one huge page and trim, so the region starts on a huge page boundary
                long raw = Sys.mmap(0, size + h, prot, flags, -1, 0);
                if (raw < 0) throw new ErrnoException((int) -raw, "mmap", "buffer pool of " + size + " bytes");
                long addr = (raw + h - 1) & -h;
                if (addr > raw) Sys.munmap(raw, addr - raw);
                long tail = raw + size + h - (addr + size);
                if (tail > 0) Sys.munmap(addr + size, tail);
                int r = Sys.madvise(addr, size, Sys.MADV_HUGEPAGE);
                if (r < 0) {
                    Sys.munmap(addr, size);
                    throw new ErrnoException(-r, "madvise", "MADV_HUGEPAGE on the buffer pool", "transparent huge pages "
                            + "are unavailable (" + thpMode() + " in /sys/kernel/mm/transparent_hugepage/enabled)");
                }
                yield new BufferPool(addr, size, count, bufferSize, stride, hugePages);
            }
            case HUGETLB -> {
                long h = HUGE_PAGE_SIZE, size = (total + h - 1) & -h;
                long addr = Sys.mmap(0, size, prot, flags | Sys.MAP_HUGETLB, -1, 0);
                if (addr < 0) {
                    int e = (int) -addr;
                    throw new ErrnoException(e, "mmap", "MAP_HUGETLB buffer pool of " + size + " bytes",
                            e == Errno.ENOMEM ? "not enough free hugetlb pages (" + meminfo("HugePages_Free")
                                    + " free of " + meminfo("HugePages_Total") + ", " + (h >> 10) + " KiB each); reserve "
                                    + "them with `echo N > /proc/sys/vm/nr_hugepages`, or use HugePages.TRANSPARENT" : null);
                }
                yield new BufferPool(addr, size, count, bufferSize, stride, hugePages);
            }
        };
    }

    // ------------------------------------------------------------------ registration

    /**
     * Registers every buffer with {@code ring} as its buffer table (IORING_REGISTER_BUFFERS), slot
     * {@code i} = {@link #buffer(int) buffer(i)}. The ring must have no table yet.
     */
    public FixedBuffers register(Ring ring) throws ErrnoException {
        checkOpen();
        return FixedBuffers.register(ring, buffers.clone(), null, this, false);
    }

    /** Puts the buffers into slots {@code firstSlot..firstSlot+count-1} of an existing table (BUFFERS_UPDATE). */
    public void registerInto(FixedBuffers table, int firstSlot) throws ErrnoException {
        checkOpen();
        table.update(firstSlot, buffers.clone(), null, this);
    }

    /**
     * True while any table holds one of this pool's buffers, or I/O counted on a table that held
     * them is still in flight (the memory is then still in use).
     */
    public synchronized boolean isRegistered() {
        return !tables.isEmpty();
    }

    /** The tables that hold this pool's buffers, or held them and still have I/O in flight. */
    public synchronized List<FixedBuffers> registrations() {
        return List.copyOf(tables);
    }

    synchronized void attached(FixedBuffers t) {
        if (!tables.contains(t)) tables.add(t);
    }

    /** {@code t} no longer holds any of this pool's buffers. */
    void released(FixedBuffers t) {
        synchronized (this) {
            tables.remove(t);
        }
        maybeFree();
    }

    /** A table's in-flight count reached zero while this pool is closing. */
    void tableIdle(FixedBuffers t) {
        release(t);
        maybeFree();
    }

    // ------------------------------------------------------------------ memory

    public int count() { return buffers.length; }

    /** The size of each buffer, as asked for. */
    public long bufferSize() { return bufferSize; }

    /** The distance between buffer starts: {@code bufferSize} rounded up to the page size. */
    public long stride() { return stride; }

    public HugePages hugePages() { return hugePages; }

    /** Buffer {@code i}: {@code bufferSize} bytes starting on a page boundary. */
    public MemorySegment buffer(int i) {
        checkOpen();
        if (i < 0 || i >= buffers.length) throw new IndexOutOfBoundsException("buffer index=" + i + " count=" + buffers.length);
        return buffers[i];
    }

    /** The whole mapping (buffers at multiples of {@link #stride()}). */
    public MemorySegment memory() {
        checkOpen();
        return memory;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("buffer pool is closed" + (freed ? "" : " (memory freed once its "
                + "registrations end)"));
    }

    // ------------------------------------------------------------------ close

    /** See the class comment: releases idle registrations now, the rest when they become idle; idempotent. */
    @Override
    public void close() {
        List<FixedBuffers> ts;
        synchronized (this) {
            if (closed) return;
            closed = true;
            ts = new ArrayList<>(tables);
        }
        for (FixedBuffers t : ts) {
            t.idleWanted = true;
            VarHandle.fullFence(); // pairs with the fence in FixedBuffers.ioCompleted: one of the two sides sees zero
            if (t.inFlight() == 0) release(t);
        }
        maybeFree();
    }

    private void release(FixedBuffers t) {
        try {
            t.releasePool(this);
        } catch (ErrnoException | RuntimeException e) {
            // the ring is closing concurrently: its close hook ends the registration and calls released()
        }
    }

    private void maybeFree() {
        synchronized (this) {
            if (!closed || freed || !tables.isEmpty()) return;
            freed = true;
        }
        arena.close();
    }

    public boolean isClosed() { return closed; }

    /** True once the memory has been unmapped. */
    public boolean isFreed() { return freed; }

    @Override
    public String toString() {
        return "BufferPool[" + buffers.length + " x " + bufferSize + " bytes, " + hugePages + (closed ? ", closed" : "")
                + (freed ? ", freed" : "") + "]";
    }

    // ------------------------------------------------------------------ machine facts

    private static long hugePageSize() {
        String kb = meminfo("Hugepagesize");
        try {
            return Long.parseLong(kb.replace("kB", "").trim()) << 10;
        } catch (NumberFormatException e) {
            return 2L << 20;
        }
    }

    static String meminfo(String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo")))
                if (l.startsWith(key + ":")) return l.substring(key.length() + 1).trim();
        } catch (IOException e) {
            // fall through
        }
        return "?";
    }

    private static String thpMode() {
        try {
            return Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
