package io.uring4j.ring;

/**
 * {@code IORING_URING_CMD_*} ({@code sqe->uring_cmd_flags}) and the rules the kernel applies to them
 * in {@code io_uring_cmd_prep}. {@link #check} enforces the same rules before anything reaches the
 * kernel, with a message naming the rule; the preps in {@link Sqe} call it.
 */
public final class UringCmdFlags {
    private UringCmdFlags() {}

    /** The command uses a registered buffer, {@code sqe->buf_index}. */
    public static final int FIXED = 1;
    /**
     * The command stays armed and posts one CQE per buffer it fills from a provided-buffer group
     * (6.18). liburing's header never defined it. Only through {@link Sqe#prepUringCmdMultishot}
     * with a {@link MultishotCmdTarget}: see that class for why.
     */
    public static final int MULTISHOT = 2;
    /** Flags this library knows; the kernel's IORING_URING_CMD_MASK on 6.18. */
    public static final int KNOWN = FIXED | MULTISHOT;
    /** The top 8 bits are the kernel's own (IORING_URING_CMD_CANCELABLE 1<<30, REISSUE 1<<31). */
    public static final int KERNEL_RESERVED = 0xff00_0000;

    /**
     * Throws {@link IllegalArgumentException} if the kernel would refuse this combination of
     * {@code uring_cmd_flags} and IOSQE flags with EINVAL. Checked in the kernel's order.
     */
    public static void check(int uringCmdFlags, int sqeFlags) {
        String why = violation(uringCmdFlags, sqeFlags);
        if (why != null) throw new IllegalArgumentException(why);
    }

    /** The rule {@code (uringCmdFlags, sqeFlags)} breaks, or null when the kernel accepts it. */
    public static String violation(int uringCmdFlags, int sqeFlags) {
        int f = uringCmdFlags;
        if ((f & KERNEL_RESERVED) != 0)
            return "uring_cmd_flags=0x" + Integer.toHexString(f) + " sets 0x" + Integer.toHexString(f & KERNEL_RESERVED)
                    + " in the top 8 bits, which the kernel reserves for its own use (the kernel answers EINVAL)";
        if ((f & ~KNOWN) != 0)
            return "uring_cmd_flags=0x" + Integer.toHexString(f) + " has unknown bits 0x" + Integer.toHexString(f & ~KNOWN)
                    + "; known: FIXED=0x1, MULTISHOT=0x2 (the kernel answers EINVAL)";
        boolean multishot = (f & MULTISHOT) != 0, fixed = (f & FIXED) != 0;
        boolean select = (sqeFlags & SqeFlags.BUFFER_SELECT) != 0;
        if (multishot && fixed)
            return "uring_cmd MULTISHOT and FIXED are mutually exclusive: a multishot command takes its buffers from a "
                    + "provided-buffer group, not from a registered buffer (the kernel answers EINVAL)";
        if (multishot && !select)
            return "uring_cmd MULTISHOT requires buffer select (IOSQE_BUFFER_SELECT with a buffer group) "
                    + "(the kernel answers EINVAL)";
        if (select && !multishot)
            return "buffer select (IOSQE_BUFFER_SELECT) on a uring_cmd requires MULTISHOT (the kernel answers EINVAL)";
        return null;
    }

    public static String names(int flags) {
        StringBuilder sb = new StringBuilder();
        if ((flags & FIXED) != 0) sb.append("FIXED|");
        if ((flags & MULTISHOT) != 0) sb.append("MULTISHOT|");
        int rest = flags & ~KNOWN;
        if (rest != 0) sb.append("0x").append(Integer.toHexString(rest)).append('|');
        return sb.isEmpty() ? "0" : sb.substring(0, sb.length() - 1);
    }
}
