package io.uring4j.bench;

import java.nio.file.Path;

/**
 * One random-read workload, run by every engine with the same parameters: {@code blockSize}
 * reads at uniformly random block-aligned offsets of {@code file} ({@code fileSize} bytes),
 * {@code qd} in flight, submitted {@code batch} per io_uring_enter, for {@code seconds} after
 * {@code warmupSeconds} unmeasured (JIT) seconds.
 */
public record RandReadSpec(Path file, long fileSize, int blockSize, int qd, int batch, boolean fixedBuffers,
                           boolean fixedFiles, boolean direct, double seconds, double warmupSeconds) {
    public RandReadSpec {
        if (blockSize <= 0 || blockSize % 512 != 0)
            throw new IllegalArgumentException("blockSize=" + blockSize + " must be a positive multiple of 512");
        if (fileSize < blockSize)
            throw new IllegalArgumentException("fileSize=" + fileSize + " must be >= blockSize=" + blockSize);
        if (fileSize / blockSize > 0xffff_ffffL)
            throw new IllegalArgumentException("fileSize/blockSize=" + fileSize / blockSize + " blocks exceeds 2^32");
        if (qd < 1 || qd > 4096) throw new IllegalArgumentException("qd=" + qd + " must be in 1..4096");
        if (batch < 1 || batch > qd) throw new IllegalArgumentException("batch=" + batch + " must be in 1..qd=" + qd);
        if (!(seconds > 0)) throw new IllegalArgumentException("seconds=" + seconds + " must be > 0");
        if (warmupSeconds < 0) throw new IllegalArgumentException("warmupSeconds=" + warmupSeconds + " must be >= 0");
        if (direct && blockSize % 4096 != 0)
            throw new IllegalArgumentException("O_DIRECT needs blockSize a multiple of 4096 here, got " + blockSize);
    }

    long blocks() { return fileSize / blockSize; }

    RandReadSpec withWarmup(double warmup) {
        return new RandReadSpec(file, fileSize, blockSize, qd, batch, fixedBuffers, fixedFiles, direct, seconds, warmup);
    }
}
