/*
 * kqueue(2) on macOS and the BSDs; elsewhere this file exports nothing and
 * the TypeScript side reports KqueueSelector as unavailable.
 * See: kqueue(2), kevent(2).
 *
 * struct kevent differs between platforms: 32 bytes on macOS and OpenBSD,
 * 64 on FreeBSD >= 12 (ext[4]), 40 on NetBSD 9, 72 on NetBSD 10 (ext[4]),
 * with a 32-bit filter and flags on NetBSD. Everything here is sized by
 * sizeof(struct kevent) and goes through EV_SET, so the code is the same
 * for all of them. test/kqueue-harness/ compiles this file on Linux against
 * stand-in <sys/event.h> layouts of each size, with a stand-in kevent(), and
 * runs the packing and the per-change results (SEL_KQ_STANDIN; with
 * SEL_KQ_NO_NAPI it leaves out the N-API glue).
 */
#ifndef SEL_KQ_NO_NAPI
#include "util.h"
#endif
#include "wait-common.h"

#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) ||      \
    defined(__NetBSD__) || defined(__DragonFly__) || defined(SEL_KQ_STANDIN)
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/event.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "events.h"

/* At most this many changes per keventApply (a selector sends <= 2). */
#define SEL_KQ_MAX_CHANGES 16
/* int32 values one struct kevent takes in keventWait's buffer. */
#define SEL_KQ_RECORD SEL_RECORD_INT32(struct kevent)

/* Applies n (ident, filter, flags) int32 triples without waiting, each as
 * its own change: errors[i] = 0 if change i was applied, else its errno.
 * With EV_RECEIPT one kevent() call applies them all and reports each (an
 * error does not stop the later changes, as it does without EV_RECEIPT);
 * where EV_RECEIPT is missing, one kevent() call per change (a bad kq then
 * shows as EBADF on every change). Returns 0, or -errno if kevent() itself
 * failed (then errors[] is not meaningful). */
static int sel__kq_apply(int kq, const int32_t *changes, uint32_t n,
                         int32_t *errors) {
  struct kevent ch[SEL_KQ_MAX_CHANGES];
  const struct timespec zero = {0, 0};
  for (uint32_t i = 0; i < n; i++) {
#ifdef EV_RECEIPT
    unsigned flags = (unsigned)changes[3 * i + 2] | EV_RECEIPT;
#else
    unsigned flags = (unsigned)changes[3 * i + 2];
#endif
    EV_SET(&ch[i], (uintptr_t)(uint32_t)changes[3 * i], changes[3 * i + 1],
           flags, 0, 0, 0);
    errors[i] = 0;
  }
#ifdef EV_RECEIPT
  struct kevent receipts[SEL_KQ_MAX_CHANGES];
  int r = kevent(kq, ch, (int)n, receipts, (int)n, &zero);
  /* kevent(2): if interrupted (EINTR), all changes have been applied. */
  if (r < 0 && errno != EINTR)
    return -errno;
  for (int j = 0; j < r; j++) {
    if (!(receipts[j].flags & EV_ERROR) || receipts[j].data == 0)
      continue;
    /* Receipts come in change order; match by (ident, filter) anyway. */
    for (uint32_t i = 0; i < n; i++) {
      if (ch[i].ident == receipts[j].ident &&
          ch[i].filter == receipts[j].filter && errors[i] == 0) {
        errors[i] = (int32_t)receipts[j].data;
        break;
      }
    }
  }
#else
  for (uint32_t i = 0; i < n; i++) {
    if (kevent(kq, &ch[i], 1, NULL, 0, &zero) < 0)
      errors[i] = errno;
  }
#endif
  return 0;
}

/* Packs the n struct kevent at the start of buf into (fd, bits) pairs, in
 * place (native/events.h): the filter becomes SEL_EV_READ or SEL_EV_WRITE,
 * EV_EOF and EV_ERROR become SEL_EV_EOF and SEL_EV_ERROR. */
static void sel__kq_pack(int32_t *buf, int n) {
  for (int i = 0; i < n; i++) {
    struct kevent ev;
    sel__get_record(buf, (size_t)i, &ev, sizeof(ev));
    int32_t bits = ev.filter == EVFILT_READ    ? SEL_EV_READ
                   : ev.filter == EVFILT_WRITE ? SEL_EV_WRITE
                                               : 0;
    if (ev.flags & EV_EOF)
      bits |= SEL_EV_EOF;
    if (ev.flags & EV_ERROR)
      bits |= SEL_EV_ERROR;
    sel__put_pair(buf, (size_t)i, (int32_t)ev.ident, bits);
  }
}

/* Waits for at most nevents events (timeoutMs < 0: forever) into buf, which
 * holds at least nevents * SEL_KQ_RECORD int32, and packs them. Returns
 * their count or -errno. */
static int sel__kq_wait(int kq, int32_t *buf, uint32_t nevents,
                        int32_t timeout) {
  struct timespec ts, *tsp = NULL;
  if (timeout >= 0) {
    sel__ms_to_timespec(timeout, &ts);
    tsp = &ts;
  }
  int n = kevent(kq, NULL, 0, (struct kevent *)(void *)buf, (int)nevents, tsp);
  if (n < 0)
    return -errno;
  sel__kq_pack(buf, n);
  return n;
}

#ifndef SEL_KQ_NO_NAPI

/* kqueue() -> kq fd, close-on-exec (kqueues are never inherited by a fork
 * child anyway, but an exec'd program must not see the fd either). */
static napi_value sel_napi_kqueue(napi_env env, napi_callback_info info) {
  (void)info;
  int kq = kqueue();
  if (kq < 0)
    return sel__neg_errno(env);
  if (fcntl(kq, F_SETFD, FD_CLOEXEC) < 0) {
    int err = errno;
    close(kq);
    return sel__int(env, -err);
  }
  return sel__int(env, kq);
}

/* keventApply(kq, changes: Int32Array, nchanges, errors: Int32Array) -> 0.
 * changes holds nchanges (ident, filter, flags) triples (at most 16);
 * errors[i] gets change i's errno, 0 if it was applied. */
static napi_value sel_napi_kevent_apply(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  int32_t kq, *changes, *errors;
  size_t changes_count, errors_count;
  uint32_t n;
  ARG_INT32(env, 0, kq);
  ARG_INT32ARRAY(env, 1, changes, changes_count);
  ARG_UINT32(env, 2, n);
  ARG_INT32ARRAY(env, 3, errors, errors_count);
  if (n > SEL_KQ_MAX_CHANGES || (size_t)n * 3 > changes_count ||
      n > errors_count) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "at most 16 changes; changes must hold 3 * "
                           "nchanges values and errors nchanges");
    return NULL;
  }
  return sel__int(env, sel__kq_apply(kq, changes, n, errors));
}

/* keventWait(kq, buf: Int32Array, nevents, timeoutMs) -> event count.
 * nevents > 0; buf holds nevents records of keventRecordInt32 values; filled
 * with (fd, SEL_EV_* bits) pairs (native/events.h). */
static napi_value sel_napi_kevent_wait(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  int32_t kq, *buf, timeout;
  uint32_t nevents;
  if (!sel__arg_wait(env, argv, SEL_KQ_RECORD, &kq, &buf, &nevents, &timeout))
    return NULL;
  return sel__int(env, sel__kq_wait(kq, buf, nevents, timeout));
}

napi_status sel__init_kqueue(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      SEL_FN("kqueue", sel_napi_kqueue),
      SEL_FN("keventApply", sel_napi_kevent_apply),
      SEL_FN("keventWait", sel_napi_kevent_wait),
  };
  return sel__define_wait(env, exports, d, sizeof(d) / sizeof(d[0]),
                          "keventRecordInt32", SEL_KQ_RECORD);
}

#endif /* SEL_KQ_NO_NAPI */

#elif !defined(SEL_KQ_NO_NAPI)

napi_status sel__init_kqueue(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
  return napi_ok;
}

#endif
