package io.uring4j.uffd;

import io.uring4j.sys.Uffd;

import java.util.EnumSet;

/** The {@code _UFFDIO_*} ioctls, as UFFDIO_API and UFFDIO_REGISTER report them in a bit mask. */
public enum UffdIoctl {
    REGISTER(Uffd._UFFDIO_REGISTER), UNREGISTER(Uffd._UFFDIO_UNREGISTER), WAKE(Uffd._UFFDIO_WAKE),
    COPY(Uffd._UFFDIO_COPY), ZEROPAGE(Uffd._UFFDIO_ZEROPAGE), MOVE(Uffd._UFFDIO_MOVE),
    WRITEPROTECT(Uffd._UFFDIO_WRITEPROTECT), CONTINUE(Uffd._UFFDIO_CONTINUE), POISON(Uffd._UFFDIO_POISON),
    API(Uffd._UFFDIO_API);

    private final int bit;

    UffdIoctl(int bit) { this.bit = bit; }

    public long mask() { return 1L << bit; }

    public static EnumSet<UffdIoctl> fromMask(long mask) {
        EnumSet<UffdIoctl> s = EnumSet.noneOf(UffdIoctl.class);
        for (UffdIoctl i : values()) if ((mask & i.mask()) != 0) s.add(i);
        return s;
    }
}
