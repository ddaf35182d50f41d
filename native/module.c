/*
 * Module entry point of the main addon: the export table, and the pipe
 * helper its files share. The argument helpers every file of both addons
 * shares live in args.c. No state lives here (or anywhere in the addon but
 * native/signal.c, whose state is process-wide by nature), so the module can
 * be loaded by many worker threads at once.
 */
#include <fcntl.h>
#include <unistd.h>

#include "util.h"

int sel__pipe(int p[2]) {
#if defined(__APPLE__)
  /* macOS has no pipe2(): set the flags right after, closing both on error. */
  if (pipe(p) < 0) return errno;
  for (int k = 0; k < 2; k++) {
    int fl = fcntl(p[k], F_GETFL);
    if (fl < 0 || fcntl(p[k], F_SETFL, fl | O_NONBLOCK) < 0 ||
        fcntl(p[k], F_SETFD, FD_CLOEXEC) < 0) {
      int err = errno;
      close(p[0]);
      close(p[1]);
      return err;
    }
  }
  return 0;
#else
  return pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0 ? errno : 0;
#endif
}

NAPI_MODULE_INIT() {
  if (sel__init_constants(env, exports) != napi_ok ||
      sel__init_socket(env, exports) != napi_ok ||
      sel__init_os(env, exports) != napi_ok ||
      sel__init_mux(env, exports) != napi_ok ||
      sel__init_epoll(env, exports) != napi_ok ||
      sel__init_kqueue(env, exports) != napi_ok ||
      sel__init_watch(env, exports) != napi_ok ||
      sel__init_signal(env, exports) != napi_ok ||
      sel__init_eventfd(env, exports) != napi_ok ||
      sel__init_select(env, exports) != napi_ok ||
      sel__init_msg(env, exports) != napi_ok ||
      sel__init_netdb(env, exports) != napi_ok ||
      sel__init_uring(env, exports) != napi_ok) {
    sel__throw_last(env);
    return NULL;
  }
  return exports;
}
