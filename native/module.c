/*
 * Module entry point of the main addon: the export table. The argument
 * helpers every file shares live in args.c. No state lives here (or
 * anywhere in the addon), so the module can be loaded by many worker threads
 * at once.
 */
#include "util.h"

NAPI_MODULE_INIT() {
  if (sel__init_constants(env, exports) != napi_ok ||
      sel__init_socket(env, exports) != napi_ok ||
      sel__init_os(env, exports) != napi_ok ||
      sel__init_mux(env, exports) != napi_ok ||
      sel__init_epoll(env, exports) != napi_ok ||
      sel__init_kqueue(env, exports) != napi_ok ||
      sel__init_watch(env, exports) != napi_ok) {
    sel__throw_last(env);
    return NULL;
  }
  return exports;
}
