/*
 * Test-only stand-in for <sys/event.h>, so that native/kqueue.c compiles and
 * runs on Linux (test/kqueue-harness/driver.c provides kqueue() and
 * kevent()). SEL_STANDIN_SIZE picks one of the struct kevent layouts the
 * package's platforms use; the field types follow each platform's header:
 *
 *   32  macOS, OpenBSD     short filter, unsigned short flags
 *   40  NetBSD 9           uint32_t filter and flags, intptr_t udata
 *   64  FreeBSD >= 12      as 32, plus uint64_t ext[4]
 *   72  NetBSD 10          as 40 with void *udata, plus uint64_t ext[4]
 *
 * SEL_STANDIN_NO_RECEIPT leaves EV_RECEIPT undefined (a kernel without it).
 * Sizes are for LP64 (x86-64, arm64), checked below.
 */
#ifndef SEL_STANDIN_SYS_EVENT_H
#define SEL_STANDIN_SYS_EVENT_H

#include <stdint.h>
#include <string.h>
#include <time.h>

#if SEL_STANDIN_SIZE == 32 || SEL_STANDIN_SIZE == 64
#define EVFILT_READ (-1)
#define EVFILT_WRITE (-2)
struct kevent {
  uintptr_t ident;
  short filter;
  unsigned short flags;
  unsigned int fflags;
  int64_t data;
  void *udata;
#if SEL_STANDIN_SIZE == 64
  uint64_t ext[4];
#endif
};
#elif SEL_STANDIN_SIZE == 40 || SEL_STANDIN_SIZE == 72
#define EVFILT_READ 0U
#define EVFILT_WRITE 1U
struct kevent {
  uintptr_t ident;
  uint32_t filter;
  uint32_t flags;
  uint32_t fflags;
  int64_t data;
#if SEL_STANDIN_SIZE == 72
  void *udata;
  uint64_t ext[4];
#else
  intptr_t udata;
#endif
};
#else
#error "SEL_STANDIN_SIZE must be 32, 40, 64 or 72"
#endif

_Static_assert(sizeof(struct kevent) == SEL_STANDIN_SIZE,
               "stand-in struct kevent has the wrong size");

#define EV_ADD 0x0001
#define EV_DELETE 0x0002
#ifndef SEL_STANDIN_NO_RECEIPT
#define EV_RECEIPT 0x0040
#endif
#define EV_ERROR 0x4000
#define EV_EOF 0x8000

#define EV_SET(kevp, a, b, c, d, e, f)                                         \
  do {                                                                         \
    struct kevent *kevp_ = (kevp);                                             \
    memset(kevp_, 0, sizeof(*kevp_));                                          \
    kevp_->ident = (a);                                                        \
    kevp_->filter = (b);                                                       \
    kevp_->flags = (c);                                                        \
    kevp_->fflags = (d);                                                       \
    kevp_->data = (e);                                                         \
    kevp_->udata = (f);                                                        \
  } while (0)

int kqueue(void);
int kevent(int kq, const struct kevent *changelist, int nchanges,
           struct kevent *eventlist, int nevents,
           const struct timespec *timeout);

#endif
