/**
 * Typed IORING_OP_URING_CMD commands for the drivers this kernel implements them in: sockets
 * ({@link io.uring4j.cmd.SocketCmd}: SIOCINQ, SIOCOUTQ, GETSOCKOPT, SETSOCKOPT, and TX timestamps
 * decoded by {@link io.uring4j.cmd.TxTimestamp}) and block devices ({@link io.uring4j.cmd.BlockCmd}:
 * DISCARD). Each helper fills an SQE from {@link io.uring4j.ring.Sqe#prepUringCmd(int, int)} and
 * returns it; the result is the CQE's {@code res} (and {@code big_cqe} on CQE32 rings).
 *
 * <h2>Rules users must know</h2>
 * <ul>
 * <li>Memory passed to a command (an optval) is read or written asynchronously: keep it alive until
 *     the CQE is reaped (the one buffer rule of {@link io.uring4j.ring.Sqe}).</li>
 * <li>The kernel's {@code uring_cmd_flags} rules (MULTISHOT needs buffer select, buffer select needs
 *     MULTISHOT, MULTISHOT and FIXED exclude each other, the top 8 bits are the kernel's) are
 *     checked before submission by {@link io.uring4j.ring.UringCmdFlags}.</li>
 * <li>None of these is a MULTISHOT uring_cmd. No in-tree driver of 6.18 implements multishot, and a
 *     file whose driver does not (a socket, for one) never completes such a command and wedges a
 *     kernel worker until reboot. Multishot exists only through
 *     {@link io.uring4j.ring.Sqe#prepUringCmdMultishot} with an explicit
 *     {@link io.uring4j.ring.MultishotCmdTarget} opt-in that names the target's driver.</li>
 * </ul>
 */
package io.uring4j.cmd;
