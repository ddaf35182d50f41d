/*
 * Signals: sigaction(2) with this module's handler, pending-signal flags,
 * the wakeup fd, raise(3), strsignal(3), alarm(2), setitimer(2)/getitimer(2)
 * and pthread_sigmask(3). Policy (which handler is whose, what SIG_DFL
 * restores, when handlers run) lives in src/signal.ts.
 *
 * Unlike every other file of the addon this one has state, because signal
 * dispositions are process-wide: the handler can only find what it needs in
 * static storage. All of it is written by the main thread through the
 * functions below and read by the handler through lock-free C11 atomics.
 *
 * The handler (sel__on_signal) only calls async-signal-safe functions
 * (signal-safety(7)): write(2), pthread_self(3) and pthread_kill(3) — the
 * last two were added to the list in POSIX.1-2008 TC1 (XSH 2.4.3). It:
 *   1. runs on a thread other than the main one (the kernel may pick any
 *      thread that does not block the signal): forwards the signal to the
 *      main thread with pthread_kill() and returns, so that a wait of the
 *      main thread ends with EINTR; the main thread's handler does the rest;
 *   2. on the main thread: marks the signal pending, writes its number to
 *      the user's wakeup fd (if set), writes a byte to the internal wake
 *      pipe (a helper thread turns it into a call on the event loop through
 *      a thread-safe function), then calls the handler it displaced if told
 *      to chain (libuv's, which feeds `process.on('SIG…')` listeners).
 * errno is saved and restored around all of it.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "util.h"

#if defined(__GLIBC__) && defined(SI_QUEUE)
#define SEL_HAVE_KICK 1 /* pthread_sigqueue(3) */
#endif

#if defined(NSIG)
#define SEL_NSIG NSIG
#elif defined(_NSIG)
#define SEL_NSIG _NSIG
#else
#define SEL_NSIG 65
#endif

/* What a disposition is, as returned to TypeScript. */
enum { KIND_DFL = 0, KIND_IGN = 1, KIND_OTHER = 2, KIND_OURS = 3 };

/* Set by the handler, cleared by sel_napi_signal_take. `any_pending` is also
 * exposed to TypeScript as a 4-byte external ArrayBuffer, so a wait can check
 * it without a native call. */
static atomic_int pending[SEL_NSIG];
static atomic_int any_pending;

/* The handler each signal chains to (NULL: none), and whether it takes
 * siginfo (SA_SIGINFO). Written before our handler is installed. */
static _Atomic(uintptr_t) chain_fn[SEL_NSIG];
static atomic_int chain_info[SEL_NSIG];

/* The user's wakeup fd (-1: none) and the errno of its last failed write. */
static atomic_int wakeup_fd = -1;
static atomic_int wakeup_errno;

/* The internal wake pipe's write end (-1 until sel_napi_signal_init). */
static atomic_int wake_w = -1;
static int wake_r = -1;
static atomic_int main_known;
static pthread_t main_thread;
static pthread_t helper;
static atomic_int helper_stop;
static napi_threadsafe_function wake_tsfn;

/* Marks the helper thread's kicks (sel__kick): sigqueue'd with this address. */
static const int kick_cookie;
/* The last signal the handler recorded: the one the helper kicks with. */
static atomic_int last_sig;

static void sel__on_signal(int sig, siginfo_t *info, void *ctx) {
  int saved = errno;
  if (sig <= 0 || sig >= SEL_NSIG) {
    errno = saved;
    return;
  }
#ifdef SEL_HAVE_KICK
  if (info != NULL && info->si_code == SI_QUEUE &&
      info->si_value.sival_ptr == (void *)&kick_cookie) {
    errno = saved; /* a kick: its only job was to interrupt a wait */
    return;
  }
#endif
  if (atomic_load(&main_known) && !pthread_equal(pthread_self(), main_thread)) {
    pthread_kill(main_thread, sig);
    errno = saved;
    return;
  }
  atomic_store(&pending[sig], 1);
  atomic_store(&last_sig, sig);
  atomic_store(&any_pending, 1);
  int fd = atomic_load(&wakeup_fd);
  if (fd >= 0) {
    unsigned char byte = (unsigned char)sig;
    if (write(fd, &byte, 1) < 0)
      atomic_store(&wakeup_errno, errno);
  }
  int w = atomic_load(&wake_w);
  if (w >= 0) {
    char byte = 0;
    (void)!write(w, &byte, 1); /* full pipe: a wake-up is already pending */
  }
  uintptr_t fn = atomic_load(&chain_fn[sig]);
  if (fn != 0) {
    if (atomic_load(&chain_info[sig])) {
      ((void (*)(int, siginfo_t *, void *))fn)(sig, info, ctx);
    } else {
      ((void (*)(int))fn)(sig);
    }
  }
  errno = saved;
}

static int sel__kind(const struct sigaction *sa) {
  if (sa->sa_flags & SA_SIGINFO) {
    return sa->sa_sigaction == sel__on_signal ? KIND_OURS : KIND_OTHER;
  }
  if (sa->sa_handler == SIG_DFL)
    return KIND_DFL;
  if (sa->sa_handler == SIG_IGN)
    return KIND_IGN;
  return KIND_OTHER;
}

static bool sel__arg_signum(napi_env env, napi_value v, int32_t *out, int i) {
  if (!sel__arg_int32(env, v, out, i))
    return false;
  if (*out <= 0 || *out >= SEL_NSIG) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "signal number out of range");
    return false;
  }
  return true;
}
#define ARG_SIGNUM(env, i, out)                                                \
  if (!sel__arg_signum(env, argv[i], &(out), i))                               \
  return NULL

/* A caller's buffer for one struct sigaction. */
static bool sel__arg_action(napi_env env, napi_value v, struct sigaction **out,
                            int i) {
  void *data;
  size_t len;
  if (!sel__arg_bytes(env, v, &data, &len, i))
    return false;
  if (len < sizeof(struct sigaction)) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "buffer smaller than SIZEOF_SIGACTION");
    return false;
  }
  *out = (struct sigaction *)data;
  return true;
}

/* --- the event-loop wake-up: pipe -> helper thread -> thread-safe function
 *
 * The helper also closes the one gap of the scheme: a signal that the main
 * thread handles after its last check of the pending flag but before its
 * wait enters the kernel does not interrupt that wait. So while a signal
 * stays pending (not taken by TypeScript), the helper "kicks" the main
 * thread: it sends it the same signal again, marked (sigqueue value =
 * &kick_cookie) so that the handler only returns, after 1, 2, 4, 8 ms and
 * then every 10 ms (a main thread descheduled on a loaded machine may miss
 * the first ones; 100 harmless kicks a second while JavaScript runs for long
 * without a wait or an event-loop turn). A wait that has entered the kernel
 * ends with EINTR, TypeScript takes the signal and the kicks stop. The main
 * thread is the only one that changes dispositions, and it is between its check
 * and its wait: the disposition is still ours, checked all the same before each
 * kick. Needs pthread_sigqueue (glibc); elsewhere the gap stays (as in
 * CPython, whose handlers have the same one). */

#ifdef SEL_HAVE_KICK
static void sel__kick(void) {
  int sig = atomic_load(&last_sig);
  struct sigaction cur;
  if (sig <= 0 || sigaction(sig, NULL, &cur) < 0 ||
      sel__kind(&cur) != KIND_OURS)
    return;
  union sigval v;
  v.sival_ptr = (void *)&kick_cookie;
  pthread_sigqueue(main_thread, sig, v);
}
#else
static void sel__kick(void) {}
#endif

static void sel__drain(void) {
  char buf[64];
  while (read(wake_r, buf, sizeof(buf)) > 0) {
  }
}

static void *sel__wake_helper(void *arg) {
  (void)arg;
  for (;;) {
    struct pollfd p = {wake_r, POLLIN, 0};
    if (poll(&p, 1, -1) < 0 && errno != EINTR)
      break;
    sel__drain();
    if (atomic_load(&helper_stop))
      break;
    napi_call_threadsafe_function(wake_tsfn, NULL, napi_tsfn_nonblocking);
    for (int delay = 1; atomic_load(&any_pending);
         delay = delay < 8 ? delay * 2 : 10) {
      if (poll(&p, 1, delay) > 0) {
        sel__drain();
        if (atomic_load(&helper_stop))
          return NULL;
        napi_call_threadsafe_function(wake_tsfn, NULL, napi_tsfn_nonblocking);
      }
      if (atomic_load(&any_pending))
        sel__kick();
    }
  }
  return NULL;
}

static void sel__wake_cleanup(void *arg) {
  (void)arg;
  atomic_store(&helper_stop, 1);
  int w = atomic_load(&wake_w);
  char byte = 0;
  (void)!write(w, &byte, 1);
  pthread_join(helper, NULL);
  napi_release_threadsafe_function(wake_tsfn, napi_tsfn_abort);
  /* The pipe stays open: a handler may still write to it until exit. */
}

/* signalInit(callback) -> 0. Main thread only, once: records the main
 * thread, creates the wake pipe (non-blocking, close-on-exec), a helper
 * thread with every signal blocked, and an unref'd thread-safe function
 * calling `callback()` on the event loop after a signal. 1 if done already. */
static napi_value sel_napi_signal_init(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  napi_valuetype t;
  NAPI_CALL(env, napi_typeof(env, argv[0], &t));
  if (t != napi_function) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                          "Argument 0 must be a function");
    return NULL;
  }
  if (atomic_load(&main_known))
    return sel__int(env, 1);
  napi_value name;
  NAPI_CALL(env, napi_create_string_utf8(env, "node-selectors signal wake-up",
                                         NAPI_AUTO_LENGTH, &name));
  int p[2];
  int perr = sel__pipe(p);
  if (perr != 0)
    return sel__int(env, -perr);
  if (napi_create_threadsafe_function(env, argv[0], NULL, name, 0, 1, NULL,
                                      NULL, NULL, NULL,
                                      &wake_tsfn) != napi_ok) {
    close(p[0]);
    close(p[1]);
    sel__throw_last(env);
    return NULL;
  }
  napi_unref_threadsafe_function(env, wake_tsfn);
  wake_r = p[0];
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  int err = pthread_create(&helper, NULL, sel__wake_helper, NULL);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (err != 0) {
    napi_release_threadsafe_function(wake_tsfn, napi_tsfn_abort);
    close(p[0]);
    close(p[1]);
    wake_r = -1;
    return sel__int(env, -err);
  }
  main_thread = pthread_self();
  atomic_store(&wake_w, p[1]);
  atomic_store(&main_known, 1);
  napi_add_env_cleanup_hook(env, sel__wake_cleanup, NULL);
  return sel__int(env, 0);
}

/* signalFlag() -> a 4-byte ArrayBuffer over `any_pending` (int32, non-zero
 * while a signal is pending). */
static napi_value sel_napi_signal_flag(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value ab;
  NAPI_CALL(env, napi_create_external_arraybuffer(env, (void *)&any_pending,
                                                  sizeof(any_pending), NULL,
                                                  NULL, &ab));
  return ab;
}

/* sigactionGet(signum, out) -> kind of the current disposition; `out` (at
 * least SIZEOF_SIGACTION bytes) receives the struct sigaction. */
static napi_value sel_napi_sigaction_get(napi_env env,
                                         napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  int32_t sig;
  struct sigaction *out;
  ARG_SIGNUM(env, 0, sig);
  if (!sel__arg_action(env, argv[1], &out, 1))
    return NULL;
  if (sigaction(sig, NULL, out) < 0)
    return sel__neg_errno(env);
  return sel__int(env, sel__kind(out));
}

/* sigactionInstall(signum, chain) -> kind of the disposition it replaced.
 * Installs this module's handler (SA_SIGINFO | SA_RESTART | SA_ONSTACK,
 * nothing blocked during it). `chain`: a struct sigaction (from
 * sigactionGet) whose handler ours calls after its own work, or null. */
static napi_value sel_napi_sigaction_install(napi_env env,
                                             napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  int32_t sig;
  ARG_SIGNUM(env, 0, sig);
  napi_valuetype t;
  NAPI_CALL(env, napi_typeof(env, argv[1], &t));
  uintptr_t fn = 0;
  int takes_info = 0;
  if (t != napi_null && t != napi_undefined) {
    struct sigaction *chain;
    if (!sel__arg_action(env, argv[1], &chain, 1))
      return NULL;
    int kind = sel__kind(chain);
    if (kind == KIND_OTHER) {
      takes_info = (chain->sa_flags & SA_SIGINFO) != 0;
      fn = takes_info ? (uintptr_t)chain->sa_sigaction
                      : (uintptr_t)chain->sa_handler;
    }
  }
  atomic_store(&chain_info[sig], takes_info);
  atomic_store(&chain_fn[sig], fn);
  struct sigaction sa, old;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = sel__on_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  if (sigaction(sig, &sa, &old) < 0)
    return sel__neg_errno(env);
  return sel__int(env, sel__kind(&old));
}

/* sigactionSet(signum, kind, action) -> 0. kind 0: SIG_DFL, 1: SIG_IGN,
 * 2: the struct sigaction in `action` (from sigactionGet; always required). */
static napi_value sel_napi_sigaction_set(napi_env env,
                                         napi_callback_info info) {
  SEL_ARGS(env, info, 3);
  int32_t sig, kind;
  struct sigaction *from;
  ARG_SIGNUM(env, 0, sig);
  ARG_INT32(env, 1, kind);
  if (!sel__arg_action(env, argv[2], &from, 2))
    return NULL;
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sigemptyset(&sa.sa_mask);
  if (kind == KIND_DFL) {
    sa.sa_handler = SIG_DFL;
  } else if (kind == KIND_IGN) {
    sa.sa_handler = SIG_IGN;
  } else {
    sa = *from;
  }
  if (sigaction(sig, &sa, NULL) < 0)
    return sel__neg_errno(env);
  atomic_store(&chain_fn[sig], 0);
  return sel__int(env, 0);
}

/* signalTake(out: Int32Array) -> how many pending signal numbers were
 * written to `out` (ascending), each cleared. */
static napi_value sel_napi_signal_take(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  int32_t *out;
  size_t cap;
  ARG_INT32ARRAY(env, 0, out, cap);
  atomic_store(&any_pending, 0);
  size_t n = 0;
  for (int sig = 1; sig < SEL_NSIG && n < cap; sig++) {
    if (atomic_load(&pending[sig]) && atomic_exchange(&pending[sig], 0)) {
      out[n++] = sig;
    }
  }
  if (n == cap)
    atomic_store(&any_pending, 1); /* maybe more: take again */
  return sel__int(env, (int64_t)n);
}

/* signalWakeupFd(fd) -> the previous wakeup fd (-1: none). */
static napi_value sel_napi_signal_wakeup_fd(napi_env env,
                                            napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  int32_t fd;
  ARG_INT32(env, 0, fd);
  atomic_store(&wakeup_errno, 0);
  return sel__int(env, atomic_exchange(&wakeup_fd, fd < 0 ? -1 : fd));
}

/* signalWakeupErrno() -> errno of the last failed write to the wakeup fd
 * since the previous call (0: none). */
static napi_value sel_napi_signal_wakeup_errno(napi_env env,
                                               napi_callback_info info) {
  (void)info;
  return sel__int(env, atomic_exchange(&wakeup_errno, 0));
}

/* raise(signum) -> 0 */
static napi_value sel_napi_raise(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  int32_t sig;
  ARG_SIGNUM(env, 0, sig);
  int err = raise(sig);
  return err != 0 ? sel__neg_errno(env) : sel__int(env, 0);
}

/* strsignal(signum) -> the C library's description, or null if it has none
 * (glibc: "Unknown signal N" and "Real-time signal N" count as none for
 * unknown numbers, as CPython's signal.strsignal). Not a system call. */
static napi_value sel_napi_strsignal(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  int32_t sig;
  ARG_SIGNUM(env, 0, sig);
  const char *text = strsignal(sig);
  napi_value out;
  if (text == NULL || strncmp(text, "Unknown signal", 14) == 0) {
    NAPI_CALL(env, napi_get_null(env, &out));
  } else {
    NAPI_CALL(env, napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &out));
  }
  return out;
}

/* signalValid(out: Int32Array) -> how many of the numbers in sigfillset(3)'s
 * set were written to `out` (ascending). */
static napi_value sel_napi_signal_valid(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  int32_t *out;
  size_t cap;
  ARG_INT32ARRAY(env, 0, out, cap);
  sigset_t all;
  if (sigfillset(&all) < 0)
    return sel__neg_errno(env);
  size_t n = 0;
  for (int sig = 1; sig < SEL_NSIG && n < cap; sig++) {
    if (sigismember(&all, sig) == 1)
      out[n++] = sig;
  }
  return sel__int(env, (int64_t)n);
}

/* alarm(seconds) -> seconds left of the previous alarm (0: none). */
static napi_value sel_napi_alarm(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  uint32_t seconds;
  ARG_UINT32(env, 0, seconds);
  return sel__int(env, alarm(seconds));
}

static void sel__tv_set(struct timeval *tv, double seconds) {
  tv->tv_sec = (time_t)seconds;
  tv->tv_usec = (suseconds_t)((seconds - (double)tv->tv_sec) * 1e6);
  if (tv->tv_sec == 0 && tv->tv_usec == 0 && seconds > 0)
    tv->tv_usec = 1;
}

static void sel__itimer_out(const struct itimerval *it, double *out) {
  out[0] = (double)it->it_value.tv_sec + (double)it->it_value.tv_usec / 1e6;
  out[1] =
      (double)it->it_interval.tv_sec + (double)it->it_interval.tv_usec / 1e6;
}

static bool sel__arg_float64x2(napi_env env, napi_value v, double **out,
                               int i) {
  bool is = false;
  napi_typedarray_type type;
  size_t length;
  void *p;
  napi_value ab;
  size_t offset;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &type, &length, &p, &ab, &offset) !=
          napi_ok ||
      type != napi_float64_array || length < 2) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                          i == 3 ? "Argument 3 must be a Float64Array(2)"
                                 : "Argument 1 must be a Float64Array(2)");
    return false;
  }
  *out = (double *)p;
  return true;
}

/* setitimer(which, seconds, interval, out: Float64Array(2)) -> 0; `out`
 * receives the old (value, interval). Seconds are finite and >= 0 (checked
 * by the caller). */
static napi_value sel_napi_setitimer(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  int32_t which;
  double value, interval, *out;
  ARG_INT32(env, 0, which);
  ARG_DOUBLE(env, 1, value);
  ARG_DOUBLE(env, 2, interval);
  if (!sel__arg_float64x2(env, argv[3], &out, 3))
    return NULL;
  struct itimerval it, old;
  sel__tv_set(&it.it_value, value);
  sel__tv_set(&it.it_interval, interval);
  if (setitimer(which, &it, &old) < 0)
    return sel__neg_errno(env);
  sel__itimer_out(&old, out);
  return sel__int(env, 0);
}

/* getitimer(which, out: Float64Array(2)) -> 0; `out` = (value, interval). */
static napi_value sel_napi_getitimer(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  int32_t which;
  double *out;
  ARG_INT32(env, 0, which);
  if (!sel__arg_float64x2(env, argv[1], &out, 1))
    return NULL;
  struct itimerval it;
  if (getitimer(which, &it) < 0)
    return sel__neg_errno(env);
  sel__itimer_out(&it, out);
  return sel__int(env, 0);
}

/* pthreadSigmask(how, sigs: Int32Array, n, out: Int32Array) -> how many
 * signal numbers of the old mask were written to `out`. */
static napi_value sel_napi_pthread_sigmask(napi_env env,
                                           napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  int32_t how, *sigs, *out;
  uint32_t n;
  size_t count, cap;
  ARG_INT32(env, 0, how);
  ARG_INT32ARRAY(env, 1, sigs, count);
  ARG_UINT32(env, 2, n);
  ARG_INT32ARRAY(env, 3, out, cap);
  if (n > count) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "n exceeds sigs");
    return NULL;
  }
  sigset_t set, old;
  sigemptyset(&set);
  for (uint32_t k = 0; k < n; k++) {
    if (sigaddset(&set, sigs[k]) < 0)
      return sel__neg_errno(env);
  }
  int err = pthread_sigmask(how, &set, &old);
  if (err != 0)
    return sel__int(env, -err);
  size_t m = 0;
  for (int sig = 1; sig < SEL_NSIG && m < cap; sig++) {
    if (sigismember(&old, sig) == 1)
      out[m++] = sig;
  }
  return sel__int(env, (int64_t)m);
}

#define SIG_CONST(name)                                                        \
  do {                                                                         \
    napi_value v_;                                                             \
    if ((st = napi_create_int32(env, name, &v_)) != napi_ok ||                 \
        (st = napi_set_named_property(env, obj, #name, v_)) != napi_ok)        \
      return st;                                                               \
  } while (0)

static napi_status sel__signal_constants(napi_env env, napi_value obj) {
  napi_status st;
  SIG_CONST(SIGHUP);
  SIG_CONST(SIGINT);
  SIG_CONST(SIGQUIT);
  SIG_CONST(SIGILL);
  SIG_CONST(SIGTRAP);
  SIG_CONST(SIGABRT);
  SIG_CONST(SIGBUS);
  SIG_CONST(SIGFPE);
  SIG_CONST(SIGKILL);
  SIG_CONST(SIGUSR1);
  SIG_CONST(SIGSEGV);
  SIG_CONST(SIGUSR2);
  SIG_CONST(SIGPIPE);
  SIG_CONST(SIGALRM);
  SIG_CONST(SIGTERM);
  SIG_CONST(SIGCHLD);
  SIG_CONST(SIGCONT);
  SIG_CONST(SIGSTOP);
  SIG_CONST(SIGTSTP);
  SIG_CONST(SIGTTIN);
  SIG_CONST(SIGTTOU);
  SIG_CONST(SIGURG);
  SIG_CONST(SIGXCPU);
  SIG_CONST(SIGXFSZ);
  SIG_CONST(SIGVTALRM);
  SIG_CONST(SIGPROF);
  SIG_CONST(SIGWINCH);
  SIG_CONST(SIGIO);
  SIG_CONST(SIGSYS);
#ifdef SIGIOT
  SIG_CONST(SIGIOT);
#endif
#ifdef SIGPOLL
  SIG_CONST(SIGPOLL);
#endif
#ifdef SIGPWR
  SIG_CONST(SIGPWR);
#endif
#ifdef SIGSTKFLT
  SIG_CONST(SIGSTKFLT);
#endif
#ifdef SIGEMT
  SIG_CONST(SIGEMT);
#endif
#ifdef SIGINFO
  SIG_CONST(SIGINFO);
#endif
#ifdef SIGRTMIN
  SIG_CONST(SIGRTMIN);
  SIG_CONST(SIGRTMAX);
#endif
  SIG_CONST(SIG_BLOCK);
  SIG_CONST(SIG_UNBLOCK);
  SIG_CONST(SIG_SETMASK);
  SIG_CONST(ITIMER_REAL);
  SIG_CONST(ITIMER_VIRTUAL);
  SIG_CONST(ITIMER_PROF);
  napi_value v;
  if ((st = napi_create_int32(env, SEL_NSIG, &v)) != napi_ok ||
      (st = napi_set_named_property(env, obj, "NSIG", v)) != napi_ok ||
      (st = napi_create_int32(env, (int32_t)sizeof(struct sigaction), &v)) !=
          napi_ok ||
      (st = napi_set_named_property(env, obj, "SIZEOF_SIGACTION", v)) !=
          napi_ok)
    return st;
  return napi_ok;
}

napi_status sel__init_signal(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      SEL_FN("signalInit", sel_napi_signal_init),
      SEL_FN("signalFlag", sel_napi_signal_flag),
      SEL_FN("sigactionGet", sel_napi_sigaction_get),
      SEL_FN("sigactionInstall", sel_napi_sigaction_install),
      SEL_FN("sigactionSet", sel_napi_sigaction_set),
      SEL_FN("signalTake", sel_napi_signal_take),
      SEL_FN("signalWakeupFd", sel_napi_signal_wakeup_fd),
      SEL_FN("signalWakeupErrno", sel_napi_signal_wakeup_errno),
      SEL_FN("raise", sel_napi_raise),
      SEL_FN("strsignal", sel_napi_strsignal),
      SEL_FN("signalValid", sel_napi_signal_valid),
      SEL_FN("alarm", sel_napi_alarm),
      SEL_FN("setitimer", sel_napi_setitimer),
      SEL_FN("getitimer", sel_napi_getitimer),
      SEL_FN("pthreadSigmask", sel_napi_pthread_sigmask),
  };
  napi_status st = napi_define_properties(
      env, exports, sizeof(props) / sizeof(props[0]), props);
  if (st != napi_ok)
    return st;
  napi_value obj;
  if ((st = napi_create_object(env, &obj)) != napi_ok ||
      (st = sel__signal_constants(env, obj)) != napi_ok)
    return st;
  return napi_set_named_property(env, exports, "signalConstants", obj);
}
