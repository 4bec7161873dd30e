/*
 * C peer of `uring4j bench uffd`: the same measurement without the JVM. One handler thread in a
 * blocking read(2) resolves MISSING faults with UFFDIO_COPY of `chunk` bytes (stamped source
 * page, like the Java bench); the faulting thread populates the region with one
 * madvise(MADV_POPULATE_READ). Prints one JSON object.
 *   usage: uffd_baseline <size_bytes> <chunk_bytes> <pin 0|1>
 * Only raw syscalls and constants checked on 6.18 (the distro header may predate them).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

static long page, size, chunk;
static int uffd, pin;
static char *region, *staging;
static long faults;

static void pin_cpu0(void) {
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(0, &s);
    sched_setaffinity(0, sizeof s, &s);
}

static void *handler(void *arg) {
    (void) arg;
    if (pin) pin_cpu0();
    struct uffd_msg msg[64];
    for (;;) {
        ssize_t n = read(uffd, msg, sizeof msg);
        if (n < 0) {
            if (errno == EINTR) continue;
            return NULL;
        }
        for (long i = 0; i < n / (long) sizeof msg[0]; i++) {
            if (msg[i].event != UFFD_EVENT_PAGEFAULT) continue;
            long off = (long) (msg[i].arg.pagefault.address - (uintptr_t) region) & ~(page - 1);
            long cs = off - off % chunk, len = chunk < size - cs ? chunk : size - cs;
            for (long p = 0; p < len; p += page) *(long *) (staging + p) = cs + p;
            faults++;
            long done = 0;
            while (done < len) {
                struct uffdio_copy c = {.dst = (uintptr_t) region + cs + done, .src = (uintptr_t) staging + done,
                                        .len = len - done, .mode = 0};
                if (ioctl(uffd, UFFDIO_COPY, &c) == 0) break;
                if (c.copy > 0) done += c.copy;
                else if (c.copy == -EEXIST) done += page;
                else break;
            }
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s size chunk pin\n", argv[0]);
        return 2;
    }
    page = sysconf(_SC_PAGESIZE);
    size = atol(argv[1]);
    chunk = atol(argv[2]);
    pin = atoi(argv[3]);
    uffd = (int) syscall(SYS_userfaultfd, O_CLOEXEC);
    if (uffd < 0) { perror("userfaultfd"); return 1; }
    struct uffdio_api api = {.api = UFFD_API, .features = 0};
    if (ioctl(uffd, UFFDIO_API, &api)) { perror("UFFDIO_API"); return 1; }
    region = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    staging = aligned_alloc(page, chunk);
    struct uffdio_register reg = {.range = {.start = (uintptr_t) region, .len = size},
                                  .mode = UFFDIO_REGISTER_MODE_MISSING};
    if (ioctl(uffd, UFFDIO_REGISTER, &reg)) { perror("UFFDIO_REGISTER"); return 1; }
    pthread_t t;
    pthread_create(&t, NULL, handler, NULL);
    if (pin) pin_cpu0();
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (madvise(region, size, MADV_POPULATE_READ)) { perror("madvise"); return 1; }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double secs = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
    for (long p = 0; p < size; p += size / 64)
        if (*(long *) (region + (p & ~(page - 1))) != (p & ~(page - 1))) { fprintf(stderr, "bad contents\n"); return 1; }
    long f = faults;
    pthread_cancel(t);   /* read(2) is a cancellation point */
    printf("{\"faults\":%ld,\"seconds\":%.6f,\"faults_per_sec\":%.1f,\"mb_per_sec\":%.1f}\n",
           f, secs, f / secs, size / secs / 1e6);
    return 0;
}
