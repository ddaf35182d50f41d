/*
 * File descriptors in general: close(2), read(2), write(2), pipe2(2),
 * fcntl(2), dup(2), getrlimit(2)/setrlimit(2) for RLIMIT_NOFILE.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "util.h"

/* close(fd) -> 0. Not retried on EINTR: on Linux the fd is released even
 * then, and a retry could close an fd another thread just opened. */
static napi_value sel_napi_close(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  int32_t fd;
  ARG_INT32(env, 0, fd);
  return close(fd) < 0 ? sel__neg_errno(env) : sel__int(env, 0);
}

/* read(fd, buf, offset, length) -> bytes read (0 at EOF) */
static napi_value sel_napi_read(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  sel_io_args a;
  ARG_IO(env, false, a);
  return sel__ssize(env, read(a.fd, a.data, a.len));
}

/* write(fd, buf, offset, length) -> bytes written */
static napi_value sel_napi_write(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  sel_io_args a;
  ARG_IO(env, false, a);
  return sel__ssize(env, write(a.fd, a.data, a.len));
}

/* pipe(out: Int32Array(2)) -> 0; both ends non-blocking and close-on-exec */
static napi_value sel_napi_pipe(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  int32_t *out;
  size_t count;
  ARG_INT32ARRAY(env, 0, out, count);
  if (count < 2) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "out must hold 2 fds");
    return NULL;
  }
  int p[2];
  int err = sel__pipe(p);
  if (err != 0)
    return sel__int(env, -err);
  out[0] = p[0];
  out[1] = p[1];
  return sel__int(env, 0);
}

/* fcntl(fd, cmd, arg) -> result. Only for commands with an int argument
 * (F_GETFL, F_SETFL, F_GETFD, F_SETFD). */
static napi_value sel_napi_fcntl(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 3);
  int32_t fd, cmd, arg;
  ARG_INT32S(env, 0, &fd, &cmd, &arg);
  if (cmd != F_GETFL && cmd != F_SETFL && cmd != F_GETFD && cmd != F_SETFD) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "fcntl command must be F_GETFL, F_SETFL, F_GETFD or "
                           "F_SETFD");
    return NULL;
  }
  int r = fcntl(fd, cmd, arg);
  return r < 0 ? sel__neg_errno(env) : sel__int(env, r);
}

/* dup(fd) -> new fd (close-on-exec) */
static napi_value sel_napi_dup(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  int32_t fd;
  ARG_INT32(env, 0, fd);
  int r = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  return r < 0 ? sel__neg_errno(env) : sel__int(env, r);
}

/* getrlimitNofile(out: Float64Array(2)) -> 0; RLIM_INFINITY reads as -1 */
static napi_value sel_napi_getrlimit_nofile(napi_env env,
                                            napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  double *out;
  size_t len;
  ARG_BYTES(env, 0, out, len);
  if (len < 2 * sizeof(double)) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "out must be a Float64Array(2)");
    return NULL;
  }
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
    return sel__neg_errno(env);
  out[0] = rl.rlim_cur == RLIM_INFINITY ? -1 : (double)rl.rlim_cur;
  out[1] = rl.rlim_max == RLIM_INFINITY ? -1 : (double)rl.rlim_max;
  return sel__int(env, 0);
}

/* setrlimitNofile(soft, hard) -> 0; -1 means RLIM_INFINITY */
static napi_value sel_napi_setrlimit_nofile(napi_env env,
                                            napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  double soft, hard;
  ARG_DOUBLE(env, 0, soft);
  ARG_DOUBLE(env, 1, hard);
  /* (rlim_t)NaN or a value beyond rlim_t is undefined behaviour. */
  if (soft != soft || hard != hard || soft >= 18446744073709551616.0 ||
      hard >= 18446744073709551616.0) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "RLIMIT_NOFILE limits must be integers or -1");
    return NULL;
  }
  struct rlimit rl;
  rl.rlim_cur = soft < 0 ? RLIM_INFINITY : (rlim_t)soft;
  rl.rlim_max = hard < 0 ? RLIM_INFINITY : (rlim_t)hard;
  return setrlimit(RLIMIT_NOFILE, &rl) < 0 ? sel__neg_errno(env)
                                           : sel__int(env, 0);
}

/* strerror(errnum) -> the C library's message, as Python's os.strerror.
 * strerror_r's GNU and XSI variants differ, so read strerror() once into a
 * local copy; the addon calls it on the JS thread only. */
static napi_value sel_napi_strerror(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  int32_t errnum;
  ARG_INT32(env, 0, errnum);
  napi_value out;
  NAPI_CALL(env, napi_create_string_utf8(env, strerror(errnum),
                                         NAPI_AUTO_LENGTH, &out));
  return out;
}

napi_status sel__init_os(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      SEL_FN("close", sel_napi_close),
      SEL_FN("read", sel_napi_read),
      SEL_FN("write", sel_napi_write),
      SEL_FN("pipe", sel_napi_pipe),
      SEL_FN("fcntl", sel_napi_fcntl),
      SEL_FN("dup", sel_napi_dup),
      SEL_FN("getrlimitNofile", sel_napi_getrlimit_nofile),
      SEL_FN("setrlimitNofile", sel_napi_setrlimit_nofile),
      SEL_FN("strerror", sel_napi_strerror),
  };
  return napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d);
}
