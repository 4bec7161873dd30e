package io.uring4j;

/**
 * The running kernel lacks something the caller asked for: names the feature and, where known,
 * the first kernel release that has it.
 */
public class FeatureUnavailableException extends ErrnoException {
    private final String feature;

    public FeatureUnavailableException(String feature, String sinceKernel, int errno, String syscall) {
        super(errno, syscall, feature, "requires " + feature
                + (sinceKernel == null ? "" : " (kernel >= " + sinceKernel + ")")
                + "; running kernel " + KernelInfo.release());
        this.feature = feature;
    }

    public String feature() { return feature; }
}
