package io.uring4j.register;

import io.uring4j.ErrnoException;
import io.uring4j.ring.RegisterOp;
import io.uring4j.ring.Ring;
import io.uring4j.sys.FileIndexRange;
import io.uring4j.sys.Sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A ring's registered-file table (FILES / FILES2 / FILES_UPDATE2 / FILE_ALLOC_RANGE /
 * UNREGISTER_FILES). A request with IOSQE_FIXED_FILE names a slot instead of an fd and skips the
 * fd-table lookup and reference counting per I/O ({@link io.uring4j.ring.Sqe#fixedFile}).
 * Slots also receive <em>direct descriptors</em>: files opened, accepted or created by the ring
 * straight into a slot, never visible as an fd ({@code prepOpenatDirect}, {@code prepAcceptDirect},
 * {@code prepSocketDirect}, or with {@link io.uring4j.ring.Sqe#fileIndexAlloc()} the kernel picks a
 * free slot in the allocation range and returns it as the result). {@code prepFixedFdInstall}
 * turns a slot back into a normal fd.
 *
 * <p>The table holds its own reference on each file: closing the original fd does not close a
 * registered file; emptying the slot (or {@code prepCloseDirect}) does. Rules checked before the
 * kernel: one table per ring (EBUSY), 1..{@value #MAX_FILES} slots and at most RLIMIT_NOFILE
 * (EMFILE), io_uring fds refused (EBADF), updates inside the table (EINVAL).
 */
public final class RegisteredFiles implements AutoCloseable {
    /** IORING_MAX_FIXED_FILES. */
    public static final int MAX_FILES = 1 << 20;
    /** An fd value meaning "empty slot" (registration) or "empty this slot" (update). */
    public static final int EMPTY = -1;
    /** IORING_REGISTER_FILES_SKIP: in an update, leave this slot as it is. */
    public static final int SKIP = -2;

    private final Ring ring;
    private final RingState state;
    private final int slots;
    private volatile boolean registered;
    private int allocFirst, allocCount;

    private RegisteredFiles(Ring ring, RingState state, int slots) {
        this.ring = ring;
        this.state = state;
        this.slots = slots;
        this.allocCount = slots; // the kernel defaults the allocation range to the whole table
    }

    /** IORING_REGISTER_FILES: slot {@code i} holds {@code fds[i]} ({@link #EMPTY} leaves it empty). */
    public static RegisteredFiles register(Ring ring, int... fds) throws ErrnoException {
        return register(ring, fds, null, false);
    }

    /**
     * IORING_REGISTER_FILES2 with a tag per slot ({@code tags} may be null): once a tagged file
     * leaves its slot and no request uses it, the kernel posts a CQE with {@code user_data = tag}.
     */
    public static RegisteredFiles register(Ring ring, int[] fds, long[] tags) throws ErrnoException {
        return register(ring, fds, tags, true);
    }

    /** IORING_REGISTER_FILES2 with IORING_RSRC_REGISTER_SPARSE: {@code slots} empty slots for direct descriptors. */
    public static RegisteredFiles registerSparse(Ring ring, int slots) throws ErrnoException {
        checkCount(slots);
        RingState st = RingState.of(ring);
        synchronized (st) {
            refuseSecondTable(st);
            long r = RsrcCalls.register2(ring, RegisterOp.FILES2, slots, RsrcCalls.REGISTER_SPARSE, 0, 0);
            if (r < 0) throw RegistrationException.forFiles((int) -r, "FILES2 sparse slots=" + slots);
            return install(ring, st, slots);
        }
    }

    /** The file table currently registered with {@code ring} through this package, or {@code null}. */
    public static RegisteredFiles of(Ring ring) {
        RingState st = RingState.of(ring);
        synchronized (st) {
            return st.files;
        }
    }

    private static RegisteredFiles register(Ring ring, int[] fds, long[] tags, boolean v2) throws ErrnoException {
        checkCount(fds.length);
        RsrcCalls.checkTags(ring, tags, fds.length, "fds.length", "FILES2");
        for (int i = 0; i < fds.length; i++) {
            checkFd(fds[i], "fd " + i, false);
            if (fds[i] == EMPTY && tags != null && tags[i] != 0)
                throw new IllegalArgumentException("slot " + i + " is empty but has tag=" + tags[i] + " (the kernel answers EINVAL)");
        }
        RingState st = RingState.of(ring);
        synchronized (st) {
            refuseSecondTable(st);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment arr = a.allocateFrom(JAVA_INT, fds);
                long r;
                if (v2) {
                    r = RsrcCalls.register2(ring, RegisterOp.FILES2, fds.length, 0, arr.address(), RsrcCalls.tagsAddress(a, tags));
                } else {
                    r = ring.registerRaw(RegisterOp.FILES, arr.address(), fds.length);
                }
                if (r < 0) throw RegistrationException.forFiles((int) -r, (v2 ? "FILES2" : "FILES") + " count=" + fds.length);
            }
            return install(ring, st, fds.length);
        }
    }

    private static RegisteredFiles install(Ring ring, RingState st, int slots) {
        RegisteredFiles t = new RegisteredFiles(ring, st, slots);
        t.registered = true;
        st.files = t;
        return t;
    }

    private static void checkCount(int n) {
        if (n < 1 || n > MAX_FILES)
            throw new IllegalArgumentException("count=" + n + ": a file table has 1.." + MAX_FILES
                    + " slots (IORING_MAX_FIXED_FILES; the kernel answers EINVAL/EMFILE)");
        long nofile = Sys.softLimit(Sys.RLIMIT_NOFILE);
        if (nofile >= 0 && n > nofile)
            throw new IllegalArgumentException("count=" + n + " exceeds RLIMIT_NOFILE soft limit " + nofile
                    + " (the kernel answers EMFILE); raise it with ulimit -n");
    }

    private static void refuseSecondTable(RingState st) {
        if (st.files != null)
            throw new IllegalStateException("ring fd " + st.ring.fd() + " already has a registered file table of "
                    + st.files.slots + " slots: a ring has one table (the kernel answers EBUSY); unregister it, or "
                    + "change slots with update()");
    }

    private static void checkFd(int fd, String what, boolean update) {
        if (fd == EMPTY || (update && fd == SKIP)) return;
        if (fd < 0)
            throw new IllegalArgumentException(what + "=" + fd + " is not an fd (use " + EMPTY + " for an empty slot"
                    + (update ? ", " + SKIP + " to skip" : "") + ")");
        if (isIoUring(fd))
            throw new IllegalArgumentException(what + "=" + fd + " is an io_uring fd: rings cannot be registered as "
                    + "files (the kernel answers EBADF)");
    }

    private static boolean isIoUring(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString().equals("anon_inode:[io_uring]");
        } catch (IOException | RuntimeException e) {
            return false; // closed or /proc unavailable: the kernel's EBADF will say so
        }
    }

    // ------------------------------------------------------------------ updates

    /**
     * IORING_REGISTER_FILES_UPDATE2 from {@code firstSlot}: each entry an fd, {@link #EMPTY} to
     * empty the slot (its file is closed once no request uses it) or {@link #SKIP}. Returns the
     * number of slots updated.
     */
    public int update(int firstSlot, int... fds) throws ErrnoException {
        return update(firstSlot, fds, null);
    }

    /** As {@link #update(int, int...)}, with tags ({@code null} for none). */
    public int update(int firstSlot, int[] fds, long[] tags) throws ErrnoException {
        checkRegistered();
        int n = fds.length;
        RsrcCalls.checkUpdateRange(firstSlot, n, slots);
        RsrcCalls.checkTags(ring, tags, n, "count", "FILES_UPDATE2");
        for (int i = 0; i < n; i++) {
            checkFd(fds[i], "fd for slot " + (firstSlot + i), true);
            if ((fds[i] == EMPTY || fds[i] == SKIP) && tags != null && tags[i] != 0)
                throw new IllegalArgumentException("slot " + (firstSlot + i) + " gets no file but has tag=" + tags[i]
                        + " (the kernel answers EINVAL)");
        }
        try (Arena a = Arena.ofConfined()) {
            long r = RsrcCalls.update2(ring, RegisterOp.FILES_UPDATE2, firstSlot, a.allocateFrom(JAVA_INT, fds).address(),
                    RsrcCalls.tagsAddress(a, tags), n);
            if (r < 0) throw RegistrationException.forFiles((int) -r, "FILES_UPDATE2 slot=" + firstSlot + " count=" + n);
            return (int) r;
        }
    }

    /**
     * IORING_REGISTER_FILE_ALLOC_RANGE: direct descriptors with IORING_FILE_INDEX_ALLOC are placed in
     * slots {@code first..first+count-1} only (the default is the whole table).
     */
    public void allocRange(int first, int count) throws ErrnoException {
        checkRegistered();
        if (first < 0 || count < 0 || (long) first + count > slots)
            throw new IllegalArgumentException("alloc range first=" + first + " count=" + count + " registered=" + slots
                    + ": it must lie inside the table (the kernel answers EINVAL)");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(FileIndexRange.LAYOUT);
            r.set(JAVA_INT, FileIndexRange.OFF, first);
            r.set(JAVA_INT, FileIndexRange.LEN, count);
            long x = ring.registerRaw(RegisterOp.FILE_ALLOC_RANGE, r.address(), 0);
            if (x < 0) throw RegistrationException.forFiles((int) -x, "FILE_ALLOC_RANGE first=" + first + " count=" + count);
        }
        allocFirst = first;
        allocCount = count;
    }

    public int allocFirst() { return allocFirst; }

    public int allocCount() { return allocCount; }

    // ------------------------------------------------------------------ unregister / close

    /** IORING_UNREGISTER_FILES; refused when not registered (the kernel: ENXIO). */
    public void unregister() throws ErrnoException {
        synchronized (state) {
            if (!registered)
                throw new IllegalStateException("the file table of ring fd " + ring.fd() + " is not registered (already "
                        + "unregistered, or the ring closed): the kernel would answer ENXIO");
            long r = ring.registerRaw(RegisterOp.UNREGISTER_FILES, 0, 0);
            if (r < 0) throw RegistrationException.forFiles((int) -r, "UNREGISTER_FILES");
            registered = false;
            if (state.files == this) state.files = null;
        }
    }

    /** Unregisters if registered and the ring is open; idempotent. */
    @Override
    public void close() {
        synchronized (state) {
            if (!registered) return;
            if (ring.isClosed()) {
                registered = false;
                return;
            }
            try {
                unregister();
            } catch (ErrnoException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    void ringClosed() {
        registered = false;
    }

    private void checkRegistered() {
        if (!registered)
            throw new IllegalStateException("the file table of ring fd " + ring.fd() + " is not registered (unregistered, "
                    + "or the ring closed)");
    }

    // ------------------------------------------------------------------ facts and hot-path check

    public Ring ring() { return ring; }

    public int slots() { return slots; }

    public boolean isRegistered() { return registered; }

    /** Checks that {@code slot} names a slot of this table; allocates nothing unless it throws. */
    public int checkSlot(int slot) {
        if (!registered || slot < 0 || slot >= slots) throw slotError(slot);
        return slot;
    }

    private RuntimeException slotError(int slot) {
        if (!registered)
            return new IllegalStateException("the file table of ring fd " + ring.fd() + " is no longer registered");
        return new IllegalArgumentException("file index=" + slot + " registered=" + slots + " (valid 0.." + (slots - 1)
                + "; the kernel fails the request with EBADF)");
    }

    @Override
    public String toString() {
        return "RegisteredFiles[ring fd=" + ring.fd() + ", slots=" + slots + (registered ? "" : ", unregistered") + "]";
    }
}
