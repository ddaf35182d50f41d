/* The per-event system calls, without glibc's cancellation bookkeeping.
 *
 * recv(2), send(2) and epoll_wait(2) are POSIX cancellation points: in a
 * process with more than one thread (every Node process) glibc's wrappers
 * switch the thread to asynchronous cancellation and back around the call,
 * two atomic updates of the thread's cancel state. Under perf that was 14 %
 * of a recv()/send() call made through the addon (__pthread_enable_
 * asynccancel, __pthread_disable_asynccancel; see BENCHMARKS.md). Nothing
 * here is ever cancelled: the addon does not use pthread_cancel, nor does
 * Node. So on Linux these calls go to the kernel through syscall(2), which
 * is no cancellation point; errno and the return value are the same.
 * Elsewhere, and for a libc without the numbers, the libc functions. */
#ifndef SEL_NOCANCEL_H
#define SEL_NOCANCEL_H

#include <sys/socket.h>
#include <sys/types.h>
#if defined(__linux__)
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

static inline ssize_t sel__recv(int fd, void *buf, size_t len, int flags) {
#if defined(__linux__) && defined(SYS_recvfrom)
  return (ssize_t)syscall(SYS_recvfrom, fd, buf, len, flags, NULL, NULL);
#else
  return recv(fd, buf, len, flags);
#endif
}

static inline ssize_t sel__send(int fd, const void *buf, size_t len,
                                int flags) {
#if defined(__linux__) && defined(SYS_sendto)
  return (ssize_t)syscall(SYS_sendto, fd, buf, len, flags, NULL, 0);
#else
  return send(fd, buf, len, flags);
#endif
}

#if defined(__linux__)
#include <sys/epoll.h>
/* epoll_wait(2) as epoll_pwait(2) with no signal mask (the kernel then
 * ignores the mask size): every Linux architecture has epoll_pwait. */
static inline int sel__epoll_wait(int ep, struct epoll_event *events,
                                  int maxevents, int timeout) {
#if defined(SYS_epoll_pwait)
  return (int)syscall(SYS_epoll_pwait, ep, events, maxevents, timeout, NULL,
                      (size_t)(_NSIG / 8));
#else
  return epoll_wait(ep, events, maxevents, timeout);
#endif
}
#endif

#endif
