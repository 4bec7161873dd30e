/**
 * Typed IORING_OP_URING_CMD commands for the drivers this kernel implements them in: sockets
 * ({@link io.uring4j.cmd.SocketCmd}) and block devices ({@link io.uring4j.cmd.BlockCmd}).
 *
 * <p>None of these is a MULTISHOT uring_cmd (IORING_URING_CMD_MULTISHOT): no in-tree driver of 6.18
 * implements that, and a socket given one never completes and wedges a kernel worker until reboot.
 * The generic preps live in {@link io.uring4j.ring.Sqe} ({@code prepUringCmd*}); multishot exists
 * only through {@link io.uring4j.ring.MultishotCmdTarget}.
 */
package io.uring4j.cmd;
