/*
 * Sockets: one function per system call, each returning its result or -errno.
 * See: socket(2), socketpair(2), bind(2), listen(2), accept(2), connect(2),
 * recv(2), send(2), shutdown(2), getsockopt(2), getsockname(2),
 * getpeername(2), getaddrinfo(3).
 *
 * Every socket this file creates is non-blocking and close-on-exec, set
 * atomically with SOCK_NONBLOCK|SOCK_CLOEXEC / accept4() where the OS has
 * them, otherwise with fcntl() straight after (the fd is closed if that fails).
 */
#include <fcntl.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nocancel.h"
#include "sockaddr.h"

/* Make fd non-blocking and close-on-exec; close it and return -errno on
 * failure. Used where the flags cannot be set atomically. */
__attribute__((unused)) static int sel__set_nb_cloexec(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
      fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
    int err = errno;
    close(fd);
    return -err;
  }
  return fd;
}

/* socket(family, type, proto) -> fd */
static napi_value sel_napi_socket(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 3);
  int32_t family, type, proto;
  ARG_INT32S(env, 0, &family, &type, &proto);
#ifdef SOCK_NONBLOCK
  int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  return fd < 0 ? sel__neg_errno(env) : sel__int(env, fd);
#else
  int fd = socket(family, type, proto);
  return fd < 0 ? sel__neg_errno(env) : sel__int(env, sel__set_nb_cloexec(fd));
#endif
}

/* socketpair(family, type, proto, out: Int32Array(2)) -> 0 */
static napi_value sel_napi_socketpair(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  int32_t family, type, proto, *out;
  ARG_INT32S(env, 0, &family, &type, &proto);
  ARG_INT32ARRAY_MIN(env, 3, out, 2, "out must hold 2 fds");
  int sv[2];
#ifdef SOCK_NONBLOCK
  if (socketpair(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto, sv) < 0)
    return sel__neg_errno(env);
#else
  if (socketpair(family, type, proto, sv) < 0)
    return sel__neg_errno(env);
  int r = sel__set_nb_cloexec(sv[0]);
  if (r < 0) {
    close(sv[1]);
    return sel__int(env, r);
  }
  r = sel__set_nb_cloexec(sv[1]);
  if (r < 0) {
    close(sv[0]);
    return sel__int(env, r);
  }
#endif
  out[0] = sv[0];
  out[1] = sv[1];
  return sel__int(env, 0);
}

typedef int (*sel__addr_fn)(int, const struct sockaddr *, socklen_t);

/* bind or connect (fn): (fd, family, host|path, port, flowinfo, scopeId). */
static napi_value sel__addr(napi_env env, napi_callback_info info,
                            sel__addr_fn fn) {
  SEL_ARGS(env, info, 6);
  int32_t fd;
  ARG_INT32(env, 0, fd);
  struct sockaddr_storage ss;
  socklen_t len;
  int err;
  if (!sel__sockaddr_from_args(env, argv, 1, &ss, &len, &err))
    return NULL;
  if (fd < 0)
    return sel__int(env, -EBADF);
  if (err)
    return sel__int(env, err);
  return fn(fd, (struct sockaddr *)&ss, len) < 0 ? sel__neg_errno(env)
                                                 : sel__int(env, 0);
}

/* bind(fd, family, host|path, port, flowinfo, scopeId) -> 0 */
SEL_EXPORT_AS(sel_napi_bind, sel__addr, bind)
/* connect(fd, family, host|path, port, flowinfo, scopeId) -> 0 */
SEL_EXPORT_AS(sel_napi_connect, sel__addr, connect)

/* listen(fd, backlog) -> 0 */
static napi_value sel_napi_listen(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  int32_t fd, backlog;
  ARG_INT32S(env, 0, &fd, &backlog);
  return listen(fd, backlog) < 0 ? sel__neg_errno(env) : sel__int(env, 0);
}

/* accept(fd, withAddress) -> newfd, or [newfd, address] when withAddress.
 * The new socket is non-blocking and close-on-exec (accept4). */
static napi_value sel_napi_accept(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  int32_t fd;
  bool with_addr = false;
  ARG_INT32(env, 0, fd);
  ARG_BOOL(env, 1, with_addr);
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  memset(&ss, 0, sizeof(ss));
#if defined(__linux__) || defined(__FreeBSD__) || defined(__OpenBSD__) ||      \
    defined(__NetBSD__) || defined(__DragonFly__)
  int nfd =
      accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (nfd < 0)
    return sel__neg_errno(env);
#else
  int nfd = accept(fd, (struct sockaddr *)&ss, &len);
  if (nfd < 0)
    return sel__neg_errno(env);
  nfd = sel__set_nb_cloexec(nfd);
  if (nfd < 0)
    return sel__int(env, nfd);
#endif
  if (!with_addr)
    return sel__int(env, nfd);
  napi_value pair, addr, vfd;
  if (napi_create_array_with_length(env, 2, &pair) != napi_ok ||
      napi_create_int32(env, nfd, &vfd) != napi_ok ||
      (addr = sel__sockaddr_to_js(env, &ss, len)) == NULL ||
      napi_set_element(env, pair, 0, vfd) != napi_ok ||
      napi_set_element(env, pair, 1, addr) != napi_ok) {
    close(nfd); /* never leak the fd when the result cannot be built */
    sel__throw_last(env);
    return NULL;
  }
  return pair;
}

/* recv(fd, buf, offset, length, flags) -> bytes received (0 at EOF) */
static napi_value sel_napi_recv(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 5);
  sel_io_args a;
  ARG_IO(env, true, a);
  return sel__ssize(env, sel__recv(a.fd, a.data, a.len, a.flags));
}

/* send(fd, buf, offset, length, flags) -> bytes sent */
static napi_value sel_napi_send(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 5);
  sel_io_args a;
  ARG_IO(env, true, a);
  return sel__ssize(env, sel__send(a.fd, a.data, a.len, a.flags));
}

/* sendto(fd, buf, offset, length, flags, family, host|path, port, flowinfo,
 * scopeId) -> bytes sent */
static napi_value sel_napi_sendto(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 10);
  sel_io_args a;
  ARG_IO(env, true, a);
  struct sockaddr_storage ss;
  socklen_t len;
  int err;
  if (!sel__sockaddr_from_args(env, argv, 5, &ss, &len, &err))
    return NULL;
  if (a.fd < 0)
    return sel__int(env, -EBADF);
  if (err)
    return sel__int(env, err);
  return sel__ssize(
      env, sendto(a.fd, a.data, a.len, a.flags, (struct sockaddr *)&ss, len));
}

/* recvfrom(fd, buf, offset, length, flags) -> [bytes, address] */
static napi_value sel_napi_recvfrom(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 5);
  sel_io_args a;
  ARG_IO(env, true, a);
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  memset(&ss, 0, sizeof(ss));
  ssize_t r =
      recvfrom(a.fd, a.data, a.len, a.flags, (struct sockaddr *)&ss, &len);
  if (r < 0)
    return sel__neg_errno(env);
  napi_value pair, addr;
  if (napi_create_array_with_length(env, 2, &pair) != napi_ok ||
      (addr = sel__sockaddr_to_js(env, &ss, len)) == NULL ||
      napi_set_element(env, pair, 0, sel__int(env, r)) != napi_ok ||
      napi_set_element(env, pair, 1, addr) != napi_ok) {
    sel__throw_last(env);
    return NULL;
  }
  return pair;
}

/* shutdown(fd, how) -> 0 */
static napi_value sel_napi_shutdown(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  int32_t fd, how;
  ARG_INT32S(env, 0, &fd, &how);
  return shutdown(fd, how) < 0 ? sel__neg_errno(env) : sel__int(env, 0);
}

/* setsockoptInt(fd, level, name, value) -> 0 */
static napi_value sel_napi_setsockopt_int(napi_env env,
                                          napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  int32_t fd, level, name, value;
  ARG_INT32S(env, 0, &fd, &level, &name, &value);
  int v = value;
  return setsockopt(fd, level, name, &v, sizeof(v)) < 0 ? sel__neg_errno(env)
                                                        : sel__int(env, 0);
}

/* getsockoptInt(fd, level, name, out: Int32Array(1)) -> 0 */
static napi_value sel_napi_getsockopt_int(napi_env env,
                                          napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  int32_t fd, level, name, *out;
  ARG_INT32S(env, 0, &fd, &level, &name);
  ARG_INT32ARRAY_MIN(env, 3, out, 1, "out must hold 1 value");
  int v = 0;
  socklen_t len = sizeof(v);
  if (getsockopt(fd, level, name, &v, &len) < 0)
    return sel__neg_errno(env);
  out[0] = v;
  return sel__int(env, 0);
}

/* setsockopt (set) or getsockopt on (fd, level, name, buf). */
static napi_value sel__sockopt_bytes(napi_env env, napi_callback_info info,
                                     bool set) {
  SEL_ARGS(env, info, 4);
  int32_t fd, level, name;
  void *data;
  size_t cap;
  ARG_INT32S(env, 0, &fd, &level, &name);
  ARG_BYTES(env, 3, data, cap);
  socklen_t len = (socklen_t)cap;
  if (set)
    return setsockopt(fd, level, name, data, len) < 0 ? sel__neg_errno(env)
                                                      : sel__int(env, 0);
  if (getsockopt(fd, level, name, data, &len) < 0)
    return sel__neg_errno(env);
  return sel__int(env, len);
}

/* setsockoptBytes(fd, level, name, buf) -> 0 (struct options: linger, ...) */
SEL_EXPORT_AS(sel_napi_setsockopt_bytes, sel__sockopt_bytes, true)
/* getsockoptBytes(fd, level, name, buf) -> length written into buf */
SEL_EXPORT_AS(sel_napi_getsockopt_bytes, sel__sockopt_bytes, false)

typedef int (*sel__name_fn)(int, struct sockaddr *, socklen_t *);

/* getsockname or getpeername (fn): (fd). */
static napi_value sel__name(napi_env env, napi_callback_info info,
                            sel__name_fn fn) {
  SEL_ARGS(env, info, 1);
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  memset(&ss, 0, sizeof(ss));
  int32_t fd;
  ARG_INT32(env, 0, fd);
  if (fn(fd, (struct sockaddr *)&ss, &len) < 0)
    return sel__neg_errno(env);
  return sel__sockaddr_to_js(env, &ss, len);
}

/* getsockname(fd) -> address */
SEL_EXPORT_AS(sel_napi_getsockname, sel__name, getsockname)
/* getpeername(fd) -> address */
SEL_EXPORT_AS(sel_napi_getpeername, sel__name, getpeername)

/* getaddrinfo(host|null, port|null, family, type, proto, flags)
 *   -> [[family, type, proto, canonname, address], ...]
 *   or {eai, errno, message} on failure. Blocks the calling thread, as
 *   Python's socket.getaddrinfo does. */
static napi_value sel_napi_getaddrinfo(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 6);
  char host[1025], port[64];
  size_t hl = 0, pl = 0;
  bool has_host = false, has_port = false;
  napi_valuetype t;
  if (napi_typeof(env, argv[0], &t) != napi_ok)
    return NULL;
  if (t != napi_null) {
    if (!sel__arg_string(env, argv[0], host, sizeof(host), &hl, 0))
      return NULL;
    has_host = true;
  }
  if (napi_typeof(env, argv[1], &t) != napi_ok)
    return NULL;
  if (t != napi_null) {
    if (!sel__arg_string(env, argv[1], port, sizeof(port), &pl, 1))
      return NULL;
    has_port = true;
  }
  int32_t family, type, proto, flags;
  ARG_INT32(env, 2, family);
  ARG_INT32(env, 3, type);
  ARG_INT32(env, 4, proto);
  ARG_INT32(env, 5, flags);
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = family;
  hints.ai_socktype = type;
  hints.ai_protocol = proto;
  hints.ai_flags = flags;
  int rc =
      getaddrinfo(has_host ? host : NULL, has_port ? port : NULL, &hints, &res);
  if (rc != 0) {
    int saved = errno;
    napi_value obj, v;
    if (napi_create_object(env, &obj) != napi_ok)
      return NULL;
    napi_create_int32(env, rc, &v);
    napi_set_named_property(env, obj, "eai", v);
    napi_create_int32(env, rc == EAI_SYSTEM ? saved : 0, &v);
    napi_set_named_property(env, obj, "errno", v);
    napi_create_string_utf8(env, gai_strerror(rc), NAPI_AUTO_LENGTH, &v);
    napi_set_named_property(env, obj, "message", v);
    return obj;
  }
  napi_value list;
  uint32_t i = 0;
  bool ok = napi_create_array(env, &list) == napi_ok;
  for (struct addrinfo *ai = res; ok && ai; ai = ai->ai_next) {
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    memcpy(&ss, ai->ai_addr,
           ai->ai_addrlen < sizeof(ss) ? ai->ai_addrlen : sizeof(ss));
    napi_value entry, items[5];
    ok = napi_create_int32(env, ai->ai_family, &items[0]) == napi_ok &&
         napi_create_int32(env, ai->ai_socktype, &items[1]) == napi_ok &&
         napi_create_int32(env, ai->ai_protocol, &items[2]) == napi_ok &&
         napi_create_string_utf8(env, ai->ai_canonname ? ai->ai_canonname : "",
                                 NAPI_AUTO_LENGTH, &items[3]) == napi_ok &&
         (items[4] = sel__sockaddr_to_js(env, &ss, ai->ai_addrlen)) != NULL &&
         napi_create_array_with_length(env, 5, &entry) == napi_ok;
    for (uint32_t k = 0; ok && k < 5; k++)
      ok = napi_set_element(env, entry, k, items[k]) == napi_ok;
    if (ok)
      ok = napi_set_element(env, list, i++, entry) == napi_ok;
  }
  freeaddrinfo(res);
  if (!ok) {
    sel__throw_last(env);
    return NULL;
  }
  return list;
}

napi_status sel__init_socket(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      SEL_FN("socket", sel_napi_socket),
      SEL_FN("socketpair", sel_napi_socketpair),
      SEL_FN("bind", sel_napi_bind),
      SEL_FN("listen", sel_napi_listen),
      SEL_FN("accept", sel_napi_accept),
      SEL_FN("connect", sel_napi_connect),
      SEL_FN("recv", sel_napi_recv),
      SEL_FN("send", sel_napi_send),
      SEL_FN("sendto", sel_napi_sendto),
      SEL_FN("recvfrom", sel_napi_recvfrom),
      SEL_FN("shutdown", sel_napi_shutdown),
      SEL_FN("setsockoptInt", sel_napi_setsockopt_int),
      SEL_FN("getsockoptInt", sel_napi_getsockopt_int),
      SEL_FN("setsockoptBytes", sel_napi_setsockopt_bytes),
      SEL_FN("getsockoptBytes", sel_napi_getsockopt_bytes),
      SEL_FN("getsockname", sel_napi_getsockname),
      SEL_FN("getpeername", sel_napi_getpeername),
      SEL_FN("getaddrinfo", sel_napi_getaddrinfo),
  };
  return napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d);
}
