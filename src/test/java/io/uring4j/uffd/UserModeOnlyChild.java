package io.uring4j.uffd;

import io.uring4j.ErrnoException;
import io.uring4j.sys.Sys;

import java.io.IOException;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Runs unprivileged in a child JVM (see {@link UserModeOnlyFallbackTest}): a full uffd is refused
 * there, so the library must fall back to USER_MODE_ONLY and LazyRegion must still work (touching
 * pages with libc memcpy instead of madvise populate). Prints one line per check.
 */
public final class UserModeOnlyChild {
    public static void main(String[] args) throws Exception {
        long p = Sys.PAGE_SIZE;
        try {
            Userfaultfd.builder().fallbackToUserModeOnly(false).create().close();
            System.out.println("FULL-ALLOWED");
        } catch (ErrnoException e) {
            System.out.println("FULL-REFUSED " + e.errnoName() + " " + e.getMessage());
        }
        try (Userfaultfd u = Userfaultfd.builder().open()) {
            System.out.println("FALLBACK userModeOnly=" + u.isUserModeOnly());
        }
        PageSource src = PageSource.of((off, dst) -> {
            for (long i = 0; i < dst.byteSize(); i += 8) dst.set(JAVA_LONG, i, off + i);
            if (off <= 5 * p && 5 * p < off + dst.byteSize()) throw new IOException("no page 5");
        });
        try (var svc = FaultHandlingService.builder().faultAround(p).build(); LazyRegion r = svc.map(16 * p, src)) {
            long bad = 0;
            for (long off = 0; off < 16 * p; off += 64) {
                if (off / p == 5) continue;
                if (r.getLong(off) != off) bad++;
            }
            System.out.println("REGION userModeOnly=" + svc.userfaultfd().isUserModeOnly() + " bad=" + bad);
            try {
                long v = r.getLong(5 * p);
                System.out.println("FAILED-PAGE read " + v);
            } catch (PageUnavailableException e) {
                System.out.println("FAILED-PAGE refused");
            }
        }
        System.exit(0);
    }
}
