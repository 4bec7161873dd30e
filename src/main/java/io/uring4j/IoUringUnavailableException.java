package io.uring4j;

/** io_uring cannot be used in this process at all; the message names the cause and the remedy. */
public class IoUringUnavailableException extends ErrnoException {
    public IoUringUnavailableException(int errno) {
        super(errno, "io_uring_setup", "", explain(Math.abs(errno)));
    }

    private static String explain(int errno) {
        return switch (errno) {
            case 38 -> "this kernel has no io_uring (built without CONFIG_IO_URING, or older than 5.1)";
            case 1 -> "io_uring is forbidden here: sysctl kernel.io_uring_disabled is 2, or 1 and this user "
                    + "is not in kernel.io_uring_group; or a seccomp filter (container runtime) blocks it. "
                    + "Remedy: sysctl -w kernel.io_uring_disabled=0, or run the container with a profile "
                    + "that allows io_uring_setup/enter/register";
            default -> "io_uring is unusable here";
        };
    }
}
