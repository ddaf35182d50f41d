/*
 * The result layout of every wait: select(2), poll(2), epoll_wait(2) and
 * kevent(2), on the calling thread or on a helper thread. Defined here once;
 * src/selectors/events.ts describes the same layout for TypeScript.
 *
 * The caller owns an Int32Array. A wait returns n >= 0 (or -errno) and the
 * array then begins with n (fd, bits) int32 pairs, SEL_PAIR_INT32 values per
 * event. `bits` are the backend's own, unchanged or folded as follows; the
 * TypeScript side turns them into EVENT_READ/EVENT_WRITE, once:
 *
 *   select  SEL_EV_READ | SEL_EV_WRITE (the sets the fd is in)
 *   poll    revents (POLLIN, POLLOUT, POLLERR, ...), as an unsigned short
 *   epoll   events (EPOLLIN, EPOLLOUT, EPOLLERR, ...)
 *   kqueue  SEL_EV_READ for EVFILT_READ or SEL_EV_WRITE for EVFILT_WRITE,
 *           | SEL_EV_EOF if EV_EOF is set, | SEL_EV_ERROR if EV_ERROR is set
 *
 * Kernels that write records of their own (struct epoll_event, struct
 * kevent) write them into the same array first, so for those the array
 * must hold maxevents records: maxevents * SEL_RECORD_INT32(record) values.
 * The addon exports that count per backend (epollRecordInt32,
 * keventRecordInt32). Each record is then packed in place, front to back:
 * record i (bytes [S*i, S*i + S), S = sizeof(record) >= 8) is copied out
 * before pair i (bytes [8i, 8i + 8)) is written, and pair i ends at or
 * before record i + 1 begins, so no record is overwritten unread and no
 * scratch memory is needed.
 */
#ifndef SEL_EVENTS_H
#define SEL_EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* int32 values per (fd, bits) pair. */
#define SEL_PAIR_INT32 2

/* The bits select and kqueue report (EVENT_READ and EVENT_WRITE keep the
 * same values, so select's bits need no translation). */
#define SEL_EV_READ 1
#define SEL_EV_WRITE 2
#define SEL_EV_EOF 4
#define SEL_EV_ERROR 8
/* select()'s except set (in the interest mask and the result): only select
 * reports it, so it shares its bit with SEL_EV_EOF, which only kqueue reports.
 */
#define SEL_EV_EXCEPT 4

/* int32 values one kernel record occupies in the caller's array. */
#define SEL_RECORD_INT32(record) ((sizeof(record) + 3) / 4)

/* Writes pair i. */
static inline void sel__put_pair(int32_t *buf, size_t i, int32_t fd,
                                 int32_t bits) {
  buf[SEL_PAIR_INT32 * i] = fd;
  buf[SEL_PAIR_INT32 * i + 1] = bits;
}

/* Copies record i (of `size` bytes) of `buf` out into `record`, which must
 * be done before pair i is written (see above). */
static inline void sel__get_record(const int32_t *buf, size_t i, void *record,
                                   size_t size) {
  memcpy(record, (const char *)buf + i * size, size);
}

#ifdef NAPI_VERSION
#include "util.h"

/* Reads the arguments of a wait into kernel records, argv = (fd, buf:
 * Int32Array, maxevents, timeoutMs) as fetched by SEL_ARGS: false with a
 * pending TypeError, or RangeError unless 0 < maxevents <= INT32_MAX and
 * buf holds maxevents records of `record` int32 values. */
static inline bool sel__arg_wait(napi_env env, const napi_value *argv,
                                 size_t record, int32_t *fd, int32_t **buf,
                                 uint32_t *maxevents, int32_t *timeout) {
  size_t count;
  if (!sel__arg_int32(env, argv[0], fd, 0) ||
      !sel__arg_int32array(env, argv[1], buf, &count, 1) ||
      !sel__arg_uint32(env, argv[2], maxevents, 2) ||
      !sel__arg_int32(env, argv[3], timeout, 3))
    return false;
  if (*maxevents == 0 || *maxevents > INT32_MAX ||
      (size_t)*maxevents * record > count) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "maxevents must be > 0 and buf must hold "
                           "maxevents records (epollRecordInt32 or "
                           "keventRecordInt32 values each)");
    return false;
  }
  return true;
}

/* Defines the n functions of d on exports, and the number `name`: the int32
 * values one record of this backend takes (SEL_RECORD_INT32). */
static inline napi_status sel__define_wait(napi_env env, napi_value exports,
                                           const napi_property_descriptor *d,
                                           size_t n, const char *name,
                                           size_t record) {
  napi_value value;
  napi_status status = napi_create_uint32(env, (uint32_t)record, &value);
  if (status == napi_ok)
    status = napi_set_named_property(env, exports, name, value);
  return status == napi_ok ? napi_define_properties(env, exports, n, d)
                           : status;
}
#endif /* NAPI_VERSION */

#endif
