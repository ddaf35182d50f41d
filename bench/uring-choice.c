/*
 * The measurement behind IoUringSelector's design (BENCHMARKS.md, "IoUringSelector against EpollSelector"):
 * CPU time per operation, in C (no JavaScript), of the kernel paths the two
 * candidate designs take, on one always-writable socket:
 *   epoll        epoll_wait with it ready; epoll_ctl(MOD) + epoll_wait
 *   uring-poll   (a) one io_uring_enter submitting IORING_OP_POLL_ADD (the
 *                re-arm; completes at once) and reaping its CQE
 *   uring-epoll  (b) one io_uring_enter submitting IORING_OP_EPOLL_WAIT
 *                (Linux 6.15+), with or without an IORING_OP_EPOLL_CTL before it
 * Build and run: cc -O2 -o /tmp/uring-choice bench/uring-choice.c && /tmp/uring-choice
 */
#define _GNU_SOURCE
#include <linux/io_uring.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef IORING_OP_EPOLL_WAIT
#define IORING_OP_EPOLL_WAIT 59
#endif

static int ring_fd;
static unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
static struct io_uring_sqe *sqes;
static struct io_uring_cqe *cqes;

static void setup(void) {
  struct io_uring_params p;
  memset(&p, 0, sizeof(p));
  ring_fd = (int)syscall(__NR_io_uring_setup, 64, &p);
  if (ring_fd < 0) { perror("io_uring_setup"); exit(1); }
  size_t len = p.sq_off.array + p.sq_entries * 4;
  size_t clen = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
  if (clen > len) len = clen;
  char *sq = mmap(0, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring_fd, IORING_OFF_SQ_RING);
  sqes = mmap(0, p.sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring_fd, IORING_OFF_SQES);
  sq_tail = (unsigned *)(sq + p.sq_off.tail); sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
  sq_array = (unsigned *)(sq + p.sq_off.array);
  cq_head = (unsigned *)(sq + p.cq_off.head); cq_tail = (unsigned *)(sq + p.cq_off.tail);
  cq_mask = (unsigned *)(sq + p.cq_off.ring_mask);
  cqes = (struct io_uring_cqe *)(sq + p.cq_off.cqes);
}

static struct io_uring_sqe *sqe(void) {
  unsigned t = *sq_tail, i = t & *sq_mask;
  memset(&sqes[i], 0, sizeof(sqes[i]));
  sq_array[i] = i;
  __atomic_store_n(sq_tail, t + 1, __ATOMIC_RELEASE);
  return &sqes[i];
}

static int enter_reap(unsigned n) {
  syscall(__NR_io_uring_enter, ring_fd, n, 1, IORING_ENTER_GETEVENTS, NULL, 0);
  unsigned h = *cq_head, t = __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE);
  int res = 0;
  for (; h != t; h++) res = cqes[h & *cq_mask].res;
  __atomic_store_n(cq_head, h, __ATOMIC_RELEASE);
  return res;
}

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define N 200000
#define RUN(name, ...)                                                        \
  do {                                                                        \
    double t0 = cpu_now();                                                    \
    for (int i = 0; i < N; i++) { __VA_ARGS__; }                              \
    printf("%-44s %6.0f ns CPU\n", name, (cpu_now() - t0) / N * 1e9);         \
  } while (0)

int main(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLOUT, .data.fd = sv[0]}, out[8];
  epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
  setup();
  RUN("epoll_wait, 1 ready", epoll_wait(ep, out, 8, 0));
  RUN("epoll_ctl(MOD) + epoll_wait, 1 ready", {
    ev.events = (i & 1) ? EPOLLOUT : EPOLLOUT | EPOLLIN;
    epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &ev);
    epoll_wait(ep, out, 8, 0);
  });
  RUN("(a) enter: POLL_ADD re-arm, completes at once", {
    struct io_uring_sqe *s = sqe();
    s->opcode = IORING_OP_POLL_ADD; s->fd = sv[0]; s->poll32_events = POLLOUT; s->user_data = 1;
    enter_reap(1);
  });
  RUN("(a) enter: POLL_ADD + LINK_TIMEOUT", {
    static struct __kernel_timespec ts;
    ts.tv_sec = 2;
    struct io_uring_sqe *s = sqe();
    s->opcode = IORING_OP_POLL_ADD; s->fd = sv[0]; s->poll32_events = POLLOUT; s->user_data = 1;
    s->flags = IOSQE_IO_LINK;
    s = sqe();
    s->opcode = IORING_OP_LINK_TIMEOUT; s->addr = (unsigned long)&ts; s->len = 1;
    enter_reap(2);
  });
  int ok = 1;
  RUN("(b) enter: EPOLL_WAIT, 1 ready", {
    struct io_uring_sqe *s = sqe();
    s->opcode = IORING_OP_EPOLL_WAIT; s->fd = ep; s->addr = (unsigned long)out; s->len = 8; s->user_data = 2;
    if (enter_reap(1) < 0) ok = 0;
  });
  if (!ok) printf("  (IORING_OP_EPOLL_WAIT failed here)\n");
  RUN("(b) enter: EPOLL_CTL(MOD) + EPOLL_WAIT", {
    ev.events = (i & 1) ? EPOLLOUT : EPOLLOUT | EPOLLIN;
    struct io_uring_sqe *s = sqe();
    s->opcode = IORING_OP_EPOLL_CTL; s->fd = ep; s->len = EPOLL_CTL_MOD; s->off = sv[0];
    s->addr = (unsigned long)&ev; s->user_data = 3; s->flags = IOSQE_IO_LINK;
    s = sqe();
    s->opcode = IORING_OP_EPOLL_WAIT; s->fd = ep; s->addr = (unsigned long)out; s->len = 8; s->user_data = 2;
    enter_reap(2);
  });
  return 0;
}
