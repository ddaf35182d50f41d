/*
 * Messages with ancillary data, and zero-copy file sending: one system call
 * each, returning its result or -errno.
 * See: sendmsg(2), recvmsg(2), cmsg(3), unix(7) (SCM_RIGHTS,
 * SCM_CREDENTIALS), sendfile(2), lseek(2).
 *
 * Buffers belong to the caller: sendmsg reads the data buffers and the
 * (level, type, data) items; recvmsg scatters into the caller's buffers and
 * writes the control messages into the caller's control buffer, returning
 * where each one's data lies in it. File descriptors received with
 * SCM_RIGHTS are close-on-exec (MSG_CMSG_CLOEXEC where the OS has it,
 * otherwise FD_CLOEXEC set straight after the call); their O_NONBLOCK flag
 * belongs to the sender's file description and is left alone.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/sendfile.h>
#endif

#include "sockaddr.h"

/* Up to this many iovecs / control bytes live on the stack. */
#define SEL_MSG_STACK_IOV 16
#define SEL_MSG_STACK_CONTROL 256

/* Fills iov from a JS array of byte buffers. Returns false with a pending
 * TypeError. */
static bool sel__iov_from_array(napi_env env, napi_value arr, struct iovec *iov,
                                uint32_t n, int index) {
  for (uint32_t k = 0; k < n; k++) {
    napi_value item;
    void *data;
    size_t len;
    if (napi_get_element(env, arr, k, &item) != napi_ok) {
      sel__throw_last(env);
      return false;
    }
    if (!sel__arg_bytes(env, item, &data, &len, index))
      return false;
    iov[k].iov_base = data;
    iov[k].iov_len = len;
  }
  return true;
}

/* The length of a JS array argument, or false with a pending TypeError. */
static bool sel__array_length(napi_env env, napi_value v, uint32_t *n,
                              int index) {
  bool is = false;
  if (napi_is_array(env, v, &is) != napi_ok || !is ||
      napi_get_array_length(env, v, n) != napi_ok) {
    char msg[64];
    snprintf(msg, sizeof(msg), "Argument %d must be an array", index);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
    return false;
  }
  return true;
}

/* One ancillary item [level, type, data] from the JS array at position k. */
static bool sel__cmsg_item(napi_env env, napi_value arr, uint32_t k,
                           int32_t *level, int32_t *type, void **data,
                           size_t *len) {
  napi_value item, v;
  uint32_t n = 0;
  bool is = false;
  if (napi_get_element(env, arr, k, &item) != napi_ok ||
      napi_is_array(env, item, &is) != napi_ok || !is ||
      napi_get_array_length(env, item, &n) != napi_ok || n != 3) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                          "Argument 2 must hold [level, type, data] items");
    return false;
  }
  return napi_get_element(env, item, 0, &v) == napi_ok &&
         sel__arg_int32(env, v, level, 2) &&
         napi_get_element(env, item, 1, &v) == napi_ok &&
         sel__arg_int32(env, v, type, 2) &&
         napi_get_element(env, item, 2, &v) == napi_ok &&
         sel__arg_bytes(env, v, data, len, 2);
}

/* sendmsg(fd, buffers, ancdata: [level, type, data][], flags, family,
 *   host|path, port, flowinfo, scopeId) -> bytes sent. family < 0: no
 *   address (a connected socket). */
static napi_value sel_napi_sendmsg(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 9);
  int32_t fd, flags, family;
  uint32_t nbuf, ncmsg;
  ARG_INT32(env, 0, fd);
  if (!sel__array_length(env, argv[1], &nbuf, 1) ||
      !sel__array_length(env, argv[2], &ncmsg, 2))
    return NULL;
  ARG_INT32(env, 3, flags);
  ARG_INT32(env, 4, family);
  struct sockaddr_storage ss;
  socklen_t addrlen = 0;
  int err = 0;
  if (family >= 0 &&
      !sel__sockaddr_from_args(env, argv, 4, &ss, &addrlen, &err))
    return NULL;

  /* Total control space, checking every item's types first. */
  size_t space = 0;
  for (uint32_t k = 0; k < ncmsg; k++) {
    int32_t level, type;
    void *data;
    size_t len;
    if (!sel__cmsg_item(env, argv[2], k, &level, &type, &data, &len))
      return NULL;
    if (len > 0x7fffffff - space)
      return sel__int(env, -ENOBUFS);
    space += CMSG_SPACE(len);
  }

  struct iovec stack_iov[SEL_MSG_STACK_IOV];
  char stack_control[SEL_MSG_STACK_CONTROL]
      __attribute__((aligned(__alignof__(struct cmsghdr))));
  struct iovec *iov = stack_iov;
  char *control = stack_control;
  if (nbuf > SEL_MSG_STACK_IOV &&
      (iov = calloc(nbuf, sizeof(struct iovec))) == NULL)
    return sel__int(env, -ENOMEM);
  if (space > sizeof(stack_control) && (control = calloc(1, space)) == NULL) {
    if (iov != stack_iov)
      free(iov);
    return sel__int(env, -ENOMEM);
  }
  napi_value result = NULL;
  if (!sel__iov_from_array(env, argv[1], iov, nbuf, 1))
    goto done;

  struct msghdr msg;
  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = iov;
  msg.msg_iovlen = nbuf;
  if (family >= 0) {
    msg.msg_name = &ss;
    msg.msg_namelen = addrlen;
  }
  if (space > 0) {
    memset(control, 0, space);
    msg.msg_control = control;
    msg.msg_controllen = space;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    for (uint32_t k = 0; k < ncmsg && c != NULL; k++) {
      int32_t level, type;
      void *data;
      size_t len;
      if (!sel__cmsg_item(env, argv[2], k, &level, &type, &data, &len))
        goto done;
      /* An item read again may have changed (a getter): never write past
       * the space the first pass measured. */
      if ((size_t)((char *)CMSG_DATA(c) - control) + len > space) {
        result = sel__int(env, -EINVAL);
        goto done;
      }
      c->cmsg_level = level;
      c->cmsg_type = type;
      c->cmsg_len = CMSG_LEN(len);
      if (len > 0)
        memcpy(CMSG_DATA(c), data, len);
      c = CMSG_NXTHDR(&msg, c);
    }
  }
  if (fd < 0) {
    result = sel__int(env, -EBADF);
  } else if (err) {
    result = sel__int(env, err);
  } else {
    ssize_t r = sendmsg(fd, &msg, flags);
    result = r < 0 ? sel__neg_errno(env) : sel__int(env, r);
  }
done:
  if (iov != stack_iov)
    free(iov);
  if (control != stack_control)
    free(control);
  return result;
}

#ifndef MSG_CMSG_CLOEXEC
/* Sets FD_CLOEXEC on every fd an SCM_RIGHTS message brought. */
static void sel__cloexec_rights(struct msghdr *msg) {
  for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL;
       c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
      continue;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t k = 0; k < n; k++) {
      int rfd;
      memcpy(&rfd, CMSG_DATA(c) + k * sizeof(int), sizeof(int));
      fcntl(rfd, F_SETFD, FD_CLOEXEC);
    }
  }
}
#endif

/* recvmsg(fd, buffers, control, flags)
 *   -> [bytes, msgFlags, address, [[level, type, offset, length], ...]]
 *   where offset/length locate each control message's data in `control`
 *   (length cut to what lies inside it when MSG_CTRUNC truncated one). */
static napi_value sel_napi_recvmsg(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  int32_t fd, flags;
  uint32_t nbuf;
  void *control;
  size_t controllen;
  ARG_INT32(env, 0, fd);
  if (!sel__array_length(env, argv[1], &nbuf, 1))
    return NULL;
  ARG_BYTES(env, 2, control, controllen);
  ARG_INT32(env, 3, flags);
  struct iovec stack_iov[SEL_MSG_STACK_IOV];
  struct iovec *iov = stack_iov;
  if (nbuf > SEL_MSG_STACK_IOV &&
      (iov = calloc(nbuf, sizeof(struct iovec))) == NULL)
    return sel__int(env, -ENOMEM);
  napi_value result = NULL;
  if (!sel__iov_from_array(env, argv[1], iov, nbuf, 1))
    goto done;

  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof(ss));
  struct msghdr msg;
  memset(&msg, 0, sizeof(msg));
  msg.msg_name = &ss;
  msg.msg_namelen = sizeof(ss);
  msg.msg_iov = iov;
  msg.msg_iovlen = nbuf;
  /* The control buffer is the caller's (any alignment): the kernel writes
   * aligned headers relative to its start, which CMSG_* assume aligned.
   * Callers pass a Buffer from allocUnsafeSlow/alloc (8-aligned). */
  msg.msg_control = controllen > 0 ? control : NULL;
  msg.msg_controllen = controllen;
#ifdef MSG_CMSG_CLOEXEC
  int added = flags & MSG_CMSG_CLOEXEC ? 0 : MSG_CMSG_CLOEXEC;
#else
  int added = 0;
#endif
  ssize_t r = recvmsg(fd, &msg, flags | added);
  if (r < 0) {
    result = sel__neg_errno(env);
    goto done;
  }
#ifndef MSG_CMSG_CLOEXEC
  sel__cloexec_rights(&msg);
#endif
  napi_value items[4], list;
  bool ok =
      napi_create_int64(env, r, &items[0]) == napi_ok &&
      napi_create_int32(env, msg.msg_flags & ~added, &items[1]) == napi_ok &&
      (items[2] = sel__sockaddr_to_js(env, &ss, msg.msg_namelen)) != NULL &&
      napi_create_array(env, &list) == napi_ok;
  uint32_t count = 0;
  char *base = (char *)control;
  char *end = base + msg.msg_controllen;
  for (struct cmsghdr *c = msg.msg_controllen > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
       ok && c != NULL; c = CMSG_NXTHDR(&msg, c)) {
    char *data = (char *)CMSG_DATA(c);
    char *stop = (char *)c + c->cmsg_len;
    if (stop > end)
      stop = end;
    size_t len = stop > data ? (size_t)(stop - data) : 0;
    napi_value entry, v[4];
    ok = napi_create_int32(env, c->cmsg_level, &v[0]) == napi_ok &&
         napi_create_int32(env, c->cmsg_type, &v[1]) == napi_ok &&
         napi_create_int64(env, data - base, &v[2]) == napi_ok &&
         napi_create_int64(env, (int64_t)len, &v[3]) == napi_ok &&
         napi_create_array_with_length(env, 4, &entry) == napi_ok;
    for (uint32_t k = 0; ok && k < 4; k++)
      ok = napi_set_element(env, entry, k, v[k]) == napi_ok;
    if (ok)
      ok = napi_set_element(env, list, count++, entry) == napi_ok;
  }
  items[3] = list;
  napi_value out;
  if (ok)
    ok = napi_create_array_with_length(env, 4, &out) == napi_ok;
  for (uint32_t k = 0; ok && k < 4; k++)
    ok = napi_set_element(env, out, k, items[k]) == napi_ok;
  /* The received fds are in the caller's control buffer: a caller that
   * gets an exception here finds and closes them there. */
  if (!ok)
    sel__throw_last(env);
  else
    result = out;
done:
  if (iov != stack_iov)
    free(iov);
  return result;
}

/* cmsgLen(n) -> CMSG_LEN(n); cmsgSpace(n) -> CMSG_SPACE(n) (macros, no
 * system call). n is checked by the caller. */
static napi_value sel_napi_cmsg_len(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  uint32_t n;
  ARG_UINT32(env, 0, n);
  return sel__int(env, (int64_t)CMSG_LEN((size_t)n));
}

static napi_value sel_napi_cmsg_space(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  uint32_t n;
  ARG_UINT32(env, 0, n);
  return sel__int(env, (int64_t)CMSG_SPACE((size_t)n));
}

/* sendfile(outFd, inFd, offset, count) -> bytes sent. offset < 0: from (and
 * advancing) inFd's file position; otherwise from that offset, leaving the
 * position alone. -ENOSYS where the OS has no sendfile of this shape. */
static napi_value sel_napi_sendfile(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  int32_t out_fd, in_fd;
  double offset, count;
  ARG_INT32(env, 0, out_fd);
  ARG_INT32(env, 1, in_fd);
  ARG_DOUBLE(env, 2, offset);
  ARG_DOUBLE(env, 3, count);
#ifdef __linux__
  off_t off = (off_t)offset;
  ssize_t r = sendfile(out_fd, in_fd, offset < 0 ? NULL : &off,
                       count > 0x7ffff000 ? 0x7ffff000 : (size_t)count);
  return r < 0 ? sel__neg_errno(env) : sel__int(env, r);
#else
  (void)out_fd;
  (void)in_fd;
  (void)offset;
  (void)count;
  return sel__int(env, -ENOSYS);
#endif
}

/* lseek(fd, offset, whence) -> the new offset (the file position that
 * sendfile's callers set as Python's socket.sendfile does). */
static napi_value sel_napi_lseek(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 3);
  int32_t fd, whence;
  double offset;
  ARG_INT32(env, 0, fd);
  ARG_DOUBLE(env, 1, offset);
  ARG_INT32(env, 2, whence);
  off_t r = lseek(fd, (off_t)offset, whence);
  return r < 0 ? sel__neg_errno(env) : sel__int(env, (int64_t)r);
}

napi_status sel__init_msg(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      SEL_FN("sendmsg", sel_napi_sendmsg),
      SEL_FN("recvmsg", sel_napi_recvmsg),
      SEL_FN("cmsgLen", sel_napi_cmsg_len),
      SEL_FN("cmsgSpace", sel_napi_cmsg_space),
      SEL_FN("sendfile", sel_napi_sendfile),
      SEL_FN("lseek", sel_napi_lseek),
  };
  return napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d);
}
