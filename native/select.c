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
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) ||      \
    defined(__NetBSD__) || defined(__DragonFly__)
#include <sys/event.h>
#include <sys/types.h>
#endif

#include "util.h"

/* Python's name and the value, one row per constant the platform has. */
struct sel__named {
  const char *name;
  int64_t value;
};

#define ROW(jsname, value) {jsname, (int64_t)(value)},

static const struct sel__named sel__select_constants[] = {
#ifdef PIPE_BUF
    ROW("PIPE_BUF", PIPE_BUF)
#endif
#ifdef POLLMSG
        ROW("POLLMSG", POLLMSG)
#endif
#ifdef __linux__
#ifdef EPOLLWAKEUP
            ROW("EPOLLWAKEUP", EPOLLWAKEUP)
#endif
                ROW("EFD_CLOEXEC", EFD_CLOEXEC) ROW(
                    "EFD_NONBLOCK", EFD_NONBLOCK) ROW("EFD_SEMAPHORE",
                                                      EFD_SEMAPHORE)
#endif
#ifdef EVFILT_READ
                    ROW("KQ_FILTER_READ", EVFILT_READ) ROW("KQ_FILTER_WRITE",
                                                           EVFILT_WRITE)
#ifdef EVFILT_AIO
                        ROW("KQ_FILTER_AIO", EVFILT_AIO)
#endif
                            ROW("KQ_FILTER_VNODE",
                                EVFILT_VNODE) ROW("KQ_FILTER_PROC", EVFILT_PROC)
#ifdef EVFILT_NETDEV
                                ROW("KQ_FILTER_NETDEV", EVFILT_NETDEV)
#endif
                                    ROW("KQ_FILTER_SIGNAL", EVFILT_SIGNAL) ROW(
                                        "KQ_FILTER_TIMER",
                                        EVFILT_TIMER) ROW("KQ_EV_ADD",
                                                          EV_ADD) ROW("KQ_EV_"
                                                                      "DELETE",
                                                                      EV_DELETE)
                                        ROW("KQ_EV_ENABLE", EV_ENABLE) ROW(
                                            "KQ_EV_DISABLE",
                                            EV_DISABLE) ROW("KQ_EV_ONESHOT",
                                                            EV_ONESHOT) ROW("KQ"
                                                                            "_E"
                                                                            "V_"
                                                                            "CL"
                                                                            "EA"
                                                                            "R",
                                                                            EV_CLEAR)
#ifdef EV_SYSFLAGS
                                            ROW("KQ_EV_SYSFLAGS", EV_SYSFLAGS)
#endif
#ifdef EV_FLAG1
                                                ROW("KQ_EV_FLAG1", EV_FLAG1)
#endif
                                                    ROW("KQ_EV_EOF",
                                                        EV_EOF) ROW("KQ_EV_"
                                                                    "ERROR",
                                                                    EV_ERROR)
#ifdef NOTE_LOWAT
                                                        ROW("KQ_NOTE_LOWAT",
                                                            NOTE_LOWAT)
#endif
                                                            ROW("KQ_NOTE_"
                                                                "DELETE",
                                                                NOTE_DELETE) ROW("KQ_NOTE_WRITE",
                                                                                 NOTE_WRITE) ROW("KQ_NOTE_EXTEND",
                                                                                                 NOTE_EXTEND)
                                                                ROW("KQ_NOTE_"
                                                                    "ATTRIB",
                                                                    NOTE_ATTRIB) ROW("KQ_NOTE_LINK",
                                                                                     NOTE_LINK) ROW("KQ_NOTE_RENAME",
                                                                                                    NOTE_RENAME)
                                                                    ROW("KQ_"
                                                                        "NOTE_"
                                                                        "REVOK"
                                                                        "E",
                                                                        NOTE_REVOKE) ROW("KQ_NOTE_EXIT",
                                                                                         NOTE_EXIT)
                                                                        ROW("KQ"
                                                                            "_N"
                                                                            "OT"
                                                                            "E_"
                                                                            "FO"
                                                                            "R"
                                                                            "K",
                                                                            NOTE_FORK) ROW("KQ_NOTE_EXEC",
                                                                                           NOTE_EXEC)
#ifdef NOTE_PCTRLMASK
                                                                            ROW("KQ_NOTE_PCTRLMASK",
                                                                                NOTE_PCTRLMASK)
                                                                                ROW("KQ_NOTE_PDATAMASK",
                                                                                    NOTE_PDATAMASK)
#endif
#ifdef NOTE_TRACK
                                                                                    ROW("KQ_NOTE_TRACK",
                                                                                        NOTE_TRACK)
                                                                                        ROW("KQ_NOTE_CHILD",
                                                                                            NOTE_CHILD)
                                                                                            ROW("KQ_NOTE_TRACKERR",
                                                                                                NOTE_TRACKERR)
#endif
#endif
                                                                                                {NULL,
                                                                                                 0} /* end; keeps the array non-empty on every platform */
};

#undef ROW

napi_status sel__init_select(napi_env env, napi_value exports) {
  napi_status status;
  napi_value obj, value;
  if ((status = napi_create_object(env, &obj)) != napi_ok)
    return status;
  for (const struct sel__named *c = sel__select_constants; c->name; c++) {
    if ((status = napi_create_int64(env, c->value, &value)) != napi_ok ||
        (status = napi_set_named_property(env, obj, c->name, value)) != napi_ok)
      return status;
  }
  return napi_set_named_property(env, exports, "selectConstants", obj);
}
