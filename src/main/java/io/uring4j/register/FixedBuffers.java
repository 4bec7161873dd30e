package io.uring4j.register;

import io.uring4j.ErrnoException;
import io.uring4j.ring.RegisterOp;
import io.uring4j.ring.Ring;
import io.uring4j.sys.CloneBuffers;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Iovec;
import io.uring4j.sys.Sys;

import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A ring's registered-buffer table (io_uring_register BUFFERS / BUFFERS2 / BUFFERS_UPDATE /
 * CLONE_BUFFERS / UNREGISTER_BUFFERS): the kernel pins each buffer's pages once, at registration,
 * so READ_FIXED / WRITE_FIXED skip get_user_pages on every I/O.
 *
 * <h2>The kernel's rules, checked here first</h2>
 * One table per ring (a second register is EBUSY); 1..{@value #MAX_BUFFERS} slots; each buffer
 * non-NULL, non-empty and at most {@value #MAX_BUFFER_BYTES} bytes (1 GiB,
 * {@code io_validate_user_buf_range} in io_uring/rsrc.c); the memory must be writable and not a
 * shared mapping of a file that needs writeback (read from /proc/self/maps at registration). An
 * I/O names a slot by index and an address range that must lie inside that slot's buffer, at most
 * {@value #MAX_RW_COUNT} bytes ({@code MAX_RW_COUNT}); otherwise the kernel fails it with EFAULT.
 * The prep methods of {@link io.uring4j.ring.Sqe} that take a table check all of that without
 * allocating and throw {@link IllegalArgumentException} naming the numbers ({@code index=5 registered=4}).
 *
 * <h2>Lifetime of the memory</h2>
 * The kernel holds the pages pinned while they are registered and, after an unregister or update,
 * until the last request using them completes (each request takes a reference on the buffer node),
 * so it never writes into memory the process has unmapped and reused. The Java side still must not
 * free memory it may read results from: memory owned by a {@link BufferPool} is freed only after
 * every table holding it released it and no I/O counted by {@link #ioStarted()} is in flight.
 * <b>Segments you register yourself</b> must stay alive (their Arena open) until this table is
 * unregistered (or the slot replaced) and every I/O on them has completed; a prep on a slot whose
 * Arena was closed is refused with {@link IllegalStateException}.
 *
 * <h2>In-flight accounting</h2>
 * Every table-aware prep in {@code Sqe} calls {@link #ioStarted()}; call {@link #ioCompleted()} when
 * you reap its completion (for SEND_ZC: its notification CQE). A BufferPool defers freeing while
 * the count is above zero; closing the ring resets it (the kernel has then finished every request).
 *
 * <h2>Threads</h2>
 * Preps and the counter belong to the ring's issuing thread. Registration calls may come from any
 * thread but must not race with preps on the same table.
 */
public final class FixedBuffers implements AutoCloseable {
    /** Largest buffer the kernel registers: SZ_1G in io_validate_user_buf_range (io_uring/rsrc.c, 6.18). */
    public static final long MAX_BUFFER_BYTES = 1L << 30;
    /** IORING_MAX_REG_BUFFERS. */
    public static final int MAX_BUFFERS = 1 << 14;
    /** The kernel's MAX_RW_COUNT (INT_MAX & PAGE_MASK): the most one fixed-buffer I/O may transfer. */
    public static final int MAX_RW_COUNT = Integer.MAX_VALUE & ~4095;

    private static final VarHandle IN_FLIGHT;

    static {
        try {
            IN_FLIGHT = MethodHandles.lookup().findVarHandle(FixedBuffers.class, "inFlight", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Ring ring;
    private final RingState state;
    private final int slots;
    private final long[] base, length, tags;
    private final MemorySegment[] segments;
    private final BufferPool[] owners;
    private volatile boolean registered;
    /**
     * Set when something waits for the in-flight count to reach zero: a closing owner pool, or a
     * pool this table let go of (see {@link #letGo}). Checked by {@link #ioCompleted()}.
     */
    volatile boolean idleWanted;
    /** Pools this table no longer holds, told so only once no I/O counted here is in flight. Guarded by this. */
    private final List<BufferPool> lettingGo = new ArrayList<>();
    @SuppressWarnings("unused") // through IN_FLIGHT
    private int inFlight;

    private FixedBuffers(Ring ring, RingState state, int slots) {
        this.ring = ring;
        this.state = state;
        this.slots = slots;
        this.base = new long[slots];
        this.length = new long[slots];
        this.tags = new long[slots];
        this.segments = new MemorySegment[slots];
        this.owners = new BufferPool[slots];
    }

    // ------------------------------------------------------------------ registration

    /** IORING_REGISTER_BUFFERS: slot {@code i} is {@code buffers[i]}. See the class comment for the rules. */
    public static FixedBuffers register(Ring ring, MemorySegment... buffers) throws ErrnoException {
        return register(ring, buffers, null, null, false);
    }

    /**
     * IORING_REGISTER_BUFFERS2: like {@link #register(Ring, MemorySegment...)}, with a {@code null}
     * entry leaving its slot empty (fill it later with {@link #update}) and an optional tag per slot.
     * A nonzero tag makes the kernel post a CQE with {@code user_data = tag} (res 0) once that
     * buffer is no longer registered nor used by any request; {@code tags} may be null.
     */
    public static FixedBuffers register(Ring ring, MemorySegment[] buffers, long[] tags) throws ErrnoException {
        return register(ring, buffers, tags, null, true);
    }

    /** IORING_REGISTER_BUFFERS2 with IORING_RSRC_REGISTER_SPARSE: {@code slots} empty slots. */
    public static FixedBuffers registerSparse(Ring ring, int slots) throws ErrnoException {
        checkCount(slots);
        RingState st = RingState.of(ring);
        synchronized (st) {
            refuseSecondTable(st);
            long r = RsrcCalls.register2(ring, RegisterOp.BUFFERS2, slots, RsrcCalls.REGISTER_SPARSE, 0, 0);
            if (r < 0) throw RegistrationException.forBuffers((int) -r, "BUFFERS2 sparse slots=" + slots, 0);
            FixedBuffers t = new FixedBuffers(ring, st, slots);
            t.registered = true;
            st.buffers = t;
            return t;
        }
    }

    /** The table currently registered with {@code ring} through this package, or {@code null}. */
    public static FixedBuffers of(Ring ring) {
        RingState st = RingState.of(ring);
        synchronized (st) {
            return st.buffers;
        }
    }

    static FixedBuffers register(Ring ring, MemorySegment[] buffers, long[] tags, BufferPool owner, boolean v2)
            throws ErrnoException {
        checkCount(buffers.length);
        RsrcCalls.checkTags(ring, tags, buffers.length, "buffers.length", "BUFFERS2");
        RingState st = RingState.of(ring);
        synchronized (st) {
            refuseSecondTable(st);
            MemoryMaps maps = MemoryMaps.read();
            long pinned = 0;
            for (int i = 0; i < buffers.length; i++) {
                if (buffers[i] == null) {
                    if (!v2) throw new IllegalArgumentException("buffer " + i + " is null: leave slots empty with "
                            + "register(ring, buffers, tags) (BUFFERS2) or registerSparse");
                    if (tags != null && tags[i] != 0)
                        throw new IllegalArgumentException("slot " + i + " is empty but has tag=" + tags[i]
                                + ": the kernel refuses tags on empty slots (EINVAL)");
                    continue;
                }
                validate(buffers[i], "buffer " + i, maps);
                pinned += pageRound(buffers[i].byteSize());
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment iov = iovecs(a, buffers);
                long r;
                String op;
                if (v2) {
                    op = "BUFFERS2 count=" + buffers.length;
                    r = RsrcCalls.register2(ring, RegisterOp.BUFFERS2, buffers.length, 0, iov.address(),
                            RsrcCalls.tagsAddress(a, tags));
                } else {
                    op = "BUFFERS count=" + buffers.length;
                    r = ring.registerRaw(RegisterOp.BUFFERS, iov.address(), buffers.length);
                }
                if (r < 0) throw RegistrationException.forBuffers((int) -r, op, pinned);
            }
            FixedBuffers t = new FixedBuffers(ring, st, buffers.length);
            for (int i = 0; i < buffers.length; i++) {
                if (buffers[i] != null) t.fill(i, buffers[i], tags == null ? 0 : tags[i], owner);
            }
            t.registered = true;
            st.buffers = t;
            return t;
        }
    }

    private static void checkCount(int n) {
        if (n < 1 || n > MAX_BUFFERS)
            throw new IllegalArgumentException("count=" + n + ": a buffer table has 1.." + MAX_BUFFERS
                    + " slots (IORING_MAX_REG_BUFFERS; the kernel answers EINVAL)");
    }

    private static void refuseSecondTable(RingState st) {
        if (st.buffers != null)
            throw new IllegalStateException("ring fd " + st.ring.fd() + " already has a registered buffer table of "
                    + st.buffers.slots + " slots: a ring has one table (the kernel answers EBUSY); unregister it, or "
                    + "change single slots with update()");
    }

    /** Every rule the library can check before the kernel, for one buffer about to be registered. */
    static void validate(MemorySegment buf, String what, MemoryMaps maps) {
        if (!buf.isNative())
            throw new IllegalArgumentException(what + " is a heap segment: the kernel pins native memory the GC cannot "
                    + "move (use a BufferPool or an Arena)");
        long addr = buf.address(), len = buf.byteSize();
        if (addr == 0)
            throw new IllegalArgumentException(what + " has a NULL base address (the kernel answers EFAULT)");
        if (len == 0)
            throw new IllegalArgumentException(what + " has length 0 (the kernel answers EFAULT)");
        if (len > MAX_BUFFER_BYTES)
            throw new IllegalArgumentException(what + " length=" + len + " exceeds the kernel's per-buffer limit of "
                    + MAX_BUFFER_BYTES + " bytes (1 GiB; the kernel answers EFAULT)");
        if (maps != null) {
            String why = maps.whyNotPinnable(addr, len);
            if (why != null)
                throw new IllegalArgumentException(what + String.format(" (0x%x, %d bytes) cannot be registered: ", addr, len) + why);
        }
    }

    private static long pageRound(long n) {
        return (n + Sys.PAGE_SIZE - 1) & -Sys.PAGE_SIZE;
    }

    private static MemorySegment iovecs(Arena a, MemorySegment[] bufs) {
        MemorySegment iov = a.allocate(Iovec.LAYOUT, bufs.length);
        for (int i = 0; i < bufs.length; i++) {
            if (bufs[i] == null) continue; // {NULL, 0}: an empty slot
            iov.set(JAVA_LONG, Iovec.SIZE * i + Iovec.IOV_BASE, bufs[i].address());
            iov.set(JAVA_LONG, Iovec.SIZE * i + Iovec.IOV_LEN, bufs[i].byteSize());
        }
        return iov;
    }

    private void fill(int i, MemorySegment seg, long tag, BufferPool owner) {
        BufferPool old = owners[i];
        segments[i] = seg;
        base[i] = seg == null ? 0 : seg.address();
        length[i] = seg == null ? 0 : seg.byteSize();
        tags[i] = seg == null ? 0 : tag;
        owners[i] = owner;
        if (owner != null) owner.attached(this);
        if (old != null && old != owner && !holds(old)) letGo(old);
    }

    private boolean holds(BufferPool p) {
        for (BufferPool o : owners) if (o == p) return true;
        return false;
    }

    // ------------------------------------------------------------------ updates and clones

    /** IORING_REGISTER_BUFFERS_UPDATE of one slot: replaces (or fills) slot {@code slot} with {@code buf}. */
    public void update(int slot, MemorySegment buf) throws ErrnoException {
        update(slot, new MemorySegment[]{buf}, null);
    }

    /** As {@link #update(int, MemorySegment)}, with a release tag (see {@link #register(Ring, MemorySegment[], long[])}). */
    public void update(int slot, MemorySegment buf, long tag) throws ErrnoException {
        update(slot, new MemorySegment[]{buf}, new long[]{tag});
    }

    /** Empties slot {@code slot} (an iovec of {NULL, 0}); its buffer is released once no request uses it. */
    public void clear(int slot) throws ErrnoException {
        update(slot, new MemorySegment[]{null}, null);
    }

    /**
     * IORING_REGISTER_BUFFERS_UPDATE of {@code bufs.length} slots from {@code firstSlot}; a
     * {@code null} entry empties its slot. {@code tags} may be null.
     */
    public void update(int firstSlot, MemorySegment[] bufs, long[] tags) throws ErrnoException {
        update(firstSlot, bufs, tags, null);
    }

    synchronized void update(int firstSlot, MemorySegment[] bufs, long[] tags, BufferPool owner) throws ErrnoException {
        checkRegistered();
        int n = bufs.length;
        RsrcCalls.checkUpdateRange(firstSlot, n, slots);
        RsrcCalls.checkTags(ring, tags, n, "count", "BUFFERS_UPDATE");
        MemoryMaps maps = null;
        long pinned = 0;
        for (int i = 0; i < n; i++) {
            if (bufs[i] == null) {
                if (tags != null && tags[i] != 0)
                    throw new IllegalArgumentException("slot " + (firstSlot + i) + " is being emptied but has tag="
                            + tags[i] + " (the kernel answers EINVAL)");
                continue;
            }
            if (maps == null) maps = MemoryMaps.read();
            validate(bufs[i], "buffer for slot " + (firstSlot + i), maps);
            pinned += pageRound(bufs[i].byteSize());
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iov = iovecs(a, bufs);
            long tg = RsrcCalls.tagsAddress(a, tags);
            int done = 0;
            while (done < n) {
                long r = RsrcCalls.update2(ring, RegisterOp.BUFFERS_UPDATE, firstSlot + done,
                        iov.address() + Iovec.SIZE * done, tags == null ? 0 : tg + 8L * done, n - done);
                if (r <= 0) {
                    String op = "BUFFERS_UPDATE slot=" + (firstSlot + done) + (done > 0 ? " (slots " + firstSlot + ".."
                            + (firstSlot + done - 1) + " were updated)" : "");
                    throw RegistrationException.forBuffers(r == 0 ? Errno.EINVAL : (int) -r, op, pinned);
                }
                for (int i = done; i < done + r; i++) fill(firstSlot + i, bufs[i], tags == null ? 0 : tags[i], owner);
                done += (int) r;
            }
        }
    }

    /**
     * IORING_REGISTER_CLONE_BUFFERS: gives {@code dst} (which must have no buffer table) a copy of
     * this whole table without pinning again; both rings then share the pinned pages, which stay
     * pinned until both tables released them. Pools owning buffers here also wait for the clone.
     */
    public FixedBuffers cloneTo(Ring dst) throws ErrnoException {
        return cloneTo(dst, 0, 0, slots);
    }

    /** Clones {@code nr} slots from {@code srcOff} into a new table on {@code dst} at {@code dstOff} (slots below it empty). */
    public synchronized FixedBuffers cloneTo(Ring dst, int srcOff, int dstOff, int nr) throws ErrnoException {
        checkRegistered();
        if (dst == ring) throw new IllegalArgumentException("cannot clone a table into its own ring");
        if (nr < 1 || srcOff < 0 || dstOff < 0 || (long) srcOff + nr > slots || (long) dstOff + nr > MAX_BUFFERS)
            throw new IllegalArgumentException("clone srcOff=" + srcOff + " nr=" + nr + " dstOff=" + dstOff + " registered="
                    + slots + ": the source range must lie inside the table and dstOff+nr <= " + MAX_BUFFERS);
        RingState st = RingState.of(dst);
        synchronized (st) {
            refuseSecondTable(st);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment cb = a.allocate(CloneBuffers.LAYOUT);
                cb.set(JAVA_INT, CloneBuffers.SRC_FD, ring.fd());
                cb.set(JAVA_INT, CloneBuffers.SRC_OFF, srcOff);
                cb.set(JAVA_INT, CloneBuffers.DST_OFF, dstOff);
                cb.set(JAVA_INT, CloneBuffers.NR, nr);
                long r = dst.registerRaw(RegisterOp.CLONE_BUFFERS, cb.address(), 1);
                if (r < 0) {
                    String why = r == -Errno.EEXIST ? "the source ring is SINGLE_ISSUER and owned by another task"
                            : r == -Errno.EINVAL ? "the rings account pinned memory to different users (one created with "
                            + "CAP_IPC_LOCK, one without), or bad offsets" : RegistrationException.explainBuffers((int) -r, 0);
                    throw new RegistrationException((int) -r, "CLONE_BUFFERS from ring fd " + ring.fd(), why);
                }
            }
            FixedBuffers t = new FixedBuffers(dst, st, dstOff + nr);
            for (int i = 0; i < nr; i++) {
                int s = srcOff + i;
                if (segments[s] != null) t.fill(dstOff + i, segments[s], 0, owners[s]); // tags are not cloned
            }
            t.registered = true;
            st.buffers = t;
            return t;
        }
    }

    // ------------------------------------------------------------------ unregister / close

    /**
     * IORING_UNREGISTER_BUFFERS. The kernel keeps pages that in-flight requests use pinned until
     * those complete. Unregistering a table that is not registered is refused (the kernel: ENXIO).
     */
    public void unregister() throws ErrnoException {
        synchronized (state) {
            if (!registered)
                throw new IllegalStateException("the buffer table of ring fd " + ring.fd() + " is not registered (already "
                        + "unregistered, or the ring closed): the kernel would answer ENXIO");
            long r = ring.registerRaw(RegisterOp.UNREGISTER_BUFFERS, 0, 0);
            if (r < 0) throw RegistrationException.forBuffers((int) -r, "UNREGISTER_BUFFERS", 0);
            if (state.buffers == this) state.buffers = null;
            released();
        }
    }

    /** Unregisters if still registered (and the ring is open); idempotent. */
    @Override
    public void close() {
        synchronized (state) {
            if (!registered) return;
            if (ring.isClosed()) {
                released();
                return;
            }
            try {
                unregister();
            } catch (ErrnoException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The ring closed: the kernel ends every registration and request of it. */
    void ringClosed() {
        IN_FLIGHT.setRelease(this, 0);
        released();
    }

    private void released() {
        List<BufferPool> pools = new ArrayList<>();
        synchronized (this) {
            registered = false;
            for (int i = 0; i < slots; i++) {
                if (owners[i] != null && !pools.contains(owners[i])) pools.add(owners[i]);
                owners[i] = null;
            }
        }
        for (BufferPool p : pools) letGo(p);
    }

    /**
     * This table no longer holds any buffer of {@code p}. The pool may free its memory once told,
     * so it is told only when no I/O counted by {@link #ioStarted()} is in flight: an unregister or
     * a slot update does not wait for the requests already using the buffer, and the application
     * still reads their results from that memory.
     */
    private void letGo(BufferPool p) {
        synchronized (this) {
            if (!lettingGo.contains(p)) lettingGo.add(p);
        }
        idleWanted = true;
        VarHandle.fullFence(); // pairs with the fence in ioCompleted: one of the two sides sees zero
        if (inFlight() == 0) tellLetGo();
    }

    private void tellLetGo() {
        List<BufferPool> pools = new ArrayList<>();
        synchronized (this) {
            for (BufferPool p : lettingGo) if (!holds(p)) pools.add(p); // re-registered meanwhile: keep it
            lettingGo.clear();
        }
        for (BufferPool p : pools) p.released(this);
    }

    /** Called by a closing pool when nothing is in flight: gives back its slots. */
    void releasePool(BufferPool pool) throws ErrnoException {
        synchronized (state) {
            if (!registered || !holds(pool)) return;
            boolean all = true;
            for (int i = 0; i < slots && all; i++) if (length[i] != 0 && owners[i] != pool) all = false;
            if (all) {
                unregister();
                return;
            }
            for (int i = 0; i < slots; i++) if (owners[i] == pool) clear(i);
        }
    }

    // ------------------------------------------------------------------ facts

    public Ring ring() { return ring; }

    public int slots() { return slots; }

    public boolean isRegistered() { return registered; }

    /** The buffer in {@code slot}, or {@code null} for an empty slot. */
    public MemorySegment buffer(int slot) {
        checkSlot(slot);
        return segments[slot];
    }

    public boolean isEmpty(int slot) {
        checkSlot(slot);
        return length[slot] == 0;
    }

    public long tag(int slot) {
        checkSlot(slot);
        return tags[slot];
    }

    // ------------------------------------------------------------------ in-flight accounting

    /** Counts one I/O on this table as submitted (the table-aware preps call this). */
    public void ioStarted() {
        IN_FLIGHT.setRelease(this, (int) IN_FLIGHT.get(this) + 1);
    }

    /** Counts one I/O on this table as completed; call it when you reap its CQE. */
    public void ioCompleted() {
        int n = (int) IN_FLIGHT.get(this) - 1;
        if (n < 0) throw new IllegalStateException("ioCompleted() without a matching ioStarted() on ring fd " + ring.fd());
        IN_FLIGHT.setRelease(this, n);
        if (n == 0) {
            VarHandle.fullFence(); // pairs with BufferPool.close() and letGo(): the store above vs. their idleWanted store
            if (idleWanted) {
                idleWanted = false;
                releaseClosingOwners();
                tellLetGo();
            }
        }
    }

    /** I/Os counted as submitted and not yet completed. */
    public int inFlight() {
        return (int) IN_FLIGHT.getAcquire(this);
    }

    private void releaseClosingOwners() {
        List<BufferPool> pools = new ArrayList<>();
        synchronized (this) {
            for (BufferPool o : owners) if (o != null && o.isClosed() && !pools.contains(o)) pools.add(o);
        }
        for (BufferPool p : pools) p.tableIdle(this);
    }

    // ------------------------------------------------------------------ hot-path checks (no allocation unless failing)

    /**
     * The address of {@code [bufOffset, bufOffset+len)} inside slot {@code index}, after checking
     * every rule the kernel would enforce with EFAULT. Allocates nothing unless it throws.
     */
    public long address(int index, long bufOffset, long len) {
        if (!registered || index < 0 || index >= slots || length[index] == 0 || bufOffset < 0 || len < 0
                || len > MAX_RW_COUNT || bufOffset > length[index] - len || !segments[index].scope().isAlive())
            throw rangeError(index, bufOffset, len);
        return base[index] + bufOffset;
    }

    /** Checks that {@code seg} lies inside slot {@code index}; returns its address. */
    public long address(int index, MemorySegment seg) {
        if (!seg.isNative()) throw new IllegalArgumentException("buffer is a heap segment: fixed I/O needs the registered native memory");
        if (!registered || index < 0 || index >= slots) throw rangeError(index, 0, 0);
        return address(index, seg.address() - base[index], seg.byteSize());
    }

    /** Checks that the absolute range {@code [addr, addr+len)} lies inside slot {@code index}. */
    public void checkRange(int index, long addr, long len) {
        if (!registered || index < 0 || index >= slots) throw rangeError(index, 0, 0);
        address(index, addr - base[index], len);
    }

    private RuntimeException rangeError(int index, long bufOffset, long len) {
        if (!registered)
            return new IllegalStateException("the buffer table of ring fd " + ring.fd() + " is no longer registered");
        if (index < 0 || index >= slots)
            return new IllegalArgumentException("buffer index=" + index + " registered=" + slots + " (valid 0.."
                    + (slots - 1) + "; the kernel fails the request with EFAULT)");
        if (length[index] == 0)
            return new IllegalArgumentException("buffer slot " + index + " is empty (sparse or cleared; the kernel fails the "
                    + "request with EFAULT)");
        if (!segments[index].scope().isAlive())
            return new IllegalStateException("the memory of buffer slot " + index + " was freed (its Arena closed) while "
                    + "still registered: unregister or replace the slot before freeing it");
        if (len < 0 || len > MAX_RW_COUNT)
            return new IllegalArgumentException("len=" + len + " outside 0.." + MAX_RW_COUNT + " (MAX_RW_COUNT; the kernel "
                    + "fails the request with EFAULT)");
        return new IllegalArgumentException("range offset=" + bufOffset + " len=" + len + " (end " + (bufOffset + len)
                + ") is outside buffer " + index + " of " + length[index] + " bytes; a fixed I/O must lie inside its "
                + "registered buffer (the kernel fails it with EFAULT)");
    }

    @Override
    public String toString() {
        return "FixedBuffers[ring fd=" + ring.fd() + ", slots=" + slots + (registered ? "" : ", unregistered")
                + ", inFlight=" + inFlight() + "]";
    }

    private void checkRegistered() {
        if (!registered)
            throw new IllegalStateException("the buffer table of ring fd " + ring.fd() + " is not registered (unregistered, "
                    + "or the ring closed)");
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= slots) throw new IndexOutOfBoundsException("slot=" + slot + " registered=" + slots);
    }
}
