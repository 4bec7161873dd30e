package io.uring4j.register;

import io.uring4j.ErrnoException;
import io.uring4j.FeatureUnavailableException;
import io.uring4j.KernelInfo;
import io.uring4j.ring.Cqe;
import io.uring4j.ring.CqeFlags;
import io.uring4j.ring.RegisterOp;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Buf;
import io.uring4j.sys.BufReg;
import io.uring4j.sys.BufStatus;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A provided-buffer ring (IORING_REGISTER_PBUF_RING, 5.19+): {@code count} equal buffers that the
 * kernel picks from when a buffer-select request (multishot recv, READ_MULTISHOT, ...) has data.
 *
 * <h2>Ownership</h2>
 * Every buffer id is either <em>in the kernel</em> (published in the ring) or <em>held</em> by the
 * application. {@link #take(Cqe)} turns a CQE carrying F_BUFFER into a {@link ProvidedBuffer} view of exactly
 * the bytes received and marks it held; {@link ProvidedBuffer#release()} publishes it back. The state is
 * tracked per id, so a buffer can be neither given to the kernel twice nor recycled while held: both
 * are an {@link IllegalStateException}, never silent corruption. Views are cached per id, so the
 * take/release cycle allocates nothing.
 *
 * <h2>The ring protocol</h2>
 * Entries are written at the local tail first, then the 16-bit tail (which aliases
 * {@code bufs[0].resv}, so entry 0 is written field by field and its {@code resv} never touched) is
 * published with a release store: the kernel, reading the tail, must see complete entries. The tail
 * wraps at 2^16; ring entries are a power of two, so masking the free-running counter stays correct.
 *
 * <h2>Incremental consumption (6.12+, {@link Builder#incremental()})</h2>
 * The kernel consumes a buffer piece by piece; a CQE with {@code F_BUF_MORE} means it keeps the rest.
 * The view then covers the bytes delivered and not yet released, at their offset in the buffer, and
 * the buffer returns to the ring only when the kernel has finished it and the application released it.
 *
 * <h2>Lifetime</h2>
 * Buffers and ring are private anonymous mappings owned by this object. {@link #close()} unregisters
 * the group and unmaps them; cancel requests that select from the group first, or the kernel fails
 * them with EFAULT/ENOBUFS. Closing the ring closes this too. Not thread-safe: use it from the ring's
 * issuing thread.
 */
public final class BufferRing implements AutoCloseable {
    public static final int MAX_ENTRIES = 32768;
    /** IOU_PBUF_RING_MMAP: the kernel allocates the ring; the application maps it. */
    public static final int IOU_PBUF_RING_MMAP = 1;
    /** IOU_PBUF_RING_INC: buffers are consumed incrementally. */
    public static final int IOU_PBUF_RING_INC = 2;
    static final long OFF_PBUF_RING = 0x80000000L;
    static final int OFF_PBUF_SHIFT = 16;
    /** The kernel finds the group of a PBUF mmap offset with mask ~0xf8000000 >> 16: 11 bits. */
    public static final int MAX_MMAP_GROUP = 0x7ff;

    private static final VarHandle TAIL = JAVA_SHORT.varHandle();
    private static final byte IN_KERNEL = 1, HELD = 2;

    private final Ring ring;
    private final int bgid, entries, mask, bufferSize, count;
    private final boolean kernelMapped, incremental;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment ringMem, buffers;
    private final long bufBase;
    private final ProvidedBuffer[] views;
    private final byte[] state;
    /** Incremental mode: bytes of each buffer the kernel has consumed so far. */
    private final int[] consumed;
    /** Where each id was last published (free-running position) and which position each slot holds. */
    private final int[] posOfBid, posInSlot;
    private final int[] bidInSlot;
    private int tail;
    private int held, inKernel;
    /** Volatile: the ring's close hook may close this from another thread. */
    private volatile boolean closed;

    private BufferRing(Builder b) throws ErrnoException {
        this.ring = b.ring;
        this.bgid = b.bgid;
        this.entries = b.entries;
        this.mask = b.entries - 1;
        this.bufferSize = b.bufferSize;
        this.count = b.count == 0 ? b.entries : b.count;
        this.kernelMapped = b.kernelMapped;
        this.incremental = b.incremental;
        long ringBytes = (long) entries * Buf.SIZE;
        long bufBytes = (long) count * bufferSize;
        boolean registered = false;
        try {
            buffers = mapAnonymous(bufBytes, "provided buffers");
            bufBase = buffers.address();
            MemorySegment appRing = kernelMapped ? null : mapAnonymous(ringBytes, "buffer ring");
            register(appRing == null ? 0 : appRing.address());
            registered = true;
            ringMem = kernelMapped ? mapKernelRing(ringBytes) : appRing;
        } catch (ErrnoException | RuntimeException e) {
            if (registered) unregisterQuietly();
            arena.close();
            throw e;
        }
        views = new ProvidedBuffer[count];
        state = new byte[count];
        consumed = incremental ? new int[count] : null;
        posOfBid = new int[count];
        posInSlot = new int[entries];
        bidInSlot = new int[entries];
        for (int i = 0; i < count; i++) views[i] = new ProvidedBuffer(this, i, buffers.asSlice((long) i * bufferSize, bufferSize));
        // the kernel reads a zero tail at registration (fresh anonymous / kernel-zeroed memory)
        for (int i = 0; i < count; i++) write(i);
        publish();
        ring.onClose(this::close);
    }

    public static Builder builder(Ring ring) { return new Builder(ring); }

    /** Registers group {@code bgid} with {@code entries} buffers of {@code bufferSize} bytes in an application-allocated ring. */
    public static BufferRing register(Ring ring, int bgid, int entries, int bufferSize) throws ErrnoException {
        return builder(ring).group(bgid).entries(entries).bufferSize(bufferSize).build();
    }

    private MemorySegment mapAnonymous(long size, String what) throws ErrnoException {
        long len = (size + Sys.PAGE_SIZE - 1) & -Sys.PAGE_SIZE;
        long addr = Sys.mmap(0, len, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS | Sys.MAP_POPULATE, -1, 0);
        if (addr < 0) throw new ErrnoException((int) -addr, "mmap", what + " of " + len + " bytes");
        return MemorySegment.ofAddress(addr).reinterpret(size, arena, s -> Sys.munmap(addr, len));
    }

    private MemorySegment mapKernelRing(long size) throws ErrnoException {
        long off = OFF_PBUF_RING | ((long) bgid << OFF_PBUF_SHIFT);
        long addr = Sys.mmap(0, size, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED | Sys.MAP_POPULATE, ring.fd(), off);
        if (addr < 0) throw new ErrnoException((int) -addr, "mmap", "kernel-allocated buffer ring of group " + bgid
                + " at offset 0x" + Long.toHexString(off));
        return MemorySegment.ofAddress(addr).reinterpret(size, arena, s -> Sys.munmap(addr, size));
    }

    private void register(long ringAddr) throws ErrnoException {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment reg = tmp.allocate(BufReg.LAYOUT);
            reg.set(JAVA_LONG, BufReg.RING_ADDR, ringAddr);
            reg.set(JAVA_INT, BufReg.RING_ENTRIES, entries);
            reg.set(JAVA_SHORT, BufReg.BGID, (short) bgid);
            reg.set(JAVA_SHORT, BufReg.FLAGS, (short) ((kernelMapped ? IOU_PBUF_RING_MMAP : 0) | (incremental ? IOU_PBUF_RING_INC : 0)));
            long r = ring.registerRaw(RegisterOp.PBUF_RING, reg.address(), 1);
            if (r == -Errno.EINVAL && incremental && !KernelInfo.atLeast(6, 12))
                throw new FeatureUnavailableException("IOU_PBUF_RING_INC", "6.12", Errno.EINVAL, "io_uring_register");
            if (r == -Errno.EINVAL && kernelMapped && !KernelInfo.atLeast(6, 4))
                throw new FeatureUnavailableException("IOU_PBUF_RING_MMAP", "6.4", Errno.EINVAL, "io_uring_register");
            if (r == -Errno.EINVAL && !KernelInfo.atLeast(5, 19))
                throw new FeatureUnavailableException("IORING_REGISTER_PBUF_RING", "5.19", Errno.EINVAL, "io_uring_register");
            if (r < 0)
                throw new ErrnoException((int) -r, "io_uring_register", "PBUF_RING group=" + bgid + " entries=" + entries,
                        r == -Errno.EEXIST ? "buffer group " + bgid + " is already registered on this ring" : null);
        }
    }

    private void unregisterQuietly() {
        if (ring.isClosed()) return;
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment reg = tmp.allocate(BufReg.LAYOUT);
            reg.set(JAVA_SHORT, BufReg.BGID, (short) bgid);
            ring.registerRaw(RegisterOp.UNREGISTER_PBUF_RING, reg.address(), 1);
        }
    }

    // ---------------------------------------------------------------- facts

    public int group() { return bgid; }

    public int entries() { return entries; }

    public int count() { return count; }

    public int bufferSize() { return bufferSize; }

    public boolean isKernelMapped() { return kernelMapped; }

    public boolean isIncremental() { return incremental; }

    /** Buffers currently held by the application. */
    public int heldCount() { return held; }

    /** Buffers currently published to the kernel (including partly consumed ones in incremental mode). */
    public int inKernelCount() { return inKernel; }

    public boolean isHeld(int bid) { checkBid(bid); return (state[bid] & HELD) != 0; }

    public boolean isInKernel(int bid) { checkBid(bid); return (state[bid] & IN_KERNEL) != 0; }

    /** The local (published) ring tail, a free-running 16-bit counter. */
    public int tail() { return tail & 0xffff; }

    /** The whole of buffer {@code bid}, for tests and diagnostics; do not write into a buffer the kernel holds. */
    public MemorySegment bufferMemory(int bid) { checkBid(bid); return views[bid].full; }

    /**
     * The kernel's head of this group (IORING_REGISTER_PBUF_STATUS, 6.8+): how many buffers it has
     * consumed, modulo 2^16.
     */
    public int kernelHead() throws ErrnoException {
        checkOpen();
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment st = tmp.allocate(BufStatus.LAYOUT);
            st.set(JAVA_INT, BufStatus.BUF_GROUP, bgid);
            long r = ring.registerRaw(RegisterOp.PBUF_STATUS, st.address(), 1);
            if (r == -Errno.EINVAL && !KernelInfo.atLeast(6, 8))
                throw new FeatureUnavailableException("IORING_REGISTER_PBUF_STATUS", "6.8", Errno.EINVAL, "io_uring_register");
            ErrnoException.check(r, "io_uring_register", "PBUF_STATUS group=" + bgid);
            return st.get(JAVA_INT, BufStatus.HEAD);
        }
    }

    // ---------------------------------------------------------------- take / release

    /**
     * The buffer a CQE names (F_BUFFER), as a view of exactly the {@code res} bytes received, now held
     * by the application until {@link ProvidedBuffer#release()}. Throws if the CQE has no buffer, belongs to
     * another group's id range, or names a buffer that is not in the kernel (a CQE taken twice).
     */
    public ProvidedBuffer take(Cqe cqe) {
        return take(cqe.flags(), cqe.res());
    }

    /** As {@link #take(Cqe)} from a CQE's {@code flags} and {@code res} (e.g. copied out earlier). */
    public ProvidedBuffer take(int cqeFlags, int res) {
        checkOpen();
        if (!CqeFlags.hasBuffer(cqeFlags))
            throw new IllegalArgumentException("CQE flags=0x" + Integer.toHexString(cqeFlags) + " carry no buffer (no F_BUFFER)");
        if (res < 0) throw new IllegalArgumentException("CQE res=" + res + " with F_BUFFER: a failed request holds no data");
        int bid = CqeFlags.bufferId(cqeFlags);
        checkBid(bid);
        byte s = state[bid];
        if ((s & IN_KERNEL) == 0)
            throw new IllegalStateException("buffer id " + bid + " of group " + bgid + " is not in the kernel ("
                    + ((s & HELD) != 0 ? "already held: was this CQE taken twice?" : "never published") + ")");
        if (res > bufferSize) throw new IllegalStateException("res=" + res + " exceeds the buffer size " + bufferSize
                + " (a bundle? use takeBundle)");
        ProvidedBuffer v = views[bid];
        if (incremental) {
            int start = consumed[bid];
            if (start + res > bufferSize)
                throw new IllegalStateException("buffer id " + bid + ": " + start + " bytes consumed + res=" + res + " exceed "
                        + bufferSize);
            consumed[bid] = start + res;
            boolean kernelKeeps = (cqeFlags & CqeFlags.BUF_MORE) != 0;
            if ((s & HELD) != 0) v.extendTo(start + res); // previous piece still held: the view covers both
            else v.set(start, res);
            state[bid] = (byte) ((kernelKeeps ? IN_KERNEL : 0) | HELD);
            if (!kernelKeeps) inKernel--;
        } else {
            v.set(0, res);
            state[bid] = HELD;
            inKernel--;
        }
        if ((s & HELD) == 0) held++;
        return v;
    }

    /**
     * Takes the buffers of a bundle CQE (RECVSEND_BUNDLE): {@code res} bytes spread over consecutive
     * ring entries starting at the buffer the CQE names, each full but the last. Fills {@code out}
     * and returns how many buffers the bundle used. Not for incremental rings.
     */
    public int takeBundle(Cqe cqe, ProvidedBuffer[] out) {
        checkOpen();
        if (incremental) throw new IllegalStateException("bundles are not tracked on incremental buffer rings");
        int flags = cqe.flags(), res = cqe.res();
        if (!CqeFlags.hasBuffer(flags))
            throw new IllegalArgumentException("CQE flags=0x" + Integer.toHexString(flags) + " carry no buffer (no F_BUFFER)");
        if (res < 0) throw new IllegalArgumentException("CQE res=" + res + " with F_BUFFER");
        int first = CqeFlags.bufferId(flags);
        checkBid(first);
        int n = Math.max(1, (int) (((long) res + bufferSize - 1) / bufferSize));
        if (n > out.length) throw new IllegalArgumentException("bundle of " + n + " buffers does not fit out[" + out.length + "]");
        int pos = posOfBid[first];
        for (int k = 0; k < n; k++) {
            int slot = (pos + k) & mask;
            if (posInSlot[slot] != pos + k)
                throw new IllegalStateException("ring slot " + slot + " of this bundle was reused before its CQE was taken: "
                        + "take CQEs in completion order before recycling their buffers");
            int bid = bidInSlot[slot];
            if ((state[bid] & IN_KERNEL) == 0)
                throw new IllegalStateException("bundle buffer id " + bid + " is not in the kernel (CQE taken twice?)");
        }
        for (int k = 0; k < n; k++) {
            int bid = bidInSlot[(pos + k) & mask];
            ProvidedBuffer v = views[bid];
            v.set(0, Math.min(bufferSize, res - k * bufferSize));
            state[bid] = HELD;
            held++;
            inKernel--;
            out[k] = v;
        }
        return n;
    }

    /** Gives a held buffer back: publishes it to the kernel (or, incremental, waits until the kernel is done with it). */
    public void release(ProvidedBuffer b) {
        if (b.owner != this) throw new IllegalArgumentException("buffer id " + b.bid + " belongs to group " + b.owner.bgid + ", not " + bgid);
        checkOpen();
        int bid = b.bid;
        byte s = state[bid];
        if ((s & HELD) == 0)
            throw new IllegalStateException("buffer id " + bid + " of group " + bgid + " is not held (released twice?): "
                    + "giving it to the kernel again would let two receives share it");
        held--;
        if ((s & IN_KERNEL) != 0) { // incremental: the kernel still fills the rest of this buffer
            state[bid] = IN_KERNEL;
            b.set(consumed[bid], 0);
            return;
        }
        state[bid] = 0;
        b.set(0, 0);
        write(bid);
        publish();
    }

    private void write(int bid) {
        int pos = tail++;
        int slot = pos & mask;
        long e = (long) slot * Buf.SIZE;
        // field by field: bufs[0].resv is the tail the kernel reads
        ringMem.set(JAVA_LONG, e + Buf.ADDR, bufBase + (long) bid * bufferSize);
        ringMem.set(JAVA_INT, e + Buf.LEN, bufferSize);
        ringMem.set(JAVA_SHORT, e + Buf.BID, (short) bid);
        posOfBid[bid] = pos;
        posInSlot[slot] = pos;
        bidInSlot[slot] = bid;
        if (incremental) consumed[bid] = 0;
        state[bid] = IN_KERNEL;
        inKernel++;
    }

    private void publish() {
        TAIL.setRelease(ringMem, Buf.RING_TAIL, (short) tail);
    }

    private void checkBid(int bid) {
        if (bid < 0 || bid >= count)
            throw new IllegalArgumentException("buffer id=" + bid + " outside group " + bgid + "'s ids 0.." + (count - 1));
    }

    void checkOpen() {
        if (closed) throw new IllegalStateException("buffer ring of group " + bgid + " is closed");
    }

    public boolean isClosed() { return closed; }

    /** Unregisters the group (if the ring is still open) and unmaps the ring and the buffers. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        unregisterQuietly();
        arena.close();
    }

    @Override
    public String toString() {
        return "BufferRing[group=" + bgid + ", entries=" + entries + ", buffers=" + count + "x" + bufferSize
                + (kernelMapped ? ", kernel-mapped" : "") + (incremental ? ", incremental" : "") + ", held=" + held + "]";
    }

    /** Options for a {@link BufferRing}. */
    public static final class Builder {
        private final Ring ring;
        private int bgid, entries = 64, bufferSize = 4096, count;
        private boolean kernelMapped, incremental;

        Builder(Ring ring) {
            if (ring == null) throw new IllegalArgumentException("ring is null");
            this.ring = ring;
        }

        /** Buffer group id, 0..65535 (0..2047 with {@link #kernelMapped()}). */
        public Builder group(int bgid) { this.bgid = bgid; return this; }

        /** Ring entries: a power of two, 1..32768. */
        public Builder entries(int entries) { this.entries = entries; return this; }

        public Builder bufferSize(int bytes) { this.bufferSize = bytes; return this; }

        /** Number of buffers (ids 0..count-1), at most {@link #entries}; default: as many as entries. */
        public Builder count(int count) { this.count = count; return this; }

        /** IOU_PBUF_RING_MMAP (6.4+): the kernel allocates the ring; it is mapped from the ring fd. */
        public Builder kernelMapped() { this.kernelMapped = true; return this; }

        /** IOU_PBUF_RING_INC (6.12+): buffers are consumed incrementally. */
        public Builder incremental() { this.incremental = true; return this; }

        public BufferRing build() throws ErrnoException {
            if (ring.isClosed()) throw new IllegalStateException("ring is closed");
            if (entries < 1 || entries > MAX_ENTRIES || Integer.bitCount(entries) != 1)
                throw new IllegalArgumentException("entries=" + entries + " must be a power of two in 1.." + MAX_ENTRIES);
            if (bgid < 0 || bgid > 0xffff) throw new IllegalArgumentException("group=" + bgid + " must be in 0..65535");
            if (kernelMapped && bgid > MAX_MMAP_GROUP)
                throw new IllegalArgumentException("group=" + bgid + " of a kernel-mapped ring must be in 0.." + MAX_MMAP_GROUP
                        + ": the kernel decodes only 11 bits of group from the mmap offset");
            if (bufferSize < 1) throw new IllegalArgumentException("bufferSize=" + bufferSize + " must be >= 1");
            if (count < 0 || count > entries)
                throw new IllegalArgumentException("count=" + count + " buffers must be in 1..entries=" + entries
                        + " (each needs a ring slot while the kernel holds it)");
            if ((long) (count == 0 ? entries : count) * bufferSize > (1L << 40))
                throw new IllegalArgumentException("buffers total " + (long) (count == 0 ? entries : count) * bufferSize + " bytes");
            return new BufferRing(this);
        }
    }
}
