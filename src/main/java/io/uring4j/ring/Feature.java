package io.uring4j.ring;

/** {@code IORING_FEAT_*}: what the kernel reported in {@code io_uring_params.features}. */
public enum Feature {
    SINGLE_MMAP, NODROP, SUBMIT_STABLE, RW_CUR_POS, CUR_PERSONALITY, FAST_POLL, POLL_32BITS, SQPOLL_NONFIXED,
    EXT_ARG, NATIVE_WORKERS, RSRC_TAGS, CQE_SKIP, LINKED_FILE, REG_REG_RING, RECVSEND_BUNDLE, MIN_TIMEOUT,
    RW_ATTR, NO_IOWAIT;

    public int bit() { return 1 << ordinal(); }

    public boolean in(int features) { return (features & bit()) != 0; }

    /** The names of all known bits set in {@code features}; unknown bits as {@code BIT_n}. */
    public static java.util.List<String> names(int features) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < 32; i++) {
            if ((features & (1 << i)) == 0) continue;
            out.add(i < values().length ? values()[i].name() : "BIT_" + i);
        }
        return out;
    }
}
