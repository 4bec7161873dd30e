package io.uring4j.sys;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every struct layout in {@code io.uring4j.sys} against the table in shared/KERNEL-FACTS.md
 * (x86_64, confirmed from the running kernel's BTF): size, and each field's name and offset, in
 * order, with nothing missing and nothing extra. The derived offset constants are checked too.
 */
class StructLayoutTest {

    /** Asserts that {@code layout} has exactly these (name, offset) members, in order, and {@code size}. */
    static void assertLayout(MemoryLayout layout, long size, Object... nameOffset) {
        String struct = layout.name().orElse("?");
        assertEquals(size, layout.byteSize(), struct + " size");
        Map<String, Long> expected = new LinkedHashMap<>();
        for (int i = 0; i < nameOffset.length; i += 2) expected.put((String) nameOffset[i], ((Number) nameOffset[i + 1]).longValue());
        Map<String, Long> actual = new LinkedHashMap<>();
        long at = 0;
        for (MemoryLayout m : ((GroupLayout) layout).memberLayouts()) {
            if (!(m instanceof PaddingLayout)) actual.put(m.name().orElse("<unnamed@" + at + ">"), at);
            at += m.byteSize();
        }
        assertEquals(expected, actual, struct + " fields and offsets");
    }

    @Test
    void ioUringParams() {
        assertLayout(IoUringParams.LAYOUT, 120, "sq_entries", 0, "cq_entries", 4, "flags", 8, "sq_thread_cpu", 12,
                "sq_thread_idle", 16, "features", 20, "wq_fd", 24, "resv", 28, "sq_off", 40, "cq_off", 80);
        assertEquals(120, IoUringParams.SIZE);
        assertArrayEquals(new long[] {0, 4, 8, 12, 16, 20, 24, 28, 40, 80}, new long[] {IoUringParams.SQ_ENTRIES,
                IoUringParams.CQ_ENTRIES, IoUringParams.FLAGS, IoUringParams.SQ_THREAD_CPU, IoUringParams.SQ_THREAD_IDLE,
                IoUringParams.FEATURES, IoUringParams.WQ_FD, IoUringParams.RESV, IoUringParams.SQ_OFF, IoUringParams.CQ_OFF});
    }

    @Test
    void ringOffsets() {
        assertLayout(SqringOffsets.LAYOUT, 40, "head", 0, "tail", 4, "ring_mask", 8, "ring_entries", 12, "flags", 16,
                "dropped", 20, "array", 24, "resv1", 28, "user_addr", 32);
        assertArrayEquals(new long[] {0, 4, 8, 12, 16, 20, 24, 32}, new long[] {SqringOffsets.HEAD, SqringOffsets.TAIL,
                SqringOffsets.RING_MASK, SqringOffsets.RING_ENTRIES, SqringOffsets.FLAGS, SqringOffsets.DROPPED,
                SqringOffsets.ARRAY, SqringOffsets.USER_ADDR});
        assertLayout(CqringOffsets.LAYOUT, 40, "head", 0, "tail", 4, "ring_mask", 8, "ring_entries", 12, "overflow", 16,
                "cqes", 20, "flags", 24, "resv1", 28, "user_addr", 32);
        assertArrayEquals(new long[] {0, 4, 8, 12, 16, 20, 24, 32}, new long[] {CqringOffsets.HEAD, CqringOffsets.TAIL,
                CqringOffsets.RING_MASK, CqringOffsets.RING_ENTRIES, CqringOffsets.OVERFLOW, CqringOffsets.CQES,
                CqringOffsets.FLAGS, CqringOffsets.USER_ADDR});
    }

    @Test
    void sqeAndItsUnionAliases() {
        assertLayout(IoUringSqe.LAYOUT, 64, "opcode", 0, "flags", 1, "ioprio", 2, "fd", 4, "off", 8, "addr", 16,
                "len", 24, "op_flags", 28, "user_data", 32, "buf_index", 40, "personality", 42, "splice_fd_in", 44,
                "addr3", 48, "__pad2", 56);
        assertEquals(64, IoUringSqe.SIZE);
        long[][] aliases = {
                {IoUringSqe.OPCODE, 0}, {IoUringSqe.FLAGS, 1}, {IoUringSqe.IOPRIO, 2}, {IoUringSqe.FD, 4},
                {IoUringSqe.OFF, 8}, {IoUringSqe.ADDR2, 8}, {IoUringSqe.CMD_OP, 8}, {IoUringSqe.PAD1, 12},
                {IoUringSqe.ADDR, 16}, {IoUringSqe.SPLICE_OFF_IN, 16}, {IoUringSqe.LEVEL, 16}, {IoUringSqe.OPTNAME, 20},
                {IoUringSqe.LEN, 24}, {IoUringSqe.OP_FLAGS, 28}, {IoUringSqe.RW_FLAGS, 28}, {IoUringSqe.URING_CMD_FLAGS, 28},
                {IoUringSqe.USER_DATA, 32}, {IoUringSqe.BUF_INDEX, 40}, {IoUringSqe.BUF_GROUP, 40},
                {IoUringSqe.PERSONALITY, 42}, {IoUringSqe.SPLICE_FD_IN, 44}, {IoUringSqe.FILE_INDEX, 44},
                {IoUringSqe.OPTLEN, 44}, {IoUringSqe.ADDR_LEN, 44}, {IoUringSqe.ADDR3, 48}, {IoUringSqe.OPTVAL, 48},
                {IoUringSqe.CMD, 48}, {IoUringSqe.PAD2, 56}};
        for (long[] a : aliases) assertEquals(a[1], a[0], "io_uring_sqe alias at " + a[1]);
    }

    @Test
    void cqe() {
        assertLayout(IoUringCqe.LAYOUT, 16, "user_data", 0, "res", 8, "flags", 12);
        assertEquals(16, IoUringCqe.SIZE);
        assertEquals(8, IoUringCqe.RES);
        assertEquals(12, IoUringCqe.FLAGS);
        assertEquals(16, IoUringCqe.BIG_CQE, "CQE32: big_cqe[0] @16, [1] @24");
    }

    @Test
    void waitArguments() {
        assertLayout(GeteventsArg.LAYOUT, 24, "sigmask", 0, "sigmask_sz", 8, "min_wait_usec", 12, "ts", 16);
        assertArrayEquals(new long[] {0, 8, 12, 16, 24}, new long[] {GeteventsArg.SIGMASK, GeteventsArg.SIGMASK_SZ,
                GeteventsArg.MIN_WAIT_USEC, GeteventsArg.TS, GeteventsArg.SIZE});
        assertLayout(RegWait.LAYOUT, 64, "ts", 0, "min_wait_usec", 16, "flags", 20, "sigmask", 24, "sigmask_sz", 32,
                "pad", 36, "pad2", 48);
        assertArrayEquals(new long[] {0, 16, 20, 24, 32, 36, 48, 64}, new long[] {RegWait.TS, RegWait.MIN_WAIT_USEC,
                RegWait.FLAGS, RegWait.SIGMASK, RegWait.SIGMASK_SZ, RegWait.PAD, RegWait.PAD2, RegWait.SIZE});
        assertLayout(KernelTimespec.LAYOUT, 16, "tv_sec", 0, "tv_nsec", 8);
        assertEquals(8, KernelTimespec.TV_NSEC);
    }

    @Test
    void regions() {
        assertLayout(RegionDesc.LAYOUT, 64, "user_addr", 0, "size", 8, "flags", 16, "id", 20, "mmap_offset", 24, "__resv", 32);
        assertArrayEquals(new long[] {0, 8, 16, 20, 24, 32}, new long[] {RegionDesc.USER_ADDR, RegionDesc.SIZE_FIELD,
                RegionDesc.FLAGS, RegionDesc.ID, RegionDesc.MMAP_OFFSET, RegionDesc.RESV});
        assertLayout(MemRegionReg.LAYOUT, 32, "region_uptr", 0, "flags", 8, "__resv", 16);
        assertArrayEquals(new long[] {0, 8, 16}, new long[] {MemRegionReg.REGION_UPTR, MemRegionReg.FLAGS, MemRegionReg.RESV});
    }

    @Test
    void bufferRings() {
        // the table: ring_addr@0, ring_entries@8, bgid(u16)@12, flags(u16)@14, min_left(u32)@16, resv@20; 40 bytes
        assertLayout(BufReg.LAYOUT, 40, "ring_addr", 0, "ring_entries", 8, "bgid", 12, "flags", 14, "min_left", 16,
                "resv0", 20, "resv", 24);
        assertArrayEquals(new long[] {0, 8, 12, 14, 16, 20}, new long[] {BufReg.RING_ADDR, BufReg.RING_ENTRIES,
                BufReg.BGID, BufReg.FLAGS, BufReg.MIN_LEFT, BufReg.RESV});
        assertLayout(Buf.LAYOUT, 16, "addr", 0, "len", 8, "bid", 12, "resv", 14);
        assertEquals(14, Buf.RING_TAIL, "io_uring_buf_ring tail (u16) aliases bufs[0].resv @14");
    }

    @Test
    void resourceRegistration() {
        assertLayout(RsrcRegister.LAYOUT, 32, "nr", 0, "flags", 4, "resv2", 8, "data", 16, "tags", 24);
        assertArrayEquals(new long[] {0, 4, 8, 16, 24}, new long[] {RsrcRegister.NR, RsrcRegister.FLAGS,
                RsrcRegister.RESV2, RsrcRegister.DATA, RsrcRegister.TAGS});
        assertLayout(RsrcUpdate2.LAYOUT, 32, "offset", 0, "resv", 4, "data", 8, "tags", 16, "nr", 24, "resv2", 28);
        assertArrayEquals(new long[] {0, 4, 8, 16, 24, 28}, new long[] {RsrcUpdate2.OFFSET, RsrcUpdate2.RESV,
                RsrcUpdate2.DATA, RsrcUpdate2.TAGS, RsrcUpdate2.NR, RsrcUpdate2.RESV2});
        assertLayout(RsrcUpdate.LAYOUT, 16, "offset", 0, "resv", 4, "data", 8);
        assertArrayEquals(new long[] {0, 4, 8}, new long[] {RsrcUpdate.OFFSET, RsrcUpdate.RESV, RsrcUpdate.DATA});
    }

    @Test
    void probeAndIovec() {
        assertLayout(Probe.LAYOUT, 16, "last_op", 0, "ops_len", 1, "resv", 2, "resv2", 4);
        assertEquals(16, Probe.OPS, "ops[] follows the 16-byte header");
        assertLayout(ProbeOp.LAYOUT, 8, "op", 0, "resv", 1, "flags", 2, "resv2", 4);
        assertEquals(2, ProbeOp.FLAGS);
        assertLayout(Iovec.LAYOUT, 16, "iov_base", 0, "iov_len", 8);
    }

    /**
     * Structs that KERNEL-FACTS does not tabulate, against the uapi headers (include/uapi/linux/
     * io_uring.h as copied in liburing HEAD; userfaultfd.h; fs.h for PAGEMAP_SCAN).
     */
    @Test
    void structsBeyondTheTableMatchTheUapiHeaders() {
        assertLayout(BufStatus.LAYOUT, 40, "buf_group", 0, "head", 4, "resv", 8);
        assertLayout(ClockRegister.LAYOUT, 16, "clockid", 0, "__resv", 4);
        assertLayout(CloneBuffers.LAYOUT, 32, "src_fd", 0, "flags", 4, "src_off", 8, "dst_off", 12, "nr", 16, "pad", 20);
        assertLayout(FileIndexRange.LAYOUT, 16, "off", 0, "len", 4, "resv", 8);
        assertLayout(UffdMsg.LAYOUT, 32, "event", 0, "reserved1", 1, "reserved2", 2, "reserved3", 4, "pagefault", 8);
        assertEquals(8, UffdMsg.PAGEFAULT_FLAGS);
        assertEquals(16, UffdMsg.PAGEFAULT_ADDRESS);
        assertEquals(24, UffdMsg.PAGEFAULT_PTID);
        assertLayout(UffdioApi.LAYOUT, 24, "api", 0, "features", 8, "ioctls", 16);
        assertLayout(UffdioRange.LAYOUT, 16, "start", 0, "len", 8);
        assertLayout(UffdioRegister.LAYOUT, 32, "range", 0, "mode", 16, "ioctls", 24);
        assertLayout(UffdioCopy.LAYOUT, 40, "dst", 0, "src", 8, "len", 16, "mode", 24, "copy", 32);
        assertLayout(UffdioZeropage.LAYOUT, 32, "range", 0, "mode", 16, "zeropage", 24);
        assertLayout(UffdioWriteprotect.LAYOUT, 24, "range", 0, "mode", 16);
        assertLayout(UffdioContinue.LAYOUT, 32, "range", 0, "mode", 16, "mapped", 24);
        assertLayout(UffdioPoison.LAYOUT, 32, "range", 0, "mode", 16, "updated", 24);
        assertLayout(UffdioMove.LAYOUT, 40, "dst", 0, "src", 8, "len", 16, "mode", 24, "move", 32);
        assertLayout(PageRegion.LAYOUT, 24, "start", 0, "end", 8, "categories", 16);
        assertLayout(PmScanArg.LAYOUT, 96, "size", 0, "flags", 8, "start", 16, "end", 24, "walk_end", 32, "vec", 40,
                "vec_len", 48, "max_pages", 56, "category_inverted", 64, "category_mask", 72, "category_anyof_mask", 80,
                "return_mask", 88);
    }

    /**
     * The kernel's own answer: a raw io_uring_setup of 8 entries (with the SQ array) writes the
     * ring offsets KERNEL-FACTS lists, read back through these layouts.
     */
    @Test
    void kernelFillsParamsWhereTheLayoutSays() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(IoUringParams.LAYOUT);
            long fd = Sys.syscall(SyscallNumbers.IO_URING_SETUP, 8, p.address(), 0, 0, 0, 0);
            assertTrue(fd >= 0, "io_uring_setup: " + Errno.name((int) -fd));
            try {
                assertEquals(8, p.get(JAVA_INT, IoUringParams.SQ_ENTRIES));
                assertEquals(16, p.get(JAVA_INT, IoUringParams.CQ_ENTRIES));
                int features = p.get(JAVA_INT, IoUringParams.FEATURES);
                assertEquals(0x3ffff, features & 0x3ffff, "6.18 features: 0x" + Integer.toHexString(features));
                long so = IoUringParams.SQ_OFF, co = IoUringParams.CQ_OFF;
                int[] sq = {p.get(JAVA_INT, so + SqringOffsets.HEAD), p.get(JAVA_INT, so + SqringOffsets.TAIL),
                        p.get(JAVA_INT, so + SqringOffsets.RING_MASK), p.get(JAVA_INT, so + SqringOffsets.RING_ENTRIES),
                        p.get(JAVA_INT, so + SqringOffsets.FLAGS), p.get(JAVA_INT, so + SqringOffsets.DROPPED),
                        p.get(JAVA_INT, so + SqringOffsets.ARRAY)};
                assertArrayEquals(new int[] {0, 4, 16, 24, 36, 32, 320}, sq, "sq_off head,tail,mask,entries,flags,dropped,array");
                int[] cq = {p.get(JAVA_INT, co + CqringOffsets.HEAD), p.get(JAVA_INT, co + CqringOffsets.TAIL),
                        p.get(JAVA_INT, co + CqringOffsets.RING_MASK), p.get(JAVA_INT, co + CqringOffsets.RING_ENTRIES),
                        p.get(JAVA_INT, co + CqringOffsets.OVERFLOW), p.get(JAVA_INT, co + CqringOffsets.CQES),
                        p.get(JAVA_INT, co + CqringOffsets.FLAGS)};
                assertArrayEquals(new int[] {8, 12, 20, 28, 44, 64, 40}, cq, "cq_off head,tail,mask,entries,overflow,cqes,flags");
            } finally {
                Sys.close((int) fd);
            }
        }
    }
}
