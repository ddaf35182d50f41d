/*
 * See wait-common.h.
 */
#include <fcntl.h>
#include <unistd.h>

#include "wait-common.h"

int sel__pipe_nonblock(int p[2]) {
#if defined(__APPLE__)
  /* No pipe2(): set the flags right after, closing both on error. */
  if (pipe(p) < 0) return -errno;
  for (int k = 0; k < 2; k++) {
    int fl = fcntl(p[k], F_GETFL);
    if (fl < 0 || fcntl(p[k], F_SETFL, fl | O_NONBLOCK) < 0 ||
        fcntl(p[k], F_SETFD, FD_CLOEXEC) < 0) {
      int err = errno;
      close(p[0]);
      close(p[1]);
      return -err;
    }
  }
  return 0;
#else
  return pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0 ? -errno : 0;
#endif
}
