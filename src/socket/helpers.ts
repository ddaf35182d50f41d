/**
 * Python's module-level socket helpers: `socketpair`, `create_connection`,
 * `create_server`, `has_dualstack_ipv6` (Lib/socket.py).
 *
 * @module
 */
import {toInt32, typeName} from '../args.js';
import {C, native} from '../native.js';
import {argTypeError, GaiError, OSError, ValueError, check} from '../errors.js';
import {type Address, getaddrinfo} from './address.js';
import {
	AF_INET,
	AF_INET6,
	AF_UNIX,
	IPPROTO_IPV6,
	IPV6_V6ONLY,
	SOCK_STREAM,
	SOL_SOCKET,
	SO_REUSEADDR,
	SO_REUSEPORT,
} from './constants.js';
import {getdefaulttimeout, Socket} from './socket.js';

/** Python's `socket.has_ipv6`: whether the platform has AF_INET6 (the host may still have no IPv6 address). */
export const hasIpv6: boolean = C['AF_INET6'] !== undefined;

const pairOut = new Int32Array(2);

/**
 * A pair of connected sockets (Python's `socket.socketpair()`), both in the
 * default timeout mode with non-blocking close-on-exec fds.
 *
 * @param family - `AF_UNIX` (default)
 * @param type - `SOCK_STREAM` (default) or `SOCK_DGRAM`/`SOCK_SEQPACKET`
 * @param proto - 0 (default)
 * @returns `[a, b]`; close both
 * @throws {TypeError} if an argument is not an integer
 * @throws {OSError} EAFNOSUPPORT, EMFILE …
 */
export function socketpair(
	family: number = AF_UNIX,
	type: number = SOCK_STREAM,
	proto = 0,
): [Socket, Socket] {
	const fam = toInt32(family, 'family');
	const typ = toInt32(type, 'type');
	const pro = toInt32(proto, 'proto');
	check(native.socketpair(fam, typ, pro, pairOut), 'socketpair');
	const a = pairOut[0] ?? -1;
	const b = pairOut[1] ?? -1;
	return [Socket._adopt(a, fam, typ, pro), Socket._adopt(b, fam, typ, pro)];
}

/**
 * A socket on a **duplicate** of `fd` (Python's `socket.fromfd(fd, family,
 * type, proto=0)`): the caller keeps `fd` and closes it when done; the
 * socket closes only its dup (close-on-exec). The two share one file
 * description, so the socket's O_NONBLOCK (always set) is `fd`'s too. To take
 * ownership of `fd` itself instead, use {@link Socket.adoptFd}.
 *
 * @param fd - an open socket fd
 * @param family - its address family
 * @param type - its socket type
 * @param proto - its protocol (default 0)
 * @returns the new socket, in the default timeout mode
 * @throws {TypeError} if an argument is not an integer
 * @throws {ValueError} if `fd` is negative
 * @throws {OSError} EBADF if `fd` is not open, EMFILE …
 */
export function fromfd(fd: number, family: number, type: number, proto = 0): Socket {
	const original = toInt32(fd, 'fd');
	const fam = toInt32(family, 'family');
	const typ = toInt32(type, 'type');
	const pro = toInt32(proto, 'proto');
	if (original < 0) {
		throw new ValueError('negative file descriptor', 'ERR_INVALID_FD');
	}

	const dup = check(native.dup(original), 'dup');
	try {
		return new Socket(fam, typ, pro, dup);
	} catch (error) {
		native.close(dup); // never leak the dup
		throw error;
	}
}

/** Options for {@link createConnection}. */
export interface CreateConnectionOptions {
	/** Throw an `AggregateError` of every attempt's error instead of only the last one (Python's `all_errors`). */
	readonly allErrors?: boolean;
}

/**
 * Connects a TCP socket to `[host, port]`, trying every address
 * getaddrinfo returns in order until one connects (Python's
 * `socket.create_connection`). Blocks the event loop while resolving and
 * connecting (unless `timeout` is 0).
 *
 * @param address - `[host, port]`
 * @param timeout - seconds for the socket (and each connect), `null` to block; omitted = {@link getdefaulttimeout}
 * @param sourceAddress - `[host, port]` to bind to before connecting
 * @param options - `allErrors`
 * @returns the connected socket, in the given timeout mode
 * @throws {OSError} the last attempt's error (ConnectionRefusedError, TimeoutError …), or an `AggregateError` with `allErrors`
 * @throws {GaiError} if the host does not resolve
 * @throws {TypeError} for a wrongly shaped address, or a host name with a NUL character (`ERR_INVALID_ARG_VALUE`, refused as by {@link getaddrinfo})
 */
export function createConnection(
	address: readonly [host: string, port: number],
	timeout?: number | null,
	sourceAddress?: Address | null,
	options: CreateConnectionOptions = {},
): Socket {
	if (!Array.isArray(address) || address.length !== 2) {
		throw argTypeError(`createConnection(): address must be [host, port], not ${typeName(address)}`);
	}

	const [host, port] = address;
	const errors: unknown[] = [];
	for (const [family, type, proto, , sockaddr] of getaddrinfo(host, port, 0, SOCK_STREAM)) {
		let sock: Socket | undefined;
		try {
			sock = new Socket(family, type, proto);
			sock.settimeout(timeout === undefined ? getdefaulttimeout() : timeout);
			if (sourceAddress !== undefined && sourceAddress !== null) {
				sock.bind(sourceAddress);
			}

			sock.connect(sockaddr);
			return sock;
		} catch (error) {
			sock?.close();
			if (!(error instanceof OSError)) {
				throw error;
			}

			if (options.allErrors !== true) {
				errors.length = 0;
			}

			errors.push(error);
		}
	}

	if (errors.length === 0) {
		throw new OSError(0, 'getaddrinfo returns an empty list', {
			message: 'getaddrinfo returns an empty list',
			code: 'ERR_SOCKET_NO_ADDRESS',
		});
	}

	if (options.allErrors === true) {
		throw new AggregateError(errors, 'create_connection failed');
	}

	throw errors[0];
}

/** Options for {@link createServer}. */
export interface CreateServerOptions {
	/** `AF_INET` (default) or `AF_INET6`. */
	readonly family?: number;
	/** listen() backlog; default min(SOMAXCONN, 128). */
	readonly backlog?: number | null;
	/** Set SO_REUSEPORT (ValueError where the platform lacks it). */
	readonly reusePort?: boolean;
	/** Accept IPv4 and IPv6 on one AF_INET6 socket (IPV6_V6ONLY off). */
	readonly dualstackIpv6?: boolean;
}

/**
 * Whether one AF_INET6 socket can accept both IPv4 and IPv6 connections
 * (Python's `socket.has_dualstack_ipv6()`). Creates and closes a socket.
 *
 * @returns `true` if IPV6_V6ONLY can be turned off
 */
export function hasDualstackIpv6(): boolean {
	if (!hasIpv6) {
		return false;
	}

	try {
		using sock = new Socket(AF_INET6, SOCK_STREAM);
		sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 0);
		return true;
	} catch (error) {
		if (error instanceof OSError) {
			return false;
		}

		throw error;
	}
}

/**
 * A listening TCP socket bound to `address` (Python's
 * `socket.create_server`): SO_REUSEADDR set (POSIX), SO_REUSEPORT on
 * request, and for AF_INET6 IPV6_V6ONLY on unless `dualstackIpv6`.
 *
 * @param address - `[host, port]`; port 0 picks a free port
 * @param options - family, backlog, reusePort, dualstackIpv6
 * @returns the listening socket, in the default timeout mode
 * @throws {ValueError} for `reusePort` without SO_REUSEPORT, or `dualstackIpv6` without support or without AF_INET6
 * @throws {OSError} if bind fails; the message names the address, as Python's does
 */
export function createServer(address: Address, options: CreateServerOptions = {}): Socket {
	const family = options.family ?? AF_INET;
	const reusePort = options.reusePort ?? false;
	const dualstack = options.dualstackIpv6 ?? false;
	if (reusePort && SO_REUSEPORT === undefined) {
		throw new ValueError('SO_REUSEPORT not supported on this platform', 'ERR_NOT_SUPPORTED');
	}

	if (dualstack) {
		if (!hasDualstackIpv6()) {
			throw new ValueError('dualstack_ipv6 not supported on this platform', 'ERR_NOT_SUPPORTED');
		}

		if (family !== AF_INET6) {
			throw new ValueError('dualstack_ipv6 requires AF_INET6 family', 'ERR_INVALID_FAMILY');
		}
	}

	const sock = new Socket(family, SOCK_STREAM);
	try {
		try {
			sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
		} catch (error) {
			// As Python: a platform without the option fails later, in bind().
			if (!(error instanceof OSError)) {
				throw error;
			}
		}

		if (reusePort && SO_REUSEPORT !== undefined) {
			sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
		}

		if (hasIpv6 && family === AF_INET6) {
			sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, dualstack ? 0 : 1);
		}

		try {
			sock.bind(address);
		} catch (error) {
			// A name that does not resolve is reported as it is (its message
			// names the host already); every other OSError gets the address.
			if (error instanceof OSError && !(error instanceof GaiError)) {
				const Class = error.constructor as new (
					errno: number,
					strerror?: string,
					options?: object,
				) => OSError;
				const message = `[Errno ${error.errno}] ${error.strerror} (while attempting to bind on address ${JSON.stringify(address)})`;
				throw new Class(error.errno, error.strerror, {
					syscall: 'bind',
					message,
					cause: error,
					...(error.address === undefined ? {} : {address: error.address}),
					...(error.port === undefined ? {} : {port: error.port}),
				});
			}

			throw error;
		}

		if (options.backlog === undefined || options.backlog === null) {
			sock.listen();
		} else {
			sock.listen(options.backlog);
		}

		return sock;
	} catch (error) {
		sock.close();
		throw error;
	}
}
