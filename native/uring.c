/*
 * io_uring(7), Linux 5.11+ (IORING_ENTER_EXT_ARG), over raw system calls:
 * io_uring_setup(2), io_uring_enter(2) and mmap(2); no liburing. Elsewhere
 * (or without <linux/io_uring.h> at build time) this file exports nothing
 * and the TypeScript side reports IoUringSelector as unavailable.
 *
 * One function per kernel operation, no policy:
 *   uringSetup(entries, cqEntries, flags, info) -> ring (external) | -errno
 *   uringQueue(ring, batch, count)   -> SQEs written (fewer if the SQ is full)
 *   uringEnter(ring, toSubmit, minComplete, timeoutMs) -> io_uring_enter's
 * result uringReap(ring, out, max)        -> CQEs copied (and consumed)
 *   uringClose(ring)                 -> 0 | -errno (unmaps, closes the ring fd)
 *
 * The memory layout of a ring (where the SQ/CQ head, tail, mask, array and
 * entries live) is read from io_uring_params once, in sel__uring_map, and
 * kept in struct sel_uring: nothing else computes an offset.
 *
 * The caller's records (int32 values; the addon exports their sizes as
 * uringSqeInt32 and uringCqeInt32):
 *   SQE batch record: opcode, sqe flags, fd, op flags (poll32_events for
 *     IORING_OP_POLL_ADD; milliseconds for IORING_OP_LINK_TIMEOUT, whose
 *     timespec the ring keeps), user_data low, user_data high, addr low,
 *     addr high (IORING_OP_POLL_REMOVE: the user_data of the request to
 *     cancel)
 *   CQE record: user_data low, user_data high, res, flags
 */
#include "util.h"

#if defined(__linux__) && defined(__has_include)
#if __has_include(<linux/io_uring.h>)
#define SEL_HAVE_URING 1
#endif
#endif

#ifdef SEL_HAVE_URING
#include <linux/io_uring.h>
#include <linux/time_types.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SEL_URING_SQE_INT32 8
#define SEL_URING_CQE_INT32 4

/* A mapped ring. fd < 0 once closed. */
struct sel_uring {
  int fd;
  unsigned features;
  /* Mappings: the SQ ring (and, with IORING_FEAT_SINGLE_MMAP, the CQ ring),
   * the CQ ring if separate, the SQE array. */
  void *sq_map, *cq_map;
  size_t sq_map_len, cq_map_len;
  struct io_uring_sqe *sqes;
  size_t sqes_len;
  /* SQ ring */
  unsigned *sq_head, *sq_tail, *sq_array;
  unsigned sq_mask, sq_entries;
  /* CQ ring */
  unsigned *cq_head, *cq_tail;
  unsigned cq_mask;
  struct io_uring_cqe *cqes;
  /* The timespec of the IORING_OP_LINK_TIMEOUT SQE at index i, read by the
   * kernel when it submits that SQE. */
  struct __kernel_timespec *ts;
};

/* ms as the kernel's 64-bit timespec (io_uring's timeouts); the portable
 * struct timeval/timespec ones are in wait-common.h. */
static inline void sel__ms_to_kernel_timespec(uint32_t ms,
                                              struct __kernel_timespec *ts) {
  ts->tv_sec = ms / 1000;
  ts->tv_nsec = (long long)(ms % 1000) * 1000000;
}

static void sel__uring_unmap(struct sel_uring *r) {
  if (r->sqes != NULL)
    munmap(r->sqes, r->sqes_len);
  if (r->cq_map != NULL && r->cq_map != r->sq_map)
    munmap(r->cq_map, r->cq_map_len);
  if (r->sq_map != NULL)
    munmap(r->sq_map, r->sq_map_len);
  r->sqes = NULL;
  r->sq_map = r->cq_map = NULL;
}

/* Maps the rings described by p into r (the one place that reads the
 * offsets): 0, or an errno with nothing left mapped. */
static int sel__uring_map(struct sel_uring *r,
                          const struct io_uring_params *p) {
  r->features = p->features;
  r->sq_map_len = p->sq_off.array + p->sq_entries * sizeof(unsigned);
  r->cq_map_len = p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe);
  if ((p->features & IORING_FEAT_SINGLE_MMAP) != 0 &&
      r->cq_map_len > r->sq_map_len)
    r->sq_map_len = r->cq_map_len;
  r->sq_map = mmap(NULL, r->sq_map_len, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
  if (r->sq_map == MAP_FAILED) {
    r->sq_map = NULL;
    return errno;
  }
  if ((p->features & IORING_FEAT_SINGLE_MMAP) != 0) {
    r->cq_map = r->sq_map;
  } else {
    r->cq_map = mmap(NULL, r->cq_map_len, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
    if (r->cq_map == MAP_FAILED) {
      int err = errno;
      r->cq_map = NULL;
      sel__uring_unmap(r);
      return err;
    }
  }
  r->sqes_len = p->sq_entries * sizeof(struct io_uring_sqe);
  void *sqes = mmap(NULL, r->sqes_len, PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
  if (sqes == MAP_FAILED) {
    int err = errno;
    sel__uring_unmap(r);
    return err;
  }
  r->sqes = sqes;
  char *sq = r->sq_map, *cq = r->cq_map;
  r->sq_head = (unsigned *)(void *)(sq + p->sq_off.head);
  r->sq_tail = (unsigned *)(void *)(sq + p->sq_off.tail);
  r->sq_array = (unsigned *)(void *)(sq + p->sq_off.array);
  r->sq_mask = *(unsigned *)(void *)(sq + p->sq_off.ring_mask);
  r->sq_entries = *(unsigned *)(void *)(sq + p->sq_off.ring_entries);
  r->cq_head = (unsigned *)(void *)(cq + p->cq_off.head);
  r->cq_tail = (unsigned *)(void *)(cq + p->cq_off.tail);
  r->cq_mask = *(unsigned *)(void *)(cq + p->cq_off.ring_mask);
  r->cqes = (struct io_uring_cqe *)(void *)(cq + p->cq_off.cqes);
  return 0;
}

/* Unmaps and closes; idempotent. Returns 0 or an errno from close(2). */
static int sel__uring_close(struct sel_uring *r) {
  if (r->fd < 0)
    return 0;
  sel__uring_unmap(r);
  int err = close(r->fd) < 0 ? errno : 0;
  r->fd = -1;
  return err;
}

static void sel__uring_free(struct sel_uring *r) {
  sel__uring_close(r);
  free(r->ts);
  free(r);
}

static void sel__uring_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  sel__uring_free(data);
}

/* The ring of argv[0], or NULL with a pending TypeError. */
static struct sel_uring *sel__arg_uring(napi_env env, napi_value v) {
  napi_valuetype t;
  void *data = NULL;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external ||
      napi_get_value_external(env, v, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                          "Argument 0 must be a ring from uringSetup()");
    return NULL;
  }
  return data;
}

/* Reads the ring of argv[i] into a new `struct sel_uring *var`. */
#define ARG_URING(env, i, var)                                                 \
  struct sel_uring *var = sel__arg_uring(env, argv[i]);                        \
  if (var == NULL)                                                             \
  return NULL

/* Reads (ring, records: Int32Array, count) from argv: false with a pending
 * TypeError/RangeError unless the array holds count records of `record`
 * int32 values. */
static bool sel__arg_records(napi_env env, const napi_value *argv,
                             size_t record, struct sel_uring **r, int32_t **buf,
                             uint32_t *count) {
  size_t len;
  *r = sel__arg_uring(env, argv[0]);
  if (*r == NULL || !sel__arg_int32array(env, argv[1], buf, &len, 1) ||
      !sel__arg_uint32(env, argv[2], count, 2))
    return false;
  if ((size_t)*count * record > len) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "Argument 1 must hold Argument 2 records");
    return false;
  }
  return true;
}

/* SEL_ARGS of uringQueue and uringReap, then (ring, records, count) into
 * new `struct sel_uring *r`, `int32_t *buf` and `uint32_t count`. */
#define RECORD_ARGS(env, info, record, r, buf, count)                          \
  SEL_ARGS(env, info, 3);                                                      \
  struct sel_uring *r;                                                         \
  int32_t *buf;                                                                \
  uint32_t count;                                                              \
  if (!sel__arg_records(env, argv, record, &r, &buf, &count))                  \
  return NULL

/* uringSetup(entries, cqEntries, flags, info: Int32Array(4)) -> ring, or
 * -errno. cqEntries > 0 adds IORING_SETUP_CQSIZE. info receives (ring fd,
 * features, SQ entries, CQ entries). The kernel creates the ring fd
 * close-on-exec (io_uring/io_uring.c, io_uring_install_fd: O_CLOEXEC). */
static napi_value sel_napi_uring_setup(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  uint32_t entries, cq_entries, flags;
  int32_t *out;
  size_t count;
  ARG_UINT32(env, 0, entries);
  ARG_UINT32(env, 1, cq_entries);
  ARG_UINT32(env, 2, flags);
  ARG_INT32ARRAY(env, 3, out, count);
  if (count < 4) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "Argument 3 must hold 4 values");
    return NULL;
  }
  struct io_uring_params p;
  memset(&p, 0, sizeof(p));
  p.flags = flags;
  if (cq_entries > 0) {
    p.flags |= IORING_SETUP_CQSIZE;
    p.cq_entries = cq_entries;
  }
  struct sel_uring *r = calloc(1, sizeof(*r));
  if (r == NULL)
    return sel__int(env, -ENOMEM);
  r->fd = (int)syscall(__NR_io_uring_setup, entries, &p);
  if (r->fd < 0) {
    int err = errno;
    free(r);
    return sel__int(env, -err);
  }
  int err = sel__uring_map(r, &p);
  if (err == 0) {
    r->ts = calloc(r->sq_entries, sizeof(*r->ts));
    if (r->ts == NULL) {
      sel__uring_unmap(r);
      err = ENOMEM;
    }
  }
  if (err != 0) {
    close(r->fd);
    free(r);
    return sel__int(env, -err);
  }
  napi_value ring;
  if (napi_create_external(env, r, sel__uring_finalize, NULL, &ring) !=
      napi_ok) {
    sel__uring_free(r);
    sel__throw_last(env);
    return NULL;
  }
  out[0] = r->fd;
  out[1] = (int32_t)p.features;
  out[2] = (int32_t)p.sq_entries;
  out[3] = (int32_t)p.cq_entries;
  return ring;
}

/* uringQueue(ring, batch: Int32Array, count) -> SQEs written: the first
 * records of batch (SEL_URING_SQE_INT32 values each, see above), as many
 * as the SQ has room for. They go to the kernel with the next uringEnter. */
static napi_value sel_napi_uring_queue(napi_env env, napi_callback_info info) {
  RECORD_ARGS(env, info, SEL_URING_SQE_INT32, r, batch, count);
  uint32_t n = count;
  if (r->fd < 0)
    return sel__int(env, -EBADF);
  unsigned tail = *r->sq_tail;
  unsigned head = __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
  unsigned room = r->sq_entries - (tail - head);
  if (n > room)
    n = room;
  /* A link chain is never split between two submissions: a linked
   * timeout submitted without its request would fail. */
  while (n > 0 && n < count &&
         (batch[(size_t)(n - 1) * SEL_URING_SQE_INT32 + 1] & IOSQE_IO_LINK))
    n--;
  for (uint32_t i = 0; i < n; i++, tail++) {
    const int32_t *rec = batch + (size_t)i * SEL_URING_SQE_INT32;
    unsigned idx = tail & r->sq_mask;
    struct io_uring_sqe *sqe = &r->sqes[idx];
    memset(sqe, 0, sizeof(*sqe));
    sqe->opcode = (uint8_t)rec[0];
    sqe->flags = (uint8_t)rec[1];
    sqe->fd = rec[2];
    sqe->poll32_events = (uint32_t)rec[3];
    sqe->user_data =
        (uint64_t)(uint32_t)rec[4] | ((uint64_t)(uint32_t)rec[5] << 32);
    sqe->addr = (uint64_t)(uint32_t)rec[6] | ((uint64_t)(uint32_t)rec[7] << 32);
    if (sqe->opcode == IORING_OP_LINK_TIMEOUT) {
      sel__ms_to_kernel_timespec((uint32_t)rec[3], &r->ts[idx]);
      sqe->addr = (uint64_t)(uintptr_t)&r->ts[idx];
      sqe->len = 1;
      sqe->timeout_flags = 0;
    }
    r->sq_array[idx] = idx;
  }
  __atomic_store_n(r->sq_tail, tail, __ATOMIC_RELEASE);
  return sel__int(env, n);
}

/* uringEnter(ring, toSubmit, minComplete, timeoutMs) -> io_uring_enter(2)'s
 * result (SQEs submitted) or -errno. minComplete > 0 waits
 * (IORING_ENTER_GETEVENTS) for that many CQEs, at most timeoutMs (>= 0,
 * via IORING_ENTER_EXT_ARG; -1: no limit); minComplete 0 with
 * GETEVENTS only flushes completions (overflow, task work). */
static napi_value sel_napi_uring_enter(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  ARG_URING(env, 0, r);
  uint32_t to_submit, min_complete;
  int32_t timeout;
  ARG_UINT32(env, 1, to_submit);
  ARG_UINT32(env, 2, min_complete);
  ARG_INT32(env, 3, timeout);
  if (r->fd < 0)
    return sel__int(env, -EBADF);
  unsigned flags = IORING_ENTER_GETEVENTS;
  struct __kernel_timespec ts;
  struct io_uring_getevents_arg arg;
  void *argp = NULL;
  size_t argsz = 0;
  if (min_complete > 0 && timeout >= 0) {
    sel__ms_to_kernel_timespec((uint32_t)timeout, &ts);
    memset(&arg, 0, sizeof(arg));
    arg.sigmask_sz = _NSIG / 8;
    arg.ts = (uint64_t)(uintptr_t)&ts;
    flags |= IORING_ENTER_EXT_ARG;
    argp = &arg;
    argsz = sizeof(arg);
  }
  long n = syscall(__NR_io_uring_enter, r->fd, to_submit, min_complete, flags,
                   argp, argsz);
  return n < 0 ? sel__neg_errno(env) : sel__int(env, n);
}

/* uringReap(ring, out: Int32Array, max) -> CQEs copied into out
 * (SEL_URING_CQE_INT32 values each, see above) and consumed. */
static napi_value sel_napi_uring_reap(napi_env env, napi_callback_info info) {
  RECORD_ARGS(env, info, SEL_URING_CQE_INT32, r, out, max);
  if (r->fd < 0)
    return sel__int(env, -EBADF);
  unsigned head = *r->cq_head;
  unsigned tail = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
  uint32_t n = 0;
  for (; head != tail && n < max; head++, n++) {
    const struct io_uring_cqe *cqe = &r->cqes[head & r->cq_mask];
    int32_t *rec = out + (size_t)n * SEL_URING_CQE_INT32;
    rec[0] = (int32_t)(uint32_t)cqe->user_data;
    rec[1] = (int32_t)(uint32_t)(cqe->user_data >> 32);
    rec[2] = cqe->res;
    rec[3] = (int32_t)cqe->flags;
  }
  __atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
  return sel__int(env, n);
}

/* uringClose(ring) -> 0 or -errno: unmaps the rings and closes the ring
 * fd (the kernel then cancels what is still pending). Idempotent. */
static napi_value sel_napi_uring_close(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  ARG_URING(env, 0, r);
  int err = sel__uring_close(r);
  return sel__int(env, -err);
}

napi_status sel__init_uring(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      SEL_FN("uringSetup", sel_napi_uring_setup),
      SEL_FN("uringQueue", sel_napi_uring_queue),
      SEL_FN("uringEnter", sel_napi_uring_enter),
      SEL_FN("uringReap", sel_napi_uring_reap),
      SEL_FN("uringClose", sel_napi_uring_close),
  };
  napi_value sqe, cqe;
  napi_status status = napi_create_uint32(env, SEL_URING_SQE_INT32, &sqe);
  if (status == napi_ok)
    status = napi_create_uint32(env, SEL_URING_CQE_INT32, &cqe);
  if (status == napi_ok)
    status = napi_set_named_property(env, exports, "uringSqeInt32", sqe);
  if (status == napi_ok)
    status = napi_set_named_property(env, exports, "uringCqeInt32", cqe);
  return status == napi_ok
             ? napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d)
             : status;
}

#else

napi_status sel__init_uring(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
  return napi_ok;
}

#endif
