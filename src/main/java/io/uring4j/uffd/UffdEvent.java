package io.uring4j.uffd;

import io.uring4j.sys.Uffd;
import io.uring4j.sys.UffdMsg;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** One decoded {@code struct uffd_msg}. Addresses are raw virtual addresses as the kernel reports them. */
public sealed interface UffdEvent {

    /** What a PageFault asks the handler to do. */
    enum FaultKind {
        /** No page: resolve with COPY, ZEROPAGE, MOVE or POISON. */
        MISSING,
        /** A write to a write-protected page: resolve with WRITEPROTECT (clear). */
        WRITE_PROTECT,
        /** Page in the page cache but not mapped: resolve with CONTINUE. */
        MINOR
    }

    /**
     * A page fault. {@code address} is exact with {@link UffdFeature#EXACT_ADDRESS}, otherwise
     * rounded down to the page; {@code threadId} is the faulting thread's tid with
     * {@link UffdFeature#THREAD_ID}, otherwise 0.
     */
    record PageFault(long address, long flags, int threadId) implements UffdEvent {
        public boolean isWrite() { return (flags & Uffd.UFFD_PAGEFAULT_FLAG_WRITE) != 0; }
        public boolean isWriteProtect() { return (flags & Uffd.UFFD_PAGEFAULT_FLAG_WP) != 0; }
        public boolean isMinor() { return (flags & Uffd.UFFD_PAGEFAULT_FLAG_MINOR) != 0; }

        public FaultKind kind() {
            return isWriteProtect() ? FaultKind.WRITE_PROTECT : isMinor() ? FaultKind.MINOR : FaultKind.MISSING;
        }

        @Override
        public String toString() {
            return "PageFault[address=0x" + Long.toHexString(address) + ", kind=" + kind()
                    + (isWrite() ? ", write" : ", read") + ", tid=" + threadId + "]";
        }
    }

    /** The registered process forked; {@code childUffd} is a new uffd for the child's copy (wrap with {@link Userfaultfd#adopt}). */
    record Fork(int childUffd) implements UffdEvent {}

    /** Registered memory was moved by mremap(); the registration moved with it. */
    record Remap(long from, long to, long length) implements UffdEvent {}

    /** madvise(DONTNEED/REMOVE) dropped [start, end): those pages are missing again. */
    record Remove(long start, long end) implements UffdEvent {}

    /** munmap() removed [start, end) (its registration is gone). */
    record Unmap(long start, long end) implements UffdEvent {}

    /** An event number this library does not know (a newer kernel). */
    record Unknown(int event) implements UffdEvent {}

    /** Decodes the message at {@code offset} of a read buffer. */
    static UffdEvent decode(MemorySegment buf, long offset) {
        int ev = buf.get(JAVA_BYTE, offset + UffdMsg.EVENT) & 0xFF;
        return switch (ev) {
            case Uffd.UFFD_EVENT_PAGEFAULT -> new PageFault(buf.get(JAVA_LONG, offset + UffdMsg.PAGEFAULT_ADDRESS),
                    buf.get(JAVA_LONG, offset + UffdMsg.PAGEFAULT_FLAGS), buf.get(JAVA_INT, offset + UffdMsg.PAGEFAULT_PTID));
            case Uffd.UFFD_EVENT_FORK -> new Fork(buf.get(JAVA_INT, offset + UffdMsg.FORK_UFD));
            case Uffd.UFFD_EVENT_REMAP -> new Remap(buf.get(JAVA_LONG, offset + UffdMsg.REMAP_FROM),
                    buf.get(JAVA_LONG, offset + UffdMsg.REMAP_TO), buf.get(JAVA_LONG, offset + UffdMsg.REMAP_LEN));
            case Uffd.UFFD_EVENT_REMOVE -> new Remove(buf.get(JAVA_LONG, offset + UffdMsg.REMOVE_START),
                    buf.get(JAVA_LONG, offset + UffdMsg.REMOVE_END));
            case Uffd.UFFD_EVENT_UNMAP -> new Unmap(buf.get(JAVA_LONG, offset + UffdMsg.REMOVE_START),
                    buf.get(JAVA_LONG, offset + UffdMsg.REMOVE_END));
            default -> new Unknown(ev);
        };
    }
}
