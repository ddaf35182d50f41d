/**
 * `node-selectors/socket`: Python's `socket` module for selector users — the
 * {@link Socket} class with Python's blocking, non-blocking and timeout
 * modes, the helpers (`socketpair`, `createConnection`, `createServer`,
 * `getaddrinfo`), the constants under their C names and the error classes a
 * socket user catches.
 *
 * Blocking and timeout-mode calls block the Node event loop; see
 * {@link Socket}.
 *
 * @module
 */
export * from './constants.js';
export {
	type Address,
	type AddrInfo,
	getaddrinfo,
	type IPv4Address,
	type IPv6Address,
	type NetlinkAddress,
	type PacketAddress,
	type SocketAddress,
	type UnixAddress,
} from './address.js';
export {type BytesLike} from '../bytes.js';
export {getdefaulttimeout, setdefaulttimeout, Socket} from './socket.js';
export {type SendfileSource} from './sendfile.js';
export {DEFAULT_BUFFER_SIZE, type MakefileOptions, SocketFile, TextSocketFile} from './makefile.js';
export {
	getfqdn,
	gethostbyaddr,
	gethostbyname,
	gethostbynameEx,
	gethostname,
	getnameinfo,
	getprotobyname,
	getservbyname,
	getservbyport,
	htonl,
	htons,
	ifIndextoname,
	ifNameindex,
	ifNametoindex,
	inetAton,
	inetNtoa,
	inetNtop,
	inetPton,
	ntohl,
	ntohs,
} from './netdb.js';
export {
	type AncillaryItem,
	CMSG_LEN,
	CMSG_SPACE,
	type MessageSocket,
	type RecvmsgIntoResult,
	type RecvmsgResult,
	recvFds,
	sendFds,
} from './msg.js';
export {
	createConnection,
	type CreateConnectionOptions,
	createServer,
	type CreateServerOptions,
	fromfd,
	hasDualstackIpv6,
	hasIpv6,
	socketpair,
} from './helpers.js';
export {
	BlockingIOError,
	BrokenPipeError,
	ConnectionAbortedError,
	ConnectionError,
	ConnectionRefusedError,
	ConnectionResetError,
	FileExistsError,
	FileNotFoundError,
	GaiError,
	InterruptedError,
	OSError,
	PermissionError,
	TimeoutError,
	ValueError,
} from '../errors.js';
/** Python's `socket.timeout`: an alias of {@link TimeoutError} (Python 3.10+). */
export {TimeoutError as timeout} from '../errors.js';
