/*
 * Written once for the files that wait: a millisecond timeout as the
 * kernel's time structs (mux.c: select(2); kqueue.c: kevent(2)), and a
 * non-blocking close-on-exec pipe (os.c: pipe; reactor.c: its wake-up).
 * See: select(2), kevent(2), pipe(2).
 */
#ifndef SEL_WAIT_COMMON_H
#define SEL_WAIT_COMMON_H

#include <sys/time.h>
#include <time.h>

#include "util.h"

/* ms >= 0 as a struct timeval. */
static inline void sel__ms_to_timeval(int32_t ms, struct timeval *tv) {
  tv->tv_sec = ms / 1000;
  tv->tv_usec = (ms % 1000) * 1000;
}

/* ms >= 0 as a struct timespec. */
static inline void sel__ms_to_timespec(int32_t ms, struct timespec *ts) {
  ts->tv_sec = ms / 1000;
  ts->tv_nsec = (long)(ms % 1000) * 1000000L;
}

/* pipe(2) with both ends O_NONBLOCK and FD_CLOEXEC (pipe2 where it
 * exists; macOS has none): 0, or -errno with nothing left open. */
int sel__pipe_nonblock(int p[2]);

#endif
