package io.uring4j.register;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A snapshot of {@code /proc/self/maps}, read on the registration path only, to name the memory
 * the kernel would refuse to pin before asking it: unmapped holes, read-only mappings (buffers
 * are pinned with FOLL_WRITE) and MAP_SHARED mappings of files that need writeback (since 6.5 gup
 * refuses long-term write pins of dirty-tracked file mappings: EFAULT; before, io_uring refused
 * any non-hugetlbfs file mapping: EOPNOTSUPP). Shared memory (tmpfs, memfd, SysV shm, hugetlbfs)
 * and private file mappings (pinning breaks COW into anonymous pages) are fine.
 */
final class MemoryMaps {
    /** Filesystems whose shared mappings the kernel pins: no writeback, no dirty tracking. */
    private static final Set<String> PINNABLE_FS = Set.of("tmpfs", "hugetlbfs", "ramfs", "devtmpfs", "shm");

    record Vma(long start, long end, boolean writable, boolean shared, String device, String path) {
        String describe() {
            return String.format("0x%x-0x%x %s%s %s %s", start, end, writable ? "w" : "-", shared ? "s" : "p", device,
                    path.isEmpty() ? "[anonymous]" : path);
        }
    }

    private final List<Vma> vmas;

    private MemoryMaps(List<Vma> vmas) {
        this.vmas = vmas;
    }

    /** Reads the current maps; {@code null} when /proc is unavailable (checks are then left to the kernel). */
    static MemoryMaps read() {
        try {
            List<Vma> out = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                // start-end perms offset dev inode [path]
                String[] f = line.trim().split("\\s+", 6);
                if (f.length < 5) continue;
                int dash = f[0].indexOf('-');
                long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
                long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
                out.add(new Vma(start, end, f[1].charAt(1) == 'w', f[1].charAt(3) == 's', f[3], f.length == 6 ? f[5] : ""));
            }
            return new MemoryMaps(out);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Why the kernel would refuse to pin {@code [addr, addr+len)}, or {@code null} when it looks
     * pinnable. The text names the mapping so the caller can find where the memory came from.
     */
    String whyNotPinnable(long addr, long len) {
        long end = addr + len, at = addr;
        int i = firstCovering(addr);
        while (at < end) {
            if (i < 0 || i >= vmas.size() || Long.compareUnsigned(vmas.get(i).start, at) > 0)
                return String.format("0x%x is not mapped (the kernel answers EFAULT)", at);
            Vma v = vmas.get(i);
            if (!v.writable)
                return "it lies in a read-only mapping (" + v.describe() + "): the kernel pins buffers for writing "
                        + "and answers EFAULT";
            if (v.shared && !sharedPinnable(v))
                return "it is a MAP_SHARED mapping of a regular file (" + v.describe() + "): the kernel refuses to pin "
                        + "page-cache pages that need writeback (EFAULT since 6.5, EOPNOTSUPP before); use anonymous "
                        + "memory (BufferPool), memfd/tmpfs (/dev/shm) or hugetlbfs";
            at = v.end;
            i++;
        }
        return null;
    }

    private int firstCovering(long addr) {
        int lo = 0, hi = vmas.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Vma v = vmas.get(mid);
            if (Long.compareUnsigned(v.end, addr) <= 0) lo = mid + 1;
            else if (Long.compareUnsigned(v.start, addr) > 0) hi = mid - 1;
            else return mid;
        }
        return -1;
    }

    private static boolean sharedPinnable(Vma v) {
        String p = v.path;
        if (p.isEmpty() || p.startsWith("[") || p.startsWith("/memfd:") || p.startsWith("/SYSV") || p.startsWith("/dev/zero"))
            return true;
        if (p.endsWith(" (deleted)")) return anonymousDevice(v.device);
        try {
            FileStore fs = Files.getFileStore(Path.of(p));
            return PINNABLE_FS.contains(fs.type());
        } catch (IOException | RuntimeException e) {
            return anonymousDevice(v.device);
        }
    }

    /** Major 0 is an anonymous device (tmpfs, shmem...); btrfs also uses one, so this is the fallback only. */
    private static boolean anonymousDevice(String dev) {
        return dev.startsWith("00:");
    }
}
