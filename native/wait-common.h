/*
 * Written once for the files that wait: a millisecond timeout as the
 * kernel's time structs (mux.c: select(2); kqueue.c: kevent(2)). No N-API:
 * test/kqueue-harness/ compiles kqueue.c without it.
 * See: select(2), kevent(2).
 */
#ifndef SEL_WAIT_COMMON_H
#define SEL_WAIT_COMMON_H

#include <stdint.h>
#include <sys/time.h>
#include <time.h>

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

#endif
