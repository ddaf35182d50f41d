/*
 * Waiting without blocking the event loop: the native half of selectAsync.
 * See: uv_poll_t and uv_async_t (https://docs.libuv.org/en/v1.x/poll.html,
 * .../async.html), poll(2), select(2), eventfd(2), pthread_create(3),
 * Node-API napi_make_callback / napi_add_async_cleanup_hook.
 *
 * Two kinds of handle, each a plain JS object (type-tagged, napi_wrap'ed
 * around a malloc'd struct; nothing else identifies it):
 *
 * 1. Watch — a uv_poll_t on a pollable fd (an epoll or kqueue fd becomes
 *    readable when it has events pending). One-shot: the poll is stopped
 *    before the JS callback runs, so a level-triggered ready fd never spins;
 *    the callback re-arms with watchStart if it wants more.
 *    The watch polls its own duplicate of the fd (F_DUPFD_CLOEXEC), closed
 *    with the watch. libuv's uv_poll_stop/uv_close always remove the fd
 *    *number* from the loop's epoll set (uv__platform_invalidate_fd), so a
 *    watch on a number the caller closed and the process reused (for a
 *    socket, a child's pipe) would silently unregister that other handle;
 *    and starting on a closed or non-pollable number makes libuv abort()
 *    on the failing epoll_ctl. A private number rules out both: the caller
 *    may close its fd at any time (the file stays open until watchClose).
 *      watchCreate(fd, callback) -> watch | -errno
 *      watchStart(watch, events) -> 0 | -errno   events: UV_READABLE = 1, ...
 *      watchStop(watch) -> 0;  watchRef(watch, ref) -> 0;  watchClose(watch) -> 0
 *      callback.call(watch, status, events): status 0 or -errno from libuv.
 *
 * 2. Wait — one poll(2) or select(2) on a helper thread, for the backends
 *    with no pollable fd (PollSelector, SelectSelector).
 *      pollAsync(pollfds, n, timeoutMs, out, callback) -> wait | -errno
 *      selectAsync(fds, n, timeoutMs, out, callback) -> wait | -errno
 *      waitCancel(wait) -> 0 | -errno;  waitRef(wait, ref) -> 0
 *      callback.call(wait, result, woken): result = ready count or -errno,
 *      `out` filled exactly as by native.poll / native.select.
 *
 * Thread mechanism (decided): one dedicated pthread per pending wait,
 * reporting back through a uv_async_t. Not napi_async_work: that runs on
 * libuv's threadpool (4 threads by default, shared with fs, dns.lookup,
 * crypto and zlib); a wait that blocks for seconds holds a pool thread that
 * long, and four pending waits would stall every fs call of the process.
 * Creating a thread costs tens of microseconds, nothing next to a wait that
 * blocks. uv_async_t rather than napi_threadsafe_function: one libuv handle
 * per wait whose uv_ref/uv_unref is exactly the "a pending wait keeps the
 * process alive" switch, and no queue, mutex or second finalizer to order.
 * The helper thread blocks every signal (it inherits a full mask), so
 * process signals go to other threads and its poll/select never fails with
 * EINTR in practice; EINTR is still reported, not retried (TS decides).
 *
 * Waking: each wait owns a wake fd (an eventfd on Linux, a pipe elsewhere)
 * polled next to the caller's fds. waitCancel writes to it; the thread
 * returns with woken = true. The addon owns it because the addon itself
 * must be able to wake the thread: when a worker thread (or the process)
 * tears down its environment with a wait pending, the cleanup hook wakes and
 * joins the thread, then releases everything — no thread outlives its
 * environment. For select(2) the wake fd must be below FD_SETSIZE; if it is
 * not, selectAsync returns -EINVAL before any thread starts.
 *
 * Lifetime (both kinds): the struct is freed once (a) libuv's close
 * callback ran and (b) the JS object was finalized, whichever is last, so
 * no JS call on a stale handle can reach freed memory: after close, every
 * function sees `closed` and does nothing (watchStart returns -EBADF).
 * The handle object is held strongly while armed (watch started, wait
 * pending) and weakly otherwise; a handle garbage-collected unclosed is
 * closed by its finalizer. An environment cleanup hook closes what is still
 * open when the environment exits. It is an *async* cleanup hook, held from
 * uv_*_init until libuv's close callback has run: when the last environment
 * that loaded the addon goes away (a worker thread, the main thread never
 * having loaded it), Node unloads the addon, and a close callback still
 * queued then would call into unmapped code; Node runs the loop until every
 * async cleanup hook is removed, so the close callbacks run first.
 * Callbacks are kept as a property of the
 * handle object (watch) or a reference dropped at completion (wait), so a
 * callback that closes over its own handle is still collectable.
 *
 * Every function runs on the JS thread of the environment that created the
 * handle; the helper thread touches only its own wait's poll/select data,
 * the wake fd and uv_async_send. No globals: many environments (worker
 * threads) use the addon at once.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <poll.h>
#include <fcntl.h>
#include <unistd.h>
#include <uv.h>

#ifdef __linux__
#include <sys/eventfd.h>
#endif

#include "util.h"

/* Tags telling our two handle kinds apart from any other object. */
static const napi_type_tag sel__watch_tag = {0x5e1ec7025a7c4f01ULL,
                                             0x9b1d3a6f0c2e4d11ULL};
static const napi_type_tag sel__wait_tag = {0x5e1ec7025a7c4f02ULL,
                                            0x9b1d3a6f0c2e4d12ULL};

/* Helper-thread stack: the thread makes one system call. */
#define SEL_WAIT_STACK (256 * 1024)

/* The part shared by both kinds; always the first member. */
typedef struct {
  napi_env env;
  napi_ref self;            /* the handle object; strong while armed */
  napi_async_context actx;  /* async_hooks identity of the callbacks */
  bool closed;              /* released: uv_close called, refs deleted */
  bool js_alive;            /* the wrapper object is not finalized yet */
  bool uv_closed;           /* libuv's close callback has run (or no handle) */
  napi_async_cleanup_hook_handle hook; /* removed by the close callback */
} sel_base;

typedef struct {
  sel_base base;
  uv_poll_t poll;
  int fd; /* our duplicate of the caller's fd; -1 once closed */
  bool started;
} sel_watch;

enum { SEL_WAIT_POLL = 1, SEL_WAIT_SELECT = 2 };

typedef struct {
  sel_base base;
  uv_async_t async;
  pthread_t thread;
  bool thread_live; /* created and not joined yet */
  bool done;        /* completion delivered (or abandoned at teardown) */
  napi_ref callback;
  napi_ref out;
  int kind;
  int wake_rd, wake_wr;
  int timeout;
  uint32_t n;
  int result; /* written by the helper thread, read after pthread_join */
  /* select only */
  int maxfd;
  fd_set rset, wset;
  /* poll: n + 1 struct pollfd (the last one is the wake fd);
   * select: n (fd, mask) int32 pairs. */
  int32_t data[];
} sel_wait;

static void sel__free_if_unused(sel_base *b) {
  if (!b->js_alive && b->uv_closed) free(b);
}

static void sel__on_uv_close(uv_handle_t *h) {
  sel_base *b = h->data;
  b->uv_closed = true;
  /* Last use of the addon's code for this handle: the environment (and the
   * addon) may go away now. */
  if (b->hook != NULL) napi_remove_async_cleanup_hook(b->hook);
  b->hook = NULL;
  sel__free_if_unused(b);
}

/* Call a JS callback from a libuv callback: napi_make_callback runs it in
 * the handle's async context and drains microtasks and nextTicks after it,
 * as for any Node I/O callback. An exception becomes an uncaught exception
 * (process 'uncaughtException'), as it would from a socket callback. */
static void sel__call(napi_env env, napi_async_context actx, napi_value recv,
                      napi_value fn, size_t argc, napi_value *argv) {
  if (napi_make_callback(env, actx, recv, fn, argc, argv, NULL) ==
      napi_pending_exception) {
    napi_value err;
    if (napi_get_and_clear_last_exception(env, &err) == napi_ok)
      napi_fatal_exception(env, err);
  }
}

/* The handle object: an empty object, tagged and wrapped around `b`. The
 * reference starts strong (refcount 1) when `armed`. */
static bool sel__make_handle(napi_env env, sel_base *b, const napi_type_tag *tag,
                             napi_finalize fin, const char *name, bool armed,
                             napi_value *out) {
  napi_value obj, resource, rname;
  if (napi_create_object(env, &obj) != napi_ok ||
      napi_type_tag_object(env, obj, tag) != napi_ok ||
      napi_wrap(env, obj, b, fin, NULL, NULL) != napi_ok)
    return false;
  b->js_alive = true;
  /* A fresh resource object, not the handle: the async context must not
   * keep the handle alive (older Node versions hold the resource strongly). */
  if (napi_create_object(env, &resource) != napi_ok ||
      napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &rname) != napi_ok ||
      napi_async_init(env, resource, rname, &b->actx) != napi_ok ||
      napi_create_reference(env, obj, armed ? 1 : 0, &b->self) != napi_ok)
    return false;
  *out = obj;
  return true;
}

/* Argument `i` must be one of our handles of kind `tag`: TypeError
 * otherwise. */
static bool sel__arg_handle(napi_env env, napi_value *argv, int i,
                            const napi_type_tag *tag, const char *what,
                            void **out) {
  bool is = false;
  napi_valuetype t;
  if (napi_typeof(env, argv[i], &t) != napi_ok || t != napi_object ||
      napi_check_object_type_tag(env, argv[i], tag, &is) != napi_ok || !is ||
      napi_unwrap(env, argv[i], out) != napi_ok) {
    char msg[96];
    snprintf(msg, sizeof(msg), "Argument %d must be %s", i, what);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
    return false;
  }
  return true;
}

static bool sel__arg_bool(napi_env env, napi_value *argv, int i, bool *out) {
  if (napi_get_value_bool(env, argv[i], out) != napi_ok) {
    char msg[64];
    snprintf(msg, sizeof(msg), "Argument %d must be a boolean", i);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
    return false;
  }
  return true;
}

static bool sel__arg_function(napi_env env, napi_value *argv, int i) {
  napi_valuetype t;
  if (napi_typeof(env, argv[i], &t) != napi_ok || t != napi_function) {
    char msg[64];
    snprintf(msg, sizeof(msg), "Argument %d must be a function", i);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
    return false;
  }
  return true;
}

/* ------------------------------------------------------------------ watch */

/* Stop polling and release everything but the struct itself. uv_close of a
 * poll handle stops it at once (epoll_ctl DEL), so the fd may be closed
 * right after. The cleanup hook is removed by the close callback. */
static void sel__watch_release(sel_watch *w) {
  if (w->base.closed) return;
  napi_env env = w->base.env;
  w->base.closed = true;
  w->started = false;
  /* uv_close removes the fd from the loop's epoll set synchronously (and
   * drops events already fetched for it), so the fd can be closed now. */
  uv_close((uv_handle_t *)&w->poll, sel__on_uv_close);
  close(w->fd);
  w->fd = -1;
  if (w->base.actx != NULL) napi_async_destroy(env, w->base.actx);
  w->base.actx = NULL;
  if (w->base.self != NULL) napi_delete_reference(env, w->base.self);
  w->base.self = NULL;
}

static void sel__watch_hook(napi_async_cleanup_hook_handle h, void *arg) {
  (void)h;
  sel__watch_release(arg);
}

/* The wrapper object was garbage-collected (or its environment is going
 * away): close the watch if nobody did. */
static void sel__watch_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  sel_watch *w = data;
  sel__watch_release(w);
  w->base.js_alive = false;
  sel__free_if_unused(&w->base);
}

static void sel__watch_on_poll(uv_poll_t *h, int status, int events) {
  sel_watch *w = h->data;
  /* One-shot: stop first so a level-triggered fd cannot call back again
   * before JS decides; JS re-arms with watchStart. */
  uv_poll_stop(h);
  w->started = false;
  napi_env env = w->base.env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value obj = NULL, cb = NULL, argv[2];
  if (napi_get_reference_value(env, w->base.self, &obj) == napi_ok &&
      obj != NULL) {
    napi_reference_unref(env, w->base.self, NULL); /* idle: weak again */
    if (napi_get_named_property(env, obj, "callback", &cb) == napi_ok &&
        napi_create_int32(env, status, &argv[0]) == napi_ok &&
        napi_create_int32(env, events, &argv[1]) == napi_ok)
      sel__call(env, w->base.actx, obj, cb, 2, argv);
  }
  napi_close_handle_scope(env, scope);
}

/* watchCreate(fd, callback) -> watch | -errno. Duplicates fd (-EBADF,
 * -EMFILE), then uv_poll_init fails with -EPERM for a regular file (epoll).
 * libuv sets O_NONBLOCK on the duplicate, hence on the caller's open file
 * (shared flags), which every fd of this library has anyway. */
static napi_value sel_napi_watch_create(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  int32_t fd;
  ARG_INT32(env, 0, fd);
  if (!sel__arg_function(env, argv, 1)) return NULL;
  uv_loop_t *loop;
  NAPI_CALL(env, napi_get_uv_event_loop(env, &loop));
  sel_watch *w = calloc(1, sizeof(*w));
  if (w == NULL) return sel__int(env, -ENOMEM);
  w->base.env = env;
  w->base.uv_closed = true; /* nothing for libuv to close yet */
  w->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (w->fd < 0) {
    int e = errno;
    free(w);
    return sel__int(env, -e);
  }
  int err = uv_poll_init(loop, &w->poll, w->fd);
  if (err != 0) {
    close(w->fd);
    free(w);
    return sel__int(env, err); /* libuv errors are -errno on Unix */
  }
  w->poll.data = w;
  w->base.uv_closed = false;
  if (napi_add_async_cleanup_hook(env, sel__watch_hook, w, &w->base.hook) !=
      napi_ok) {
    uv_close((uv_handle_t *)&w->poll, sel__on_uv_close); /* then frees w */
    close(w->fd);
    sel__throw_last(env);
    return NULL;
  }
  napi_value obj;
  napi_property_descriptor prop = {"callback", NULL, NULL, NULL, NULL,
                                   argv[1],    napi_configurable, NULL};
  if (!sel__make_handle(env, &w->base, &sel__watch_tag, sel__watch_finalize,
                        "selectors.FdWatch", false, &obj) ||
      napi_define_properties(env, obj, 1, &prop) != napi_ok) {
    sel__watch_release(w);
    sel__free_if_unused(&w->base); /* when the wrap never happened */
    sel__throw_last(env);
    return NULL;
  }
  return obj;
}

/* watchStart(watch, events) -> 0 | -errno. events: UV_READABLE (1),
 * UV_WRITABLE (2), UV_DISCONNECT (4), UV_PRIORITIZED (8); 0 or other bits
 * -EINVAL. Arms one notification; starting an armed watch changes its
 * events. -EBADF after close. */
static napi_value sel_napi_watch_start(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  sel_watch *w;
  int32_t events;
  if (!sel__arg_handle(env, argv, 0, &sel__watch_tag, "an FdWatch handle",
                       (void **)&w))
    return NULL;
  ARG_INT32(env, 1, events);
  if (w->base.closed) return sel__int(env, -EBADF);
  if (events == 0 ||
      (events & ~(UV_READABLE | UV_WRITABLE | UV_DISCONNECT | UV_PRIORITIZED)))
    return sel__int(env, -EINVAL);
  int err = uv_poll_start(&w->poll, events, sel__watch_on_poll);
  if (err != 0) return sel__int(env, err);
  if (!w->started) {
    w->started = true;
    napi_reference_ref(env, w->base.self, NULL); /* armed: keep it alive */
  }
  return sel__int(env, 0);
}

/* watchStop(watch) -> 0. Disarms; no callback follows. No-op when idle or
 * closed. */
static napi_value sel_napi_watch_stop(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  sel_watch *w;
  if (!sel__arg_handle(env, argv, 0, &sel__watch_tag, "an FdWatch handle",
                       (void **)&w))
    return NULL;
  if (!w->base.closed && w->started) {
    uv_poll_stop(&w->poll);
    w->started = false;
    napi_reference_unref(env, w->base.self, NULL);
  }
  return sel__int(env, 0);
}

/* watchRef(watch, ref) -> 0. uv_ref/uv_unref: an armed, referenced watch
 * keeps the event loop (the process, the worker) alive; an unreferenced
 * one does not. Handles start referenced. No-op after close. */
static napi_value sel_napi_watch_ref(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  sel_watch *w;
  bool ref;
  if (!sel__arg_handle(env, argv, 0, &sel__watch_tag, "an FdWatch handle",
                       (void **)&w) ||
      !sel__arg_bool(env, argv, 1, &ref))
    return NULL;
  if (!w->base.closed) {
    if (ref)
      uv_ref((uv_handle_t *)&w->poll);
    else
      uv_unref((uv_handle_t *)&w->poll);
  }
  return sel__int(env, 0);
}

/* watchClose(watch) -> 0. Stops polling, closes the duplicate fd and drops
 * the callback at once; no callback follows. Idempotent. */
static napi_value sel_napi_watch_close(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  sel_watch *w;
  if (!sel__arg_handle(env, argv, 0, &sel__watch_tag, "an FdWatch handle",
                       (void **)&w))
    return NULL;
  if (!w->base.closed) {
    sel__watch_release(w);
    bool deleted;
    napi_value key;
    if (napi_create_string_utf8(env, "callback", NAPI_AUTO_LENGTH, &key) ==
        napi_ok)
      napi_delete_property(env, argv[0], key, &deleted);
  }
  return sel__int(env, 0);
}

/* ------------------------------------------------------------------- wait */

/* An fd to wake the helper thread: eventfd on Linux (one fd), a pipe
 * elsewhere. Both non-blocking and close-on-exec. */
static int sel__wake_open(int *rd, int *wr) {
#ifdef __linux__
  int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) return -errno;
  *rd = *wr = fd;
#else
  int p[2];
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
  *rd = p[0];
  *wr = p[1];
#endif
  return 0;
}

static void sel__wake_close(sel_wait *w) {
  if (w->wake_rd >= 0) close(w->wake_rd);
  if (w->wake_wr >= 0 && w->wake_wr != w->wake_rd) close(w->wake_wr);
  w->wake_rd = w->wake_wr = -1;
}

/* Make the wake fd readable: 0 or -errno. A full pipe (EAGAIN) is already
 * readable, so that counts as success. */
static int sel__wake(sel_wait *w) {
  if (w->wake_wr < 0) return 0;
#ifdef __linux__
  uint64_t one = 1;
  ssize_t r = write(w->wake_wr, &one, sizeof(one));
#else
  char one = 1;
  ssize_t r = write(w->wake_wr, &one, 1);
#endif
  return (r < 0 && errno != EAGAIN) ? -errno : 0;
}

static void sel__wait_join(sel_wait *w) {
  if (w->thread_live) {
    pthread_join(w->thread, NULL);
    w->thread_live = false;
  }
}

/* Release everything but the struct; a thread still running is woken (the
 * wake fd is in its poll set, so it returns at once) and joined first. The
 * cleanup hook is removed by the close callback. */
static void sel__wait_release(sel_wait *w) {
  if (w->base.closed) return;
  napi_env env = w->base.env;
  w->base.closed = true;
  w->done = true;
  if (w->thread_live) {
    sel__wake(w);
    sel__wait_join(w);
  }
  sel__wake_close(w);
  if (!w->base.uv_closed) uv_close((uv_handle_t *)&w->async, sel__on_uv_close);
  if (w->base.actx != NULL) napi_async_destroy(env, w->base.actx);
  w->base.actx = NULL;
  if (w->base.self != NULL) napi_delete_reference(env, w->base.self);
  if (w->callback != NULL) napi_delete_reference(env, w->callback);
  if (w->out != NULL) napi_delete_reference(env, w->out);
  w->base.self = w->callback = w->out = NULL;
}

/* The environment is exiting with the wait pending: wake and join the
 * thread, release; no callback. */
static void sel__wait_hook(napi_async_cleanup_hook_handle h, void *arg) {
  (void)h;
  sel__wait_release(arg);
}

static void sel__wait_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  sel_wait *w = data;
  /* Held strongly while pending, so normally released already. */
  sel__wait_release(w);
  w->base.js_alive = false;
  sel__free_if_unused(&w->base);
}

static void *sel__wait_main(void *arg) {
  sel_wait *w = arg;
  int r;
  if (w->kind == SEL_WAIT_POLL) {
    r = poll((struct pollfd *)(void *)w->data, (nfds_t)w->n + 1, w->timeout);
  } else {
    struct timeval tv, *tvp = NULL;
    if (w->timeout >= 0) {
      tv.tv_sec = w->timeout / 1000;
      tv.tv_usec = (w->timeout % 1000) * 1000;
      tvp = &tv;
    }
    r = select(w->maxfd + 1, &w->rset, &w->wset, NULL, tvp);
  }
  w->result = r < 0 ? -errno : r;
  /* The last thing the thread does: after this the JS thread joins it. */
  uv_async_send(&w->async);
  return NULL;
}

/* Completion, on the JS thread: join, fill `out`, release, call back. */
static void sel__wait_on_async(uv_async_t *a) {
  sel_wait *w = a->data;
  if (w->done) return;
  w->done = true;
  sel__wait_join(w);
  napi_env env = w->base.env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) {
    sel__wait_release(w);
    return;
  }
  int result = w->result;
  bool woken = false;
  napi_value obj = NULL, cb = NULL, out = NULL;
  napi_get_reference_value(env, w->base.self, &obj);
  napi_get_reference_value(env, w->callback, &cb);
  napi_get_reference_value(env, w->out, &out);
  int32_t *o = NULL;
  size_t cap = 0;
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  void *p = NULL;
  /* Re-read `out`: the pointer is not kept across threads, and a buffer
   * detached meanwhile (transferred) has length 0. */
  if (out != NULL && napi_get_typedarray_info(env, out, &type, &cap, &p, &ab,
                                              &offset) == napi_ok)
    o = p;
  if (w->kind == SEL_WAIT_POLL) {
    struct pollfd *pf = (struct pollfd *)(void *)w->data;
    woken = pf[w->n].revents != 0;
    if (result >= 0) {
      int count = 0;
      for (uint32_t i = 0; i < w->n; i++) {
        if (pf[i].revents == 0) continue;
        if (o == NULL || (size_t)count * 2 + 2 > cap) {
          count = -EFAULT;
          break;
        }
        o[2 * count] = pf[i].fd;
        o[2 * count + 1] = (uint16_t)pf[i].revents;
        count++;
      }
      result = count;
    }
  } else if (result >= 0) {
    woken = FD_ISSET(w->wake_rd, &w->rset);
    int count = 0;
    for (uint32_t i = 0; i < w->n; i++) {
      int fd = w->data[2 * i], mask = w->data[2 * i + 1], ready = 0;
      if ((mask & 1) && FD_ISSET(fd, &w->rset)) ready |= 1;
      if ((mask & 2) && FD_ISSET(fd, &w->wset)) ready |= 2;
      if (!ready) continue;
      if (o == NULL || (size_t)count * 2 + 2 > cap) {
        count = -EFAULT;
        break;
      }
      o[2 * count] = fd;
      o[2 * count + 1] = ready;
      count++;
    }
    result = count;
  }
  /* Keep the async context for the call; release the rest after it (the
   * callback may call waitCancel/waitRef on this handle: `done` makes
   * those no-ops). */
  napi_async_context actx = w->base.actx;
  w->base.actx = NULL;
  sel__wait_release(w);
  napi_value argv[2];
  if (obj != NULL && cb != NULL &&
      napi_create_int32(env, result, &argv[0]) == napi_ok &&
      napi_get_boolean(env, woken, &argv[1]) == napi_ok)
    sel__call(env, actx, obj, cb, 2, argv);
  napi_async_destroy(env, actx);
  napi_close_handle_scope(env, scope);
}

/* Common tail of pollAsync/selectAsync: wake fd, async handle, JS handle,
 * thread. Takes ownership of `w`. Returns the handle or -errno. */
static napi_value sel__wait_start(napi_env env, sel_wait *w, napi_value cb,
                                  napi_value out) {
  uv_loop_t *loop;
  w->base.env = env;
  w->base.uv_closed = true;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) {
    sel__wake_close(w);
    free(w);
    sel__throw_last(env);
    return NULL;
  }
  int err = uv_async_init(loop, &w->async, sel__wait_on_async);
  if (err != 0) {
    sel__wake_close(w);
    free(w);
    return sel__int(env, err);
  }
  w->async.data = w;
  w->base.uv_closed = false;
  if (napi_add_async_cleanup_hook(env, sel__wait_hook, w, &w->base.hook) !=
      napi_ok) {
    uv_close((uv_handle_t *)&w->async, sel__on_uv_close); /* then frees w */
    sel__wake_close(w);
    sel__throw_last(env);
    return NULL;
  }
  napi_value obj;
  if (!sel__make_handle(env, &w->base, &sel__wait_tag, sel__wait_finalize,
                        w->kind == SEL_WAIT_POLL ? "selectors.pollAsync"
                                                 : "selectors.selectAsync",
                        true, &obj) ||
      napi_create_reference(env, cb, 1, &w->callback) != napi_ok ||
      napi_create_reference(env, out, 1, &w->out) != napi_ok) {
    sel__wait_release(w);
    sel__free_if_unused(&w->base);
    sel__throw_last(env);
    return NULL;
  }
  /* Start the thread with every signal blocked (it inherits the mask), so
   * signals are handled by Node's threads and never interrupt the wait. */
  pthread_attr_t attr;
  sigset_t all, old;
  err = pthread_attr_init(&attr);
  if (err == 0) {
    pthread_attr_setstacksize(&attr, SEL_WAIT_STACK);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    err = pthread_create(&w->thread, &attr, sel__wait_main, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
  }
  if (err != 0) {
    sel__wait_release(w); /* memory: wrap finalizer + close callback */
    return sel__int(env, -err);
  }
  w->thread_live = true;
  return obj;
}

/* pollAsync(pollfds: Int32Array, n, timeoutMs, out: Int32Array, callback)
 * -> wait | -errno. Copies the n struct pollfd (2 int32 each, as for
 * native.poll) and one entry for the wait's own wake fd, then runs poll(2)
 * on a helper thread; timeoutMs < 0 waits forever. On completion (JS
 * thread) `out` gets one (fd, revents) pair per entry with revents != 0 and
 * callback(result, woken) runs: result = that pair count or -errno (-EFAULT
 * if `out` was detached meanwhile); woken = waitCancel fired. `pollfds` may
 * be reused at once; `out` belongs to the wait until the callback. */
static napi_value sel_napi_poll_async(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 5);
  int32_t *pfds, *out, timeout;
  size_t pfds_count, out_count;
  uint32_t n;
  ARG_INT32ARRAY(env, 0, pfds, pfds_count);
  ARG_UINT32(env, 1, n);
  ARG_INT32(env, 2, timeout);
  ARG_INT32ARRAY(env, 3, out, out_count);
  if (!sel__arg_function(env, argv, 4)) return NULL;
  (void)out;
  if ((size_t)n * 2 > pfds_count || (size_t)n * 2 > out_count) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "pollfds and out must hold 2 * n values");
    return NULL;
  }
  sel_wait *w = calloc(1, sizeof(*w) + ((size_t)n + 1) * sizeof(struct pollfd));
  if (w == NULL) return sel__int(env, -ENOMEM);
  w->kind = SEL_WAIT_POLL;
  w->n = n;
  w->timeout = timeout < 0 ? -1 : timeout;
  int err = sel__wake_open(&w->wake_rd, &w->wake_wr);
  if (err < 0) {
    free(w);
    return sel__int(env, err);
  }
  struct pollfd *p = (struct pollfd *)(void *)w->data;
  memcpy(p, pfds, (size_t)n * sizeof(struct pollfd));
  for (uint32_t i = 0; i < n; i++) p[i].revents = 0;
  p[n].fd = w->wake_rd;
  p[n].events = POLLIN;
  p[n].revents = 0;
  return sel__wait_start(env, w, argv[4], argv[3]);
}

/* selectAsync(fds: Int32Array, n, timeoutMs, out: Int32Array, callback)
 * -> wait | -errno. As native.select on a helper thread: fds holds n
 * (fd, mask) pairs (1 read, 2 write); out gets (fd, readyMask) pairs. An fd
 * outside [0, FD_SETSIZE) returns -EBADF (negative) or -EINVAL before any
 * fd_set is touched; -EINVAL too if the wait's own wake fd is >= FD_SETSIZE.
 * Completion as for pollAsync. */
static napi_value sel_napi_select_async(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 5);
  int32_t *fds, *out, timeout;
  size_t fds_count, out_count;
  uint32_t n;
  ARG_INT32ARRAY(env, 0, fds, fds_count);
  ARG_UINT32(env, 1, n);
  ARG_INT32(env, 2, timeout);
  ARG_INT32ARRAY(env, 3, out, out_count);
  if (!sel__arg_function(env, argv, 4)) return NULL;
  (void)out;
  if ((size_t)n * 2 > fds_count || (size_t)n * 2 > out_count) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "fds and out must hold 2 * n values");
    return NULL;
  }
  for (uint32_t i = 0; i < n; i++) {
    if (fds[2 * i] < 0) return sel__int(env, -EBADF);
    if (fds[2 * i] >= FD_SETSIZE) return sel__int(env, -EINVAL);
  }
  sel_wait *w = calloc(1, sizeof(*w) + (size_t)n * 2 * sizeof(int32_t));
  if (w == NULL) return sel__int(env, -ENOMEM);
  w->kind = SEL_WAIT_SELECT;
  w->n = n;
  w->timeout = timeout < 0 ? -1 : timeout;
  int err = sel__wake_open(&w->wake_rd, &w->wake_wr);
  if (err < 0) {
    free(w);
    return sel__int(env, err);
  }
  if (w->wake_rd >= FD_SETSIZE) {
    sel__wake_close(w);
    free(w);
    return sel__int(env, -EINVAL);
  }
  memcpy(w->data, fds, (size_t)n * 2 * sizeof(int32_t));
  FD_ZERO(&w->rset);
  FD_ZERO(&w->wset);
  w->maxfd = w->wake_rd;
  FD_SET(w->wake_rd, &w->rset);
  for (uint32_t i = 0; i < n; i++) {
    int fd = w->data[2 * i], mask = w->data[2 * i + 1];
    /* Checked again on the copy: the caller's memory may have changed since
     * (a SharedArrayBuffer written by another thread). */
    if (fd < 0 || fd >= FD_SETSIZE) {
      sel__wake_close(w);
      free(w);
      return sel__int(env, fd < 0 ? -EBADF : -EINVAL);
    }
    if (mask & 1) FD_SET(fd, &w->rset);
    if (mask & 2) FD_SET(fd, &w->wset);
    if (fd > w->maxfd) w->maxfd = fd;
  }
  return sel__wait_start(env, w, argv[4], argv[3]);
}

/* waitCancel(wait) -> 0 | -errno. Wakes the helper thread: the callback
 * follows with woken = true (plus whatever else was ready). No-op once the
 * wait has completed. */
static napi_value sel_napi_wait_cancel(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  sel_wait *w;
  if (!sel__arg_handle(env, argv, 0, &sel__wait_tag, "a wait handle",
                       (void **)&w))
    return NULL;
  return sel__int(env, w->done ? 0 : sel__wake(w));
}

/* waitRef(wait, ref) -> 0. uv_ref/uv_unref of the wait's async handle: a
 * referenced pending wait keeps the event loop alive (the default); an
 * unreferenced one lets it exit, and the environment's cleanup then wakes
 * and joins the thread. No-op once completed. */
static napi_value sel_napi_wait_ref(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  sel_wait *w;
  bool ref;
  if (!sel__arg_handle(env, argv, 0, &sel__wait_tag, "a wait handle",
                       (void **)&w) ||
      !sel__arg_bool(env, argv, 1, &ref))
    return NULL;
  if (!w->done) {
    if (ref)
      uv_ref((uv_handle_t *)&w->async);
    else
      uv_unref((uv_handle_t *)&w->async);
  }
  return sel__int(env, 0);
}

napi_status sel__init_watch(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      SEL_FN("watchCreate", sel_napi_watch_create),
      SEL_FN("watchStart", sel_napi_watch_start),
      SEL_FN("watchStop", sel_napi_watch_stop),
      SEL_FN("watchRef", sel_napi_watch_ref),
      SEL_FN("watchClose", sel_napi_watch_close),
      SEL_FN("pollAsync", sel_napi_poll_async),
      SEL_FN("selectAsync", sel_napi_select_async),
      SEL_FN("waitCancel", sel_napi_wait_cancel),
      SEL_FN("waitRef", sel_napi_wait_ref),
  };
  return napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d);
}
