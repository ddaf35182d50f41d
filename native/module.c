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
  if (pipe(p) < 0)
    return errno;
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

/* Each module file's sel__init_<name>, in SEL_MODULES order. */
#define SEL_INIT_FN(name) sel__init_##name,
static napi_status (*const sel__inits[])(napi_env, napi_value) = {
    SEL_MODULES(SEL_INIT_FN)};

NAPI_MODULE_INIT() {
  for (size_t i = 0; i < sizeof(sel__inits) / sizeof(sel__inits[0]); i++) {
    if (sel__inits[i](env, exports) != napi_ok) {
      sel__throw_last(env);
      return NULL;
    }
  }
  return exports;
}
