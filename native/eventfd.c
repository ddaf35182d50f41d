/*
 * eventfd(2), Linux only (elsewhere this part exports nothing and the
 * TypeScript side, src/eventfd.ts, reports it as unavailable).
 * Reading and writing the 8-byte counter are plain read(2)/write(2): the
 * TypeScript side uses the addon's `read`/`write` for them.
 * Also the Waker's two locked sequences (every platform).
 */
#include <sched.h>
#include <unistd.h>

#include "util.h"

/*
 * Waker primitives (src/waker.ts), on every platform. `state` is an
 * Int32Array over a SharedArrayBuffer shared by every thread holding the
 * Waker's handle: state[0] is a spinlock word, state[1] is 1 while the
 * Waker is open. wakerWake checks state[1] and writes under the lock;
 * wakerClose clears state[1] and closes the fds under the same lock. So a
 * wake can never write into an fd number reused after close. Both run to
 * completion in C: a worker terminated mid-call cannot leave the lock held.
 */
/* The arguments of both after SEL_ARGS: (state: Int32Array of >= 2, a, b). */
static bool sel__waker_args(napi_env env, napi_value *argv, int32_t **state,
                            int32_t *a, int32_t *b) {
  size_t count;
  if (!sel__arg_int32array(env, argv[0], state, &count, 0))
    return false;
  if (count < 2) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "state must hold 2 values");
    return false;
  }
  return sel__arg_int32(env, argv[1], a, 1) &&
         sel__arg_int32(env, argv[2], b, 2);
}

/* SEL_ARGS of both, then their arguments into new `int32_t *state, a, b`. */
#define WAKER_ARGS(env, info, a, b)                                            \
  SEL_ARGS(env, info, 3);                                                      \
  int32_t *state, a, b;                                                        \
  if (!sel__waker_args(env, argv, &state, &a, &b))                             \
  return NULL

static void sel__waker_lock(int32_t *lock) {
  int32_t expected = 0;
  while (!__atomic_compare_exchange_n(lock, &expected, 1, false,
                                      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
    expected = 0;
    sched_yield();
  }
}

static void sel__waker_unlock(int32_t *lock) {
  __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

/* wakerWake(state, fd, size) -> 1 written (or a wake already pending:
 * EAGAIN), 0 if closed, -errno. size 8 writes the eventfd value 1, size 1 a
 * byte to a pipe. */
static napi_value sel_napi_waker_wake(napi_env env, napi_callback_info info) {
  WAKER_ARGS(env, info, fd, size);
  uint64_t one = 1;
  unsigned char byte = 1;
  const void *data = size == 8 ? (const void *)&one : (const void *)&byte;
  size_t len = size == 8 ? 8 : 1;
  int result = 0;
  sel__waker_lock(&state[0]);
  if (__atomic_load_n(&state[1], __ATOMIC_ACQUIRE) == 1) {
    ssize_t r;
    do {
      r = write(fd, data, len);
    } while (r < 0 && errno == EINTR);
    result = r >= 0 || errno == EAGAIN || errno == EWOULDBLOCK ? 1 : -errno;
  }
  sel__waker_unlock(&state[0]);
  return sel__int(env, result);
}

/* wakerClose(state, fd1, fd2) -> 0 (1 if already closed). fd2 < 0: none.
 * close(2) errors are ignored: the fds are released either way on Linux. */
static napi_value sel_napi_waker_close(napi_env env, napi_callback_info info) {
  WAKER_ARGS(env, info, fd1, fd2);
  int result = 1;
  sel__waker_lock(&state[0]);
  if (__atomic_load_n(&state[1], __ATOMIC_ACQUIRE) == 1) {
    __atomic_store_n(&state[1], 0, __ATOMIC_RELEASE);
    if (fd1 >= 0)
      close(fd1);
    if (fd2 >= 0)
      close(fd2);
    result = 0;
  }
  sel__waker_unlock(&state[0]);
  return sel__int(env, result);
}

static const napi_property_descriptor sel__waker_fns[] = {
    SEL_FN("wakerWake", sel_napi_waker_wake),
    SEL_FN("wakerClose", sel_napi_waker_close),
};

#ifdef __linux__
#include <sys/eventfd.h>

/* eventfd(initval, flags) -> fd. EFD_CLOEXEC and EFD_NONBLOCK are always
 * added: every fd the addon creates is close-on-exec and non-blocking. */
static napi_value sel_napi_eventfd(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  uint32_t initval;
  int32_t flags;
  ARG_UINT32(env, 0, initval);
  ARG_INT32(env, 1, flags);
  int fd = eventfd(initval, flags | EFD_CLOEXEC | EFD_NONBLOCK);
  return fd < 0 ? sel__neg_errno(env) : sel__int(env, fd);
}

napi_status sel__init_eventfd(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      SEL_FN("eventfd", sel_napi_eventfd),
  };
  napi_status status =
      napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d);
  if (status != napi_ok)
    return status;
  return napi_define_properties(env, exports, 2, sel__waker_fns);
}

#else

napi_status sel__init_eventfd(napi_env env, napi_value exports) {
  return napi_define_properties(env, exports, 2, sel__waker_fns);
}

#endif
