/*
 * The reactor: one helper thread per Node environment (the main thread or a
 * worker) waiting on a kernel event set of its own — epoll(7) on Linux,
 * kqueue(2) on macOS and the BSDs — and handing what it finds to JavaScript
 * through a napi_threadsafe_function. Pure Node-API: no libuv.
 * See: epoll_ctl(2), epoll_wait(2), kqueue(2), eventfd(2), pthread_create(3),
 * Node-API napi_create_threadsafe_function, napi_add_env_cleanup_hook.
 *
 * C keeps no policy. JavaScript (src/async/reactor.ts) adds, modifies and
 * removes watches — (fd, event mask, token) — and receives (token, revents)
 * pairs; it decides one-shot re-arming, timeouts, aborts, which tokens are
 * still wanted, and whether pending watches keep the event loop alive.
 *
 * A watch is the reactor's own duplicate of the caller's fd (close-on-exec):
 * the kernel set names that duplicate, so the caller may close its fd at any
 * time, a reused fd number is never confused with the watched file, and
 * several watches on one file are independent. The reactor owns the
 * duplicates, so the environment's cleanup closes those still open.
 *
 *   reactorOpen(callback, out: Int32Array) -> 0 | -errno
 *     Starts the environment's reactor (once; -EALREADY after). `out` must
 *     hold 2 * BATCH int32 at least; callback(count) runs on the JS thread
 *     with `count` (token, revents) pairs written to `out` just before, or
 *     with a negative count (-errno) if the kernel wait failed and the
 *     thread ended.
 *   reactorAdd(fd, events, token) -> watch fd | -errno
 *     Duplicates fd and adds the duplicate. events: a mask of IN, OUT, PRI,
 *     RDHUP, ET, ONESHOT (epoll's values: Linux passes them through, kqueue
 *     translates them to filters); token: a uint32 handed back with the
 *     events. -ENXIO before reactorOpen.
 *   reactorMod(watchFd, events, token) -> 0 | -errno (-EBADF: not a watch)
 *   reactorDel(watchFd) -> 0 | -errno: removes and closes the duplicate.
 *   reactorCount() -> the number of watches (duplicates) open.
 *   reactorRef(ref) -> 0: napi_ref/unref_threadsafe_function: whether the
 *     reactor keeps the event loop alive.
 *
 * epoll_ctl and kevent changes take effect on a wait already running in
 * another thread (epoll_wait(2), NOTES: a fd added while a thread waits
 * wakes it when ready), so changes need no wake-up; the wake fd (an eventfd
 * on Linux, a pipe elsewhere) only tells the thread to stop.
 *
 * Delivery: one batch at a time. The thread copies at most SEL_REACTOR_BATCH
 * events into `batch`, queues one call, and sleeps until the JS thread has
 * copied them to `out` (so a level-triggered ready fd cannot pile up calls
 * while JavaScript is busy). The thread blocks every signal: process signals
 * go to Node's threads.
 *
 * Lifetime: created by reactorOpen, stopped by the environment's cleanup
 * hook (worker termination, process exit, addon unload): the hook tells the
 * thread to stop, wakes it (from the wake fd or from waiting for the JS
 * thread), joins it, aborts the threadsafe function and frees everything.
 * No thread outlives its environment; nothing is global.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "wait-common.h"

#if defined(__linux__)
#include <sys/epoll.h>
#include <sys/eventfd.h>
#define SEL_REACTOR_EPOLL 1
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) ||    \
    defined(__NetBSD__) || defined(__DragonFly__)
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
#define SEL_REACTOR_KQUEUE 1
#endif

#if defined(SEL_REACTOR_EPOLL) || defined(SEL_REACTOR_KQUEUE)

/* The event bits of reactorCtl and of the delivered pairs: epoll's values,
 * so Linux passes them through. */
#define SEL_R_IN 0x001
#define SEL_R_PRI 0x002
#define SEL_R_OUT 0x004
#define SEL_R_ERR 0x008
#define SEL_R_HUP 0x010
#define SEL_R_RDHUP 0x2000
#define SEL_R_ONESHOT (1U << 30)
#define SEL_R_ET (1U << 31)
#define SEL_R_CTL_ADD 1
#define SEL_R_CTL_DEL 2
#define SEL_R_CTL_MOD 3

#ifdef SEL_REACTOR_EPOLL
_Static_assert(SEL_R_IN == EPOLLIN && SEL_R_PRI == EPOLLPRI &&
                   SEL_R_OUT == EPOLLOUT && SEL_R_ERR == EPOLLERR &&
                   SEL_R_HUP == EPOLLHUP && SEL_R_RDHUP == EPOLLRDHUP &&
                   SEL_R_ONESHOT == (unsigned)EPOLLONESHOT &&
                   SEL_R_ET == (unsigned)EPOLLET,
               "reactor bits are epoll's");
_Static_assert(SEL_R_CTL_ADD == EPOLL_CTL_ADD &&
                   SEL_R_CTL_DEL == EPOLL_CTL_DEL &&
                   SEL_R_CTL_MOD == EPOLL_CTL_MOD,
               "reactor ops are epoll's");
#endif

/* Events per batch (and per kernel wait). */
#define SEL_REACTOR_BATCH 64
/* The token of the wake fd; JavaScript tokens are uint32. */
#define SEL_REACTOR_WAKE ((uint64_t)1 << 32)
/* Helper-thread stack: the thread makes a few system calls. */
#define SEL_REACTOR_STACK (256 * 1024)

typedef struct {
  napi_env env;
  int kfd; /* the epoll or kqueue fd */
  int wake_rd, wake_wr;
  napi_threadsafe_function tsfn;
  napi_async_context actx;
  napi_ref callback;
  napi_ref out;
  pthread_t thread;
  bool thread_live;
  /* The watch fds (our duplicates), a bit per fd number; JS thread only. */
  uint8_t *owned;
  size_t owned_cap; /* fd numbers the bitmap covers */
  uint32_t watches;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  /* Under mu: */
  bool stop;     /* set by the cleanup hook */
  bool busy;     /* a batch waits for the JS thread */
  int32_t count; /* pairs in batch, or -errno */
  int32_t batch[2 * SEL_REACTOR_BATCH];
} sel_reactor;

/* ------------------------------------------------------------ wake fd */

static int sel__reactor_wake_open(sel_reactor *r) {
#ifdef SEL_REACTOR_EPOLL
  int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0)
    return -errno;
  r->wake_rd = r->wake_wr = fd;
#else
  int p[2];
  int err = sel__pipe(p);
  if (err != 0)
    return -err;
  r->wake_rd = p[0];
  r->wake_wr = p[1];
#endif
  return 0;
}

static void sel__reactor_wake(sel_reactor *r) {
#ifdef SEL_REACTOR_EPOLL
  uint64_t one = 1;
  ssize_t n = write(r->wake_wr, &one, sizeof(one));
#else
  char one = 1;
  ssize_t n = write(r->wake_wr, &one, 1);
#endif
  (void)n; /* EAGAIN: already readable */
}

/* ---------------------------------------------------- kernel event set */

static int sel__reactor_kernel_open(sel_reactor *r) {
#ifdef SEL_REACTOR_EPOLL
  r->kfd = epoll_create1(EPOLL_CLOEXEC);
  if (r->kfd < 0)
    return -errno;
  struct epoll_event ev;
  memset(&ev, 0, sizeof(ev));
  ev.events = EPOLLIN;
  ev.data.u64 = SEL_REACTOR_WAKE;
  if (epoll_ctl(r->kfd, EPOLL_CTL_ADD, r->wake_rd, &ev) < 0)
    return -errno;
#else
  r->kfd = kqueue();
  if (r->kfd < 0)
    return -errno;
  if (fcntl(r->kfd, F_SETFD, FD_CLOEXEC) < 0)
    return -errno;
  struct kevent ch;
  EV_SET(&ch, r->wake_rd, EVFILT_READ, EV_ADD, 0, 0, NULL);
  if (kevent(r->kfd, &ch, 1, NULL, 0, NULL) < 0)
    return -errno;
#endif
  return 0;
}

#ifdef SEL_REACTOR_KQUEUE
/* One filter change with its own result (EV_RECEIPT), so a failed deletion
 * does not skip the next change. Returns 0 or -errno. */
static int sel__reactor_kq_change(int kq, int fd, int filter, int flags,
                                  uint32_t token) {
  struct kevent ch, res;
  EV_SET(&ch, fd, filter, flags | EV_RECEIPT, 0, 0, (void *)(uintptr_t)token);
  int n = kevent(kq, &ch, 1, &res, 1, NULL);
  if (n < 0)
    return -errno;
  if (n == 1 && (res.flags & EV_ERROR) && res.data != 0)
    return -(int)res.data;
  return 0;
}
#endif

/* One change of the event set: 0 or -errno. */
static int sel__reactor_kernel_ctl(sel_reactor *r, int op, int fd,
                                   uint32_t events, uint32_t token) {
#ifdef SEL_REACTOR_EPOLL
  struct epoll_event ev;
  memset(&ev, 0, sizeof(ev));
  ev.events = events;
  ev.data.u64 = token;
  return epoll_ctl(r->kfd, op, fd, &ev) < 0 ? -errno : 0;
#else
  /* READ carries IN, PRI and RDHUP interest (kqueue reports EOF with the
   * read filter), WRITE carries OUT. ET is EV_CLEAR, ONESHOT EV_ONESHOT.
   * ADD/MOD: add the wanted filters (EV_ADD replaces flags and udata of an
   * existing one) and, for MOD, delete the other (ENOENT ignored). */
  if (op != SEL_R_CTL_ADD && op != SEL_R_CTL_MOD && op != SEL_R_CTL_DEL)
    return -EINVAL;
  bool rd =
      op != SEL_R_CTL_DEL && (events & (SEL_R_IN | SEL_R_PRI | SEL_R_RDHUP));
  bool wr = op != SEL_R_CTL_DEL && (events & SEL_R_OUT);
  int flags = EV_ADD | EV_ENABLE | ((events & SEL_R_ET) ? EV_CLEAR : 0) |
              ((events & SEL_R_ONESHOT) ? EV_ONESHOT : 0);
  int err = 0, e;
  if (rd || wr) {
    if (rd &&
        (e = sel__reactor_kq_change(r->kfd, fd, EVFILT_READ, flags, token)) < 0)
      return e;
    if (wr && (e = sel__reactor_kq_change(r->kfd, fd, EVFILT_WRITE, flags,
                                          token)) < 0)
      return e;
  }
  if (op == SEL_R_CTL_ADD)
    return 0;
  if (!rd) {
    e = sel__reactor_kq_change(r->kfd, fd, EVFILT_READ, EV_DELETE, 0);
    if (e < 0 && e != -ENOENT)
      err = e;
  }
  if (!wr) {
    e = sel__reactor_kq_change(r->kfd, fd, EVFILT_WRITE, EV_DELETE, 0);
    if (e < 0 && e != -ENOENT && err == 0)
      err = e;
  }
  /* DEL of a watch that had only one filter: ENOENT for the other is fine,
   * ENOENT for both means it was not there. */
  return err;
#endif
}

/* ------------------------------------------------------ owned watches */

static bool sel__reactor_owns(const sel_reactor *r, int fd) {
  return fd >= 0 && (size_t)fd < r->owned_cap &&
         (r->owned[fd / 8] & (1u << (fd % 8)));
}

/* Records fd as a watch: 0 or -ENOMEM. */
static int sel__reactor_own(sel_reactor *r, int fd) {
  if ((size_t)fd >= r->owned_cap) {
    size_t cap = r->owned_cap ? r->owned_cap : 1024;
    while (cap <= (size_t)fd)
      cap *= 2;
    uint8_t *p = realloc(r->owned, cap / 8);
    if (p == NULL)
      return -ENOMEM;
    memset(p + r->owned_cap / 8, 0, (cap - r->owned_cap) / 8);
    r->owned = p;
    r->owned_cap = cap;
  }
  r->owned[fd / 8] |= (uint8_t)(1u << (fd % 8));
  r->watches++;
  return 0;
}

static void sel__reactor_disown(sel_reactor *r, int fd) {
  r->owned[fd / 8] &= (uint8_t) ~(1u << (fd % 8));
  r->watches--;
}

/* One kernel wait: fills batch with (token, revents) pairs; sets *woken if
 * the wake fd was readable. Returns the pair count or -errno. */
static int sel__reactor_kernel_wait(sel_reactor *r, int32_t *batch,
                                    bool *woken) {
  int m = 0;
#ifdef SEL_REACTOR_EPOLL
  struct epoll_event evs[SEL_REACTOR_BATCH];
  int n = epoll_wait(r->kfd, evs, SEL_REACTOR_BATCH, -1);
  if (n < 0)
    return -errno;
  for (int i = 0; i < n; i++) {
    if (evs[i].data.u64 == SEL_REACTOR_WAKE) {
      *woken = true;
      continue;
    }
    batch[2 * m] = (int32_t)(uint32_t)evs[i].data.u64;
    batch[2 * m + 1] = (int32_t)evs[i].events;
    m++;
  }
#else
  struct kevent evs[SEL_REACTOR_BATCH];
  int n = kevent(r->kfd, NULL, 0, evs, SEL_REACTOR_BATCH, NULL);
  if (n < 0)
    return -errno;
  for (int i = 0; i < n; i++) {
    if ((int)evs[i].ident == r->wake_rd && evs[i].filter == EVFILT_READ) {
      *woken = true;
      continue;
    }
    int32_t bits = 0;
    if (evs[i].flags & EV_ERROR)
      bits = SEL_R_ERR;
    else if (evs[i].filter == EVFILT_READ)
      bits = SEL_R_IN | ((evs[i].flags & EV_EOF) ? SEL_R_RDHUP | SEL_R_HUP : 0);
    else if (evs[i].filter == EVFILT_WRITE)
      bits = SEL_R_OUT | ((evs[i].flags & EV_EOF) ? SEL_R_HUP : 0);
    batch[2 * m] = (int32_t)(uint32_t)(uintptr_t)evs[i].udata;
    batch[2 * m + 1] = bits;
    m++;
  }
#endif
  return m;
}

/* ------------------------------------------------------------- thread */

static void *sel__reactor_main(void *arg) {
  sel_reactor *r = arg;
  int32_t batch[2 * SEL_REACTOR_BATCH];
  for (;;) {
    bool woken = false;
    int m = sel__reactor_kernel_wait(r, batch, &woken);
    /* Every signal is blocked here; EINTR can only come from a debugger
     * stopping the process: wait again. */
    if (m == -EINTR)
      continue;
    pthread_mutex_lock(&r->mu);
    if (r->stop) {
      pthread_mutex_unlock(&r->mu);
      break;
    }
    if (m == 0) {
      pthread_mutex_unlock(&r->mu);
      continue;
    }
    if (m > 0)
      memcpy(r->batch, batch, (size_t)m * 2 * sizeof(int32_t));
    r->count = m;
    r->busy = true;
    pthread_mutex_unlock(&r->mu);
    if (napi_call_threadsafe_function(r->tsfn, NULL, napi_tsfn_nonblocking) !=
        napi_ok)
      break; /* closing: the environment is going away */
    pthread_mutex_lock(&r->mu);
    while (r->busy && !r->stop)
      pthread_cond_wait(&r->cv, &r->mu);
    bool stop = r->stop;
    pthread_mutex_unlock(&r->mu);
    if (stop || m < 0)
      break; /* a failed wait ends the thread */
  }
  return NULL;
}

/* On the JS thread, once per queued call: copy the batch to `out`, call
 * back, let the thread go on. env is NULL when the threadsafe function is
 * being torn down (the reactor may be freed then: touch nothing). */
static void sel__reactor_call_js(napi_env env, napi_value js_cb, void *context,
                                 void *data) {
  (void)js_cb;
  (void)data;
  if (env == NULL)
    return;
  sel_reactor *r = context;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok)
    return;
  napi_value out = NULL, cb = NULL, recv, argv[1];
  void *p = NULL;
  size_t cap = 0, offset;
  napi_typedarray_type type;
  napi_value ab;
  if (napi_get_reference_value(env, r->out, &out) != napi_ok || out == NULL ||
      napi_get_typedarray_info(env, out, &type, &cap, &p, &ab, &offset) !=
          napi_ok)
    p = NULL;
  pthread_mutex_lock(&r->mu);
  int32_t count = r->count;
  if (count > 0) {
    /* A detached or shrunk `out` (not expected) loses the batch. */
    if (p == NULL || cap < (size_t)count * 2)
      count = -EFAULT;
    else
      memcpy(p, r->batch, (size_t)count * 2 * sizeof(int32_t));
  }
  pthread_mutex_unlock(&r->mu);
  if (napi_get_reference_value(env, r->callback, &cb) == napi_ok &&
      cb != NULL && napi_get_global(env, &recv) == napi_ok &&
      napi_create_int32(env, count, &argv[0]) == napi_ok) {
    /* napi_make_callback: microtasks and nextTicks run after it, as after
     * any Node I/O callback; a throw becomes an uncaught exception. */
    if (napi_make_callback(env, r->actx, recv, cb, 1, argv, NULL) ==
        napi_pending_exception) {
      napi_value err;
      if (napi_get_and_clear_last_exception(env, &err) == napi_ok)
        napi_fatal_exception(env, err);
    }
  }
  /* Only now let the thread wait again: its wake-up does not compete with
   * the callback (and the promises it settles) for a CPU. */
  pthread_mutex_lock(&r->mu);
  r->busy = false;
  pthread_cond_signal(&r->cv);
  pthread_mutex_unlock(&r->mu);
  napi_close_handle_scope(env, scope);
}

/* Release everything; the thread, if any, is stopped and joined first. */
static void sel__reactor_free(sel_reactor *r) {
  if (r->thread_live) {
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    sel__reactor_wake(r);
    pthread_join(r->thread, NULL);
    r->thread_live = false;
  }
  if (r->tsfn != NULL)
    napi_release_threadsafe_function(r->tsfn, napi_tsfn_abort);
  for (size_t fd = 0; fd < r->owned_cap; fd++)
    if (sel__reactor_owns(r, (int)fd))
      close((int)fd);
  free(r->owned);
  if (r->kfd >= 0)
    close(r->kfd);
  if (r->wake_rd >= 0)
    close(r->wake_rd);
  if (r->wake_wr >= 0 && r->wake_wr != r->wake_rd)
    close(r->wake_wr);
  if (r->actx != NULL)
    napi_async_destroy(r->env, r->actx);
  if (r->callback != NULL)
    napi_delete_reference(r->env, r->callback);
  if (r->out != NULL)
    napi_delete_reference(r->env, r->out);
  pthread_cond_destroy(&r->cv);
  pthread_mutex_destroy(&r->mu);
  free(r);
}

/* The environment is going away (worker terminated or exiting, process
 * exiting, addon unloading). */
static void sel__reactor_cleanup(void *arg) {
  sel_reactor *r = arg;
  napi_set_instance_data(r->env, NULL, NULL, NULL);
  sel__reactor_free(r);
}

static sel_reactor *sel__reactor_get(napi_env env) {
  void *data = NULL;
  if (napi_get_instance_data(env, &data) != napi_ok)
    return NULL;
  return data;
}

/* ------------------------------------------------------------ exports */

static napi_value sel_napi_reactor_open(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  napi_valuetype t;
  if (napi_typeof(env, argv[0], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                          "Argument 0 must be a function");
    return NULL;
  }
  int32_t *out;
  size_t out_count;
  ARG_INT32ARRAY(env, 1, out, out_count);
  (void)out;
  if (out_count < 2 * SEL_REACTOR_BATCH) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "out must hold 128 values at least");
    return NULL;
  }
  if (sel__reactor_get(env) != NULL)
    return sel__int(env, -EALREADY);
  sel_reactor *r = calloc(1, sizeof(*r));
  if (r == NULL)
    return sel__int(env, -ENOMEM);
  r->env = env;
  r->kfd = r->wake_rd = r->wake_wr = -1;
  pthread_mutex_init(&r->mu, NULL);
  pthread_cond_init(&r->cv, NULL);
  int err = sel__reactor_wake_open(r);
  if (err == 0)
    err = sel__reactor_kernel_open(r);
  if (err < 0) {
    sel__reactor_free(r);
    return sel__int(env, err);
  }
  napi_value name, resource;
  if (napi_create_string_utf8(env, "selectors.Reactor", NAPI_AUTO_LENGTH,
                              &name) != napi_ok ||
      napi_create_object(env, &resource) != napi_ok ||
      napi_async_init(env, resource, name, &r->actx) != napi_ok ||
      napi_create_reference(env, argv[0], 1, &r->callback) != napi_ok ||
      napi_create_reference(env, argv[1], 1, &r->out) != napi_ok ||
      napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, NULL, NULL,
                                      r, sel__reactor_call_js,
                                      &r->tsfn) != napi_ok ||
      napi_add_env_cleanup_hook(env, sel__reactor_cleanup, r) != napi_ok) {
    sel__reactor_free(r);
    sel__throw_last(env);
    return NULL;
  }
  /* Start the thread with every signal blocked (it inherits the mask). */
  pthread_attr_t attr;
  sigset_t all, old;
  err = pthread_attr_init(&attr);
  if (err == 0) {
    pthread_attr_setstacksize(&attr, SEL_REACTOR_STACK);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    err = pthread_create(&r->thread, &attr, sel__reactor_main, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
  }
  if (err != 0) {
    napi_remove_env_cleanup_hook(env, sel__reactor_cleanup, r);
    sel__reactor_free(r);
    return sel__int(env, -err);
  }
  r->thread_live = true;
  if (napi_set_instance_data(env, r, NULL, NULL) != napi_ok) {
    napi_remove_env_cleanup_hook(env, sel__reactor_cleanup, r);
    sel__reactor_free(r);
    sel__throw_last(env);
    return NULL;
  }
  return sel__int(env, 0);
}

/* Declares `r`: this environment's reactor; -ENXIO if none is open. */
#define ARG_REACTOR(env, r)                                                    \
  sel_reactor *r = sel__reactor_get(env);                                      \
  if (r == NULL)                                                               \
  return sel__int(env, -ENXIO)

/* reactorAdd (add) and reactorMod: (fd, events, token). */
static napi_value sel__reactor_watch(napi_env env, napi_callback_info info,
                                     bool add) {
  SEL_ARGS(env, info, 3);
  int32_t fd;
  uint32_t events, token;
  ARG_INT32(env, 0, fd);
  ARG_UINT32(env, 1, events);
  ARG_UINT32(env, 2, token);
  ARG_REACTOR(env, r);
  if (!add) {
    if (!sel__reactor_owns(r, fd))
      return sel__int(env, -EBADF);
    return sel__int(
        env, sel__reactor_kernel_ctl(r, SEL_R_CTL_MOD, fd, events, token));
  }
  int w = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (w < 0)
    return sel__neg_errno(env);
  int err = sel__reactor_kernel_ctl(r, SEL_R_CTL_ADD, w, events, token);
  if (err == 0)
    err = sel__reactor_own(r, w);
  if (err < 0) {
    if (err == -ENOMEM)
      sel__reactor_kernel_ctl(r, SEL_R_CTL_DEL, w, 0, 0);
    close(w);
    return sel__int(env, err);
  }
  return sel__int(env, w);
}

SEL_EXPORT_AS(sel_napi_reactor_add, sel__reactor_watch, true)
SEL_EXPORT_AS(sel_napi_reactor_mod, sel__reactor_watch, false)

static napi_value sel_napi_reactor_del(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  int32_t w;
  ARG_INT32(env, 0, w);
  ARG_REACTOR(env, r);
  if (!sel__reactor_owns(r, w))
    return sel__int(env, -EBADF);
  int err = sel__reactor_kernel_ctl(r, SEL_R_CTL_DEL, w, 0, 0);
  sel__reactor_disown(r, w);
  close(w);
  return sel__int(env, err);
}

static napi_value sel_napi_reactor_count(napi_env env,
                                         napi_callback_info info) {
  (void)info;
  sel_reactor *r = sel__reactor_get(env);
  return sel__int(env, r == NULL ? 0 : r->watches);
}

static napi_value sel_napi_reactor_ref(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  bool ref;
  ARG_BOOL(env, 0, ref);
  ARG_REACTOR(env, r);
  NAPI_CALL(env, ref ? napi_ref_threadsafe_function(env, r->tsfn)
                     : napi_unref_threadsafe_function(env, r->tsfn));
  return sel__int(env, 0);
}

napi_status sel__init_watch(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    uint32_t value;
  } bits[] = {
      {"IN", SEL_R_IN},
      {"PRI", SEL_R_PRI},
      {"OUT", SEL_R_OUT},
      {"ERR", SEL_R_ERR},
      {"HUP", SEL_R_HUP},
      {"RDHUP", SEL_R_RDHUP},
      {"ONESHOT", SEL_R_ONESHOT},
      {"ET", SEL_R_ET},
      {"BATCH", SEL_REACTOR_BATCH},
  };
  napi_value obj, v;
  napi_status s = napi_create_object(env, &obj);
  for (size_t i = 0; s == napi_ok && i < sizeof(bits) / sizeof(bits[0]); i++) {
    /* ET is bit 31: a uint32, as the events argument of reactorCtl. */
    s = napi_create_uint32(env, bits[i].value, &v);
    if (s == napi_ok)
      s = napi_set_named_property(env, obj, bits[i].name, v);
  }
  if (s != napi_ok)
    return s;
  napi_property_descriptor d[] = {
      SEL_FN("reactorOpen", sel_napi_reactor_open),
      SEL_FN("reactorAdd", sel_napi_reactor_add),
      SEL_FN("reactorMod", sel_napi_reactor_mod),
      SEL_FN("reactorDel", sel_napi_reactor_del),
      SEL_FN("reactorCount", sel_napi_reactor_count),
      SEL_FN("reactorRef", sel_napi_reactor_ref),
      {"reactorEvents", NULL, NULL, NULL, NULL, obj, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d);
}

#else /* no epoll, no kqueue: no reactor; selectAsync is unavailable */

napi_status sel__init_watch(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
  return napi_ok;
}

#endif
