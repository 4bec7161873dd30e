/*
 * C baseline for `uring4j bench nop`: NOPs through io_uring with raw syscalls (no liburing), the
 * same protocol the Java ring runs: prepare `batch` NOP SQEs, publish the SQ tail with a release
 * store, one io_uring_enter(to_submit=batch), reap every CQE and release the CQ head.
 *
 *   nop <batch> <seconds> [setup_flags]    prints: ops_per_sec=<n> ops=<n> ns=<n> cpu_ns=<n>
 *   nop <batch> serve [setup_flags]        the same for each line "<seconds>" read from stdin
 *
 * cpu_ns is the thread's CPU time over the run: on a shared machine ops per CPU-second is the
 * steadier figure.
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

static uint64_t clock_ns(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }

struct ring {
    int fd;
    unsigned batch;
    unsigned *sq_tail, sq_mask, *cq_head, *cq_tail, cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
    unsigned tail, head;
    uint64_t sum;
};

static int ring_init(struct ring *r, unsigned batch, unsigned flags) {
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
    if (fd < 0) { perror("io_uring_setup"); return -1; }
    int noarray = (p.flags & IORING_SETUP_NO_SQARRAY) != 0;
    size_t sqsz = noarray ? p.sq_off.dropped + 4 : p.sq_off.array + p.sq_entries * 4;
    size_t cqsz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    size_t sz = sqsz > cqsz ? sqsz : cqsz;
    char *ring = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
    struct io_uring_sqe *sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                                     MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
    if (ring == MAP_FAILED || sqes == MAP_FAILED) { perror("mmap"); return -1; }
    r->fd = fd;
    r->batch = batch;
    r->sq_tail = (unsigned *) (ring + p.sq_off.tail);
    r->sq_mask = *(unsigned *) (ring + p.sq_off.ring_mask);
    r->cq_head = (unsigned *) (ring + p.cq_off.head);
    r->cq_tail = (unsigned *) (ring + p.cq_off.tail);
    r->cq_mask = *(unsigned *) (ring + p.cq_off.ring_mask);
    r->cqes = (struct io_uring_cqe *) (ring + p.cq_off.cqes);
    r->sqes = sqes;
    if (!noarray) {
        unsigned *array = (unsigned *) (ring + p.sq_off.array);
        for (unsigned i = 0; i < p.sq_entries; i++) array[i] = i;
    }
    r->tail = *r->sq_tail;
    r->head = *r->cq_head;
    r->sum = 0;
    return 0;
}

/* Runs batches of NOPs for about `ns` nanoseconds; returns the number of NOPs, or -1. */
static int64_t ring_run(struct ring *r, uint64_t ns, uint64_t *elapsed) {
    uint64_t ops = 0, start = now_ns(), deadline = start + ns, end;
    unsigned batch = r->batch, tail = r->tail, head = r->head;
    for (;;) {
        for (int round = 0; round < 64; round++) {
            for (unsigned i = 0; i < batch; i++) {
                struct io_uring_sqe *s = &r->sqes[tail & r->sq_mask];
                memset(s, 0, sizeof *s);
                s->opcode = IORING_OP_NOP;
                s->fd = -1;
                s->user_data = ops + i;
                tail++;
            }
            __atomic_store_n(r->sq_tail, tail, __ATOMIC_RELEASE);
            if (enter(r->fd, batch, 0, 0) < 0) { perror("io_uring_enter"); return -1; }
            unsigned done = 0;
            while (done < batch) {
                unsigned t = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
                if (t == head) {
                    if (enter(r->fd, 0, 1, IORING_ENTER_GETEVENTS) < 0) { perror("io_uring_enter"); return -1; }
                    continue;
                }
                for (; head != t; head++, done++)
                    r->sum += r->cqes[head & r->cq_mask].user_data + (unsigned) r->cqes[head & r->cq_mask].res;
                __atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
            }
            ops += batch;
        }
        end = now_ns();
        if (end >= deadline) break;
    }
    r->tail = tail;
    r->head = head;
    *elapsed = end - start;
    return (int64_t) ops;
}

static int report(struct ring *r, double seconds) {
    uint64_t cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID), elapsed;
    int64_t ops = ring_run(r, (uint64_t) (seconds * 1e9), &elapsed);
    if (ops < 0) return 1;
    uint64_t cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
    printf("ops_per_sec=%.0f ops=%lld ns=%llu cpu_ns=%llu check=%llu\n", ops / (elapsed / 1e9), (long long) ops,
           (unsigned long long) elapsed, (unsigned long long) cpu, (unsigned long long) (r->sum & 0xff));
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: nop <batch> <seconds>|serve [setup_flags]\n"); return 2; }
    unsigned batch = (unsigned) atoi(argv[1]);
    unsigned flags = argc > 3 ? (unsigned) strtoul(argv[3], NULL, 0) : IORING_SETUP_NO_SQARRAY;
    if (batch < 1 || batch > 4096) { fprintf(stderr, "batch must be in 1..4096\n"); return 2; }
    struct ring r;
    if (ring_init(&r, batch, flags) < 0) return 1;
    if (strcmp(argv[2], "serve") != 0) return report(&r, atof(argv[2]));
    /* serve: one run per line of stdin (its length in seconds), one result line each; the ring is
       set up once, so a caller can interleave short runs with its own and compare like with like */
    char line[64];
    while (fgets(line, sizeof line, stdin)) {
        if (report(&r, atof(line))) return 1;
    }
    return 0;
}
