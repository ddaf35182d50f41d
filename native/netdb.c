/*
 * Names and addresses: one library call each, returning its result, or
 * -errno / a "not found" value the TypeScript side turns into Python's errors.
 * See: gethostname(2), getnameinfo(3), inet_pton(3), inet_ntop(3),
 * inet_aton(3), getservbyname(3), getprotobyname(3), if_nametoindex(3),
 * if_nameindex(3).
 *
 * The services and protocols lookups use the reentrant *_r forms where the C
 * library has them (glibc), so worker threads do not share a static result.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockaddr.h"

/* gethostname() -> string, or -errno */
static napi_value sel_napi_gethostname(napi_env env, napi_callback_info info) {
  (void)info;
  char name[1025];
  if (gethostname(name, sizeof(name) - 1) < 0)
    return sel__neg_errno(env);
  name[sizeof(name) - 1] = '\0';
  napi_value out;
  NAPI_CALL(env, napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &out));
  return out;
}

/* getnameinfo(family, host, port, flowinfo, scopeId, flags)
 *   -> [host, service], -errno for an address that is not numeric
 *   (-EINVAL) or of an unknown family, or {eai, errno, message}. */
static napi_value sel_napi_getnameinfo(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 6);
  struct sockaddr_storage ss;
  socklen_t len;
  int err;
  int32_t flags;
  if (!sel__sockaddr_from_args(env, argv, 0, &ss, &len, &err))
    return NULL;
  ARG_INT32(env, 5, flags);
  if (err)
    return sel__int(env, err);
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  int rc = getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), serv,
                       sizeof(serv), flags);
  napi_value out, v;
  if (rc != 0) {
    int saved = errno;
    NAPI_CALL(env, napi_create_object(env, &out));
    NAPI_CALL(env, napi_create_int32(env, rc, &v));
    NAPI_CALL(env, napi_set_named_property(env, out, "eai", v));
    NAPI_CALL(env, napi_create_int32(env, rc == EAI_SYSTEM ? saved : 0, &v));
    NAPI_CALL(env, napi_set_named_property(env, out, "errno", v));
    NAPI_CALL(env, napi_create_string_utf8(env, gai_strerror(rc),
                                           NAPI_AUTO_LENGTH, &v));
    NAPI_CALL(env, napi_set_named_property(env, out, "message", v));
    return out;
  }
  NAPI_CALL(env, napi_create_array_with_length(env, 2, &out));
  NAPI_CALL(env, napi_create_string_utf8(env, host, NAPI_AUTO_LENGTH, &v));
  NAPI_CALL(env, napi_set_element(env, out, 0, v));
  NAPI_CALL(env, napi_create_string_utf8(env, serv, NAPI_AUTO_LENGTH, &v));
  NAPI_CALL(env, napi_set_element(env, out, 1, v));
  return out;
}

/* inetPton(family, text, out: 16 bytes) -> bytes written (4 or 16), 0 if
 * `text` is not an address of that family, -EAFNOSUPPORT. */
static napi_value sel_napi_inet_pton(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 3);
  int32_t family;
  char text[128];
  size_t tl;
  void *out;
  size_t cap;
  ARG_INT32(env, 0, family);
  if (!sel__arg_string(env, argv[1], text, sizeof(text), &tl, 1))
    return NULL;
  ARG_BYTES(env, 2, out, cap);
  unsigned char addr[16];
  if (strlen(text) != tl)
    return sel__int(env, 0); /* an embedded NUL */
  int rc = inet_pton(family, text, addr);
  if (rc < 0)
    return sel__neg_errno(env);
  if (rc == 0)
    return sel__int(env, 0);
  size_t n = family == AF_INET ? 4 : 16;
  if (cap < n) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "out must hold 16 bytes");
    return NULL;
  }
  memcpy(out, addr, n);
  return sel__int(env, (int64_t)n);
}

/* inetNtop(family, bytes) -> string, or -errno (-EAFNOSUPPORT, -ENOSPC).
 * The caller checks the length (4 or 16). */
static napi_value sel_napi_inet_ntop(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  int32_t family;
  void *data;
  size_t len;
  ARG_INT32(env, 0, family);
  ARG_BYTES(env, 1, data, len);
  unsigned char addr[16];
  memset(addr, 0, sizeof(addr));
  memcpy(addr, data, len < sizeof(addr) ? len : sizeof(addr));
  char text[INET6_ADDRSTRLEN];
  if (inet_ntop(family, addr, text, sizeof(text)) == NULL)
    return sel__neg_errno(env);
  napi_value out;
  NAPI_CALL(env, napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &out));
  return out;
}

/* inetAton(text, out: 4 bytes) -> 1, or 0 if not a valid address. */
static napi_value sel_napi_inet_aton(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  char text[128];
  size_t tl;
  void *out;
  size_t cap;
  if (!sel__arg_string(env, argv[0], text, sizeof(text), &tl, 0))
    return NULL;
  ARG_BYTES(env, 1, out, cap);
  if (cap < 4) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "out must hold 4 bytes");
    return NULL;
  }
  struct in_addr a;
  if (strlen(text) != tl || inet_aton(text, &a) == 0)
    return sel__int(env, 0);
  memcpy(out, &a, 4);
  return sel__int(env, 1);
}

/* An optional protocol-name argument: NULL for JS null. */
static bool sel__opt_proto(napi_env env, napi_value v, char *buf, size_t cap,
                           const char **out, int index) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok)
    return false;
  if (t == napi_null) {
    *out = NULL;
    return true;
  }
  size_t len;
  if (!sel__arg_string(env, v, buf, cap, &len, index))
    return false;
  *out = buf;
  return true;
}

/* getservbyname(name, proto|null) -> port, or -1 if not found. */
static napi_value sel_napi_getservbyname(napi_env env,
                                         napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  char name[256], pbuf[64];
  size_t nl;
  const char *proto;
  if (!sel__arg_string(env, argv[0], name, sizeof(name), &nl, 0) ||
      !sel__opt_proto(env, argv[1], pbuf, sizeof(pbuf), &proto, 1))
    return NULL;
#ifdef __GLIBC__
  struct servent se, *res = NULL;
  char buf[4096];
  if (getservbyname_r(name, proto, &se, buf, sizeof(buf), &res) != 0)
    res = NULL;
#else
  struct servent *res = getservbyname(name, proto);
#endif
  return sel__int(env, res == NULL ? -1 : ntohs((uint16_t)res->s_port));
}

/* getservbyport(port, proto|null) -> name, or null if not found. */
static napi_value sel_napi_getservbyport(napi_env env,
                                         napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  uint32_t port;
  char pbuf[64];
  const char *proto;
  ARG_UINT32(env, 0, port);
  if (!sel__opt_proto(env, argv[1], pbuf, sizeof(pbuf), &proto, 1))
    return NULL;
  int p = htons((uint16_t)port);
#ifdef __GLIBC__
  struct servent se, *res = NULL;
  char buf[4096];
  if (getservbyport_r(p, proto, &se, buf, sizeof(buf), &res) != 0)
    res = NULL;
#else
  struct servent *res = getservbyport(p, proto);
#endif
  napi_value out;
  if (res == NULL) {
    NAPI_CALL(env, napi_get_null(env, &out));
  } else {
    NAPI_CALL(
        env, napi_create_string_utf8(env, res->s_name, NAPI_AUTO_LENGTH, &out));
  }
  return out;
}

/* getprotobyname(name) -> number, or -1 if not found. */
static napi_value sel_napi_getprotobyname(napi_env env,
                                          napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  char name[256];
  size_t nl;
  if (!sel__arg_string(env, argv[0], name, sizeof(name), &nl, 0))
    return NULL;
#ifdef __GLIBC__
  struct protoent pe, *res = NULL;
  char buf[4096];
  if (getprotobyname_r(name, &pe, buf, sizeof(buf), &res) != 0)
    res = NULL;
#else
  struct protoent *res = getprotobyname(name);
#endif
  return sel__int(env, res == NULL ? -1 : res->p_proto);
}

/* ifNametoindex(name) -> index, or 0 if there is no such interface. */
static napi_value sel_napi_if_nametoindex(napi_env env,
                                          napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  char name[IF_NAMESIZE + 64];
  size_t nl;
  if (!sel__arg_string(env, argv[0], name, sizeof(name), &nl, 0))
    return NULL;
  if (strlen(name) != nl)
    return sel__int(env, 0);
  return sel__int(env, if_nametoindex(name));
}

/* ifIndextoname(index) -> name, or -errno (ENXIO: no such interface). */
static napi_value sel_napi_if_indextoname(napi_env env,
                                          napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  uint32_t index;
  ARG_UINT32(env, 0, index);
  char name[IF_NAMESIZE + 1];
  if (if_indextoname(index, name) == NULL)
    return sel__neg_errno(env);
  napi_value out;
  NAPI_CALL(env, napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &out));
  return out;
}

/* ifNameindex() -> [[index, name], ...], or -errno. */
static napi_value sel_napi_if_nameindex(napi_env env, napi_callback_info info) {
  (void)info;
  struct if_nameindex *list = if_nameindex();
  if (list == NULL)
    return sel__neg_errno(env);
  napi_value out;
  bool ok = napi_create_array(env, &out) == napi_ok;
  uint32_t k = 0;
  for (struct if_nameindex *p = list; ok && p->if_index != 0; p++, k++) {
    napi_value entry, idx, name;
    ok = napi_create_array_with_length(env, 2, &entry) == napi_ok &&
         napi_create_uint32(env, p->if_index, &idx) == napi_ok &&
         napi_create_string_utf8(env, p->if_name, NAPI_AUTO_LENGTH, &name) ==
             napi_ok &&
         napi_set_element(env, entry, 0, idx) == napi_ok &&
         napi_set_element(env, entry, 1, name) == napi_ok &&
         napi_set_element(env, out, k, entry) == napi_ok;
  }
  if_freenameindex(list);
  if (ok)
    return out;
  sel__throw_last(env);
  return NULL;
}

napi_status sel__init_netdb(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      SEL_FN("gethostname", sel_napi_gethostname),
      SEL_FN("getnameinfo", sel_napi_getnameinfo),
      SEL_FN("inetPton", sel_napi_inet_pton),
      SEL_FN("inetNtop", sel_napi_inet_ntop),
      SEL_FN("inetAton", sel_napi_inet_aton),
      SEL_FN("getservbyname", sel_napi_getservbyname),
      SEL_FN("getservbyport", sel_napi_getservbyport),
      SEL_FN("getprotobyname", sel_napi_getprotobyname),
      SEL_FN("ifNametoindex", sel_napi_if_nametoindex),
      SEL_FN("ifIndextoname", sel_napi_if_indextoname),
      SEL_FN("ifNameindex", sel_napi_if_nameindex),
  };
  return napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d);
}
