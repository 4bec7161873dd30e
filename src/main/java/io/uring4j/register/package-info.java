/**
 * Everything a ring registers with the kernel once so that each I/O can skip work: buffers the
 * kernel pins ({@link io.uring4j.register.FixedBuffers}, owned memory in
 * {@link io.uring4j.register.BufferPool}), files it holds references to
 * ({@link io.uring4j.register.RegisteredFiles}), the ring fd itself
 * ({@link io.uring4j.register.RegisteredRingFd}), buffers it picks from when data arrives
 * ({@link io.uring4j.register.BufferRing}, handed out as {@link io.uring4j.register.ProvidedBuffer}s) and
 * wait arguments it reads in place ({@link io.uring4j.register.WaitRegion},
 * {@link io.uring4j.register.WaitSlot}).
 *
 * <h2>Rules users must know</h2>
 * <ul>
 * <li><b>One of each per ring.</b> The kernel keeps one buffer table, one file table and one wait
 *     region per ring (a second registration is EBUSY); this package refuses the second one with an
 *     {@link java.lang.IllegalStateException} naming the first, and offers updates of single slots
 *     instead. Buffer rings are one per group id.</li>
 * <li><b>Checked before the kernel.</b> Every rule the library can see (slot index, range inside a
 *     buffer, sizes, heap or unpinnable memory, flag combinations) is an
 *     {@link java.lang.IllegalArgumentException} with the numbers ({@code index=5 registered=4}).
 *     What only the kernel can tell (locked-memory limit, busy tables) is a
 *     {@link io.uring4j.register.RegistrationException} whose message names the cause and remedy.</li>
 * <li><b>Memory lifetime.</b> Memory the library allocates (BufferPool, BufferRing, WaitRegion) is
 *     freed only when the kernel can no longer use it: a BufferPool after every table that held it
 *     let go and the I/O counted on those tables ({@link io.uring4j.register.FixedBuffers#ioStarted()},
 *     {@link io.uring4j.register.FixedBuffers#ioCompleted()}) has completed; a WaitRegion with its
 *     ring. A BufferRing's buffers are unmapped by its {@code close()}: cancel and reap the requests
 *     that select from its group first. Segments you register yourself must stay alive until their
 *     registration ends and their I/O completes; a prep on a slot whose Arena is closed is refused.</li>
 * <li><b>Closing.</b> Every type here is {@link java.lang.AutoCloseable} or ends with its ring;
 *     {@code close()} is idempotent, and closing the ring ends every registration, so
 *     try-with-resources may close the ring and its registrations in either order. Use after close
 *     is an {@link java.lang.IllegalStateException}.</li>
 * <li><b>Threads.</b> Preps, take/release, waits and in-flight counting belong to the ring's issuing
 *     thread; registration calls may come from any thread but must not race with preps on the same
 *     table. A registered ring fd belongs to the thread that registered it.</li>
 * </ul>
 */
package io.uring4j.register;
