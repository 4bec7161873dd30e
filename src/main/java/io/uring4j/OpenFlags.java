package io.uring4j;

import io.uring4j.sys.Sys;

/**
 * open(2) flags and {@code AT_*} constants for the exported API (OPENAT preps, {@code AsyncIo.open}),
 * so callers on the module path need nothing from the internal {@code sys} package.
 */
public final class OpenFlags {
    private OpenFlags() {}

    public static final int O_RDONLY = Sys.O_RDONLY, O_WRONLY = Sys.O_WRONLY, O_RDWR = Sys.O_RDWR,
            O_CREAT = Sys.O_CREAT, O_EXCL = Sys.O_EXCL, O_TRUNC = Sys.O_TRUNC, O_APPEND = Sys.O_APPEND,
            O_NONBLOCK = Sys.O_NONBLOCK, O_DIRECT = Sys.O_DIRECT, O_DIRECTORY = Sys.O_DIRECTORY,
            O_CLOEXEC = Sys.O_CLOEXEC;
    public static final int AT_FDCWD = Sys.AT_FDCWD, AT_REMOVEDIR = Sys.AT_REMOVEDIR, AT_EMPTY_PATH = Sys.AT_EMPTY_PATH;
}
