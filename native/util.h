/*
 * Shared helpers for the N-API glue.
 *
 * The addon's contract: every exported function makes one system call (or a
 * fixed sequence of them) and returns its result, or -errno on failure. It
 * never throws for an OS error; it throws TypeError for an argument of the
 * wrong type (code ERR_INVALID_ARG_TYPE, or ERR_MISSING_ARGS) and RangeError
 * (code ERR_OUT_OF_RANGE) for a number out of range or an offset/length
 * outside the given buffer, as Node's own errors; the message names the
 * argument by its index ("Argument 2 must be ..."): the TypeScript wrappers,
 * which know the parameter names, check first.
 * All policy (retries, timeouts, maps, error classes) lives in TypeScript.
 */
#ifndef SEL_UTIL_H
#define SEL_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <node_api.h>

#define SEL_MAX_ARGS 10

/* Evaluate an N-API call; on failure throw (unless an exception is already
 * pending) and return NULL from the calling napi_callback. */
#define NAPI_CALL(env, call)                                                   \
  do {                                                                         \
    if ((call) != napi_ok) {                                                   \
      sel__throw_last(env);                                                    \
      return NULL;                                                             \
    }                                                                          \
  } while (0)

/* Fetch exactly `n` arguments into `argv`; throws TypeError (code
 * ERR_MISSING_ARGS, as Node's) if fewer were passed. Declares `argv`. */
#define SEL_ARGS(env, info, n)                                                 \
  napi_value argv[SEL_MAX_ARGS];                                               \
  do {                                                                         \
    size_t argc_ = SEL_MAX_ARGS;                                               \
    NAPI_CALL(env, napi_get_cb_info(env, info, &argc_, argv, NULL, NULL));     \
    if (argc_ < (size_t)(n)) {                                                 \
      napi_throw_type_error(env, "ERR_MISSING_ARGS",                           \
                            "Expected " #n " arguments");                      \
      return NULL;                                                             \
    }                                                                          \
  } while (0)

/* Argument readers: return false with a pending TypeError/RangeError. */
#define ARG_INT32(env, i, out)                                                 \
  if (!sel__arg_int32(env, argv[i], &(out), i))                                \
  return NULL
#define ARG_UINT32(env, i, out)                                                \
  if (!sel__arg_uint32(env, argv[i], &(out), i))                               \
  return NULL
#define ARG_BOOL(env, i, out)                                                  \
  if (!sel__arg_bool(env, argv[i], &(out), i))                                 \
  return NULL
#define ARG_DOUBLE(env, i, out)                                                \
  if (!sel__arg_double(env, argv[i], &(out), i))                               \
  return NULL
#define ARG_BYTES(env, i, data, len)                                           \
  if (!sel__arg_bytes(env, argv[i], (void **)&(data), &(len), i))              \
  return NULL
/* A byte range: buffer at argv[i], offset at i+1, length at i+2, checked
 * against the buffer (RangeError); `ptr` points at the offset. */
#define ARG_SPAN(env, i, ptr, len)                                             \
  if (!sel__arg_span(env, argv, i, &(ptr), &(len)))                            \
  return NULL
/* The (fd, buf, offset, length[, flags]) arguments of the read/write family:
 * fd at argv[0], the span at argv[1..3] and, when `flags` is true, flags at
 * argv[4] (0 otherwise). */
typedef struct {
  int32_t fd;
  char *data;
  uint32_t len;
  int32_t flags;
} sel_io_args;
#define ARG_IO(env, flags, io)                                                 \
  if (!sel__arg_io(env, argv, flags, &(io)))                                   \
  return NULL
#define ARG_INT32ARRAY(env, i, data, count)                                    \
  if (!sel__arg_int32array(env, argv[i], &(data), &(count), i))                \
  return NULL
/* An Int32Array of at least `min` values at argv[i]; RangeError (code
 * ERR_OUT_OF_RANGE, message `msg`) if it is shorter. */
#define ARG_INT32ARRAY_MIN(env, i, data, min, msg)                             \
  if (!sel__arg_int32array_min(env, argv[i], &(data), min, msg, i))            \
  return NULL
/* Consecutive int32 arguments from argv[first] on, into the int32_t
 * variables whose addresses follow: ARG_INT32S(env, 0, &fd, &level). */
#define ARG_INT32S(env, first, ...)                                            \
  if (!sel__arg_int32s(env, argv, first, (int32_t *const[]){__VA_ARGS__},      \
                       sizeof((int32_t *const[]){__VA_ARGS__}) /               \
                           sizeof(int32_t *)))                                 \
  return NULL

void sel__throw_last(napi_env env);
bool sel__arg_int32(napi_env env, napi_value v, int32_t *out, int index);
bool sel__arg_uint32(napi_env env, napi_value v, uint32_t *out, int index);
bool sel__arg_bool(napi_env env, napi_value v, bool *out, int index);
bool sel__arg_double(napi_env env, napi_value v, double *out, int index);
/* Any TypedArray, DataView or ArrayBuffer: its bytes. */
bool sel__arg_bytes(napi_env env, napi_value v, void **data, size_t *len,
                    int index);
bool sel__arg_int32array(napi_env env, napi_value v, int32_t **data,
                         size_t *count, int index);
bool sel__arg_int32array_min(napi_env env, napi_value v, int32_t **data,
                             size_t min, const char *msg, int index);
bool sel__arg_int32s(napi_env env, napi_value *argv, int first,
                     int32_t *const *out, size_t n);
/* A JS string copied into buf (NUL-terminated); *len excludes the NUL.
 * Throws RangeError if it does not fit in cap - 1 bytes. */
bool sel__arg_string(napi_env env, napi_value v, char *buf, size_t cap,
                     size_t *len, int index);
/* Throw RangeError unless off + len <= total. */
bool sel__check_range(napi_env env, size_t total, uint32_t off, uint32_t len);
bool sel__arg_span(napi_env env, napi_value *argv, int i, char **ptr,
                   uint32_t *len);
bool sel__arg_io(napi_env env, napi_value *argv, bool flags, sel_io_args *io);

napi_value sel__int(napi_env env, int64_t value);
/* Return -errno (the current errno) as a JS number. */
napi_value sel__neg_errno(napi_env env);
/* A byte-count syscall's result: r, or -errno when r < 0. */
napi_value sel__ssize(napi_env env, ssize_t r);
/* pipe(2) with both ends non-blocking and close-on-exec: 0, or an errno. */
int sel__pipe(int p[2]);

/* Export-table entry. */
#define SEL_FN(name, fn)                                                       \
  { name, NULL, fn, NULL, NULL, NULL, napi_enumerable, NULL }
/* Export-table entry of a function shared by several exports: `data` (a
 * pointer to a static constant) says which one was called; the function reads
 * it back with sel__fn_data. */
#define SEL_FN_DATA(name, fn, data)                                            \
  { name, NULL, fn, NULL, NULL, NULL, napi_enumerable, (void *)(data) }
/* The `data` of the calling function's SEL_FN_DATA entry; NULL with an
 * exception pending if N-API fails. */
const void *sel__fn_data(napi_env env, napi_callback_info info);
/* Defines the callback `name` as fn(env, info, arg): one export of a
 * function that several exports share, each with its own argument. */
#define SEL_EXPORT_AS(name, fn, arg)                                           \
  static napi_value name(napi_env env, napi_callback_info info) {              \
    return fn(env, info, arg);                                                 \
  }
/* Declares `const type *var`: the data of the calling function's SEL_FN_DATA
 * entry. */
#define ARG_FN_DATA(env, info, type, var)                                      \
  const type *var = sel__fn_data(env, info);                                   \
  if (var == NULL)                                                             \
  return NULL

/* The main addon's module files, in the order module.c registers them: each
 * defines sel__init_<name>(env, exports). Adding a file is one line here. */
#define SEL_MODULES(X)                                                         \
  X(constants)                                                                 \
  X(socket)                                                                    \
  X(os)                                                                        \
  X(mux)                                                                       \
  X(epoll)                                                                     \
  X(kqueue)                                                                    \
  X(watch)                                                                     \
  X(signal)                                                                    \
  X(eventfd)                                                                   \
  X(select)                                                                    \
  X(msg)                                                                       \
  X(netdb)                                                                     \
  X(uring)                                                                     \
  /* end of SEL_MODULES: a new file is one X(name) line above */

#define SEL_DECLARE_INIT(name)                                                 \
  napi_status sel__init_##name(napi_env env, napi_value exports);
SEL_MODULES(SEL_DECLARE_INIT)

#endif
