/*
 * Why PollSelector.select() costs more per registered fd than Python's
 * (BENCHMARKS.md, "select() micro-benchmark"): poll(2) over N idle
 * socketpair ends, timed in a single-threaded process and again after an
 * idle second thread has started. Linux takes a file reference per polled
 * fd (fdget) only when the fd table is shared, i.e. once the process has a
 * second thread (fs/file.c); Python and the C anchors are single-threaded,
 * a Node process never is.
 * Build and run: cc -O2 -pthread -o /tmp/poll-threads bench/poll-threads.c && taskset -c 0 /tmp/poll-threads
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static double cpu_us(void) {
  struct rusage r;
  getrusage(RUSAGE_THREAD, &r);
  return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e6 + r.ru_utime.tv_usec +
         r.ru_stime.tv_usec;
}

static void *idle(void *arg) {
  (void)arg;
  pause();
  return NULL;
}

static void run(const char *threads, struct pollfd *fds, int n) {
  long calls = n >= 1000 ? 2000 : 50000;
  double t = cpu_us();
  for (long i = 0; i < calls; i++)
    poll(fds, (nfds_t)n, 0);
  printf("| %s | %d | %.2f |\n", threads, n, (cpu_us() - t) / calls);
}

int main(void) {
  static const int sizes[] = {10, 100, 1000};
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  struct pollfd *fds = calloc(1000, sizeof *fds);
  for (int i = 0; i < 1000; i += 2) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
      perror("socketpair");
      return 1;
    }
    fds[i] = (struct pollfd){.fd = sv[0], .events = POLLIN};
    fds[i + 1] = (struct pollfd){.fd = sv[1], .events = POLLIN};
  }
  printf("| threads | fds | CPU µs per poll() |\n|---|---:|---:|\n");
  for (int k = 0; k < 3; k++)
    run("1", fds, sizes[k]);
  pthread_t t;
  if (pthread_create(&t, NULL, idle, NULL) != 0)
    return 1;
  for (int k = 0; k < 3; k++)
    run("2 (one idle)", fds, sizes[k]);
  return 0;
}
