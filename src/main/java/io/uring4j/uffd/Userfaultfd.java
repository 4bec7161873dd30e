package io.uring4j.uffd;

import io.uring4j.ErrnoException;
import io.uring4j.FeatureUnavailableException;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import io.uring4j.sys.Uffd;
import io.uring4j.sys.UffdMsg;
import io.uring4j.sys.UffdioApi;
import io.uring4j.sys.UffdioContinue;
import io.uring4j.sys.UffdioCopy;
import io.uring4j.sys.UffdioPoison;
import io.uring4j.sys.UffdioRange;
import io.uring4j.sys.UffdioRegister;
import io.uring4j.sys.UffdioWriteprotect;
import io.uring4j.sys.UffdioZeropage;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.LongUnaryOperator;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A userfaultfd: page faults on memory registered with it are delivered as {@link UffdEvent}s,
 * and the ioctls here resolve them.
 *
 * <h2>Results of the resolving ioctls</h2>
 * {@link #copy}, {@link #zeropage}, {@link #move}, {@link #continueRange} and {@link #poison}
 * return, like liburing, a plain {@code long} instead of throwing, because a fault handler meets
 * the "errors" as ordinary outcomes:
 * <ul>
 * <li>{@code == length}: done.</li>
 * <li>{@code 0 < r < length}: partial. The kernel stopped after {@code r} bytes and said EAGAIN
 *     (typically the next page already existed, or a signal arrived); continue at {@code +r}.</li>
 * <li>{@code -EEXIST}: the first page is already there (another fault resolved it): WAKE it.</li>
 * <li>{@code -EAGAIN}: nothing done because a non-cooperative event (REMAP/REMOVE/UNMAP) is
 *     pending unread: read events, then retry.</li>
 * <li>{@code -ENOENT}: no VMA there any more (or a MOVE source hole); {@code -ESRCH}: the target
 *     process has gone; {@code -EBUSY}: the range belongs to another uffd; others are bugs.</li>
 * </ul>
 *
 * <h2>The JVM rule</h2>
 * A Java thread that touches registered memory with a plain {@link MemorySegment} access blocks
 * in the kernel while the JVM believes it is running Java code; a safepoint (GC) then waits for
 * it forever while the handler waits for the safepoint: a deadlock only SIGKILL ends. Touch
 * registered memory only through native code (a downcall: the thread is then in native state),
 * e.g. via {@link LazyRegion}, which does this for you.
 */
public final class Userfaultfd implements AutoCloseable {

    /** How the fd is created. */
    public enum CreateMethod {
        /** userfaultfd(2) first, then /dev/userfaultfd, then (if allowed) USER_MODE_ONLY. */
        AUTO,
        /** userfaultfd(2) only. */
        SYSCALL,
        /** {@code ioctl(open("/dev/userfaultfd"), USERFAULTFD_IOC_NEW, flags)} (5.11+), access by file permission. */
        DEVICE
    }

    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(64, 8));
    private static volatile long probedAvailable = -1;

    private final OwnedFd fd;
    private final boolean nonBlocking;
    private final boolean userModeOnly;
    private long enabledFeatures;
    private long availableFeatures;
    private long apiIoctls;
    private boolean handshaken;

    private Userfaultfd(int fd, boolean nonBlocking, boolean userModeOnly) {
        this.fd = new OwnedFd(fd);
        this.nonBlocking = nonBlocking;
        this.userModeOnly = userModeOnly;
    }

    public static Builder builder() { return new Builder(); }

    /** A blocking, close-on-exec uffd with the handshake done: {@code required} must exist, {@code optional} are taken if available. */
    public static Userfaultfd open(Set<UffdFeature> required, Set<UffdFeature> optional) throws ErrnoException {
        return builder().require(required).request(optional).open();
    }

    /**
     * Takes ownership of a uffd the kernel handed over (a {@link UffdEvent.Fork}'s {@code childUffd});
     * it inherits the parent's features, so no handshake is needed or allowed.
     */
    public static Userfaultfd adopt(int fd, Set<UffdFeature> features) {
        Userfaultfd u = new Userfaultfd(fd, false, false);
        u.handshaken = true;
        u.enabledFeatures = UffdFeature.toMask(features);
        return u;
    }

    /** Options for creating the fd and doing the handshake. */
    public static final class Builder {
        private boolean nonBlocking, userModeOnly, fallbackToUserModeOnly = true;
        private CreateMethod method = CreateMethod.AUTO;
        private final EnumSet<UffdFeature> required = EnumSet.noneOf(UffdFeature.class);
        private final EnumSet<UffdFeature> optional = EnumSet.noneOf(UffdFeature.class);

        /** O_NONBLOCK: read returns EAGAIN when empty; needed for poll (a blocking uffd polls POLLERR). */
        public Builder nonBlocking(boolean on) { nonBlocking = on; return this; }
        /** Ask for UFFD_USER_MODE_ONLY outright: kernel-mode accesses (read(2) into the range, madvise populate) then fail with EFAULT. */
        public Builder userModeOnly(boolean on) { userModeOnly = on; return this; }
        /** When a full uffd is not permitted (EPERM/EACCES), fall back to USER_MODE_ONLY (default true). */
        public Builder fallbackToUserModeOnly(boolean on) { fallbackToUserModeOnly = on; return this; }
        public Builder method(CreateMethod m) { method = m; return this; }
        public Builder require(UffdFeature... f) { Collections.addAll(required, f); return this; }
        public Builder require(Set<UffdFeature> f) { required.addAll(f); return this; }
        public Builder request(UffdFeature... f) { Collections.addAll(optional, f); return this; }
        public Builder request(Set<UffdFeature> f) { optional.addAll(f); return this; }

        /** Creates the fd without the handshake (for callers that do {@link #api} themselves). */
        public Userfaultfd create() throws ErrnoException {
            return Userfaultfd.create(method, nonBlocking, userModeOnly, fallbackToUserModeOnly);
        }

        /** Creates the fd and completes the handshake. */
        public Userfaultfd open() throws ErrnoException {
            Userfaultfd u = create();
            try {
                u.handshake(required, optional);
                return u;
            } catch (ErrnoException | RuntimeException e) {
                u.close();
                throw e;
            }
        }
    }

    private static Userfaultfd create(CreateMethod method, boolean nonBlocking, boolean userModeOnly,
                                      boolean fallback) throws ErrnoException {
        int flags = Sys.O_CLOEXEC | (nonBlocking ? Sys.O_NONBLOCK : 0) | (userModeOnly ? Uffd.UFFD_USER_MODE_ONLY : 0);
        int r = switch (method) {
            case SYSCALL, AUTO -> Sys.userfaultfd(flags);
            case DEVICE -> viaDevice(flags);
        };
        if (r == -Errno.ENOSYS) throw new FeatureUnavailableException("userfaultfd", "4.3", Errno.ENOSYS, "userfaultfd");
        if (r < 0 && method == CreateMethod.AUTO && !userModeOnly && (r == -Errno.EPERM || r == -Errno.EACCES)) {
            int d = viaDevice(flags);
            if (d >= 0) return new Userfaultfd(d, nonBlocking, false);
        }
        if (r < 0 && fallback && !userModeOnly && (r == -Errno.EPERM || r == -Errno.EACCES)) {
            int u = method == CreateMethod.DEVICE ? viaDevice(flags | Uffd.UFFD_USER_MODE_ONLY)
                    : Sys.userfaultfd(flags | Uffd.UFFD_USER_MODE_ONLY);
            if (u >= 0) return new Userfaultfd(u, nonBlocking, true);
        }
        if (r < 0) {
            throw new ErrnoException(r, method == CreateMethod.DEVICE ? "ioctl" : "userfaultfd", "create",
                    r == -Errno.EPERM || r == -Errno.EACCES
                            ? "a full userfaultfd needs CAP_SYS_PTRACE, vm.unprivileged_userfaultfd=1 or access to /dev/userfaultfd"
                            + (fallback ? "" : "; USER_MODE_ONLY fallback was disabled")
                            : null);
        }
        return new Userfaultfd(r, nonBlocking, userModeOnly);
    }

    private static int viaDevice(int flags) {
        int dev = Sys.open("/dev/userfaultfd", Sys.O_RDWR | Sys.O_CLOEXEC, 0);
        if (dev < 0) return dev;
        try {
            return Sys.ioctl(dev, Uffd.USERFAULTFD_IOC_NEW, flags);
        } finally {
            Sys.close(dev);
        }
    }

    /**
     * The features this kernel offers, from a throwaway uffd's handshake with no features (a
     * uffd allows exactly one UFFDIO_API call, so the real one cannot ask first). Cached.
     */
    public static long availableFeatureMask() throws ErrnoException {
        long m = probedAvailable;
        if (m < 0) {
            try (Userfaultfd probe = create(CreateMethod.AUTO, false, false, true)) {
                m = probe.api(0);
            }
            probedAvailable = m;
        }
        return m;
    }

    public static EnumSet<UffdFeature> availableFeatures() throws ErrnoException {
        return UffdFeature.fromMask(availableFeatureMask());
    }

    /**
     * The raw UFFDIO_API call: enables exactly {@code features}, returns the features the kernel
     * offers. EINVAL for a second call, an unknown or unavailable bit.
     */
    public long api(long features) throws ErrnoException {
        return api(Uffd.UFFD_API, features);
    }

    /** UFFDIO_API with an explicit api number (only 0xAA is valid; exposed to test the kernel's check). */
    public long api(long apiVersion, long features) throws ErrnoException {
        MemorySegment a = scratch();
        a.set(JAVA_LONG, UffdioApi.API, apiVersion);
        a.set(JAVA_LONG, UffdioApi.FEATURES, features);
        a.set(JAVA_LONG, UffdioApi.IOCTLS, 0);
        ErrnoException.check(Sys.ioctl(fd(), Uffd.UFFDIO_API, a), "ioctl", "UFFDIO_API features=0x" + Long.toHexString(features));
        availableFeatures = a.get(JAVA_LONG, UffdioApi.FEATURES);
        apiIoctls = a.get(JAVA_LONG, UffdioApi.IOCTLS);
        enabledFeatures = features;
        handshaken = true;
        return availableFeatures;
    }

    /**
     * The handshake: fails with a {@link FeatureUnavailableException} naming every missing required
     * feature; optional ones are enabled when available.
     */
    public void handshake(Set<UffdFeature> required, Set<UffdFeature> optional) throws ErrnoException {
        long avail = availableFeatureMask();
        checkRequired(UffdFeature.toMask(required), avail);
        api(UffdFeature.toMask(required) | (UffdFeature.toMask(optional) & avail));
    }

    /** Throws naming the features of {@code required} absent from {@code available}. */
    static void checkRequired(long required, long available) throws FeatureUnavailableException {
        long missing = required & ~available;
        if (missing == 0) return;
        StringJoiner names = new StringJoiner(", ");
        String since = "0";
        for (UffdFeature f : UffdFeature.fromMask(missing)) {
            names.add(f.kernelName());
            if (compareVersions(f.sinceKernel(), since) > 0) since = f.sinceKernel();
        }
        throw new FeatureUnavailableException(names.toString(), since, Errno.EINVAL, "ioctl(UFFDIO_API)");
    }

    private static int compareVersions(String a, String b) {
        String[] x = a.split("\\."), y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
            if (c != 0) return c;
        }
        return 0;
    }

    /** The features enabled by the handshake. */
    public EnumSet<UffdFeature> features() { return UffdFeature.fromMask(enabledFeatures); }

    public boolean hasFeature(UffdFeature f) { return (enabledFeatures & f.mask()) != 0; }

    /** The features the kernel reported in the handshake. */
    public EnumSet<UffdFeature> offeredFeatures() { return UffdFeature.fromMask(availableFeatures); }

    /** The ioctls the handshake reported as usable on this fd. */
    public EnumSet<UffdIoctl> apiIoctls() { return UffdIoctl.fromMask(apiIoctls); }

    public boolean isHandshaken() { return handshaken; }

    /** True when created with UFFD_USER_MODE_ONLY: kernel-mode accesses to registered memory fail with EFAULT. */
    public boolean isUserModeOnly() { return userModeOnly; }

    public boolean isNonBlocking() { return nonBlocking; }

    /** The raw fd, for poll sets and io_uring; owned by this object. */
    public int fd() {
        int f = fd.get();
        if (f < 0) throw new IllegalStateException("userfaultfd is closed");
        return f;
    }

    // ---------------------------------------------------------------- register

    /** Registers {@code range} (page-aligned native memory) and returns the ioctls the kernel allows on it. */
    public EnumSet<UffdIoctl> register(MemorySegment range, Set<RegisterMode> modes) throws ErrnoException {
        checkRange(range, "register");
        if (modes.isEmpty()) throw new IllegalArgumentException("register needs at least one RegisterMode");
        return UffdIoctl.fromMask(registerAt(range.address(), range.byteSize(), RegisterMode.toMask(modes)));
    }

    public EnumSet<UffdIoctl> register(MemorySegment range, RegisterMode mode, RegisterMode... more) throws ErrnoException {
        EnumSet<RegisterMode> m = EnumSet.of(mode, more);
        return register(range, m);
    }

    long registerAt(long start, long len, long mode) throws ErrnoException {
        MemorySegment a = rangeArg(UffdioRegister.RANGE, start, len, UffdioRegister.MODE, mode, UffdioRegister.IOCTLS);
        ErrnoException.check(Sys.ioctl(fd(), Uffd.UFFDIO_REGISTER, a), "ioctl", "UFFDIO_REGISTER mode=" + mode);
        return a.get(JAVA_LONG, UffdioRegister.IOCTLS);
    }

    /** Unregisters (and wakes any thread still waiting on a fault there). Do this before unmapping. */
    public void unregister(MemorySegment range) throws ErrnoException {
        checkRange(range, "unregister");
        ErrnoException.check(rangeIoctl(Uffd.UFFDIO_UNREGISTER, range.address(), range.byteSize()), "ioctl", "UFFDIO_UNREGISTER");
    }

    int unregisterAt(long start, long len) {
        return rangeIoctl(Uffd.UFFDIO_UNREGISTER, start, len);
    }

    // ---------------------------------------------------------------- resolving ioctls

    /** UFFDIO_COPY of {@code dst.byteSize()} bytes from {@code src}; result as described in the class comment. */
    public long copy(MemorySegment dst, MemorySegment src, long mode) {
        checkCopyArgs(dst, src);
        return copyAt(dst.address(), src.address(), dst.byteSize(), mode);
    }

    long copyAt(long dst, long src, long len, long mode) {
        return srcDstIoctl(Uffd.UFFDIO_COPY, dst, src, len, mode);
    }

    private static void checkCopyArgs(MemorySegment dst, MemorySegment src) {
        checkRange(dst, "copy dst");
        checkNative(src, "copy src");
        checkSrcCoversDst("copy", dst, src);
    }

    private static void checkSrcCoversDst(String op, MemorySegment dst, MemorySegment src) {
        if (src.byteSize() < dst.byteSize())
            throw new IllegalArgumentException(op + " src smaller than dst: src=" + src.byteSize() + " dst=" + dst.byteSize());
    }

    /**
     * COPY of the whole of {@code dst}, continuing across partial copies and skipping pages that
     * already exist (EEXIST), until done or a real error. With {@link UffdMode#DONTWAKE} the caller
     * wakes once afterwards; without it each piece wakes its own waiters.
     */
    public CopyResult copyAll(MemorySegment dst, MemorySegment src, long mode) {
        checkCopyArgs(dst, src);
        return copyAllAt(dst.address(), src.address(), dst.byteSize(), mode);
    }

    CopyResult copyAllAt(long dst, long src, long len, long mode) {
        return untilDone(len, done -> copyAt(dst + done, src + done, len - done, mode));
    }

    /** ZEROPAGE of [start, start+len) with copyAll's continuation rules (partial: go on; EEXIST: skip a page). */
    CopyResult zeropageAllAt(long start, long len, long mode) {
        return untilDone(len, done -> zeropageAt(start + done, len - done, mode));
    }

    /** Repeats {@code step(bytesDoneSoFar)} until {@code len} bytes are processed or a real error. */
    private static CopyResult untilDone(long len, LongUnaryOperator step) {
        long done = 0, copied = 0;
        int existing = 0, calls = 0;
        while (done < len) {
            long r = step.applyAsLong(done);
            calls++;
            if (r > 0) {
                copied += r;
                done += r;
            } else if (r == -Errno.EEXIST) {
                existing++;
                done += Sys.PAGE_SIZE;
            } else {
                return new CopyResult(copied, existing, calls, (int) r, done);
            }
        }
        return new CopyResult(copied, existing, calls, 0, done);
    }

    /** UFFDIO_ZEROPAGE: maps zero pages (anon: the shared zero page; writes then COW). */
    public long zeropage(MemorySegment range, long mode) {
        checkRange(range, "zeropage");
        return zeropageAt(range.address(), range.byteSize(), mode);
    }

    long zeropageAt(long start, long len, long mode) {
        return rangeResolve(Uffd.UFFDIO_ZEROPAGE, UffdioZeropage.RANGE, start, len, UffdioZeropage.MODE, mode, UffdioZeropage.ZEROPAGE);
    }

    /**
     * UFFDIO_MOVE (needs {@link UffdFeature#MOVE}): moves the pages of {@code src} (private anon,
     * not shared with a child) to {@code dst} without copying; {@code src} is left empty. A hole
     * in {@code src} fails with ENOENT unless {@link UffdMode#MOVE_ALLOW_SRC_HOLES}.
     */
    public long move(MemorySegment dst, MemorySegment src, long mode) {
        checkRange(dst, "move dst");
        checkRange(src, "move src");
        checkSrcCoversDst("move", dst, src);
        return srcDstIoctl(Uffd.UFFDIO_MOVE, dst.address(), src.address(), dst.byteSize(), mode);
    }

    /** UFFDIO_CONTINUE: maps the page-cache pages behind MINOR faults in {@code range}. */
    public long continueRange(MemorySegment range, long mode) {
        checkRange(range, "continue");
        return continueAt(range.address(), range.byteSize(), mode);
    }

    long continueAt(long start, long len, long mode) {
        return rangeResolve(Uffd.UFFDIO_CONTINUE, UffdioContinue.RANGE, start, len, UffdioContinue.MODE, mode, UffdioContinue.MAPPED);
    }

    /**
     * UFFDIO_POISON (needs {@link UffdFeature#POISON}): installs poison markers, so the faulting
     * access fails instead of seeing data: user-mode accesses get SIGBUS, kernel accesses EFAULT,
     * madvise(POPULATE) EHWPOISON. The honest answer for a page whose contents cannot be supplied.
     */
    public long poison(MemorySegment range, long mode) {
        checkRange(range, "poison");
        return poisonAt(range.address(), range.byteSize(), mode);
    }

    long poisonAt(long start, long len, long mode) {
        return rangeResolve(Uffd.UFFDIO_POISON, UffdioPoison.RANGE, start, len, UffdioPoison.MODE, mode, UffdioPoison.UPDATED);
    }

    /**
     * UFFDIO_WRITEPROTECT: {@code protect} sets write protection on {@code range} (needs WP
     * registration), clearing it resolves WP faults and wakes the writers unless {@code dontWake}.
     * Returns 0 or -errno.
     */
    public int writeProtect(MemorySegment range, boolean protect, boolean dontWake) {
        checkRange(range, "writeprotect");
        return writeProtectAt(range.address(), range.byteSize(), protect, dontWake);
    }

    int writeProtectAt(long start, long len, boolean protect, boolean dontWake) {
        long mode = (protect ? Uffd.WRITEPROTECT_MODE_WP : 0) | (dontWake ? Uffd.WRITEPROTECT_MODE_DONTWAKE : 0);
        return Sys.ioctl(fd(), Uffd.UFFDIO_WRITEPROTECT, rangeArg(UffdioWriteprotect.RANGE, start, len, UffdioWriteprotect.MODE, mode, -1));
    }

    /** UFFDIO_WAKE: wakes threads waiting on faults in {@code range} (after DONTWAKE resolutions). 0 or -errno. */
    public int wake(MemorySegment range) {
        checkRange(range, "wake");
        return wakeAt(range.address(), range.byteSize());
    }

    int wakeAt(long start, long len) {
        return rangeIoctl(Uffd.UFFDIO_WAKE, start, len);
    }

    private int rangeIoctl(long request, long start, long len) {
        return Sys.ioctl(fd(), request, rangeArg(0, start, len, -1, 0, -1));
    }

    /**
     * Fills the scratch argument of the range-based ioctls: a {@code uffdio_range} at
     * {@code rangeOffset}, then (offsets >= 0 only) the mode and a zeroed out field.
     */
    private static MemorySegment rangeArg(long rangeOffset, long start, long len, long modeOffset, long mode, long outOffset) {
        MemorySegment a = scratch();
        a.set(JAVA_LONG, rangeOffset + UffdioRange.START, start);
        a.set(JAVA_LONG, rangeOffset + UffdioRange.LEN, len);
        if (modeOffset >= 0) a.set(JAVA_LONG, modeOffset, mode);
        if (outOffset >= 0) a.set(JAVA_LONG, outOffset, 0);
        return a;
    }

    /** ZEROPAGE, CONTINUE, POISON: {range, mode, out}, folded by {@link #outcome}. */
    private long rangeResolve(long request, long rangeOffset, long start, long len, long modeOffset, long mode, long outOffset) {
        MemorySegment a = rangeArg(rangeOffset, start, len, modeOffset, mode, outOffset);
        return outcome(Sys.ioctl(fd(), request, a), a.get(JAVA_LONG, outOffset));
    }

    /**
     * COPY and MOVE: {dst, src, len, mode, out}. {@code uffdio_move} has exactly
     * {@code uffdio_copy}'s layout (UserfaultfdApiTest checks it), so COPY's offsets serve both.
     */
    private long srcDstIoctl(long request, long dst, long src, long len, long mode) {
        MemorySegment a = scratch();
        a.set(JAVA_LONG, UffdioCopy.DST, dst);
        a.set(JAVA_LONG, UffdioCopy.SRC, src);
        a.set(JAVA_LONG, UffdioCopy.LEN, len);
        a.set(JAVA_LONG, UffdioCopy.MODE, mode);
        a.set(JAVA_LONG, UffdioCopy.COPY, 0);
        return outcome(Sys.ioctl(fd(), request, a), a.get(JAVA_LONG, UffdioCopy.COPY));
    }

    /**
     * Folds the ioctl's return and the struct's out field into one value. The kernel reports a
     * partial operation as ioctl EAGAIN with the bytes done (> 0) in the out field, a complete one
     * as 0 with the length there, and a failure as -errno in both (or only in the return when it
     * rejected the arguments before writing the field).
     */
    private static long outcome(int ioctlResult, long outField) {
        if (ioctlResult == 0) return outField;
        if (outField > 0) return outField;
        return ioctlResult;
    }

    // ---------------------------------------------------------------- events

    /**
     * One read(2) into {@code buf}: returns the number of whole 32-byte messages read, or -errno
     * (EAGAIN: nothing pending on a non-blocking fd; EINTR: a signal; EINVAL: buffer under 32
     * bytes or no handshake yet). Blocks (in native state) for the first message only.
     */
    public int read(MemorySegment buf) {
        checkNative(buf, "read buffer");
        return readAt(buf, buf.byteSize());
    }

    /** read(2) of exactly {@code len} bytes of {@code buf} (lets a caller pass a length the kernel must reject). */
    public int read(MemorySegment buf, long len) {
        checkNative(buf, "read buffer");
        if (len > buf.byteSize()) throw new IllegalArgumentException("len=" + len + " buffer=" + buf.byteSize());
        return readAt(buf, len);
    }

    private int readAt(MemorySegment buf, long len) {
        long r = Sys.read(fd(), buf, len);
        return r < 0 ? (int) r : (int) (r / UffdMsg.SIZE);
    }

    /** Decodes message {@code index} of a buffer filled by {@link #read}. */
    public static UffdEvent decode(MemorySegment buf, int index) {
        return UffdEvent.decode(buf, index * UffdMsg.SIZE);
    }

    /**
     * Reads up to {@code max} events (blocking for the first on a blocking fd; an empty list when
     * none are pending on a non-blocking one). EINTR is retried.
     */
    public List<UffdEvent> readEvents(int max) throws ErrnoException {
        if (max < 1) throw new IllegalArgumentException("max=" + max + " must be >= 1");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(max * UffdMsg.SIZE, 8);
            int n;
            do {
                n = read(buf);
            } while (n == -Errno.EINTR);
            if (n == -Errno.EAGAIN) return List.of();
            ErrnoException.check(n, "read", "userfaultfd events");
            List<UffdEvent> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(decode(buf, i));
            return out;
        }
    }

    /**
     * poll(2) for readability: returns the revents bits (0 on timeout) or -errno. A blocking
     * uffd reports POLLERR: polling needs {@link Builder#nonBlocking}.
     */
    public int poll(int timeoutMillis) {
        MemorySegment p = scratch();
        p.set(JAVA_INT, 0, fd());
        p.set(JAVA_SHORT, 4, (short) Sys.POLLIN);
        p.set(JAVA_SHORT, 6, (short) 0);
        int r = Sys.poll(p, 1, timeoutMillis);
        return r <= 0 ? r : p.get(JAVA_SHORT, 6) & 0xFFFF;
    }

    // ---------------------------------------------------------------- checks and lifecycle

    static void checkNative(MemorySegment s, String what) {
        if (!s.isNative()) throw new IllegalArgumentException(what + ": heap segments cannot be used with userfaultfd (native memory only)");
    }

    static void checkRange(MemorySegment s, String what) {
        checkNative(s, what);
        long ps = Sys.PAGE_SIZE;
        if ((s.address() % ps) != 0 || (s.byteSize() % ps) != 0 || s.byteSize() == 0)
            throw new IllegalArgumentException(what + ": range must be page-aligned and non-empty: address=0x"
                    + Long.toHexString(s.address()) + " length=" + s.byteSize() + " pageSize=" + ps);
    }

    private static MemorySegment scratch() {
        return SCRATCH.get();
    }

    /** Closes the fd. Threads still waiting on faults are woken and retry them without the uffd. */
    @Override
    public void close() {
        fd.close();
    }

    public boolean isOpen() { return fd.isOpen(); }

    @Override
    public String toString() {
        return "Userfaultfd[fd=" + fd + (userModeOnly ? ", user-mode-only" : "") + ", features=" + features() + "]";
    }
}
