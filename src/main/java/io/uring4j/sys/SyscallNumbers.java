package io.uring4j.sys;

/** System call numbers, per architecture, in one place. */
public final class SyscallNumbers {
    private SyscallNumbers() {}

    private static final boolean AARCH64 = switch (System.getProperty("os.arch")) {
        case "aarch64", "arm64" -> true;
        case "amd64", "x86_64" -> false;
        default -> throw new ExceptionInInitializerError(
                "uring4j supports Linux on x86_64 and aarch64, not " + System.getProperty("os.arch"));
    };

    // io_uring sits in the generic syscall table, identical on both architectures.
    public static final long IO_URING_SETUP = 425;
    public static final long IO_URING_ENTER = 426;
    public static final long IO_URING_REGISTER = 427;
    public static final long USERFAULTFD = AARCH64 ? 282 : 323;
    public static final long GETTID = AARCH64 ? 178 : 186;
    public static final long MEMFD_CREATE = AARCH64 ? 279 : 319;
    public static final long STATX = AARCH64 ? 291 : 332;
    public static final long PREADV2 = AARCH64 ? 286 : 327;
    public static final long GETPID = AARCH64 ? 172 : 39;
    public static final long TGKILL = AARCH64 ? 131 : 234;
    public static final long CAPGET = AARCH64 ? 90 : 125;
    public static final long CAPSET = AARCH64 ? 91 : 126;
    public static final long PRCTL = AARCH64 ? 167 : 157;
}
