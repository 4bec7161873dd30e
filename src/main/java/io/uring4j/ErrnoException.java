package io.uring4j;

import io.uring4j.sys.Errno;

import java.io.IOException;

/**
 * A kernel call failed: carries the errno (as its name, e.g. {@code EINVAL}), the system call and
 * the operation that was attempted, so a log line alone says what went wrong.
 */
public class ErrnoException extends IOException {
    private final int errno;
    private final String syscall;
    private final String operation;

    public ErrnoException(int errno, String syscall, String operation) {
        this(errno, syscall, operation, null);
    }

    public ErrnoException(int errno, String syscall, String operation, String explanation) {
        super(message(Math.abs(errno), syscall, operation, explanation));
        this.errno = Math.abs(errno);
        this.syscall = syscall;
        this.operation = operation;
    }

    private static String message(int errno, String syscall, String op, String explanation) {
        StringBuilder sb = new StringBuilder(syscall);
        if (op != null && !op.isEmpty()) sb.append('(').append(op).append(')');
        sb.append(" failed: ").append(Errno.name(errno));
        if (explanation != null) sb.append(": ").append(explanation);
        return sb.toString();
    }

    /** The positive errno value. */
    public int errno() { return errno; }

    /** The errno's symbolic name, e.g. {@code "EFAULT"}. */
    public String errnoName() { return Errno.name(errno); }

    public String syscall() { return syscall; }

    public String operation() { return operation; }

    /** Throws for a negative result ({@code -errno}); returns non-negative results unchanged. */
    public static long check(long result, String syscall, String operation) throws ErrnoException {
        if (result < 0) throw new ErrnoException((int) -result, syscall, operation);
        return result;
    }

    public static int check(int result, String syscall, String operation) throws ErrnoException {
        if (result < 0) throw new ErrnoException(-result, syscall, operation);
        return result;
    }
}
