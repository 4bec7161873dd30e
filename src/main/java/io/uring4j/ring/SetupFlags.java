package io.uring4j.ring;

/** {@code IORING_SETUP_*} bits for {@code io_uring_params.flags}. */
public final class SetupFlags {
    private SetupFlags() {}

    public static final int IOPOLL = 1, SQPOLL = 1 << 1, SQ_AFF = 1 << 2, CQSIZE = 1 << 3, CLAMP = 1 << 4,
            ATTACH_WQ = 1 << 5, R_DISABLED = 1 << 6, SUBMIT_ALL = 1 << 7, COOP_TASKRUN = 1 << 8,
            TASKRUN_FLAG = 1 << 9, SQE128 = 1 << 10, CQE32 = 1 << 11, SINGLE_ISSUER = 1 << 12,
            DEFER_TASKRUN = 1 << 13, NO_MMAP = 1 << 14, REGISTERED_FD_ONLY = 1 << 15, NO_SQARRAY = 1 << 16,
            HYBRID_IOPOLL = 1 << 17, CQE_MIXED = 1 << 18;

    /** Bits this library knows; a kernel returns EINVAL for anything else. */
    public static final int KNOWN = (1 << 19) - 1;

    private static final String[] NAMES = {"IOPOLL", "SQPOLL", "SQ_AFF", "CQSIZE", "CLAMP", "ATTACH_WQ",
            "R_DISABLED", "SUBMIT_ALL", "COOP_TASKRUN", "TASKRUN_FLAG", "SQE128", "CQE32", "SINGLE_ISSUER",
            "DEFER_TASKRUN", "NO_MMAP", "REGISTERED_FD_ONLY", "NO_SQARRAY", "HYBRID_IOPOLL", "CQE_MIXED"};

    public static String names(int flags) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            if ((flags & (1 << i)) == 0) continue;
            if (!sb.isEmpty()) sb.append('|');
            sb.append(i < NAMES.length ? NAMES[i] : "BIT_" + i);
        }
        return sb.isEmpty() ? "0" : sb.toString();
    }
}
