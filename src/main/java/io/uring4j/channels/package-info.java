/** AsynchronousFileChannel backed by io_uring. */
package io.uring4j.channels;
