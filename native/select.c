/*
 * Constants of Python's `select` module (and os.EFD_*) that the general
 * table in constants.c does not carry, under Python's names, in an object
 * of their own: `selectConstants`. A constant the platform does not define
 * is absent. See CPython's Modules/selectmodule.c (module init) for the list.
 */
#include <limits.h>
#include <poll.h>

#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) ||     \
    defined(__NetBSD__) || defined(__DragonFly__)
#include <sys/event.h>
#include <sys/types.h>
#endif

#include "util.h"

#define SEL_NAMED(jsname, value)                                               \
  do {                                                                         \
    napi_value v_;                                                             \
    if ((status = napi_create_int64(env, (int64_t)(value), &v_)) != napi_ok)   \
      return status;                                                           \
    if ((status = napi_set_named_property(env, obj, jsname, v_)) != napi_ok)   \
      return status;                                                           \
  } while (0)

napi_status sel__init_select(napi_env env, napi_value exports) {
  napi_status status;
  napi_value obj;
  if ((status = napi_create_object(env, &obj)) != napi_ok) return status;
#ifdef PIPE_BUF
  SEL_NAMED("PIPE_BUF", PIPE_BUF);
#endif
#ifdef POLLMSG
  SEL_NAMED("POLLMSG", POLLMSG);
#endif
#ifdef __linux__
#ifdef EPOLLWAKEUP
  SEL_NAMED("EPOLLWAKEUP", EPOLLWAKEUP);
#endif
  SEL_NAMED("EFD_CLOEXEC", EFD_CLOEXEC);
  SEL_NAMED("EFD_NONBLOCK", EFD_NONBLOCK);
  SEL_NAMED("EFD_SEMAPHORE", EFD_SEMAPHORE);
#endif
#ifdef EVFILT_READ
  SEL_NAMED("KQ_FILTER_READ", EVFILT_READ);
  SEL_NAMED("KQ_FILTER_WRITE", EVFILT_WRITE);
#ifdef EVFILT_AIO
  SEL_NAMED("KQ_FILTER_AIO", EVFILT_AIO);
#endif
  SEL_NAMED("KQ_FILTER_VNODE", EVFILT_VNODE);
  SEL_NAMED("KQ_FILTER_PROC", EVFILT_PROC);
#ifdef EVFILT_NETDEV
  SEL_NAMED("KQ_FILTER_NETDEV", EVFILT_NETDEV);
#endif
  SEL_NAMED("KQ_FILTER_SIGNAL", EVFILT_SIGNAL);
  SEL_NAMED("KQ_FILTER_TIMER", EVFILT_TIMER);
  SEL_NAMED("KQ_EV_ADD", EV_ADD);
  SEL_NAMED("KQ_EV_DELETE", EV_DELETE);
  SEL_NAMED("KQ_EV_ENABLE", EV_ENABLE);
  SEL_NAMED("KQ_EV_DISABLE", EV_DISABLE);
  SEL_NAMED("KQ_EV_ONESHOT", EV_ONESHOT);
  SEL_NAMED("KQ_EV_CLEAR", EV_CLEAR);
#ifdef EV_SYSFLAGS
  SEL_NAMED("KQ_EV_SYSFLAGS", EV_SYSFLAGS);
#endif
#ifdef EV_FLAG1
  SEL_NAMED("KQ_EV_FLAG1", EV_FLAG1);
#endif
  SEL_NAMED("KQ_EV_EOF", EV_EOF);
  SEL_NAMED("KQ_EV_ERROR", EV_ERROR);
#ifdef NOTE_LOWAT
  SEL_NAMED("KQ_NOTE_LOWAT", NOTE_LOWAT);
#endif
  SEL_NAMED("KQ_NOTE_DELETE", NOTE_DELETE);
  SEL_NAMED("KQ_NOTE_WRITE", NOTE_WRITE);
  SEL_NAMED("KQ_NOTE_EXTEND", NOTE_EXTEND);
  SEL_NAMED("KQ_NOTE_ATTRIB", NOTE_ATTRIB);
  SEL_NAMED("KQ_NOTE_LINK", NOTE_LINK);
  SEL_NAMED("KQ_NOTE_RENAME", NOTE_RENAME);
  SEL_NAMED("KQ_NOTE_REVOKE", NOTE_REVOKE);
  SEL_NAMED("KQ_NOTE_EXIT", NOTE_EXIT);
  SEL_NAMED("KQ_NOTE_FORK", NOTE_FORK);
  SEL_NAMED("KQ_NOTE_EXEC", NOTE_EXEC);
#ifdef NOTE_PCTRLMASK
  SEL_NAMED("KQ_NOTE_PCTRLMASK", NOTE_PCTRLMASK);
  SEL_NAMED("KQ_NOTE_PDATAMASK", NOTE_PDATAMASK);
#endif
#ifdef NOTE_TRACK
  SEL_NAMED("KQ_NOTE_TRACK", NOTE_TRACK);
  SEL_NAMED("KQ_NOTE_CHILD", NOTE_CHILD);
  SEL_NAMED("KQ_NOTE_TRACKERR", NOTE_TRACKERR);
#endif
#endif
  return napi_set_named_property(env, exports, "selectConstants", obj);
}
