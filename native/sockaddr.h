/* Conversion between JS address arguments and struct sockaddr. */
#ifndef SEL_SOCKADDR_H
#define SEL_SOCKADDR_H

#include <sys/socket.h>

#include "util.h"

/*
 * Reads an address from five JS arguments starting at argv[i]:
 *   (AF_INET,  host, port, 0, 0) host is a numeric IPv4 string ('' = any)
 *   (AF_INET6, host, port, flowinfo, scopeId) numeric IPv6 string ('' = any)
 *   (AF_UNIX,  path, 0, 0, 0) a leading NUL byte names an abstract socket
 * Returns false with a pending exception for wrong-typed arguments. Otherwise
 * *err is 0, or a negative errno for an address the kernel could not take
 * (-EINVAL: not a numeric address, -ENAMETOOLONG: Unix path too long,
 * -EAFNOSUPPORT: unknown family).
 */
bool sel__sockaddr_from_args(napi_env env, napi_value *argv, int i,
                             struct sockaddr_storage *ss, socklen_t *len,
                             int *err);

/*
 * Converts a kernel address into a JS array:
 *   [AF_INET, host, port] | [AF_INET6, host, port, flowinfo, scopeId]
 *   | [AF_UNIX, path] (path '' when unnamed) | [family] for anything else.
 */
napi_value sel__sockaddr_to_js(napi_env env, const struct sockaddr_storage *ss,
                               socklen_t len);

#endif
