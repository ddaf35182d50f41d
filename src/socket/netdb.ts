/**
 * Python's socket-module name and address functions: `gethostname`,
 * `gethostbyname`, `getnameinfo`, `inet_pton`/`inet_ntop`,
 * `inet_aton`/`inet_ntoa`, `htons`/`ntohs`/`htonl`/`ntohl`,
 * `getservbyname`/`getservbyport`, `getprotobyname` and
 * `if_nametoindex`/`if_indextoname`/`if_nameindex`.
 *
 * The lookups (`gethostbyname`, `getnameinfo`, services, protocols) block the
 * calling thread while the C library works, as Python's do.
 *
 * Where CPython raises an `OSError` with no errno ("illegal IP address string
 * passed to inet_pton", "service/proto not found", …), these throw an
 * {@link OSError} with Python's message and the nearest errno for Node's
 * `code`: `EINVAL` for a malformed argument, `ENOENT` for "not found".
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {isIP} from 'node:net';
import {constants as osConstants, endianness} from 'node:os';
import {toInt32, typeName} from '../args.js';
import {byteLength, type BytesLike} from '../bytes.js';
import {argRangeError, argTypeError, OSError, ValueError} from '../errors.js';
import {native} from '../native.js';
import {gaiError, getaddrinfo} from './address.js';
import {
	AF_INET,
	AF_INET6,
	AF_UNSPEC,
	AI_CANONNAME,
	EAI_NONAME,
	NI_NAMEREQD,
	SOCK_STREAM,
} from './constants.js';

const E = osConstants.errno;
const bigEndian = endianness() === 'BE';

function osError(errno: number, message: string, syscall: string): OSError {
	return new OSError(errno, message, {syscall, message});
}

function stringArg(value: unknown, name: string, fn: string): string {
	if (typeof value !== 'string') {
		throw argTypeError(`${fn}(): ${name} must be a string, not ${typeName(value)}`);
	}

	if (value.includes('\0')) {
		throw argTypeError(`${fn}(): ${name} must not contain null character`, 'ERR_INVALID_ARG_VALUE');
	}

	return value;
}

/**
 * The host name of this machine (Python's `socket.gethostname()`).
 *
 * @returns the name
 * @throws {OSError} if gethostname(2) fails
 */
export function gethostname(): string {
	const ret = native.gethostname();
	if (typeof ret === 'number') {
		throw OSError.fromErrno(-ret, 'gethostname');
	}

	return ret;
}

/**
 * The first IPv4 address of `host` (Python's `socket.gethostbyname()`,
 * through getaddrinfo(3) with AF_INET). A numeric IPv4 address is returned
 * as it is; as CPython's `setipaddr()`, `''` is the wildcard `'0.0.0.0'`
 * and `'<broadcast>'` is `'255.255.255.255'`.
 *
 * @param host - a host name or numeric IPv4 address
 * @returns a dotted-quad string
 * @throws {GaiError} if the name does not resolve to an IPv4 address
 * @throws {TypeError} for a non-string or a NUL in the name
 */
export function gethostbyname(host: string): string {
	const name = stringArg(host, 'host', 'gethostbyname');
	if (name === '') {
		return '0.0.0.0';
	}

	if (name === '<broadcast>') {
		return '255.255.255.255';
	}

	for (const [, , , , address] of getaddrinfo(name, null, AF_INET)) {
		if (Array.isArray(address)) {
			return address[0];
		}
	}

	throw osError(E.ENOENT, 'no IPv4 address', 'gethostbyname');
}

/**
 * A host's canonical name, aliases and IPv4 addresses (Python's
 * `socket.gethostbyname_ex()`, through getaddrinfo(3) with AF_INET and
 * AI_CANONNAME).
 *
 * @param host - a host name or numeric IPv4 address
 * @returns `[hostname, aliases, addresses]`; `aliases` is always empty (getaddrinfo reports none)
 * @throws {GaiError} if the name does not resolve
 */
export function gethostbynameEx(host: string): [hostname: string, aliases: string[], addresses: string[]] {
	const name = stringArg(host, 'host', 'gethostbyname_ex');
	const results = getaddrinfo(name, null, AF_INET, SOCK_STREAM, 0, AI_CANONNAME);
	const addresses: string[] = [];
	for (const [, , , , address] of results) {
		const ip = (address as [string, number])[0];
		if (!addresses.includes(ip)) {
			addresses.push(ip);
		}
	}

	// An empty canonical name (none asked or given) falls back to the name too.
	// eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
	return [results[0]?.[3] || name, [], addresses];
}

/**
 * The name of the host at an address (Python's `socket.gethostbyaddr()`):
 * a reverse lookup with getnameinfo(3) and NI_NAMEREQD. A host name is
 * resolved to its first address first, as CPython does.
 *
 * @param address - a numeric IPv4/IPv6 address or a host name
 * @returns `[hostname, aliases, addresses]`; `aliases` is empty, `addresses` the one address looked up
 * @throws {GaiError} EAI_NONAME when the address has no name (Python: `socket.herror`)
 */
export function gethostbyaddr(address: string): [hostname: string, aliases: string[], addresses: string[]] {
	const text = stringArg(address, 'ip_address', 'gethostbyaddr');
	let ip = text;
	if (!isIP(text)) {
		const first = getaddrinfo(text, null, AF_UNSPEC, SOCK_STREAM)[0];
		if (first === undefined) {
			throw gaiError({eai: EAI_NONAME, errno: 0, message: 'Name or service not known'}, text);
		}

		ip = (first[4] as [string, number])[0];
	}

	const [hostname] = getnameinfo([ip, 0], NI_NAMEREQD);
	return [hostname, [], [ip]];
}

/**
 * A fully qualified name for `name` (Python's `socket.getfqdn()`): the
 * reverse lookup's name when it has a dot, else `name` as given (this host's
 * name when empty or `'0.0.0.0'`).
 *
 * @param name - a host name or address; default this host
 * @returns the name
 */
export function getfqdn(name = ''): string {
	let host = stringArg(name, 'name', 'getfqdn').trim();
	if (host === '' || host === '0.0.0.0') {
		host = gethostname();
	}

	try {
		const [hostname, aliases] = gethostbyaddr(host);
		return [hostname, ...aliases].find(n => n.includes('.')) ?? hostname;
	} catch (error) {
		if (error instanceof OSError) {
			return host; // Python: "except error: pass"
		}

		throw error;
	}
}

/**
 * The host and service names of a numeric socket address (Python's
 * `socket.getnameinfo((host, port[, flowinfo, scope_id]), flags)`).
 *
 * @param sockaddr - `[host, port]` or `[host, port, flowinfo, scopeId]`, host a numeric IPv4 or IPv6 address
 * @param flags - `NI_*` flags (`NI_NUMERICHOST | NI_NUMERICSERV` for no lookup)
 * @returns `[host, service]`
 * @throws {TypeError} if `sockaddr` is not a 2- to 4-item array `[string, int, …]`
 * @throws {GaiError} EAI_NONAME for a host that is not a numeric address (Python's "Name or service not known"), or the lookup's failure
 */
export function getnameinfo(
	sockaddr: readonly [string, number, number?, number?],
	flags: number,
): [host: string, service: string] {
	if (!Array.isArray(sockaddr) || sockaddr.length < 2 || sockaddr.length > 4) {
		throw argTypeError(`getnameinfo() argument 1 must be a tuple, not ${typeName(sockaddr)}`);
	}

	const host = stringArg(sockaddr[0], 'host', 'getnameinfo');
	const port = toInt32(sockaddr[1], 'port');
	const flowinfo = sockaddr[2] === undefined ? 0 : toInt32(sockaddr[2], 'flowinfo');
	const scopeId = sockaddr[3] === undefined ? 0 : toInt32(sockaddr[3], 'scope_id');
	if (port < 0 || port > 0xffff) {
		throw argRangeError('getnameinfo(): port must be 0-65535.');
	}

	if (flowinfo < 0 || flowinfo > 0xfffff) {
		throw argRangeError('getnameinfo(): flowinfo must be 0-1048575.');
	}

	const family = host.includes(':') ? AF_INET6 : AF_INET;
	const ret = native.getnameinfo(
		family,
		host,
		port,
		flowinfo,
		scopeId < 0 ? 0 : scopeId,
		toInt32(flags, 'flags'),
	);
	if (Array.isArray(ret)) {
		return [ret[0], ret[1]];
	}

	if (typeof ret === 'number') {
		// A host that is not a numeric address: CPython's AI_NUMERICHOST lookup fails with EAI_NONAME.
		throw gaiError({eai: EAI_NONAME, errno: 0, message: 'Name or service not known'}, host);
	}

	throw gaiError(ret as {eai: number; errno: number; message: string}, host);
}

/**
 * A numeric address string as packed bytes in network order (Python's
 * `socket.inet_pton(family, string)`).
 *
 * @param family - `AF_INET` or `AF_INET6`
 * @param address - the text
 * @returns 4 or 16 bytes
 * @throws {OSError} EINVAL `'illegal IP address string passed to inet_pton'`; EAFNOSUPPORT for another family
 */
export function inetPton(family: number, address: string): Buffer {
	const fam = toInt32(family, 'family');
	const text = stringArg(address, 'address', 'inet_pton');
	const out = Buffer.alloc(16);
	const ret = text.length > 100 ? 0 : native.inetPton(fam, text, out);
	if (ret < 0) {
		throw OSError.fromErrno(-ret, 'inet_pton');
	}

	if (ret === 0) {
		throw osError(E.EINVAL, 'illegal IP address string passed to inet_pton', 'inet_pton');
	}

	return out.subarray(0, ret);
}

/**
 * Packed address bytes as text (Python's `socket.inet_ntop(family, packed)`).
 *
 * @param family - `AF_INET` or `AF_INET6`
 * @param packed - 4 bytes (AF_INET) or 16 (AF_INET6)
 * @returns the text (`'::1'` …)
 * @throws {ValueError} `'invalid length of packed IP address string'`; `'unknown address family N'`
 */
export function inetNtop(family: number, packed: BytesLike): string {
	const fam = toInt32(family, 'family');
	const n = byteLength(packed);
	if (fam !== AF_INET && fam !== AF_INET6) {
		throw new ValueError(`unknown address family ${fam}`, 'ERR_INVALID_ARG_VALUE');
	}

	if (n !== (fam === AF_INET ? 4 : 16)) {
		throw new ValueError('invalid length of packed IP address string', 'ERR_INVALID_ARG_VALUE');
	}

	const ret = native.inetNtop(fam, packed);
	if (typeof ret === 'number') {
		throw OSError.fromErrno(-ret, 'inet_ntop');
	}

	return ret;
}

/**
 * An IPv4 address in any form inet_aton(3) takes (`'127.1'`, `'0x7f.1'`,
 * `'2130706433'`) as 4 packed bytes (Python's `socket.inet_aton`).
 *
 * @param address - the text
 * @returns 4 bytes, network order
 * @throws {OSError} EINVAL `'illegal IP address string passed to inet_aton'`
 */
export function inetAton(address: string): Buffer {
	const text = stringArg(address, 'address', 'inet_aton');
	const out = Buffer.alloc(4);
	if (text.length > 100 || native.inetAton(text, out) !== 1) {
		throw osError(E.EINVAL, 'illegal IP address string passed to inet_aton', 'inet_aton');
	}

	return out;
}

/**
 * 4 packed bytes as a dotted quad (Python's `socket.inet_ntoa`).
 *
 * @param packed - exactly 4 bytes
 * @returns `'a.b.c.d'`
 * @throws {OSError} EINVAL `'packed IP wrong length for inet_ntoa'`
 */
export function inetNtoa(packed: BytesLike): string {
	const n = byteLength(packed);
	if (n !== 4) {
		throw osError(E.EINVAL, 'packed IP wrong length for inet_ntoa', 'inet_ntoa');
	}

	const bytes = ArrayBuffer.isView(packed)
		? new Uint8Array(packed.buffer, packed.byteOffset, 4)
		: new Uint8Array(packed);
	return [...bytes].join('.');
}

function unsigned(value: unknown, bits: 16 | 32, fn: string): number {
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		throw argTypeError(`${fn}(): expected an integer, not ${typeName(value)}`);
	}

	if (value < 0) {
		throw argRangeError(`${fn}: can't convert negative Python int to C ${bits}-bit unsigned integer`);
	}

	if (value >= 2 ** bits) {
		throw argRangeError(`${fn}: Python int too large to convert to C ${bits}-bit unsigned integer`);
	}

	return value;
}

function swap16(x: number): number {
	return bigEndian ? x : ((x & 0xff) << 8) | (x >>> 8);
}

function swap32(x: number): number {
	return bigEndian
		? x
		: (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

/**
 * Host to network byte order, 16 bits (Python's `socket.htons`).
 *
 * @param x - 0-65535
 * @returns the swapped value (unchanged on big-endian machines)
 * @throws {RangeError} outside 0-65535 (Python: OverflowError)
 */
export function htons(x: number): number {
	return swap16(unsigned(x, 16, 'htons'));
}

/**
 * Network to host byte order, 16 bits (Python's `socket.ntohs`).
 *
 * @param x - 0-65535
 * @returns the swapped value
 * @throws {RangeError} outside 0-65535
 */
export function ntohs(x: number): number {
	return swap16(unsigned(x, 16, 'ntohs'));
}

/**
 * Host to network byte order, 32 bits (Python's `socket.htonl`).
 *
 * @param x - 0-4294967295
 * @returns the swapped value
 * @throws {RangeError} outside 0-4294967295
 */
export function htonl(x: number): number {
	return swap32(unsigned(x, 32, 'htonl'));
}

/**
 * Network to host byte order, 32 bits (Python's `socket.ntohl`).
 *
 * @param x - 0-4294967295
 * @returns the swapped value
 * @throws {RangeError} outside 0-4294967295
 */
export function ntohl(x: number): number {
	return swap32(unsigned(x, 32, 'ntohl'));
}

function protoArg(proto: unknown, fn: string): string | null {
	return proto === undefined || proto === null ? null : stringArg(proto, 'protocolname', fn);
}

/**
 * The port of a service name from the services database, /etc/services
 * (Python's `socket.getservbyname(servicename[, protocolname])`).
 *
 * @param name - `'http'` …
 * @param proto - `'tcp'`, `'udp'`, or omitted for any
 * @returns the port
 * @throws {OSError} ENOENT `'service/proto not found'`
 */
export function getservbyname(name: string, proto?: string | null): number {
	const service = stringArg(name, 'servicename', 'getservbyname');
	const ret = native.getservbyname(service, protoArg(proto, 'getservbyname'));
	if (ret < 0) {
		throw osError(E.ENOENT, 'service/proto not found', 'getservbyname');
	}

	return ret;
}

/**
 * The service name of a port (Python's `socket.getservbyport(port[, protocolname])`).
 *
 * @param port - 0-65535
 * @param proto - `'tcp'`, `'udp'`, or omitted for any
 * @returns the name
 * @throws {RangeError} `'getservbyport: port must be 0-65535.'` (Python: OverflowError)
 * @throws {OSError} ENOENT `'port/proto not found'`
 */
export function getservbyport(port: number, proto?: string | null): string {
	const p = toInt32(port, 'port');
	if (p < 0 || p > 0xffff) {
		throw argRangeError('getservbyport: port must be 0-65535.');
	}

	const ret = native.getservbyport(p, protoArg(proto, 'getservbyport'));
	if (ret === null) {
		throw osError(E.ENOENT, 'port/proto not found', 'getservbyport');
	}

	return ret;
}

/**
 * A protocol's number from the protocols database, /etc/protocols (Python's
 * `socket.getprotobyname`).
 *
 * @param name - `'tcp'`, `'udp'`, `'icmp'` …
 * @returns the number (`IPPROTO_*`)
 * @throws {OSError} ENOENT `'protocol not found'`
 */
export function getprotobyname(name: string): number {
	const ret = native.getprotobyname(stringArg(name, 'protocolname', 'getprotobyname'));
	if (ret < 0) {
		throw osError(E.ENOENT, 'protocol not found', 'getprotobyname');
	}

	return ret;
}

/**
 * A network interface's index (Python's `socket.if_nametoindex`).
 *
 * @param name - `'lo'` …
 * @returns the index (> 0)
 * @throws {OSError} ENODEV `'no interface with this name'`
 */
export function ifNametoindex(name: string): number {
	const ret = native.ifNametoindex(stringArg(name, 'if_name', 'if_nametoindex'));
	if (ret === 0) {
		throw osError(E.ENODEV, 'no interface with this name', 'if_nametoindex');
	}

	return ret;
}

/**
 * A network interface's name (Python's `socket.if_indextoname`).
 *
 * @param index - the interface index
 * @returns the name
 * @throws {RangeError} for an index outside 0-4294967295 (Python: OverflowError)
 * @throws {OSError} ENXIO for no such interface
 */
export function ifIndextoname(index: number): string {
	const i = unsigned(index, 32, 'if_indextoname');
	const ret = native.ifIndextoname(i);
	if (typeof ret === 'number') {
		throw OSError.fromErrno(-ret, 'if_indextoname');
	}

	return ret;
}

/**
 * Every network interface as `[index, name]` (Python's `socket.if_nameindex`).
 *
 * @returns the list
 * @throws {OSError} if if_nameindex(3) fails
 */
export function ifNameindex(): Array<[index: number, name: string]> {
	const ret = native.ifNameindex();
	if (typeof ret === 'number') {
		throw OSError.fromErrno(-ret, 'if_nameindex');
	}

	return ret.map(([i, n]) => [i, n]);
}
