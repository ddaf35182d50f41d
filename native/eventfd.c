/*
 * eventfd(2), Linux only; elsewhere this file exports nothing and the
 * TypeScript side (src/eventfd.ts) reports it as unavailable.
 * Reading and writing the 8-byte counter are plain read(2)/write(2): the
 * TypeScript side uses the addon's `read`/`write` for them.
 */
#include "util.h"

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
  return napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d);
}

#else

napi_status sel__init_eventfd(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
  return napi_ok;
}

#endif
