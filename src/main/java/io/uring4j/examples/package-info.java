/** Example programs built on the event loop (not a supported API). */
package io.uring4j.examples;
