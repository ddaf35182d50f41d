/*
 * Numeric constants under their C names (AF_*, SOCK_*, SO_*, POLL*, EPOLL*,
 * EVFILT_*, EV_*, ...), the way Python's socket and select modules expose
 * them. A constant the platform does not define is simply absent.
 */
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/epoll.h>
#endif
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) ||      \
    defined(__NetBSD__) || defined(__DragonFly__)
#include <sys/event.h>
#endif

#include "util.h"

#define SEL_CONST(name)                                                        \
  do {                                                                         \
    napi_value v_;                                                             \
    if ((status = napi_create_int64(env, (int64_t)(name), &v_)) != napi_ok)    \
      return status;                                                           \
    if ((status = napi_set_named_property(env, obj, #name, v_)) != napi_ok)    \
      return status;                                                           \
  } while (0)

napi_status sel__init_constants(napi_env env, napi_value exports) {
  napi_status status;
  napi_value obj;
  if ((status = napi_create_object(env, &obj)) != napi_ok)
    return status;

  /* address families and socket types */
  SEL_CONST(AF_UNSPEC);
  SEL_CONST(AF_INET);
  SEL_CONST(AF_INET6);
  SEL_CONST(AF_UNIX);
#ifdef AF_NETLINK
  SEL_CONST(AF_NETLINK);
#endif
#ifdef AF_PACKET
  SEL_CONST(AF_PACKET);
#endif
  SEL_CONST(SOCK_STREAM);
  SEL_CONST(SOCK_DGRAM);
  SEL_CONST(SOCK_RAW);
  SEL_CONST(SOCK_SEQPACKET);
#ifdef SOCK_NONBLOCK
  SEL_CONST(SOCK_NONBLOCK);
#endif
#ifdef SOCK_CLOEXEC
  SEL_CONST(SOCK_CLOEXEC);
#endif
  /* levels and options */
  SEL_CONST(SOL_SOCKET);
  SEL_CONST(SO_REUSEADDR);
#ifdef SO_REUSEPORT
  SEL_CONST(SO_REUSEPORT);
#endif
  SEL_CONST(SO_KEEPALIVE);
  SEL_CONST(SO_BROADCAST);
  SEL_CONST(SO_LINGER);
  SEL_CONST(SO_RCVBUF);
  SEL_CONST(SO_SNDBUF);
  SEL_CONST(SO_RCVLOWAT);
  SEL_CONST(SO_SNDLOWAT);
  SEL_CONST(SO_RCVTIMEO);
  SEL_CONST(SO_SNDTIMEO);
  SEL_CONST(SO_ERROR);
  SEL_CONST(SO_TYPE);
  SEL_CONST(SO_OOBINLINE);
#ifdef SO_DOMAIN
  SEL_CONST(SO_DOMAIN);
#endif
#ifdef SO_PROTOCOL
  SEL_CONST(SO_PROTOCOL);
#endif
  SEL_CONST(SO_ACCEPTCONN);
  SEL_CONST(IPPROTO_IP);
  SEL_CONST(IPPROTO_IPV6);
  SEL_CONST(IPPROTO_TCP);
  SEL_CONST(IPPROTO_UDP);
  SEL_CONST(IPV6_V6ONLY);
  SEL_CONST(IP_TTL);
  SEL_CONST(TCP_NODELAY);
#ifdef TCP_KEEPIDLE
  SEL_CONST(TCP_KEEPIDLE);
#endif
#ifdef TCP_KEEPINTVL
  SEL_CONST(TCP_KEEPINTVL);
#endif
#ifdef TCP_KEEPCNT
  SEL_CONST(TCP_KEEPCNT);
#endif
#ifdef TCP_QUICKACK
  SEL_CONST(TCP_QUICKACK);
#endif
  SEL_CONST(SHUT_RD);
  SEL_CONST(SHUT_WR);
  SEL_CONST(SHUT_RDWR);
  SEL_CONST(SOMAXCONN);
  /* send/recv flags */
  SEL_CONST(MSG_PEEK);
  SEL_CONST(MSG_OOB);
  SEL_CONST(MSG_WAITALL);
  SEL_CONST(MSG_DONTROUTE);
  SEL_CONST(MSG_TRUNC);
  SEL_CONST(MSG_CTRUNC);
#ifdef MSG_DONTWAIT
  SEL_CONST(MSG_DONTWAIT);
#endif
#ifdef MSG_NOSIGNAL
  SEL_CONST(MSG_NOSIGNAL);
#endif
  /* errno values that Node's os.constants.errno lacks on some platforms
   * (ESHUTDOWN on Linux): the error table needs them. */
#ifdef ESHUTDOWN
  SEL_CONST(ESHUTDOWN);
#endif
#ifdef EHOSTDOWN
  SEL_CONST(EHOSTDOWN);
#endif
#ifdef ESOCKTNOSUPPORT
  SEL_CONST(ESOCKTNOSUPPORT);
#endif
#ifdef EPFNOSUPPORT
  SEL_CONST(EPFNOSUPPORT);
#endif
#ifdef ETOOMANYREFS
  SEL_CONST(ETOOMANYREFS);
#endif
  /* getaddrinfo */
  SEL_CONST(AI_PASSIVE);
  SEL_CONST(AI_CANONNAME);
  SEL_CONST(AI_NUMERICHOST);
  SEL_CONST(AI_NUMERICSERV);
  SEL_CONST(AI_ADDRCONFIG);
  SEL_CONST(AI_V4MAPPED);
  SEL_CONST(AI_ALL);
  SEL_CONST(EAI_AGAIN);
  SEL_CONST(EAI_BADFLAGS);
  SEL_CONST(EAI_FAIL);
  SEL_CONST(EAI_FAMILY);
  SEL_CONST(EAI_MEMORY);
  SEL_CONST(EAI_NONAME);
  SEL_CONST(EAI_SERVICE);
  SEL_CONST(EAI_SOCKTYPE);
  SEL_CONST(EAI_SYSTEM);
#ifdef EAI_NODATA
  SEL_CONST(EAI_NODATA);
#endif
#ifdef EAI_ADDRFAMILY
  SEL_CONST(EAI_ADDRFAMILY);
#endif
  SEL_CONST(NI_MAXHOST);
#ifdef __linux__
  /* netlink(7), rtnetlink(7), packet(7) */
  SEL_CONST(NETLINK_ROUTE);
  SEL_CONST(NETLINK_USERSOCK);
  SEL_CONST(NETLINK_KOBJECT_UEVENT);
  SEL_CONST(NLMSG_DONE);
  SEL_CONST(NLMSG_ERROR);
  SEL_CONST(NLM_F_REQUEST);
  SEL_CONST(NLM_F_DUMP);
  SEL_CONST(RTM_GETLINK);
  SEL_CONST(RTM_NEWLINK);
  SEL_CONST(PACKET_HOST);
  SEL_CONST(PACKET_BROADCAST);
  SEL_CONST(PACKET_MULTICAST);
  SEL_CONST(PACKET_OTHERHOST);
  SEL_CONST(PACKET_OUTGOING);
  SEL_CONST(ETH_P_ALL);
  SEL_CONST(ETH_P_IP);
#endif
  /* ancillary data, credentials (unix(7)) */
#ifdef SCM_RIGHTS
  SEL_CONST(SCM_RIGHTS);
#endif
#ifdef SCM_CREDENTIALS
  SEL_CONST(SCM_CREDENTIALS);
#endif
#ifdef SCM_CREDS
  SEL_CONST(SCM_CREDS);
#endif
#ifdef SO_PASSCRED
  SEL_CONST(SO_PASSCRED);
#endif
#ifdef SO_PEERCRED
  SEL_CONST(SO_PEERCRED);
#endif
#ifdef SO_BINDTODEVICE
  SEL_CONST(SO_BINDTODEVICE);
#endif
#ifdef SO_PRIORITY
  SEL_CONST(SO_PRIORITY);
#endif
#ifdef SO_MARK
  SEL_CONST(SO_MARK);
#endif
#ifdef MSG_CMSG_CLOEXEC
  SEL_CONST(MSG_CMSG_CLOEXEC);
#endif
#ifdef MSG_EOR
  SEL_CONST(MSG_EOR);
#endif
#ifdef MSG_ERRQUEUE
  SEL_CONST(MSG_ERRQUEUE);
#endif
#ifdef MSG_CONFIRM
  SEL_CONST(MSG_CONFIRM);
#endif
#ifdef MSG_MORE
  SEL_CONST(MSG_MORE);
#endif
  /* IP, IPv6 and TCP options users set by name */
#ifdef IP_TOS
  SEL_CONST(IP_TOS);
#endif
#ifdef IP_MULTICAST_TTL
  SEL_CONST(IP_MULTICAST_TTL);
#endif
#ifdef IP_MULTICAST_LOOP
  SEL_CONST(IP_MULTICAST_LOOP);
#endif
#ifdef IP_MULTICAST_IF
  SEL_CONST(IP_MULTICAST_IF);
#endif
#ifdef IP_ADD_MEMBERSHIP
  SEL_CONST(IP_ADD_MEMBERSHIP);
#endif
#ifdef IP_DROP_MEMBERSHIP
  SEL_CONST(IP_DROP_MEMBERSHIP);
#endif
#ifdef IP_RECVTOS
  SEL_CONST(IP_RECVTOS);
#endif
#ifdef IP_PKTINFO
  SEL_CONST(IP_PKTINFO);
#endif
#ifdef IP_HDRINCL
  SEL_CONST(IP_HDRINCL);
#endif
#ifdef IPV6_JOIN_GROUP
  SEL_CONST(IPV6_JOIN_GROUP);
#endif
#ifdef IPV6_LEAVE_GROUP
  SEL_CONST(IPV6_LEAVE_GROUP);
#endif
#ifdef IPV6_MULTICAST_HOPS
  SEL_CONST(IPV6_MULTICAST_HOPS);
#endif
#ifdef IPV6_MULTICAST_LOOP
  SEL_CONST(IPV6_MULTICAST_LOOP);
#endif
#ifdef IPV6_MULTICAST_IF
  SEL_CONST(IPV6_MULTICAST_IF);
#endif
#ifdef IPV6_UNICAST_HOPS
  SEL_CONST(IPV6_UNICAST_HOPS);
#endif
#ifdef IPV6_TCLASS
  SEL_CONST(IPV6_TCLASS);
#endif
#ifdef IPV6_RECVPKTINFO
  SEL_CONST(IPV6_RECVPKTINFO);
#endif
#ifdef TCP_USER_TIMEOUT
  SEL_CONST(TCP_USER_TIMEOUT);
#endif
#ifdef TCP_FASTOPEN
  SEL_CONST(TCP_FASTOPEN);
#endif
#ifdef TCP_MAXSEG
  SEL_CONST(TCP_MAXSEG);
#endif
#ifdef TCP_CORK
  SEL_CONST(TCP_CORK);
#endif
#ifdef TCP_CONGESTION
  SEL_CONST(TCP_CONGESTION);
#endif
#ifdef TCP_KEEPALIVE
  SEL_CONST(TCP_KEEPALIVE);
#endif
#ifdef TCP_NOTSENT_LOWAT
  SEL_CONST(TCP_NOTSENT_LOWAT);
#endif
  SEL_CONST(INADDR_ANY);
  SEL_CONST(INADDR_LOOPBACK);
  SEL_CONST(INADDR_BROADCAST);
  SEL_CONST(NI_NUMERICHOST);
  SEL_CONST(NI_NUMERICSERV);
  SEL_CONST(NI_NAMEREQD);
  SEL_CONST(NI_NOFQDN);
  SEL_CONST(NI_DGRAM);
  SEL_CONST(NI_MAXSERV);
  /* fcntl */
  SEL_CONST(F_GETFL);
  SEL_CONST(F_SETFL);
  SEL_CONST(F_GETFD);
  SEL_CONST(F_SETFD);
  SEL_CONST(FD_CLOEXEC);
  SEL_CONST(O_NONBLOCK);
  SEL_CONST(SEEK_SET);
  /* select/poll */
  SEL_CONST(FD_SETSIZE);
  SEL_CONST(POLLIN);
  SEL_CONST(POLLPRI);
  SEL_CONST(POLLOUT);
  SEL_CONST(POLLERR);
  SEL_CONST(POLLHUP);
  SEL_CONST(POLLNVAL);
#ifdef POLLRDNORM
  SEL_CONST(POLLRDNORM);
  SEL_CONST(POLLRDBAND);
  SEL_CONST(POLLWRNORM);
  SEL_CONST(POLLWRBAND);
#endif
#ifdef POLLRDHUP
  SEL_CONST(POLLRDHUP);
#endif
  SEL_CONST(RLIMIT_NOFILE);
#ifdef __linux__
  SEL_CONST(EPOLLIN);
  SEL_CONST(EPOLLPRI);
  SEL_CONST(EPOLLOUT);
  SEL_CONST(EPOLLERR);
  SEL_CONST(EPOLLHUP);
  SEL_CONST(EPOLLRDHUP);
  SEL_CONST(EPOLLRDNORM);
  SEL_CONST(EPOLLRDBAND);
  SEL_CONST(EPOLLWRNORM);
  SEL_CONST(EPOLLWRBAND);
  SEL_CONST(EPOLLMSG);
  SEL_CONST(EPOLLET);
  SEL_CONST(EPOLLONESHOT);
#ifdef EPOLLEXCLUSIVE
  SEL_CONST(EPOLLEXCLUSIVE);
#endif
  SEL_CONST(EPOLL_CLOEXEC);
  SEL_CONST(EPOLL_CTL_ADD);
  SEL_CONST(EPOLL_CTL_MOD);
  SEL_CONST(EPOLL_CTL_DEL);
#endif
#ifdef EVFILT_READ
  SEL_CONST(EVFILT_READ);
  SEL_CONST(EVFILT_WRITE);
  SEL_CONST(EV_ADD);
  SEL_CONST(EV_DELETE);
  SEL_CONST(EV_ENABLE);
  SEL_CONST(EV_DISABLE);
  SEL_CONST(EV_ONESHOT);
  SEL_CONST(EV_CLEAR);
  SEL_CONST(EV_EOF);
  SEL_CONST(EV_ERROR);
#endif

  return napi_set_named_property(env, exports, "constants", obj);
}
