/**
 * Socket addresses in Python's shapes, and getaddrinfo(3).
 *
 * | family     | address                                   |
 * | ---------- | ----------------------------------------- |
 * | `AF_INET`  | `[host, port]`                            |
 * | `AF_INET6` | `[host, port, flowinfo, scopeId]` (`[host, port]` accepted) |
 * | `AF_UNIX`  | a path string; a leading `'\0'` names an abstract socket (Linux); `''` autobinds (Linux) |
 * | `AF_NETLINK` | `[pid, groups]` (Linux; pid 0 = let the kernel pick) |
 * | `AF_PACKET` | `[ifname, proto, pkttype, hatype, addr]` (Linux; accepted: `[ifname, proto, pkttype?, hatype?]`) |
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
import {toInt32, typeName} from '../args.js';
import {argRangeError, argTypeError, GaiError, OSError} from '../errors.js';
import {native, type NativeAddress, type NativeAddressArgs} from '../native.js';
import {
	AF_INET,
	AF_INET6,
	AF_NETLINK,
	AF_PACKET,
	AF_UNIX,
	AF_UNSPEC,
	EAI_NONAME,
	EAI_SYSTEM,
	SOCK_DGRAM,
} from './constants.js';

/** An AF_INET address: `[host, port]`. */
export type IPv4Address = [host: string, port: number];

/** An AF_INET6 address: `[host, port, flowinfo, scopeId]`. */
export type IPv6Address = [host: string, port: number, flowinfo: number, scopeId: number];

/** An AF_UNIX address: a path (leading `'\0'`: abstract namespace, Linux). */
export type UnixAddress = string;

/** An AF_NETLINK address (Linux): `[pid, groups]`. */
export type NetlinkAddress = [pid: number, groups: number];

/** An AF_PACKET address (Linux): `[ifname, proto, pkttype, hatype, addr]`, `addr` the hardware address bytes. */
export type PacketAddress = [ifname: string, proto: number, pkttype: number, hatype: number, addr: Buffer];

/**
 * An address as this module returns it. Sockets of the Linux families
 * AF_NETLINK and AF_PACKET return a {@link NetlinkAddress} or
 * {@link PacketAddress} where this type says `SocketAddress` (cast it): the
 * union is kept to the IP and Unix shapes so that code handling those needs
 * no narrowing.
 */
export type SocketAddress = IPv4Address | IPv6Address | UnixAddress;

/**
 * An address as this module accepts it: `[host, port]` for AF_INET,
 * `[host, port, flowinfo?, scopeId?]` for AF_INET6, a path for AF_UNIX.
 */
export type Address =
	| string
	| readonly [host: string, port: number]
	| readonly [host: string, port: number, flowinfo: number]
	| readonly [host: string, port: number, flowinfo: number, scopeId: number]
	| readonly [pid: number, groups: number];

/** One getaddrinfo result, Python's `(family, type, proto, canonname, sockaddr)`. */
export type AddrInfo = [
	family: number,
	type: number,
	proto: number,
	canonname: string,
	sockaddr: SocketAddress,
];

/**
 * An address in the addon's form, as {@link parseAddress} returns it: what
 * bind/connect/sendto pass to the system call, and `label`, the host as the
 * caller wrote it (for error messages).
 *
 * @internal
 */
export interface SockAddr {
	readonly family: number;
	/** Numeric host (`''`: the wildcard), or the AF_UNIX path. */
	readonly host: string;
	readonly port: number;
	readonly flowinfo: number;
	readonly scopeId: number;
	readonly label: string;
}

/**
 * The five arguments the addon's bind/connect/sendto/sendmsg take for
 * `addr`; `null`: no address (sendmsg on a connected socket).
 *
 * @internal
 */
export function addressArgs(addr: SockAddr | null): NativeAddressArgs {
	return addr === null
		? [-1, '', 0, 0, 0]
		: [addr.family, addr.host, addr.port, addr.flowinfo, addr.scopeId];
}

/** The largest sun_path of the platforms this package builds on (Linux). */
const SUN_PATH_MAX = 108;

function checkPort(port: unknown, fn: string): number {
	if (typeof port !== 'number' || !Number.isInteger(port)) {
		throw argTypeError(`${fn}(): port must be an integer, not ${typeName(port)}`);
	}

	// Python raises OverflowError here; a JS RangeError is its counterpart.
	if (port < 0 || port > 65_535) {
		throw argRangeError(`${fn}(): port must be 0-65535.`);
	}

	return port;
}

/**
 * Refuses a host name with a NUL in it, which the C calls would cut short
 * (`'127.0.0.1\0evil.example'` is 127.0.0.1), with Python's TypeError
 * "host name must not contain null character" (CPython's idna_converter,
 * Modules/socketmodule.c).
 */
function checkHostName(host: string, fn: string): void {
	if (host.includes('\0')) {
		throw argTypeError(`${fn}(): host name must not contain null character`, 'ERR_INVALID_ARG_VALUE');
	}
}

/**
 * Converts a Python-shaped address for a socket of `family` into the
 * addon's form, resolving a host name with getaddrinfo(3) when it is not
 * numeric (CPython `setipaddr()`, Modules/socketmodule.c).
 *
 * @param fn - the calling method, for messages (`'connect'`)
 * @returns a new {@link SockAddr}
 * @throws {TypeError} for a wrongly shaped or typed address, or a host name with a NUL (`ERR_INVALID_ARG_TYPE`/`ERR_INVALID_ARG_VALUE`)
 * @throws {RangeError} for a port outside 0-65535, flowinfo outside 0-0xfffff or a scope id outside uint32 (Python: OverflowError)
 * @throws {GaiError} if the host name cannot be resolved
 * @throws {OSError} EAFNOSUPPORT for a family this module cannot address
 * @internal
 */
export function parseAddress(family: number, address: unknown, fn: string): SockAddr {
	if (family === AF_INET || family === AF_INET6) {
		const v6 = family === AF_INET6;
		const name = v6 ? 'AF_INET6' : 'AF_INET';
		if (!Array.isArray(address)) {
			throw argTypeError(
				`${fn}(): ${name} address must be an array [host, port${v6 ? ', flowinfo, scopeId' : ''}], not ${typeName(address)}`,
			);
		}

		if (v6 ? address.length < 2 || address.length > 4 : address.length !== 2) {
			throw argTypeError(
				v6
					? `${fn}(): AF_INET6 address must be [host, port] or [host, port, flowinfo, scopeId]`
					: `${fn}(): AF_INET address must be a pair [host, port]`,
				'ERR_INVALID_ARG_VALUE',
			);
		}

		const host: unknown = address[0];
		if (typeof host !== 'string') {
			throw argTypeError(`${fn}(): host must be a string, not ${typeName(host)}`);
		}

		checkHostName(host, fn);
		const port = checkPort(address[1], fn);
		let flowinfo = 0;
		let scopeId: number | undefined;
		if (v6) {
			const fi: unknown = address[2] ?? 0;
			if (typeof fi !== 'number' || !Number.isInteger(fi)) {
				throw argTypeError(`${fn}(): flowinfo must be an integer, not ${typeName(fi)}`);
			}

			if (fi < 0 || fi > 0xf_ffff) {
				throw argRangeError(`${fn}(): flowinfo must be 0-1048575.`);
			}

			const scope: unknown = address[3];
			if (scope !== undefined) {
				if (typeof scope !== 'number' || !Number.isInteger(scope)) {
					throw argTypeError(`${fn}(): scopeId must be an integer, not ${typeName(scope)}`);
				}

				if (scope < 0 || scope > 0xffff_ffff) {
					throw argRangeError(`${fn}(): scopeId must be 0-4294967295.`);
				}

				scopeId = scope;
			}

			flowinfo = fi;
		}

		const resolved = resolveHost(host, family);
		if (typeof resolved === 'string') {
			return {family, host: resolved, port, flowinfo, scopeId: scopeId ?? 0, label: host};
		}

		// A resolved IPv6 name brings its scope id, unless the address gave one.
		const resolvedScope = resolved.length === 5 ? resolved[4] : 0;
		return {
			family,
			host: (resolved[1] as string | undefined) ?? '',
			port,
			flowinfo,
			scopeId: scopeId ?? resolvedScope,
			label: host,
		};
	}

	if (family === AF_UNIX) {
		if (typeof address !== 'string') {
			throw argTypeError(`${fn}(): AF_UNIX address must be a string path, not ${typeName(address)}`);
		}

		// sun_path holds 108 bytes on Linux (104 on macOS/BSD, where the
		// kernel reports the rest); Python: OSError "AF_UNIX path too long".
		if (address.length > SUN_PATH_MAX / 3 && Buffer.byteLength(address) > SUN_PATH_MAX) {
			throw new OSError(osConstants.errno.ENAMETOOLONG, undefined, {
				syscall: fn,
				address,
				message: `${fn}(): AF_UNIX path too long`,
			});
		}

		return {family, host: address, port: 0, flowinfo: 0, scopeId: 0, label: address};
	}

	if (family === AF_NETLINK && AF_NETLINK !== undefined) {
		return netlinkAddress(family, address, fn);
	}

	if (family === AF_PACKET && AF_PACKET !== undefined) {
		return packetAddress(family, address, fn);
	}

	throw OSError.fromErrno(osConstants.errno.EAFNOSUPPORT, fn, {message: `${fn}(): bad family ${family}`});
}

function uintField(value: unknown, name: string, max: number, fn: string): number {
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		throw argTypeError(`${fn}(): ${name} must be an integer, not ${typeName(value)}`);
	}

	if (value < 0 || value > max) {
		throw argRangeError(`${fn}(): ${name} must be 0-${max}.`);
	}

	return value;
}

/** `[pid, groups]`, two C unsigned ints (CPython's getsockaddrarg, AF_NETLINK). */
function netlinkAddress(family: number, address: unknown, fn: string): SockAddr {
	if (!Array.isArray(address) || address.length !== 2) {
		throw argTypeError(
			`${fn}(): AF_NETLINK address must be a pair [pid, groups], not ${typeName(address)}`,
		);
	}

	const pid = uintField(address[0], 'pid', 0xffff_ffff, fn);
	const groups = uintField(address[1], 'groups', 0xffff_ffff, fn);
	return {family, host: '', port: pid, flowinfo: groups, scopeId: 0, label: `netlink:${pid}`};
}

/**
 * `[ifname, proto, pkttype?, hatype?, addr?]` (CPython's getsockaddrarg,
 * AF_PACKET). A hardware address to send to is not supported: `addr`
 * must be absent or empty.
 */
function packetAddress(family: number, address: unknown, fn: string): SockAddr {
	if (!Array.isArray(address) || address.length < 2 || address.length > 5) {
		throw argTypeError(
			`${fn}(): AF_PACKET address must be [ifname, proto, pkttype?, hatype?, addr?], not ${typeName(address)}`,
		);
	}

	const ifname: unknown = address[0];
	if (typeof ifname !== 'string') {
		throw argTypeError(`${fn}(): ifname must be a string, not ${typeName(ifname)}`);
	}

	checkHostName(ifname, fn);
	const proto = uintField(address[1], 'proto', 0xffff, fn);
	const pkttype = uintField(address[2] ?? 0, 'pkttype', 0xff, fn);
	const hatype = uintField(address[3] ?? 0, 'hatype', 0xffff, fn);
	const addr: unknown = address[4];
	if (addr !== undefined && (!ArrayBuffer.isView(addr) || addr.byteLength > 8)) {
		throw argTypeError(`${fn}(): Hardware address must be 8 bytes or less`, 'ERR_INVALID_ARG_VALUE');
	}

	if (addr !== undefined && addr.byteLength > 0) {
		throw argTypeError(
			`${fn}(): a hardware address in an AF_PACKET address is not supported`,
			'ERR_INVALID_ARG_VALUE',
		);
	}

	return {family, host: ifname, port: proto, flowinfo: pkttype, scopeId: hatype, label: ifname};
}

/** A numeric host as the addon takes it, or the native address getaddrinfo(3) resolved the name to. */
function resolveHost(host: string, family: number): string | NativeAddress {
	if (host === '') {
		return '';
	}

	if (family === AF_INET) {
		if (isIPv4(host)) {
			return host;
		}

		if (host === '<broadcast>') {
			return '255.255.255.255';
		}
	} else if (isIPv6(host) && !host.includes('%')) {
		return host;
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

	return first[4];
}

/** @internal */
export function gaiError(
	result: {readonly eai: number; readonly errno: number; readonly message: string},
	host: string | null,
): OSError {
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
		return [na[1] as string, na[2]!];
	}

	if (family === AF_INET6) {
		return [na[1] as string, na[2]!, na[3]!, na[4]!];
	}

	if (family === AF_UNIX) {
		return na[1] as string;
	}

	if (family === AF_NETLINK && AF_NETLINK !== undefined) {
		return [na[1] as unknown as number, na[2]!] satisfies NetlinkAddress as unknown as SocketAddress;
	}

	if (family === AF_PACKET && AF_PACKET !== undefined) {
		const packet = na as unknown as readonly [number, string, number, number, number, Buffer];
		return [
			packet[1],
			packet[2],
			packet[3],
			packet[4],
			packet[5],
		] satisfies PacketAddress as unknown as SocketAddress;
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
 * @throws {TypeError} for wrongly typed arguments (`ERR_INVALID_ARG_TYPE`), and for a
 * host name with a NUL character (`ERR_INVALID_ARG_VALUE`, "host name must not contain null
 * character"). **Deliberate difference from Python:** CPython's `getaddrinfo` cuts the name
 * at the NUL and resolves the rest (`'127.0.0.1\0evil.example'` is 127.0.0.1); this one
 * refuses it, as `connect`/`bind`/`sendto` do in both.
 */
export function getaddrinfo(
	host: string | null,
	port: string | number | null,
	family = AF_UNSPEC,
	type = 0,
	proto = 0,
	flags = 0,
): AddrInfo[] {
	if (host !== null && typeof host !== 'string') {
		throw argTypeError(`getaddrinfo(): host must be a string or null, not ${typeName(host)}`);
	}

	if (host !== null) {
		checkHostName(host, 'getaddrinfo');
	}

	let service: string | null;
	if (port === null) {
		service = null;
	} else if (typeof port === 'number') {
		if (!Number.isInteger(port)) {
			throw argTypeError(
				`getaddrinfo(): port must be an integer, a string or null, not ${port}`,
				'ERR_INVALID_ARG_VALUE',
			);
		}

		service = String(port);
	} else if (typeof port === 'string') {
		if (port.includes('\0')) {
			throw argTypeError(
				'getaddrinfo(): port must not contain null character',
				'ERR_INVALID_ARG_VALUE',
			);
		}

		service = port;
	} else {
		throw argTypeError(`getaddrinfo(): port must be an integer, a string or null, not ${typeName(port)}`);
	}

	const result = native.getaddrinfo(
		host,
		service,
		toInt32(family, 'family'),
		toInt32(type, 'type'),
		toInt32(proto, 'proto'),
		toInt32(flags, 'flags'),
	);
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
