package io.uring4j.uffd;

import io.uring4j.sys.Uffd;

/** Mode bits for the resolving ioctls of {@link Userfaultfd} (the kernel's per-ioctl {@code mode} field). */
public final class UffdMode {
    private UffdMode() {}

    /** COPY, ZEROPAGE, MOVE, CONTINUE, POISON: resolve without waking the faulting threads (wake later, once, with WAKE). */
    public static final long DONTWAKE = Uffd.COPY_MODE_DONTWAKE;
    /** COPY: map the page write-protected (needs WP registration). */
    public static final long COPY_WRITE_PROTECT = Uffd.COPY_MODE_WP;
    /** CONTINUE: map the page write-protected. */
    public static final long CONTINUE_WRITE_PROTECT = Uffd.CONTINUE_MODE_WP;
    /** MOVE: skip source holes instead of failing with ENOENT. */
    public static final long MOVE_ALLOW_SRC_HOLES = Uffd.MOVE_MODE_ALLOW_SRC_HOLES;
}
