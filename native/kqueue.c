/*
 * kqueue(2) on macOS and the BSDs; elsewhere this file exports nothing and
 * the TypeScript side reports KqueueSelector as unavailable.
 * See: kqueue(2), kevent(2).
 */
#include "util.h"
#include "wait-common.h"

#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) ||     \
    defined(__NetBSD__) || defined(__DragonFly__)
#include <fcntl.h>
#include <string.h>
#include <sys/event.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#define SEL_KQ_MAX_CHANGES 16

/* kqueue() -> kq fd, close-on-exec (kqueues are never inherited by a fork
 * child anyway, but an exec'd program must not see the fd either). */
static napi_value sel_napi_kqueue(napi_env env, napi_callback_info info) {
  (void)info;
  int kq = kqueue();
  if (kq < 0) return sel__neg_errno(env);
  if (fcntl(kq, F_SETFD, FD_CLOEXEC) < 0) {
    int err = errno;
    close(kq);
    return sel__int(env, -err);
  }
  return sel__int(env, kq);
}

/* kevent(kq, changes: Int32Array, nchanges, buf: Int32Array, nevents,
 *        timeoutMs) -> event count.
 * changes holds nchanges (ident, filter, flags) triples (at most 16).
 * buf must hold nevents * 8 int32 (32 bytes, room for one struct kevent);
 * the kernel's structs are rewritten in place, front to back, as
 * (ident, filter, flags, data) int32 quads (16 bytes at 16i never reach a
 * struct not yet read, at >= 32(i+1)). */
static napi_value sel_napi_kevent(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 6);
  int32_t kq, *changes, *buf, timeout;
  size_t changes_count, buf_count;
  uint32_t nchanges, nevents;
  ARG_INT32(env, 0, kq);
  ARG_INT32ARRAY(env, 1, changes, changes_count);
  ARG_UINT32(env, 2, nchanges);
  ARG_INT32ARRAY(env, 3, buf, buf_count);
  ARG_UINT32(env, 4, nevents);
  ARG_INT32(env, 5, timeout);
  if (nchanges > SEL_KQ_MAX_CHANGES || (size_t)nchanges * 3 > changes_count ||
      (size_t)nevents * 8 > buf_count ||
      sizeof(struct kevent) > 8 * sizeof(int32_t)) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "at most 16 changes; buf must hold 8 * nevents");
    return NULL;
  }
  struct kevent ch[SEL_KQ_MAX_CHANGES];
  for (uint32_t i = 0; i < nchanges; i++) {
    EV_SET(&ch[i], (uintptr_t)changes[3 * i], (short)changes[3 * i + 1],
           (unsigned short)changes[3 * i + 2], 0, 0, 0);
  }
  struct timespec ts, *tsp = NULL;
  if (timeout >= 0) {
    sel__ms_to_timespec(timeout, &ts);
    tsp = &ts;
  }
  struct kevent *evs = (struct kevent *)(void *)buf;
  int n = kevent(kq, ch, (int)nchanges, evs, (int)nevents, tsp);
  if (n < 0) return sel__neg_errno(env);
  for (int i = 0; i < n; i++) {
    struct kevent ev;
    memcpy(&ev, (char *)buf + (size_t)i * sizeof(ev), sizeof(ev));
    buf[4 * i] = (int32_t)ev.ident;
    buf[4 * i + 1] = ev.filter;
    buf[4 * i + 2] = ev.flags;
    buf[4 * i + 3] = (int32_t)ev.data;
  }
  return sel__int(env, n);
}

napi_status sel__init_kqueue(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      SEL_FN("kqueue", sel_napi_kqueue),
      SEL_FN("kevent", sel_napi_kevent),
  };
  return napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d);
}

#else

napi_status sel__init_kqueue(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
  return napi_ok;
}

#endif
