/*
 * Portable multiplexing: select(2) and poll(2).
 * See: select(2), poll(2).
 *
 * Both take the caller's interest list as an Int32Array and write ready
 * (fd, events) pairs into a caller-owned Int32Array (the layout of
 * native/events.h); nothing is allocated.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>

#include "events.h"
#include "util.h"
#include "wait-common.h"

/* struct pollfd is {int fd; short events; short revents;} everywhere; the
 * TypeScript side lays its Int32Array out as that struct. */
_Static_assert(sizeof(struct pollfd) == 8, "struct pollfd must be 8 bytes");

/* The arguments of select and poll: (list: Int32Array, n, timeoutMs,
 * out: Int32Array), list and out holding 2 * n int32 at least. Returns false
 * with a pending TypeError/RangeError. */
static bool sel__arg_lists(napi_env env, napi_value *argv, const char *what,
                           int32_t **list, uint32_t *n, int32_t *timeout,
                           int32_t **out) {
  size_t list_count, out_count;
  if (!sel__arg_int32array(env, argv[0], list, &list_count, 0) ||
      !sel__arg_uint32(env, argv[1], n, 1) ||
      !sel__arg_int32(env, argv[2], timeout, 2) ||
      !sel__arg_int32array(env, argv[3], out, &out_count, 3))
    return false;
  if ((size_t)*n * 2 > list_count || (size_t)*n * 2 > out_count) {
    char msg[64];
    snprintf(msg, sizeof(msg), "%s and out must hold 2 * n values", what);
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
    return false;
  }
  return true;
}

/* SEL_ARGS of select and poll, then their arguments into new `int32_t *list,
 * *out, timeout` and `uint32_t n`. */
#define LIST_ARGS(env, info, what, list, n, timeout, out)                      \
  SEL_ARGS(env, info, 4);                                                      \
  int32_t *list, *out, timeout;                                                \
  uint32_t n;                                                                  \
  if (!sel__arg_lists(env, argv, what, &list, &n, &timeout, &out))             \
  return NULL

/* select(fds: Int32Array, n, timeoutMs, out: Int32Array) -> ready count.
 * fds holds n (fd, mask) pairs, mask 1 = read set, 2 = write set, 4 = except
 * set (exceptional conditions, e.g. TCP urgent data). out gets
 * one (fd, readyMask) pair per ready fd. timeoutMs < 0 waits forever.
 * An fd outside [0, FD_SETSIZE) returns -EINVAL (-EBADF if negative) before
 * any fd_set is touched: FD_SET beyond FD_SETSIZE would write out of bounds. */
static napi_value sel_napi_select(napi_env env, napi_callback_info info) {
  LIST_ARGS(env, info, "fds", fds, n, timeout, out);
  fd_set rset, wset, eset;
  FD_ZERO(&rset);
  FD_ZERO(&wset);
  FD_ZERO(&eset);
  int maxfd = -1;
  for (uint32_t i = 0; i < n; i++) {
    int fd = fds[2 * i], mask = fds[2 * i + 1];
    if (fd < 0)
      return sel__int(env, -EBADF);
    if (fd >= FD_SETSIZE)
      return sel__int(env, -EINVAL);
    if (mask & 1)
      FD_SET(fd, &rset);
    if (mask & 2)
      FD_SET(fd, &wset);
    if (mask & SEL_EV_EXCEPT)
      FD_SET(fd, &eset);
    if (fd > maxfd)
      maxfd = fd;
  }
  struct timeval tv, *tvp = NULL;
  if (timeout >= 0) {
    sel__ms_to_timeval(timeout, &tv);
    tvp = &tv;
  }
  int r = select(maxfd + 1, &rset, &wset, &eset, tvp);
  if (r < 0)
    return sel__neg_errno(env);
  int count = 0;
  for (uint32_t i = 0; r > 0 && i < n; i++) {
    int fd = fds[2 * i], mask = fds[2 * i + 1], ready = 0;
    /* Read again from the caller's memory, which another thread may have
     * changed (a SharedArrayBuffer): never index an fd_set out of range. */
    if (fd < 0 || fd >= FD_SETSIZE)
      continue;
    if ((mask & SEL_EV_READ) && FD_ISSET(fd, &rset))
      ready |= SEL_EV_READ;
    if ((mask & SEL_EV_WRITE) && FD_ISSET(fd, &wset))
      ready |= SEL_EV_WRITE;
    if ((mask & SEL_EV_EXCEPT) && FD_ISSET(fd, &eset))
      ready |= SEL_EV_EXCEPT;
    if (ready)
      sel__put_pair(out, (size_t)count++, fd, ready);
  }
  return sel__int(env, count);
}

/* poll(pollfds: Int32Array, n, timeoutMs, out: Int32Array) -> ready count.
 * pollfds is n struct pollfd laid out in the array's memory (2 int32 each).
 * out gets one (fd, revents) pair per entry with revents != 0. */
static napi_value sel_napi_poll(napi_env env, napi_callback_info info) {
  LIST_ARGS(env, info, "pollfds", pfds, n, timeout, out);
  struct pollfd *p = (struct pollfd *)pfds;
  int r = poll(p, (nfds_t)n, timeout < 0 ? -1 : timeout);
  if (r < 0)
    return sel__neg_errno(env);
  int count = 0;
  for (uint32_t i = 0; count < r && i < n; i++) {
    if (p[i].revents)
      sel__put_pair(out, (size_t)count++, p[i].fd, (uint16_t)p[i].revents);
  }
  return sel__int(env, count);
}

napi_status sel__init_mux(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      SEL_FN("select", sel_napi_select),
      SEL_FN("poll", sel_napi_poll),
  };
  return napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d);
}
