package io.uring4j.register;

import io.uring4j.FeatureUnavailableException;
import io.uring4j.ring.Feature;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import io.uring4j.sys.RsrcRegister;
import io.uring4j.sys.RsrcUpdate2;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The "rsrc" calls the buffer table and the file table share: the kernel registers and updates
 * both through the same two structs (io_uring_rsrc_register for BUFFERS2 / FILES2,
 * io_uring_rsrc_update2 for BUFFERS_UPDATE / FILES_UPDATE2, each passed with nr_args = its size),
 * and applies the same slot-range and tag rules to both.
 */
final class RsrcCalls {
    private RsrcCalls() {}

    /** IORING_RSRC_REGISTER_SPARSE: register {@code nr} empty slots, {@code data} = 0. */
    static final int REGISTER_SPARSE = 1;

    /** BUFFERS2 / FILES2 with {@code nr} entries at {@code data} (iovecs or fds) and optional {@code tags}; returns -errno. */
    static long register2(Ring ring, int op, int nr, int flags, long data, long tags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment rr = a.allocate(RsrcRegister.LAYOUT); // zeroed: resv2 must be 0
            rr.set(JAVA_INT, RsrcRegister.NR, nr);
            rr.set(JAVA_INT, RsrcRegister.FLAGS, flags);
            rr.set(JAVA_LONG, RsrcRegister.DATA, data);
            rr.set(JAVA_LONG, RsrcRegister.TAGS, tags);
            return ring.registerRaw(op, rr.address(), (int) RsrcRegister.SIZE);
        }
    }

    /** BUFFERS_UPDATE / FILES_UPDATE2 of {@code nr} slots from {@code offset}; returns the slots updated or -errno. */
    static long update2(Ring ring, int op, int offset, long data, long tags, int nr) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment up = a.allocate(RsrcUpdate2.LAYOUT); // zeroed: resv, resv2 must be 0
            up.set(JAVA_INT, RsrcUpdate2.OFFSET, offset);
            up.set(JAVA_LONG, RsrcUpdate2.DATA, data);
            up.set(JAVA_LONG, RsrcUpdate2.TAGS, tags);
            up.set(JAVA_INT, RsrcUpdate2.NR, nr);
            return ring.registerRaw(op, up.address(), (int) RsrcUpdate2.SIZE);
        }
    }

    /** The address of {@code tags} copied into {@code a}, or 0 for none. */
    static long tagsAddress(Arena a, long[] tags) {
        return tags == null ? 0 : a.allocateFrom(JAVA_LONG, tags).address();
    }

    /**
     * Tags ({@code null} = none) must match the entries one to one and need IORING_FEAT_RSRC_TAGS.
     * {@code entries} names the array in the message ({@code buffers.length}, {@code count}, ...).
     */
    static void checkTags(Ring ring, long[] tags, int n, String entries, String call) throws FeatureUnavailableException {
        if (tags == null) return;
        if (tags.length != n) throw new IllegalArgumentException("tags.length=" + tags.length + " != " + entries + "=" + n);
        if (!ring.hasFeature(Feature.RSRC_TAGS))
            throw new FeatureUnavailableException("IORING_FEAT_RSRC_TAGS (" + call + " tags)", "5.13", Errno.EINVAL, "io_uring_register");
    }

    /** An update of {@code n} slots from {@code firstSlot} must lie inside a table of {@code slots}. */
    static void checkUpdateRange(int firstSlot, int n, int slots) {
        if (n < 1) throw new IllegalArgumentException("update of 0 slots (the kernel answers EINVAL)");
        if (firstSlot < 0 || (long) firstSlot + n > slots)
            throw new IllegalArgumentException("slot=" + firstSlot + " count=" + n + " registered=" + slots
                    + ": the range must lie inside the table (the kernel answers EINVAL)");
    }
}
