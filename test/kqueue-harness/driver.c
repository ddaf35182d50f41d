/*
 * Test-only driver: runs native/kqueue.c's packing and per-change results on
 * Linux, against the stand-in <sys/event.h> in include/ (one layout per
 * build, SEL_STANDIN_SIZE) and the stand-in kqueue()/kevent() below, which
 * play a kernel: they log the changes they get, fail the ones they are told
 * to, and copy queued events out as whole struct kevent records.
 *
 * Built and run by test/selectors/kqueue-harness.test.ts, e.g.
 *   gcc -std=c11 -Wall -Wextra -Werror -DSEL_KQ_STANDIN -DSEL_KQ_NO_NAPI \
 *       -DSEL_STANDIN_SIZE=64 -Itest/kqueue-harness/include \
 *       test/kqueue-harness/driver.c -o driver && ./driver
 * Prints one TAP-like line per check and `layout ...` (native/events.h's
 * values, compared with src/selectors/events.ts by the test); exits 1 if a
 * check failed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../native/kqueue.c"

#define FAKE_KQ 100
#define MAX_LOG 64

/* What the stand-in kernel saw and is to do. */
static struct {
  struct kevent log[MAX_LOG]; /* every change received */
  int nlog;
  uintptr_t fail_ident[4];
  long fail_filter[4];
  int fail_errno[4];
  int nfail;
  struct kevent queued[16]; /* events the next wait returns */
  int nqueued;
  int reverse_receipts;         /* write receipts last change first */
  struct timespec last_timeout; /* of the last call */
  int last_timeout_null;
} k;

int kqueue(void) { return FAKE_KQ; }

static int fails(const struct kevent *c) {
  for (int i = 0; i < k.nfail; i++) {
    if (k.fail_ident[i] == c->ident && k.fail_filter[i] == (long)c->filter)
      return k.fail_errno[i];
  }
  return 0;
}

int kevent(int kq, const struct kevent *changelist, int nchanges,
           struct kevent *eventlist, int nevents,
           const struct timespec *timeout) {
  if (kq != FAKE_KQ) {
    errno = EBADF;
    return -1;
  }
  k.last_timeout_null = timeout == NULL;
  if (timeout != NULL) k.last_timeout = *timeout;
  int out = 0;
  for (int i = 0; i < nchanges; i++) {
    const struct kevent *c = &changelist[i];
    if (k.nlog < MAX_LOG) k.log[k.nlog++] = *c;
    int err = fails(c);
#ifdef EV_RECEIPT
    if (c->flags & EV_RECEIPT) {
      if (out == nevents) {
        errno = EINVAL; /* the caller must give room for every receipt */
        return -1;
      }
      int slot = k.reverse_receipts ? nchanges - 1 - i : out;
      eventlist[slot] = *c;
      eventlist[slot].flags = EV_ERROR;
      eventlist[slot].data = err;
      out++;
      continue;
    }
#endif
    if (err != 0) {
      /* Without EV_RECEIPT (and no room): the call fails, later changes
       * are not applied (kevent(2)). */
      errno = err;
      return -1;
    }
  }
  if (nchanges > 0) return out;
  for (int i = 0; i < k.nqueued && out < nevents; i++) {
    eventlist[out++] = k.queued[i];
  }
  return out;
}

static int failures = 0, checks = 0;

static void check(int ok, const char *what) {
  checks++;
  printf("%s %d - %s\n", ok ? "ok" : "not ok", checks, what);
  if (!ok) failures++;
}

static void reset(void) { memset(&k, 0, sizeof(k)); }

static void queue(uintptr_t ident, long filter, unsigned flags, int64_t data) {
  struct kevent *ev = &k.queued[k.nqueued++];
  /* Every byte set, ext[] included where present: a wrong stride would
   * read them as the next record. */
  memset(ev, 0xA5, sizeof(*ev));
  ev->ident = ident;
  ev->filter = filter;
  ev->flags = flags;
  ev->data = data;
}

static void fail(uintptr_t ident, long filter, int err) {
  k.fail_ident[k.nfail] = ident;
  k.fail_filter[k.nfail] = filter;
  k.fail_errno[k.nfail] = err;
  k.nfail++;
}

#define CANARY ((int32_t)0x5A5A5A5A)

int main(void) {
  printf("# struct kevent: %zu bytes, %zu int32 per record%s\n",
         sizeof(struct kevent), (size_t)SEL_KQ_RECORD,
#ifdef EV_RECEIPT
         ""
#else
         ", no EV_RECEIPT"
#endif
  );
  printf("layout %d %d %d %d %d\n", SEL_PAIR_INT32, SEL_EV_READ, SEL_EV_WRITE,
         SEL_EV_EOF, SEL_EV_ERROR);
  check(SEL_KQ_RECORD * 4 == sizeof(struct kevent),
        "a record takes sizeof(struct kevent) / 4 int32");

  /* Waiting: records packed into (fd, bits) pairs, front to back. */
  reset();
  queue(3, EVFILT_READ, 0, 11);
  queue(4, EVFILT_WRITE, EV_EOF, 12);
  queue(7, EVFILT_READ, EV_EOF, 0);
  queue(1000, EVFILT_WRITE, 0, 65536);
  queue(9, EVFILT_READ, EV_ERROR, 5);
  size_t room = 5 * SEL_KQ_RECORD;
  int32_t *buf = malloc((room + 4) * sizeof(int32_t));
  for (size_t i = 0; i < room + 4; i++) buf[i] = CANARY;
  int n = sel__kq_wait(FAKE_KQ, buf, 5, 1500);
  const int32_t want[] = {3,    SEL_EV_READ,
                          4,    SEL_EV_WRITE | SEL_EV_EOF,
                          7,    SEL_EV_READ | SEL_EV_EOF,
                          1000, SEL_EV_WRITE,
                          9,    SEL_EV_READ | SEL_EV_ERROR};
  check(n == 5, "wait returns the kernel's count");
  check(memcmp(buf, want, sizeof(want)) == 0,
        "records become (fd, SEL_EV_*) pairs in place, in order");
  check(buf[room] == CANARY && buf[room + 3] == CANARY,
        "nothing is written beyond nevents records");
  check(!k.last_timeout_null && k.last_timeout.tv_sec == 1 &&
            k.last_timeout.tv_nsec == 500000000L,
        "1500 ms is {1 s, 500000000 ns}");

  /* nevents bounds what the kernel may write. */
  for (size_t i = 0; i < room + 4; i++) buf[i] = CANARY;
  n = sel__kq_wait(FAKE_KQ, buf, 2, -1);
  check(n == 2 && buf[0] == 3 && buf[2] == 4, "nevents = 2: two events");
  check(buf[2 * SEL_KQ_RECORD] == CANARY,
        "nevents = 2: the third record's place is untouched");
  check(k.last_timeout_null, "timeout -1 waits forever (NULL)");
  free(buf);

  /* A bad kqueue: -errno. */
  int32_t one[SEL_KQ_RECORD];
  check(sel__kq_wait(FAKE_KQ + 1, one, 1, 0) == -EBADF, "bad kq: -EBADF");

  /* Changes: every one applied and reported, even after a failure. */
  const int32_t deletes[] = {5, EVFILT_READ, EV_DELETE,
                             5, EVFILT_WRITE, EV_DELETE};
  int32_t errors[2] = {-1, -1};
  reset();
  fail(5, EVFILT_READ, ENOENT);
  int r = sel__kq_apply(FAKE_KQ, deletes, 2, errors);
  check(r == 0 && errors[0] == ENOENT && errors[1] == 0,
        "failed READ delete: ENOENT for it, 0 for the WRITE delete");
  check(k.nlog == 2 && k.log[1].ident == 5 && k.log[1].filter == EVFILT_WRITE &&
            (k.log[1].flags & EV_DELETE),
        "the WRITE delete reached the kernel after the failed READ delete");

  reset();
  k.reverse_receipts = 1;
  fail(5, EVFILT_WRITE, EPIPE);
  const int32_t adds[] = {5, EVFILT_READ, EV_ADD, 5, EVFILT_WRITE, EV_ADD};
  r = sel__kq_apply(FAKE_KQ, adds, 2, errors);
  check(r == 0 && errors[0] == 0 && errors[1] == EPIPE,
        "results are matched to their change, in any receipt order");
  check(k.nlog == 2 && (long)k.log[0].filter == (long)EVFILT_READ &&
            k.log[0].ident == 5,
        "changes carry ident and filter as given");

  reset();
  r = sel__kq_apply(FAKE_KQ + 1, adds, 2, errors);
#ifdef EV_RECEIPT
  check(r == -EBADF, "bad kq: -EBADF");
#else
  check(r == 0 && errors[0] == EBADF && errors[1] == EBADF,
        "bad kq: EBADF for every change");
#endif

  printf("1..%d\n", checks);
  return failures == 0 ? 0 : 1;
}
