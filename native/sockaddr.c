/*
 * struct sockaddr_in / sockaddr_in6 / sockaddr_un <-> JS values.
 * See: inet_pton(3), inet_ntop(3), unix(7), ipv6(7).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/un.h>
#ifdef __linux__
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#endif

#include "sockaddr.h"

bool sel__sockaddr_from_args(napi_env env, napi_value *argv, int i,
                             struct sockaddr_storage *ss, socklen_t *len,
                             int *err) {
  int32_t family;
  uint32_t port, flowinfo, scope;
  char host[sizeof(((struct sockaddr_un *)0)->sun_path) + 64];
  size_t hostlen = 0;
  if (!sel__arg_int32(env, argv[i], &family, i) ||
      !sel__arg_string(env, argv[i + 1], host, sizeof(host), &hostlen, i + 1) ||
      !sel__arg_uint32(env, argv[i + 2], &port, i + 2) ||
      !sel__arg_uint32(env, argv[i + 3], &flowinfo, i + 3) ||
      !sel__arg_uint32(env, argv[i + 4], &scope, i + 4))
    return false;
  memset(ss, 0, sizeof(*ss));
  *err = 0;
  if (family == AF_INET) {
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t)port);
    if (port > 65535)
      *err = -EINVAL;
    else if (hostlen == 0)
      sin->sin_addr.s_addr = htonl(INADDR_ANY);
    else if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
      *err = -EINVAL;
#ifdef __APPLE__
    sin->sin_len = sizeof(*sin);
#endif
    *len = sizeof(*sin);
  } else if (family == AF_INET6) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons((uint16_t)port);
    sin6->sin6_flowinfo = htonl(flowinfo);
    sin6->sin6_scope_id = scope;
    if (port > 65535)
      *err = -EINVAL;
    else if (hostlen == 0)
      sin6->sin6_addr = in6addr_any;
    else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
      *err = -EINVAL;
#ifdef __APPLE__
    sin6->sin6_len = sizeof(*sin6);
#endif
    *len = sizeof(*sin6);
  } else if (family == AF_UNIX) {
    struct sockaddr_un *sun = (struct sockaddr_un *)ss;
    sun->sun_family = AF_UNIX;
    /* A pathname needs room for its NUL; an abstract name (leading NUL,
     * Linux) is exactly hostlen bytes and the length says where it ends.
     * On Linux an empty path is passed with no sun_path at all, which makes
     * bind() pick a free abstract name ("autobind", unix(7)); Python does the
     * same (Modules/socketmodule.c, getsockaddrarg, AF_UNIX). */
#ifdef __linux__
    bool abstract = hostlen == 0 || host[0] == '\0';
#else
    bool abstract = hostlen > 0 && host[0] == '\0';
#endif
    if (hostlen + (abstract ? 0 : 1) > sizeof(sun->sun_path)) {
      *err = -ENAMETOOLONG;
      *len = 0;
      return true;
    }
    memcpy(sun->sun_path, host, hostlen);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + hostlen +
                       (abstract ? 0 : 1));
#ifdef __APPLE__
    sun->sun_len = (unsigned char)*len;
#endif
#ifdef __linux__
  } else if (family == AF_NETLINK) {
    /* (pid, groups): port carries the pid, flowinfo the groups mask. */
    struct sockaddr_nl *nl = (struct sockaddr_nl *)ss;
    nl->nl_family = AF_NETLINK;
    nl->nl_pid = port;
    nl->nl_groups = flowinfo;
    *len = sizeof(*nl);
  } else if (family == AF_PACKET) {
    /* (ifname, proto, pkttype, hatype): host is the interface name, port
     * the protocol (host order), flowinfo the packet type, scope the
     * hardware type. */
    struct sockaddr_ll *ll = (struct sockaddr_ll *)ss;
    ll->sll_family = AF_PACKET;
    ll->sll_protocol = htons((uint16_t)port);
    ll->sll_pkttype = (unsigned char)flowinfo;
    ll->sll_hatype = (unsigned short)scope;
    *len = sizeof(*ll);
    if (port > 65535 || flowinfo > 255 || scope > 65535) {
      *err = -EINVAL;
    } else if (hostlen > 0) {
      unsigned int index = if_nametoindex(host);
      if (index == 0)
        *err = -ENODEV;
      ll->sll_ifindex = (int)index;
    }
#endif
  } else {
    *err = -EAFNOSUPPORT;
    *len = 0;
  }
  return true;
}

static napi_value sel__array(napi_env env, napi_value *items, size_t n) {
  napi_value arr;
  if (napi_create_array_with_length(env, n, &arr) != napi_ok)
    return NULL;
  for (size_t k = 0; k < n; k++)
    if (napi_set_element(env, arr, (uint32_t)k, items[k]) != napi_ok)
      return NULL;
  return arr;
}

napi_value sel__sockaddr_to_js(napi_env env, const struct sockaddr_storage *ss,
                               socklen_t len) {
  napi_value items[5];
  char text[INET6_ADDRSTRLEN];
  int family =
      len >= (socklen_t)sizeof(sa_family_t) ? ss->ss_family : AF_UNSPEC;
  if (napi_create_int32(env, family, &items[0]) != napi_ok)
    return NULL;
  if (family == AF_INET) {
    const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
    inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
    if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &items[1]) !=
            napi_ok ||
        napi_create_uint32(env, ntohs(sin->sin_port), &items[2]) != napi_ok)
      return NULL;
    return sel__array(env, items, 3);
  }
  if (family == AF_INET6) {
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
    inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
    if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &items[1]) !=
            napi_ok ||
        napi_create_uint32(env, ntohs(sin6->sin6_port), &items[2]) != napi_ok ||
        napi_create_uint32(env, ntohl(sin6->sin6_flowinfo), &items[3]) !=
            napi_ok ||
        napi_create_uint32(env, sin6->sin6_scope_id, &items[4]) != napi_ok)
      return NULL;
    return sel__array(env, items, 5);
  }
  if (family == AF_UNIX) {
    const struct sockaddr_un *sun = (const struct sockaddr_un *)ss;
    size_t off = offsetof(struct sockaddr_un, sun_path);
    size_t n = len > off ? (size_t)len - off : 0;
    if (n > sizeof(sun->sun_path))
      n = sizeof(sun->sun_path);
    /* A pathname ends at its first NUL; an abstract name (leading NUL) is
     * exactly as long as the kernel says. */
    if (n > 0 && sun->sun_path[0] != '\0')
      n = strnlen(sun->sun_path, n);
    if (napi_create_string_utf8(env, sun->sun_path, n, &items[1]) != napi_ok)
      return NULL;
    return sel__array(env, items, 2);
  }
#ifdef __linux__
  if (family == AF_NETLINK) {
    const struct sockaddr_nl *nl = (const struct sockaddr_nl *)ss;
    if (napi_create_uint32(env, nl->nl_pid, &items[1]) != napi_ok ||
        napi_create_uint32(env, nl->nl_groups, &items[2]) != napi_ok)
      return NULL;
    return sel__array(env, items, 3);
  }
  if (family == AF_PACKET) {
    const struct sockaddr_ll *ll = (const struct sockaddr_ll *)ss;
    char name[IF_NAMESIZE + 1] = "";
    if (ll->sll_ifindex > 0 &&
        if_indextoname((unsigned int)ll->sll_ifindex, name) == NULL)
      name[0] = '\0';
    size_t halen = ll->sll_halen <= sizeof(ll->sll_addr) ? ll->sll_halen : 0;
    void *copy;
    if (napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &items[1]) !=
            napi_ok ||
        napi_create_uint32(env, ntohs(ll->sll_protocol), &items[2]) !=
            napi_ok ||
        napi_create_uint32(env, ll->sll_pkttype, &items[3]) != napi_ok ||
        napi_create_uint32(env, ll->sll_hatype, &items[4]) != napi_ok)
      return NULL;
    napi_value addr;
    if (napi_create_buffer_copy(env, halen, ll->sll_addr, &copy, &addr) !=
        napi_ok)
      return NULL;
    napi_value all[6] = {items[0], items[1], items[2],
                         items[3], items[4], addr};
    return sel__array(env, all, 6);
  }
#endif
  return sel__array(env, items, 1);
}
