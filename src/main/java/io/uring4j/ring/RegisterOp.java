package io.uring4j.ring;

/** {@code IORING_REGISTER_*} opcodes for {@code io_uring_register(2)}. */
public final class RegisterOp {
    private RegisterOp() {}

    public static final int BUFFERS = 0, UNREGISTER_BUFFERS = 1, FILES = 2, UNREGISTER_FILES = 3, EVENTFD = 4,
            UNREGISTER_EVENTFD = 5, FILES_UPDATE = 6, EVENTFD_ASYNC = 7, PROBE = 8, PERSONALITY = 9,
            UNREGISTER_PERSONALITY = 10, RESTRICTIONS = 11, ENABLE_RINGS = 12, FILES2 = 13, FILES_UPDATE2 = 14,
            BUFFERS2 = 15, BUFFERS_UPDATE = 16, IOWQ_AFF = 17, UNREGISTER_IOWQ_AFF = 18, IOWQ_MAX_WORKERS = 19,
            RING_FDS = 20, UNREGISTER_RING_FDS = 21, PBUF_RING = 22, UNREGISTER_PBUF_RING = 23, SYNC_CANCEL = 24,
            FILE_ALLOC_RANGE = 25, PBUF_STATUS = 26, NAPI = 27, UNREGISTER_NAPI = 28, CLOCK = 29,
            CLONE_BUFFERS = 30, SEND_MSG_RING = 31, ZCRX_IFQ = 32, RESIZE_RINGS = 33, MEM_REGION = 34, QUERY = 35;
    /** OR into the opcode when the ring fd passed is a registered-ring index. */
    public static final int USE_REGISTERED_RING = 1 << 31;

    private static final String[] NAMES = {"BUFFERS", "UNREGISTER_BUFFERS", "FILES", "UNREGISTER_FILES",
            "EVENTFD", "UNREGISTER_EVENTFD", "FILES_UPDATE", "EVENTFD_ASYNC", "PROBE", "PERSONALITY",
            "UNREGISTER_PERSONALITY", "RESTRICTIONS", "ENABLE_RINGS", "FILES2", "FILES_UPDATE2", "BUFFERS2",
            "BUFFERS_UPDATE", "IOWQ_AFF", "UNREGISTER_IOWQ_AFF", "IOWQ_MAX_WORKERS", "RING_FDS",
            "UNREGISTER_RING_FDS", "PBUF_RING", "UNREGISTER_PBUF_RING", "SYNC_CANCEL", "FILE_ALLOC_RANGE",
            "PBUF_STATUS", "NAPI", "UNREGISTER_NAPI", "CLOCK", "CLONE_BUFFERS", "SEND_MSG_RING", "ZCRX_IFQ",
            "RESIZE_RINGS", "MEM_REGION", "QUERY"};

    public static String name(int op) {
        int o = op & ~USE_REGISTERED_RING;
        return o >= 0 && o < NAMES.length ? NAMES[o] : "REGISTER_" + o;
    }
}
