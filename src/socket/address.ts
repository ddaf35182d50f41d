/**
 * Socket addresses in Python's shapes, and getaddrinfo(3).
 *
 * | family     | address                                   |
 * | ---------- | ----------------------------------------- |
 * | `AF_INET`  | `[host, port]`                            |
 * | `AF_INET6` | `[host, port, flowinfo, scopeId]` (`[host, port]` accepted) |
 * | `AF_UNIX`  | a path string; a leading `'\0'` names an abstract socket (Linux); `''` autobinds (Linux) |
 *
 * A host may be `''` (the wildcard address), `'<broadcast>'` (AF_INET), a
 * numeric address, or a name resolved with getaddrinfo(3) (blocking, as in
 * Python). Python returns abstract Unix names as `bytes`; here they stay
 * strings.
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {isIPv4, isIPv6} from 'node:net';
import {constants as osConstants} from 'node:os';
import {GaiError, OSError} from '../errors.js';
import {native, type NativeAddress} from '../native.js';
import {AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, EAI_NONAME, EAI_SYSTEM, SOCK_DGRAM} from './constants.js';
import {toInt32, typeName} from './internal.js';

/** An AF_INET address: `[host, port]`. */
export type IPv4Address = [host: string, port: number];

/** An AF_INET6 address: `[host, port, flowinfo, scopeId]`. */
export type IPv6Address = [host: string, port: number, flowinfo: number, scopeId: number];

/** An AF_UNIX address: a path (leading `'\0'`: abstract namespace, Linux). */
export type UnixAddress = string;

/** An address as this module returns it. */
export type SocketAddress = IPv4Address | IPv6Address | UnixAddress;

/**
 * An address as this module accepts it: `[host, port]` for AF_INET,
 * `[host, port, flowinfo?, scopeId?]` for AF_INET6, a path for AF_UNIX.
 */
export type Address =
	| string
	| readonly [host: string, port: number]
	| readonly [host: string, port: number, flowinfo: number]
	| readonly [host: string, port: number, flowinfo: number, scopeId: number];

/** One getaddrinfo result, Python's `(family, type, proto, canonname, sockaddr)`. */
export type AddrInfo = [family: number, type: number, proto: number, canonname: string, sockaddr: SocketAddress];

/**
 * The native form of the address most recently given to {@link parseAddress}.
 * One module-level record, so sendto()/connect() allocate nothing for it.
 *
 * @internal
 */
export const parsed = {host: '', port: 0, flowinfo: 0, scopeId: 0, label: ''};

/** The largest sun_path of the platforms this package builds on (Linux). */
const SUN_PATH_MAX = 108;

function checkPort(port: unknown, fn: string): number {
	if (typeof port !== 'number' || !Number.isInteger(port)) {
		throw new TypeError(`${fn}(): port must be an integer, not ${typeName(port)}`);
	}

	// Python raises OverflowError here; a JS RangeError is its counterpart.
	if (port < 0 || port > 65_535) {
		throw new RangeError(`${fn}(): port must be 0-65535.`);
	}

	return port;
}

/**
 * Converts a Python-shaped address for a socket of `family` into
 * {@link parsed}, resolving a host name with getaddrinfo(3) when it is not
 * numeric (CPython `setipaddr()`, Modules/socketmodule.c).
 *
 * @param fn - the calling method, for messages (`'connect'`)
 * @throws {TypeError} for a wrongly shaped or typed address
 * @throws {RangeError} for a port outside 0-65535, flowinfo outside 0-0xfffff or a scope id outside uint32 (Python: OverflowError)
 * @throws {GaiError} if the host name cannot be resolved
 * @throws {OSError} EAFNOSUPPORT for a family this module cannot address
 * @internal
 */
export function parseAddress(family: number, address: unknown, fn: string): void {
	if (family === AF_INET || family === AF_INET6) {
		const v6 = family === AF_INET6;
		const name = v6 ? 'AF_INET6' : 'AF_INET';
		if (!Array.isArray(address)) {
			throw new TypeError(`${fn}(): ${name} address must be an array [host, port${v6 ? ', flowinfo, scopeId' : ''}], not ${typeName(address)}`);
		}

		if (v6 ? address.length < 2 || address.length > 4 : address.length !== 2) {
			throw new TypeError(v6
				? `${fn}(): AF_INET6 address must be [host, port] or [host, port, flowinfo, scopeId]`
				: `${fn}(): AF_INET address must be a pair [host, port]`);
		}

		const host: unknown = address[0];
		if (typeof host !== 'string') {
			throw new TypeError(`${fn}(): host must be a string, not ${typeName(host)}`);
		}

		// The C calls would stop at the NUL ('127.0.0.1\0evil.example' is
		// 127.0.0.1); CPython's idna_converter (Modules/socketmodule.c) refuses it.
		if (host.includes('\0')) {
			throw new TypeError(`${fn}(): host name must not contain null character`);
		}

		parsed.port = checkPort(address[1], fn);
		parsed.flowinfo = 0;
		parsed.scopeId = 0;
		let scopeId: number | undefined;
		if (v6) {
			const flowinfo: unknown = address[2] ?? 0;
			if (typeof flowinfo !== 'number' || !Number.isInteger(flowinfo)) {
				throw new TypeError(`${fn}(): flowinfo must be an integer, not ${typeName(flowinfo)}`);
			}

			if (flowinfo < 0 || flowinfo > 0xf_ffff) {
				throw new RangeError(`${fn}(): flowinfo must be 0-1048575.`);
			}

			const scope: unknown = address[3];
			if (scope !== undefined) {
				if (typeof scope !== 'number' || !Number.isInteger(scope)) {
					throw new TypeError(`${fn}(): scopeId must be an integer, not ${typeName(scope)}`);
				}

				if (scope < 0 || scope > 0xffff_ffff) {
					throw new RangeError(`${fn}(): scopeId must be 0-4294967295.`);
				}

				scopeId = scope;
			}

			parsed.flowinfo = flowinfo;
		}

		resolveHost(host, family);
		if (scopeId !== undefined) {
			parsed.scopeId = scopeId;
		}

		parsed.label = host;
		return;
	}

	if (family === AF_UNIX) {
		if (typeof address !== 'string') {
			throw new TypeError(`${fn}(): AF_UNIX address must be a string path, not ${typeName(address)}`);
		}

		// sun_path holds 108 bytes on Linux (104 on macOS/BSD, where the
		// kernel reports the rest); Python: OSError "AF_UNIX path too long".
		if (address.length > SUN_PATH_MAX / 3 && Buffer.byteLength(address) > SUN_PATH_MAX) {
			throw new OSError(osConstants.errno.ENAMETOOLONG, undefined, {
				syscall: fn, address, message: `${fn}(): AF_UNIX path too long`,
			});
		}

		parsed.host = address;
		parsed.port = 0;
		parsed.flowinfo = 0;
		parsed.scopeId = 0;
		parsed.label = address;
		return;
	}

	throw OSError.fromErrno(osConstants.errno.EAFNOSUPPORT, fn, {message: `${fn}(): bad family ${family}`});
}

/** Sets parsed.host (and parsed.scopeId for a resolved IPv6 name). */
function resolveHost(host: string, family: number): void {
	if (host === '') {
		parsed.host = '';
		return;
	}

	if (family === AF_INET) {
		if (isIPv4(host)) {
			parsed.host = host;
			return;
		}

		if (host === '<broadcast>') {
			parsed.host = '255.255.255.255';
			return;
		}
	} else if (isIPv6(host) && !host.includes('%')) {
		parsed.host = host;
		return;
	}

	// Not numeric: resolve in the socket's family, as CPython's setipaddr()
	// does (SOCK_DGRAM only to get one result per address).
	const result = native.getaddrinfo(host, null, family, SOCK_DGRAM, 0, 0);
	if (!Array.isArray(result)) {
		throw gaiError(result, host);
	}

	const first = result[0];
	if (first === undefined) {
		throw new GaiError(EAI_NONAME, 'Name or service not known', host);
	}

	const na = first[4];
	parsed.host = (na[1] as string | undefined) ?? '';
	if (na.length === 5) {
		parsed.scopeId = na[4];
	}
}

function gaiError(result: {readonly eai: number; readonly errno: number; readonly message: string}, host: string | null): OSError {
	if (result.eai === EAI_SYSTEM && result.errno !== 0) {
		return OSError.fromErrno(result.errno, 'getaddrinfo', host === null ? {} : {address: host});
	}

	return new GaiError(result.eai, result.message, host ?? undefined);
}

/**
 * A native address as Python shapes it; `null` for an empty address (a
 * recvfrom() on a connected stream socket) or a family this module does not
 * decode.
 *
 * @internal
 */
export function toAddress(na: NativeAddress): SocketAddress | null {
	const family = na[0];
	if (family === AF_INET) {
		return [na[1] as string, na[2] as number];
	}

	if (family === AF_INET6) {
		return [na[1] as string, na[2] as number, na[3] as number, na[4] as number];
	}

	if (family === AF_UNIX) {
		return na[1] as string;
	}

	return null;
}

/**
 * Resolves `host` and `port` into addresses (Python's `socket.getaddrinfo`).
 * Blocks the calling thread, and so the Node event loop, while the resolver
 * works (as Python's does; use `node:dns` for non-blocking lookups).
 *
 * @param host - a host name, a numeric address, or `null` (loopback, or the wildcard with `AI_PASSIVE`)
 * @param port - a port number, a service name, or `null`
 * @param family - `AF_INET`, `AF_INET6` or `AF_UNSPEC` (0, any)
 * @param type - `SOCK_STREAM`, `SOCK_DGRAM` or 0 (any)
 * @param proto - protocol or 0
 * @param flags - `AI_*` flags
 * @returns `[family, type, proto, canonname, sockaddr]` entries, sockaddr in this module's address shapes
 * @throws {GaiError} if the resolver fails (`code` is the `EAI_*` name)
 * @throws {OSError} for `EAI_SYSTEM`, with the underlying errno
 * @throws {TypeError} for wrongly typed arguments
 */
export function getaddrinfo(host: string | null, port: string | number | null, family = AF_UNSPEC, type = 0, proto = 0, flags = 0): AddrInfo[] {
	if (host !== null && typeof host !== 'string') {
		throw new TypeError(`getaddrinfo(): host must be a string or null, not ${typeName(host)}`);
	}

	let service: string | null;
	if (port === null) {
		service = null;
	} else if (typeof port === 'number') {
		if (!Number.isInteger(port)) {
			throw new TypeError(`getaddrinfo(): port must be an integer, a string or null, not ${port}`);
		}

		service = String(port);
	} else if (typeof port === 'string') {
		service = port;
	} else {
		throw new TypeError(`getaddrinfo(): port must be an integer, a string or null, not ${typeName(port)}`);
	}

	const result = native.getaddrinfo(host, service, toInt32(family, 'family'), toInt32(type, 'type'),
		toInt32(proto, 'proto'), toInt32(flags, 'flags'));
	if (!Array.isArray(result)) {
		throw gaiError(result, host);
	}

	const out: AddrInfo[] = [];
	for (const [f, t, p, canonname, na] of result) {
		const address = toAddress(na);
		if (address !== null) {
			out.push([f, t, p, canonname, address]);
		}
	}

	return out;
}
