/*
 * Waiting without blocking the event loop (selectAsync). Filled in by the
 * async work; for now it exports nothing.
 */
#include "util.h"

napi_status sel__init_watch(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
  return napi_ok;
}
