/*
 * epoll(7), Linux only; elsewhere this file exports nothing and the
 * TypeScript side reports EpollSelector as unavailable.
 * See: epoll_create1(2), epoll_ctl(2), epoll_wait(2).
 */
#include "util.h"

#ifdef __linux__
#include <string.h>
#include <sys/epoll.h>

/* epollCreate() -> epfd (always EPOLL_CLOEXEC) */
static napi_value sel_napi_epoll_create(napi_env env, napi_callback_info info) {
  (void)info;
  int ep = epoll_create1(EPOLL_CLOEXEC);
  return ep < 0 ? sel__neg_errno(env) : sel__int(env, ep);
}

/* epollCtl(epfd, op, fd, events) -> 0. data.fd carries the fd. */
static napi_value sel_napi_epoll_ctl(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  int32_t ep, op, fd;
  uint32_t events;
  ARG_INT32(env, 0, ep);
  ARG_INT32(env, 1, op);
  ARG_INT32(env, 2, fd);
  ARG_UINT32(env, 3, events);
  struct epoll_event ev;
  memset(&ev, 0, sizeof(ev));
  ev.events = events;
  ev.data.fd = fd;
  /* Kernels before 2.6.9 required a non-NULL event even for EPOLL_CTL_DEL;
   * passing one always costs nothing. */
  return epoll_ctl(ep, op, fd, &ev) < 0 ? sel__neg_errno(env)
                                         : sel__int(env, 0);
}

/* epollWait(epfd, buf: Int32Array, maxevents, timeoutMs) -> ready count.
 * buf must hold maxevents * 4 int32 (16 bytes per event, enough for struct
 * epoll_event on every ABI: 12 bytes packed on x86-64, 16 elsewhere). The
 * kernel writes its structs into buf; they are then rewritten in place, front
 * to back, as (fd, events) int32 pairs. Pair i (8 bytes at 8i) never reaches
 * a struct not yet read (at >= 12(i+1)), so no scratch memory is needed. */
static napi_value sel_napi_epoll_wait(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  int32_t ep, timeout, *buf;
  size_t count;
  uint32_t maxevents;
  ARG_INT32(env, 0, ep);
  ARG_INT32ARRAY(env, 1, buf, count);
  ARG_UINT32(env, 2, maxevents);
  ARG_INT32(env, 3, timeout);
  if (maxevents == 0 || (size_t)maxevents * 4 > count) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "maxevents must be > 0 and buf must hold "
                           "4 * maxevents values");
    return NULL;
  }
  struct epoll_event *evs = (struct epoll_event *)(void *)buf;
  int n = epoll_wait(ep, evs, (int)maxevents, timeout < 0 ? -1 : timeout);
  if (n < 0) return sel__neg_errno(env);
  for (int i = 0; i < n; i++) {
    struct epoll_event ev;
    memcpy(&ev, (char *)buf + (size_t)i * sizeof(ev), sizeof(ev));
    buf[2 * i] = ev.data.fd;
    buf[2 * i + 1] = (int32_t)ev.events;
  }
  return sel__int(env, n);
}

napi_status sel__init_epoll(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      SEL_FN("epollCreate", sel_napi_epoll_create),
      SEL_FN("epollCtl", sel_napi_epoll_ctl),
      SEL_FN("epollWait", sel_napi_epoll_wait),
  };
  return napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d);
}

#else

napi_status sel__init_epoll(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
  return napi_ok;
}

#endif
