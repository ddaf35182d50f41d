/*
 * epoll(7), Linux only; elsewhere this file exports nothing and the
 * TypeScript side reports EpollSelector as unavailable.
 * See: epoll_create1(2), epoll_ctl(2), epoll_wait(2).
 */
#include "events.h"
#include "nocancel.h"
#include "util.h"

#ifdef __linux__
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

/* int32 values one struct epoll_event takes in epollWait's buffer: 3 where
 * the struct is packed (x86-64), 4 elsewhere. */
#define SEL_EPOLL_RECORD SEL_RECORD_INT32(struct epoll_event)

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
 * buf must hold maxevents records of epollRecordInt32 values; the kernel
 * writes its structs there and they are packed in place into (fd, events)
 * pairs (native/events.h). */
static napi_value sel_napi_epoll_wait(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  int32_t ep, timeout, *buf;
  uint32_t maxevents;
  if (!sel__arg_wait(env, argv, SEL_EPOLL_RECORD, &ep, &buf, &maxevents,
                     &timeout))
    return NULL;
  int n = sel__epoll_wait(ep, (struct epoll_event *)(void *)buf, (int)maxevents,
                          timeout < 0 ? -1 : timeout);
  if (n < 0)
    return sel__neg_errno(env);
  for (int i = 0; i < n; i++) {
    struct epoll_event ev;
    sel__get_record(buf, (size_t)i, &ev, sizeof(ev));
    sel__put_pair(buf, (size_t)i, ev.data.fd, (int32_t)ev.events);
  }
  return sel__int(env, n);
}

/* epollReplace(fresh, epfd) -> 0: makes the number epfd refer to the epoll
 * instance `fresh` (dup3, close-on-exec), then closes `fresh` (Linux
 * releases the number even if close reports an error). Used to rebuild an
 * interest list in place, keeping the selector's fileno(). */
static napi_value sel_napi_epoll_replace(napi_env env,
                                         napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  int32_t fd[2]; /* fresh, epfd */
  for (int i = 0; i < 2; i++)
    ARG_INT32(env, i, fd[i]);
  if (fd[0] == fd[1])
    return sel__int(env, -EINVAL);
  if (dup3(fd[0], fd[1], O_CLOEXEC) < 0)
    return sel__neg_errno(env);
  close(fd[0]);
  return sel__int(env, 0);
}

napi_status sel__init_epoll(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      SEL_FN("epollCreate", sel_napi_epoll_create),
      SEL_FN("epollCtl", sel_napi_epoll_ctl),
      SEL_FN("epollWait", sel_napi_epoll_wait),
      SEL_FN("epollReplace", sel_napi_epoll_replace),
  };
  return sel__define_wait(env, exports, d, sizeof(d) / sizeof(d[0]),
                          "epollRecordInt32", SEL_EPOLL_RECORD);
}

#else

napi_status sel__init_epoll(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
  return napi_ok;
}

#endif
