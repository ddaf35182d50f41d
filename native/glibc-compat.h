/*
 * Force-included in every native source on Linux (binding.gyp: -include), so
 * a prebuilt addon made on a new glibc loads on the oldest glibc Node 20's
 * own Linux binaries support (2.28).
 *
 * glibc 2.32 and 2.34 moved the pthread functions from libpthread into libc
 * and gave them new symbol versions (pthread_create@@GLIBC_2.34,
 * pthread_sigmask@@GLIBC_2.32, ...); a program linked there asks the dynamic
 * linker for those versions and fails to load on an older glibc ("version
 * `GLIBC_2.34' not found"). libc keeps the old versions as aliases of the
 * same functions, so binding each name to its first version links the same
 * code and loads everywhere: on glibc < 2.34 the symbol comes from
 * libpthread, which Node itself links (and node-gyp links with -pthread).
 * See the glibc 2.34 release notes ("libpthread has been merged into libc")
 * and ld's documentation of .symver.
 *
 * Only functions whose newest version is above 2.28 and whose oldest version
 * is the same function are pinned; pthread_cond_* (new ABI at 2.3.2) and
 * fcntl64 (2.28) are left alone. `.ci/run` checks the result with
 * `objdump -T`: a new function with a version above 2.28 belongs here.
 * musl and other C libraries have no symbol versions: nothing to do.
 */
#ifndef SELECTORS_GLIBC_COMPAT_H
#define SELECTORS_GLIBC_COMPAT_H

#include <features.h>

#if defined(__GLIBC__)
#if defined(__x86_64__)
#define SELECTORS_GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define SELECTORS_GLIBC_BASE "GLIBC_2.17"
#endif
#endif

#ifdef SELECTORS_GLIBC_BASE
#define SELECTORS_GLIBC_PIN(name)                                              \
  __asm__(".symver " #name "," #name "@" SELECTORS_GLIBC_BASE)
SELECTORS_GLIBC_PIN(pthread_create);
SELECTORS_GLIBC_PIN(pthread_join);
SELECTORS_GLIBC_PIN(pthread_detach);
SELECTORS_GLIBC_PIN(pthread_kill);
SELECTORS_GLIBC_PIN(pthread_once);
SELECTORS_GLIBC_PIN(pthread_sigmask);
SELECTORS_GLIBC_PIN(pthread_attr_getstacksize);
SELECTORS_GLIBC_PIN(pthread_attr_setstacksize);
SELECTORS_GLIBC_PIN(pthread_key_create);
SELECTORS_GLIBC_PIN(pthread_key_delete);
SELECTORS_GLIBC_PIN(pthread_getspecific);
SELECTORS_GLIBC_PIN(pthread_setspecific);
SELECTORS_GLIBC_PIN(pthread_mutex_trylock);
SELECTORS_GLIBC_PIN(pthread_mutexattr_init);
SELECTORS_GLIBC_PIN(pthread_mutexattr_destroy);
SELECTORS_GLIBC_PIN(pthread_mutexattr_settype);
SELECTORS_GLIBC_PIN(sem_init);
SELECTORS_GLIBC_PIN(sem_destroy);
SELECTORS_GLIBC_PIN(sem_post);
SELECTORS_GLIBC_PIN(sem_wait);
SELECTORS_GLIBC_PIN(sem_timedwait);
#undef SELECTORS_GLIBC_PIN
/* pthread_sigqueue (native/signal.c) came later than the base: 2.11 on x86_64;
 * on aarch64 the base (2.17) already has it. */
#if defined(__x86_64__)
__asm__(".symver pthread_sigqueue,pthread_sigqueue@GLIBC_2.11");
#else
__asm__(".symver pthread_sigqueue,pthread_sigqueue@" SELECTORS_GLIBC_BASE);
#endif
#endif

#endif
