/*
 * C baseline for `uring4j bench nop`: NOPs through io_uring with raw syscalls (no liburing), the
 * same protocol the Java ring runs: prepare `batch` NOP SQEs, publish the SQ tail with a release
 * store, one io_uring_enter(to_submit=batch), reap every CQE and release the CQ head.
 *
 *   nop <batch> <seconds> [setup_flags]    prints: ops_per_sec=<n> ops=<n> ns=<n>
 *
 * Built by uring4j on first use: gcc -O2 -o <workdir>/nop-<hash> nop.c
 */
#define _GNU_SOURCE
#include <linux/io_uring.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef IORING_SETUP_NO_SQARRAY
#define IORING_SETUP_NO_SQARRAY (1U << 16)
#endif

static int setup(unsigned entries, struct io_uring_params *p) {
    return (int) syscall(__NR_io_uring_setup, entries, p);
}

static int enter(int fd, unsigned submit, unsigned min, unsigned flags) {
    return (int) syscall(__NR_io_uring_enter, fd, submit, min, flags, NULL, 0);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: nop <batch> <seconds> [setup_flags]\n"); return 2; }
    unsigned batch = (unsigned) atoi(argv[1]);
    double seconds = atof(argv[2]);
    unsigned flags = argc > 3 ? (unsigned) strtoul(argv[3], NULL, 0) : IORING_SETUP_NO_SQARRAY;
    unsigned entries = batch < 8 ? 8 : batch;

    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = flags;
    int fd = setup(entries, &p);
    if (fd < 0 && (flags & IORING_SETUP_NO_SQARRAY)) { /* kernel < 6.6 */
        memset(&p, 0, sizeof p);
        p.flags = flags & ~IORING_SETUP_NO_SQARRAY;
        fd = setup(entries, &p);
    }
    if (fd < 0) { perror("io_uring_setup"); return 1; }
    int noarray = (p.flags & IORING_SETUP_NO_SQARRAY) != 0;

    size_t sqsz = noarray ? p.sq_off.dropped + 4 : p.sq_off.array + p.sq_entries * 4;
    size_t cqsz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    size_t sz = sqsz > cqsz ? sqsz : cqsz;
    char *ring = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
    struct io_uring_sqe *sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                                     MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
    if (ring == MAP_FAILED || sqes == MAP_FAILED) { perror("mmap"); return 1; }
    unsigned *sq_tail = (unsigned *) (ring + p.sq_off.tail);
    unsigned sq_mask = *(unsigned *) (ring + p.sq_off.ring_mask);
    unsigned *cq_head = (unsigned *) (ring + p.cq_off.head);
    unsigned *cq_tail = (unsigned *) (ring + p.cq_off.tail);
    unsigned cq_mask = *(unsigned *) (ring + p.cq_off.ring_mask);
    struct io_uring_cqe *cqes = (struct io_uring_cqe *) (ring + p.cq_off.cqes);
    if (!noarray) {
        unsigned *array = (unsigned *) (ring + p.sq_off.array);
        for (unsigned i = 0; i < p.sq_entries; i++) array[i] = i;
    }

    unsigned tail = *sq_tail, head = *cq_head;
    uint64_t ops = 0, sum = 0;
    uint64_t start = now_ns(), deadline = start + (uint64_t) (seconds * 1e9), end;
    for (;;) {
        for (int round = 0; round < 64; round++) {
            for (unsigned i = 0; i < batch; i++) {
                struct io_uring_sqe *s = &sqes[tail & sq_mask];
                memset(s, 0, sizeof *s);
                s->opcode = IORING_OP_NOP;
                s->fd = -1;
                s->user_data = ops + i;
                tail++;
            }
            __atomic_store_n(sq_tail, tail, __ATOMIC_RELEASE);
            int r = enter(fd, batch, 0, 0);
            if (r < 0) { perror("io_uring_enter"); return 1; }
            unsigned done = 0;
            while (done < batch) {
                unsigned t = __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE);
                if (t == head) {
                    if (enter(fd, 0, 1, IORING_ENTER_GETEVENTS) < 0) { perror("io_uring_enter"); return 1; }
                    continue;
                }
                for (; head != t; head++, done++) sum += cqes[head & cq_mask].user_data + (unsigned) cqes[head & cq_mask].res;
                __atomic_store_n(cq_head, head, __ATOMIC_RELEASE);
            }
            ops += batch;
        }
        end = now_ns();
        if (end >= deadline) break;
    }
    double secs = (end - start) / 1e9;
    printf("ops_per_sec=%.0f ops=%llu ns=%llu check=%llu\n", ops / secs, (unsigned long long) ops,
           (unsigned long long) (end - start), (unsigned long long) (sum & 0xff));
    close(fd);
    return 0;
}
