/**
 * The socket module's numeric constants under their C names, as Python's
 * `socket` module exposes them (`socket.AF_INET`, `socket.SO_REUSEADDR` …).
 *
 * The values are the platform's own, read from the addon. A constant typed
 * `number | undefined` is one that not every platform defines; it is
 * `undefined` where the platform lacks it (Python leaves the attribute out).
 *
 * @module
 */
import {C, constant} from '../native.js';

// Address families and socket types.
/** Unspecified address family (getaddrinfo: any). */
export const AF_UNSPEC: number = constant('AF_UNSPEC');
/** IPv4. */
export const AF_INET: number = constant('AF_INET');
/** IPv6. */
export const AF_INET6: number = constant('AF_INET6');
/** Unix domain sockets (paths; a leading `'\0'` names an abstract socket on Linux). */
export const AF_UNIX: number = constant('AF_UNIX');
/** Linux: kernel/user-space messaging (netlink(7)); addresses `[pid, groups]`. */
export const AF_NETLINK: number | undefined = C['AF_NETLINK'];
/** Linux: raw link-layer packets (packet(7), needs CAP_NET_RAW); addresses `[ifname, proto, pkttype, hatype, addr]`. */
export const AF_PACKET: number | undefined = C['AF_PACKET'];
/** Byte stream (TCP for IP families). */
export const SOCK_STREAM: number = constant('SOCK_STREAM');
/** Datagrams (UDP for IP families). */
export const SOCK_DGRAM: number = constant('SOCK_DGRAM');
/** Raw protocol access. */
export const SOCK_RAW: number = constant('SOCK_RAW');
/** Reliable, ordered datagrams. */
export const SOCK_SEQPACKET: number = constant('SOCK_SEQPACKET');
/** Linux/BSD: OR into `type` to create the socket in non-blocking mode (timeout 0), as in Python. */
export const SOCK_NONBLOCK: number | undefined = C['SOCK_NONBLOCK'];
/** Linux/BSD: accepted in `type` and ignored (every socket here is close-on-exec). */
export const SOCK_CLOEXEC: number | undefined = C['SOCK_CLOEXEC'];

// Socket-level options.
/** The level of the `SO_*` options. */
export const SOL_SOCKET: number = constant('SOL_SOCKET');
/** Allow reusing a local address in TIME_WAIT. */
export const SO_REUSEADDR: number = constant('SO_REUSEADDR');
/** Let several sockets bind the same address and port (not on every platform). */
export const SO_REUSEPORT: number | undefined = C['SO_REUSEPORT'];
/** Send keep-alive probes. */
export const SO_KEEPALIVE: number = constant('SO_KEEPALIVE');
/** Allow sending to broadcast addresses. */
export const SO_BROADCAST: number = constant('SO_BROADCAST');
/** Linger on close: a `struct linger` (two C ints, `l_onoff`, `l_linger`). */
export const SO_LINGER: number = constant('SO_LINGER');
/** Receive buffer size. */
export const SO_RCVBUF: number = constant('SO_RCVBUF');
/** Send buffer size. */
export const SO_SNDBUF: number = constant('SO_SNDBUF');
/** Receive low-water mark. */
export const SO_RCVLOWAT: number = constant('SO_RCVLOWAT');
/** Send low-water mark. */
export const SO_SNDLOWAT: number = constant('SO_SNDLOWAT');
/** Kernel receive timeout (a `struct timeval`; this module's timeouts do not use it). */
export const SO_RCVTIMEO: number = constant('SO_RCVTIMEO');
/** Kernel send timeout (a `struct timeval`; this module's timeouts do not use it). */
export const SO_SNDTIMEO: number = constant('SO_SNDTIMEO');
/** Read and clear the pending socket error. */
export const SO_ERROR: number = constant('SO_ERROR');
/** The socket type. */
export const SO_TYPE: number = constant('SO_TYPE');
/** Receive out-of-band data inline. */
export const SO_OOBINLINE: number = constant('SO_OOBINLINE');
/** The socket's address family (Linux). */
export const SO_DOMAIN: number | undefined = C['SO_DOMAIN'];
/** The socket's protocol (Linux, FreeBSD). */
export const SO_PROTOCOL: number | undefined = C['SO_PROTOCOL'];
/** Whether the socket is listening. */
export const SO_ACCEPTCONN: number = constant('SO_ACCEPTCONN');

// Protocols and their options.
/** IPv4 protocol level. */
export const IPPROTO_IP: number = constant('IPPROTO_IP');
/** IPv6 protocol level. */
export const IPPROTO_IPV6: number = constant('IPPROTO_IPV6');
/** TCP. */
export const IPPROTO_TCP: number = constant('IPPROTO_TCP');
/** UDP. */
export const IPPROTO_UDP: number = constant('IPPROTO_UDP');
/** Restrict an AF_INET6 socket to IPv6 (no IPv4-mapped addresses). */
export const IPV6_V6ONLY: number = constant('IPV6_V6ONLY');
/** IPv4 time to live. */
export const IP_TTL: number = constant('IP_TTL');
/** Disable Nagle's algorithm. */
export const TCP_NODELAY: number = constant('TCP_NODELAY');
/** Idle time before keep-alive probes (seconds). */
export const TCP_KEEPIDLE: number | undefined = C['TCP_KEEPIDLE'];
/** Interval between keep-alive probes (seconds). */
export const TCP_KEEPINTVL: number | undefined = C['TCP_KEEPINTVL'];
/** Keep-alive probes before dropping the connection. */
export const TCP_KEEPCNT: number | undefined = C['TCP_KEEPCNT'];
/** Linux: send ACKs immediately. */
export const TCP_QUICKACK: number | undefined = C['TCP_QUICKACK'];

// shutdown(2)
/** shutdown(): no more receptions. */
export const SHUT_RD: number = constant('SHUT_RD');
/** shutdown(): no more transmissions (the peer reads EOF). */
export const SHUT_WR: number = constant('SHUT_WR');
/** shutdown(): both. */
export const SHUT_RDWR: number = constant('SHUT_RDWR');
/** The system's maximum listen() backlog. */
export const SOMAXCONN: number = constant('SOMAXCONN');

// send/recv flags
/** Read without removing the data from the queue. */
export const MSG_PEEK: number = constant('MSG_PEEK');
/** Out-of-band data. */
export const MSG_OOB: number = constant('MSG_OOB');
/** Wait for the full request (still bounded by this module's non-blocking fd). */
export const MSG_WAITALL: number = constant('MSG_WAITALL');
/** Bypass routing. */
export const MSG_DONTROUTE: number = constant('MSG_DONTROUTE');
/** Datagram was truncated / return the real length. */
export const MSG_TRUNC: number = constant('MSG_TRUNC');
/** Control data was truncated. */
export const MSG_CTRUNC: number = constant('MSG_CTRUNC');
/** Non-blocking for this call only. */
export const MSG_DONTWAIT: number | undefined = C['MSG_DONTWAIT'];
/** Do not raise SIGPIPE (added to every send by this module where defined). */
export const MSG_NOSIGNAL: number | undefined = C['MSG_NOSIGNAL'];

// getaddrinfo(3)
/** Addresses for bind() (the wildcard address when host is null). */
export const AI_PASSIVE: number = constant('AI_PASSIVE');
/** Return the canonical name in the first result. */
export const AI_CANONNAME: number = constant('AI_CANONNAME');
/** The host must be a numeric address (no DNS). */
export const AI_NUMERICHOST: number = constant('AI_NUMERICHOST');
/** The port must be numeric (no services lookup). */
export const AI_NUMERICSERV: number = constant('AI_NUMERICSERV');
/** Only families configured on the host. */
export const AI_ADDRCONFIG: number = constant('AI_ADDRCONFIG');
/** IPv4-mapped IPv6 addresses when no IPv6 address is found. */
export const AI_V4MAPPED: number = constant('AI_V4MAPPED');
/** With AI_V4MAPPED: both IPv6 and IPv4-mapped addresses. */
export const AI_ALL: number = constant('AI_ALL');
/** Temporary failure in name resolution. */
export const EAI_AGAIN: number = constant('EAI_AGAIN');
/** Invalid flags. */
export const EAI_BADFLAGS: number = constant('EAI_BADFLAGS');
/** Non-recoverable failure in name resolution. */
export const EAI_FAIL: number = constant('EAI_FAIL');
/** Address family not supported. */
export const EAI_FAMILY: number = constant('EAI_FAMILY');
/** Out of memory. */
export const EAI_MEMORY: number = constant('EAI_MEMORY');
/** Name or service not known. */
export const EAI_NONAME: number = constant('EAI_NONAME');
/** Service not supported for the socket type. */
export const EAI_SERVICE: number = constant('EAI_SERVICE');
/** Socket type not supported. */
export const EAI_SOCKTYPE: number = constant('EAI_SOCKTYPE');
/** System error (the error is an OSError with the errno). */
export const EAI_SYSTEM: number = constant('EAI_SYSTEM');
/** No address associated with the name (not on every platform). */
export const EAI_NODATA: number | undefined = C['EAI_NODATA'];
/** No address in the requested family (not on every platform). */
export const EAI_ADDRFAMILY: number | undefined = C['EAI_ADDRFAMILY'];
/** Maximum host name length for getnameinfo. */
export const NI_MAXHOST: number = constant('NI_MAXHOST');

// Ancillary data and credentials (unix(7))
/** Ancillary message type: file descriptors (an array of C ints). */
export const SCM_RIGHTS: number | undefined = C['SCM_RIGHTS'];
/** Linux: ancillary message type: a `struct ucred` (pid, uid, gid: three C ints). */
export const SCM_CREDENTIALS: number | undefined = C['SCM_CREDENTIALS'];
/** BSD/macOS: ancillary credentials message type. */
export const SCM_CREDS: number | undefined = C['SCM_CREDS'];
/** Linux: receive SCM_CREDENTIALS with every message. */
export const SO_PASSCRED: number | undefined = C['SO_PASSCRED'];
/** Linux: the peer's `struct ucred` (read with `getsockopt(SOL_SOCKET, SO_PEERCRED, 12)`). */
export const SO_PEERCRED: number | undefined = C['SO_PEERCRED'];
/** Linux: bind the socket to a network interface (its name as bytes; needs CAP_NET_RAW). */
export const SO_BINDTODEVICE: number | undefined = C['SO_BINDTODEVICE'];
/** Linux: the protocol-defined priority of sent packets. */
export const SO_PRIORITY: number | undefined = C['SO_PRIORITY'];
/** Linux: the firewall mark of sent packets (needs CAP_NET_ADMIN). */
export const SO_MARK: number | undefined = C['SO_MARK'];
/** Linux: received file descriptors are close-on-exec (added to every recvmsg by this module). */
export const MSG_CMSG_CLOEXEC: number | undefined = C['MSG_CMSG_CLOEXEC'];
/** End of record (SOCK_SEQPACKET). */
export const MSG_EOR: number | undefined = C['MSG_EOR'];
/** Linux: receive from the error queue. */
export const MSG_ERRQUEUE: number | undefined = C['MSG_ERRQUEUE'];
/** Linux: the link layer made forward progress. */
export const MSG_CONFIRM: number | undefined = C['MSG_CONFIRM'];
/** Linux: more data follows (cork). */
export const MSG_MORE: number | undefined = C['MSG_MORE'];

// IP, IPv6 and TCP options set by name
/** IPv4 type of service / DSCP byte. */
export const IP_TOS: number | undefined = C['IP_TOS'];
/** Time to live of outgoing multicast datagrams. */
export const IP_MULTICAST_TTL: number | undefined = C['IP_MULTICAST_TTL'];
/** Whether multicast datagrams loop back to local sockets. */
export const IP_MULTICAST_LOOP: number | undefined = C['IP_MULTICAST_LOOP'];
/** Interface for outgoing multicast (a `struct in_addr`, or `struct ip_mreqn` on Linux). */
export const IP_MULTICAST_IF: number | undefined = C['IP_MULTICAST_IF'];
/** Join a multicast group: a `struct ip_mreq` (group, interface: two 4-byte addresses, `inet_aton(a)` + `inet_aton(b)`). */
export const IP_ADD_MEMBERSHIP: number | undefined = C['IP_ADD_MEMBERSHIP'];
/** Leave a multicast group (a `struct ip_mreq`). */
export const IP_DROP_MEMBERSHIP: number | undefined = C['IP_DROP_MEMBERSHIP'];
/** Receive the TOS byte as ancillary data. */
export const IP_RECVTOS: number | undefined = C['IP_RECVTOS'];
/** Receive `struct in_pktinfo` as ancillary data. */
export const IP_PKTINFO: number | undefined = C['IP_PKTINFO'];
/** Raw sockets: the caller supplies the IP header. */
export const IP_HDRINCL: number | undefined = C['IP_HDRINCL'];
/** Join an IPv6 multicast group: a `struct ipv6_mreq` (16-byte group + C unsigned interface index). */
export const IPV6_JOIN_GROUP: number | undefined = C['IPV6_JOIN_GROUP'];
/** Leave an IPv6 multicast group. */
export const IPV6_LEAVE_GROUP: number | undefined = C['IPV6_LEAVE_GROUP'];
/** Hop limit of outgoing multicast packets. */
export const IPV6_MULTICAST_HOPS: number | undefined = C['IPV6_MULTICAST_HOPS'];
/** Whether IPv6 multicast loops back. */
export const IPV6_MULTICAST_LOOP: number | undefined = C['IPV6_MULTICAST_LOOP'];
/** Interface index for outgoing IPv6 multicast. */
export const IPV6_MULTICAST_IF: number | undefined = C['IPV6_MULTICAST_IF'];
/** Hop limit of outgoing unicast packets. */
export const IPV6_UNICAST_HOPS: number | undefined = C['IPV6_UNICAST_HOPS'];
/** IPv6 traffic class. */
export const IPV6_TCLASS: number | undefined = C['IPV6_TCLASS'];
/** Receive `struct in6_pktinfo` as ancillary data. */
export const IPV6_RECVPKTINFO: number | undefined = C['IPV6_RECVPKTINFO'];
/** Linux: ms that sent data may stay unacknowledged before the connection is dropped. */
export const TCP_USER_TIMEOUT: number | undefined = C['TCP_USER_TIMEOUT'];
/** TCP Fast Open (on a listener: the queue length of pending TFO requests). */
export const TCP_FASTOPEN: number | undefined = C['TCP_FASTOPEN'];
/** Maximum segment size. */
export const TCP_MAXSEG: number | undefined = C['TCP_MAXSEG'];
/** Linux: hold back partial frames (cork). */
export const TCP_CORK: number | undefined = C['TCP_CORK'];
/** Linux: the congestion-control algorithm (its name as bytes). */
export const TCP_CONGESTION: number | undefined = C['TCP_CONGESTION'];
/** macOS: idle time before keep-alive probes (the counterpart of TCP_KEEPIDLE). */
export const TCP_KEEPALIVE: number | undefined = C['TCP_KEEPALIVE'];
/** Unsent bytes below which the socket counts as writable. */
export const TCP_NOTSENT_LOWAT: number | undefined = C['TCP_NOTSENT_LOWAT'];
/** The IPv4 wildcard address as a host-order integer (0). */
export const INADDR_ANY: number = constant('INADDR_ANY');
/** 127.0.0.1 as a host-order integer. */
export const INADDR_LOOPBACK: number = constant('INADDR_LOOPBACK');
/** 255.255.255.255 as a host-order integer. */
export const INADDR_BROADCAST: number = constant('INADDR_BROADCAST');

// getnameinfo(3)
/** Return the numeric host address. */
export const NI_NUMERICHOST: number = constant('NI_NUMERICHOST');
/** Return the numeric port. */
export const NI_NUMERICSERV: number = constant('NI_NUMERICSERV');
/** Fail if the host has no name. */
export const NI_NAMEREQD: number = constant('NI_NAMEREQD');
/** Only the host part of local names. */
export const NI_NOFQDN: number = constant('NI_NOFQDN');
/** The service is datagram-based. */
export const NI_DGRAM: number = constant('NI_DGRAM');
/** Maximum service name length for getnameinfo. */
export const NI_MAXSERV: number = constant('NI_MAXSERV');

// netlink(7), rtnetlink(7), packet(7) (Linux)
/** Routing and link information (rtnetlink). */
export const NETLINK_ROUTE: number | undefined = C['NETLINK_ROUTE'];
/** Reserved for user-space protocols. */
export const NETLINK_USERSOCK: number | undefined = C['NETLINK_USERSOCK'];
/** Kernel uevents (device hot-plug). */
export const NETLINK_KOBJECT_UEVENT: number | undefined = C['NETLINK_KOBJECT_UEVENT'];
/** The message that ends a multipart dump. */
export const NLMSG_DONE: number | undefined = C['NLMSG_DONE'];
/** An error (or acknowledgement) message. */
export const NLMSG_ERROR: number | undefined = C['NLMSG_ERROR'];
/** Request flag. */
export const NLM_F_REQUEST: number | undefined = C['NLM_F_REQUEST'];
/** Dump flag (NLM_F_ROOT | NLM_F_MATCH). */
export const NLM_F_DUMP: number | undefined = C['NLM_F_DUMP'];
/** rtnetlink: get links (interfaces). */
export const RTM_GETLINK: number | undefined = C['RTM_GETLINK'];
/** rtnetlink: a link's description. */
export const RTM_NEWLINK: number | undefined = C['RTM_NEWLINK'];
/** AF_PACKET pkttype: to this host. */
export const PACKET_HOST: number | undefined = C['PACKET_HOST'];
/** AF_PACKET pkttype: broadcast. */
export const PACKET_BROADCAST: number | undefined = C['PACKET_BROADCAST'];
/** AF_PACKET pkttype: multicast. */
export const PACKET_MULTICAST: number | undefined = C['PACKET_MULTICAST'];
/** AF_PACKET pkttype: to another host. */
export const PACKET_OTHERHOST: number | undefined = C['PACKET_OTHERHOST'];
/** AF_PACKET pkttype: sent by this host. */
export const PACKET_OUTGOING: number | undefined = C['PACKET_OUTGOING'];
/** Every protocol (AF_PACKET socket protocol, network order with htons). */
export const ETH_P_ALL: number | undefined = C['ETH_P_ALL'];
/** IPv4 (Ethernet protocol number). */
export const ETH_P_IP: number | undefined = C['ETH_P_IP'];
