/*
 * The C side of bench/call-cost.ts: CPU time per call, in C, of the calls an
 * echo server makes per round trip, so the cost the addon and Node-API add
 * can be read off against them (BENCHMARKS.md, "Where the CPU goes").
 *
 *   send(-1)            send(2) on a bad fd: system call entry and exit only
 *   pair send+recv      64 bytes through an AF_UNIX socketpair, then read back
 *
 * each through glibc's wrapper and through syscall(2) (no cancellation-point
 * bookkeeping), in a single-threaded process and again once an idle second
 * thread exists (Node always has threads; glibc's wrappers cost more then).
 * Build and run: cc -O2 -pthread -o /tmp/call-floor bench/call-floor.c && taskset -c 0 /tmp/call-floor
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { N = 2000000 };

static double cpu_ns(void) {
  struct rusage r;
  getrusage(RUSAGE_THREAD, &r);
  return ((r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e6 + r.ru_utime.tv_usec +
          r.ru_stime.tv_usec) *
         1e3;
}

static void *idle(void *arg) {
  (void)arg;
  pause();
  return NULL;
}

static void run(const char *threads) {
  char buf[64] = {0};
  int sv[2];
  const int f = MSG_DONTWAIT | MSG_NOSIGNAL;
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
    perror("socketpair");
    return;
  }
  double t = cpu_ns();
  for (long i = 0; i < N; i++)
    send(-1, buf, sizeof buf, f);
  printf("| %s | send(-1), glibc | %.0f |\n", threads, (cpu_ns() - t) / N);
  t = cpu_ns();
  for (long i = 0; i < N; i++)
    syscall(SYS_sendto, -1, buf, sizeof buf, f, NULL, 0);
  printf("| %s | send(-1), syscall(2) | %.0f |\n", threads, (cpu_ns() - t) / N);
  t = cpu_ns();
  for (long i = 0; i < N / 4; i++) {
    send(sv[0], buf, sizeof buf, f);
    recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
  }
  printf("| %s | pair send+recv 64 B, glibc | %.0f |\n", threads,
         (cpu_ns() - t) / (N / 4));
  t = cpu_ns();
  for (long i = 0; i < N / 4; i++) {
    syscall(SYS_sendto, sv[0], buf, sizeof buf, f, NULL, 0);
    syscall(SYS_recvfrom, sv[1], buf, sizeof buf, MSG_DONTWAIT, NULL, NULL);
  }
  printf("| %s | pair send+recv 64 B, syscall(2) | %.0f |\n", threads,
         (cpu_ns() - t) / (N / 4));
  close(sv[0]);
  close(sv[1]);
}

int main(void) {
  pthread_t t;
  printf("| threads | call | CPU ns per call |\n|---|---|---:|\n");
  run("1");
  if (pthread_create(&t, NULL, idle, NULL) == 0)
    run("2 (one idle)");
  return 0;
}
