package io.uring4j.register;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A view of the bytes a CQE delivered into a buffer of a {@link BufferRing}, held by the
 * application from {@link BufferRing#take} until {@link #release()}. One instance per buffer id,
 * reused on every take (no allocation).
 *
 * <p>Lifetime: the bytes are valid only while the buffer is held. Read (or copy) them before
 * releasing, because after release the kernel may fill the buffer again; once released, or once
 * its BufferRing is closed (which unmaps the memory), every accessor throws
 * {@link IllegalStateException}.
 */
public final class ProvidedBuffer {
    final BufferRing owner;
    final int bid;
    final MemorySegment full;
    private int start, length;
    private MemorySegment view;

    ProvidedBuffer(BufferRing owner, int bid, MemorySegment full) {
        this.owner = owner;
        this.bid = bid;
        this.full = full;
    }

    void set(int start, int length) {
        this.start = start;
        this.length = length;
    }

    void extendTo(int end) {
        this.length = end - start;
    }

    /** The buffer id (the CQE's {@code flags >>> 16}). */
    public int bid() { return bid; }

    public int group() { return owner.group(); }

    /** Bytes delivered (and not yet released). */
    public int length() { return length; }

    /** Where those bytes start in the buffer (non-zero only on incremental rings). */
    public int offset() { return start; }

    public boolean isHeld() { return owner.isHeld(bid); }

    /**
     * Exactly the delivered bytes. The slice is cached and reused while the range stays the same;
     * valid only while the buffer is held.
     */
    public MemorySegment segment() {
        checkHeld();
        MemorySegment v = view;
        if (v == null || v.byteSize() != length || v.address() != full.address() + start) {
            v = full.asSlice(start, length);
            view = v;
        }
        return v;
    }

    /** Byte {@code i} of the delivered bytes (bounds-checked against {@link #length()}). */
    public byte get(int i) {
        checkHeld();
        if (i < 0 || i >= length) throw new IndexOutOfBoundsException("index=" + i + " length=" + length);
        return full.get(JAVA_BYTE, start + (long) i);
    }

    /** Copies the delivered bytes into {@code dst} at {@code dstOffset}. */
    public void copyTo(MemorySegment dst, long dstOffset) {
        checkHeld();
        MemorySegment.copy(full, start, dst, dstOffset, length);
    }

    /** Copies the delivered bytes into {@code dst} at {@code dstOffset}. */
    public void copyTo(byte[] dst, int dstOffset) {
        checkHeld();
        MemorySegment.copy(full, JAVA_BYTE, start, dst, dstOffset, length);
    }

    /** Gives the buffer back to its ring; see {@link BufferRing#release(ProvidedBuffer)}. */
    public void release() { owner.release(this); }

    private void checkHeld() {
        owner.checkOpen();
        if (!owner.isHeld(bid))
            throw new IllegalStateException("buffer id " + bid + " of group " + owner.group() + " is not held by the application");
    }

    @Override
    public String toString() {
        return "ProvidedBuffer[group=" + owner.group() + ", bid=" + bid + ", offset=" + start + ", length=" + length + "]";
    }
}
