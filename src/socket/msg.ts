/**
 * Messages with ancillary data: the argument checks and result shapes of
 * Python's `sendmsg()`, `recvmsg()` and `recvmsg_into()` (one sendmsg(2) or
 * recvmsg(2) per step of the socket I/O loop), `CMSG_LEN`/`CMSG_SPACE`, and
 * the fd-passing helpers `sendFds`/`recvFds` (Python 3.9's `send_fds` /
 * `recv_fds`).
 *
 * Received file descriptors are close-on-exec (MSG_CMSG_CLOEXEC on Linux,
 * FD_CLOEXEC set right after the call elsewhere). They arrive as they were
 * sent: a received socket or pipe keeps its O_NONBLOCK flag, which belongs to
 * the file description the sender shares.
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {toBufsize, toInt32, typeName} from '../args.js';
import {byteLength, type BytesLike, receiveBuffer, receivedBytes} from '../bytes.js';
import {argRangeError, argTypeError, ValueError} from '../errors.js';
import {native, type NativeMessage} from '../native.js';
import {addressArgs, type SockAddr, type SocketAddress, toAddress} from './address.js';
import {MSG_CTRUNC, SCM_RIGHTS, SO_PASSCRED, SOL_SOCKET} from './constants.js';
import {ioError, sockCall, WAIT_READ} from './io.js';

/** One ancillary data item, as Python's `(cmsg_level, cmsg_type, cmsg_data)`. */
export type AncillaryItem = [level: number, type: number, data: Buffer];

/** What {@link Socket.recvmsg} returns: `(data, ancdata, msg_flags, address)`. */
export type RecvmsgResult = [
	data: Buffer,
	ancdata: AncillaryItem[],
	msgFlags: number,
	address: SocketAddress | null,
];

/** What {@link Socket.recvmsgInto} returns: `(nbytes, ancdata, msg_flags, address)`. */
export type RecvmsgIntoResult = [
	nbytes: number,
	ancdata: AncillaryItem[],
	msgFlags: number,
	address: SocketAddress | null,
];

/** The size of a C int, the unit of SCM_RIGHTS data. */
const INT_SIZE = 4;
/** The largest `n` CMSG_LEN/CMSG_SPACE take: the result must fit a socklen_t (CPython checks the same bound). */
const CMSG_MAX = 0x7fff_ffff - 64;

function cmsgArg(n: unknown, fn: string): number {
	if (typeof n !== 'number' || !Number.isInteger(n)) {
		throw argTypeError(`${fn}(): length must be an integer, not ${typeName(n)}`);
	}

	if (n < 0 || n > CMSG_MAX) {
		throw argRangeError(`${fn}() argument out of range`);
	}

	return n;
}

/**
 * The `cmsg_len` of an ancillary item with `length` bytes of data: the
 * header plus the data, without trailing padding (Python's
 * `socket.CMSG_LEN`). Pass it as `ancbufsize` to receive exactly one item
 * (the last item needs no padding).
 *
 * @param length - bytes of data
 * @returns the C macro's value
 * @throws {TypeError} if `length` is not an integer
 * @throws {RangeError} if `length` is negative or too large (Python: OverflowError)
 */
export function CMSG_LEN(length: number): number {
	return native.cmsgLen(cmsgArg(length, 'CMSG_LEN'));
}

/**
 * The buffer space an ancillary item with `length` bytes of data takes,
 * padding included (Python's `socket.CMSG_SPACE`): sum it over the items to
 * size `ancbufsize` for several.
 *
 * @param length - bytes of data
 * @returns the C macro's value
 * @throws {TypeError} if `length` is not an integer
 * @throws {RangeError} if `length` is negative or too large (Python: OverflowError)
 */
export function CMSG_SPACE(length: number): number {
	return native.cmsgSpace(cmsgArg(length, 'CMSG_SPACE'));
}

/**
 * `buffers` as an array of bytes (Python: "sendmsg() argument 1 must be an iterable").
 *
 * @internal
 */
export function toBufferList(buffers: unknown, fn: string): BytesLike[] {
	if (
		buffers === null ||
		typeof buffers !== 'object' ||
		!(Symbol.iterator in buffers) ||
		ArrayBuffer.isView(buffers)
	) {
		throw argTypeError(
			`${fn}() argument 1 must be an iterable of bytes-like objects, not ${typeName(buffers)}`,
		);
	}

	const list = [...(buffers as Iterable<unknown>)];
	for (const item of list) {
		byteLength(item, `${fn}() argument 1: a bytes-like object`);
	}

	return list as BytesLike[];
}

/**
 * Python's ancdata check: an iterable of `[level, type, data]`.
 *
 * @internal
 */
export function toAncillary(ancdata: unknown): Array<readonly [number, number, BytesLike]> {
	if (ancdata === undefined || ancdata === null) {
		return [];
	}

	if (typeof ancdata !== 'object' || !(Symbol.iterator in ancdata)) {
		throw argTypeError(`sendmsg() argument 2 must be an iterable, not ${typeName(ancdata)}`);
	}

	const list: Array<readonly [number, number, BytesLike]> = [];
	for (const item of ancdata as Iterable<unknown>) {
		if (!Array.isArray(item) || item.length !== 3) {
			throw argTypeError('[sendmsg() ancillary data items]() argument must be sequence of length 3');
		}

		const [level, type, data] = item as unknown[];
		byteLength(data, 'sendmsg(): ancillary data: a bytes-like object');
		list.push([toInt32(level, 'cmsg_level'), toInt32(type, 'cmsg_type'), data as BytesLike]);
	}

	return list;
}

/**
 * The ancbufsize argument: an integer >= 0 (Python: ValueError "negative buffer size in recvmsg()").
 *
 * @internal
 */
export function toAncbufsize(value: unknown, fn: string): number {
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		throw argTypeError(`${fn}(): ancbufsize must be an integer, not ${typeName(value)}`);
	}

	if (value < 0) {
		throw new ValueError(`negative buffer size in ${fn}()`, 'ERR_INVALID_BUFSIZE');
	}

	if (value > 0x7fff_ffff) {
		throw argRangeError(`${fn}(): ancbufsize too large: ${value}`);
	}

	return value;
}

/**
 * sendmsg(2) with the address in the addon's form (or none).
 *
 * @internal
 */
export function sendmsgStep(
	fd: number,
	buffers: readonly BytesLike[],
	ancdata: ReadonlyArray<readonly [number, number, BytesLike]>,
	flags: number,
	addr: SockAddr | null,
): number {
	return native.sendmsg(fd, buffers, ancdata, flags, ...addressArgs(addr));
}

/** The control buffer for `size` bytes: its own ArrayBuffer, so aligned for struct cmsghdr. */
function controlBuffer(size: number): Buffer {
	return size === 0 ? Buffer.alloc(0) : Buffer.allocUnsafeSlow(size);
}

/** The ancillary items of a recvmsg result, each with a copy of its data. */
function ancillaryItems(control: Buffer, message: NativeMessage): AncillaryItem[] {
	return message[3].map(([level, type, offset, length]) => [
		level,
		type,
		Buffer.from(control.subarray(offset, offset + length)),
	]);
}

/**
 * One recvmsg through the I/O loop.
 *
 * @internal
 */
export function recvmsgCall(
	fd: number,
	timeoutMs: number,
	buffers: readonly BytesLike[],
	ancbufsize: number,
	flags: number,
): [NativeMessage, AncillaryItem[]] {
	const control = controlBuffer(ancbufsize);
	const ret = sockCall(fd, timeoutMs, WAIT_READ, native.recvmsg, buffers, control, flags, undefined);
	if (typeof ret === 'number') {
		throw ioError(ret, 'recvmsg');
	}

	return [ret, ancillaryItems(control, ret)];
}

/**
 * Python's `recvmsg(bufsize, ancbufsize, flags)` over {@link recvmsgCall}.
 *
 * @internal
 */
export function recvmsgBytes(
	fd: number,
	timeoutMs: number,
	bufsize: number,
	ancbufsize: number,
	flags: number,
): RecvmsgResult {
	const n = toBufsize(bufsize, 'recvmsg');
	const anc = toAncbufsize(ancbufsize, 'recvmsg');
	const buf = receiveBuffer(n);
	const [message, items] = recvmsgCall(fd, timeoutMs, [buf.subarray(0, n)], anc, flags);
	const got = message[0] < n ? message[0] : n;
	return [receivedBytes(buf, got), items, message[1], toAddress(message[2])];
}

/** SCM_RIGHTS data is C ints in the machine's byte order. */
const isLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The fds of the SCM_RIGHTS items, in order. */
function rightsFds(items: readonly AncillaryItem[]): number[] {
	const fds: number[] = [];
	for (const [level, type, data] of items) {
		if (level === SOL_SOCKET && type === SCM_RIGHTS) {
			const whole = data.length - (data.length % INT_SIZE);
			for (let i = 0; i < whole; i += INT_SIZE) {
				fds.push(isLittleEndian ? data.readInt32LE(i) : data.readInt32BE(i));
			}
		}
	}

	return fds;
}

/** What {@link sendFds} and {@link recvFds} need of a socket (a {@link Socket} has it). */
export interface MessageSocket {
	sendmsg(
		buffers: Iterable<BytesLike>,
		ancdata?: Iterable<readonly [number, number, BytesLike]>,
		flags?: number,
		address?: unknown,
	): number;
	recvmsg(bufsize: number, ancbufsize?: number, flags?: number): RecvmsgResult;
	/** Read by {@link recvFds} for `SO_PASSCRED`, when the socket has it. */
	getsockopt?(level: number, option: number): number;
}

/** The size of a `struct ucred` (pid, uid, gid), the data of SCM_CREDENTIALS. */
const UCRED_SIZE = 3 * INT_SIZE;

/**
 * The control space a credentials item takes ahead of the fds: with
 * SO_PASSCRED on, Linux writes SCM_CREDENTIALS into every message before
 * SCM_RIGHTS (`scm_recv()`, include/net/scm.h), and without room for it the
 * fds would be cut off.
 */
function credentialsSpace(sock: MessageSocket): number {
	if (SO_PASSCRED === undefined || typeof sock.getsockopt !== 'function') {
		return 0;
	}

	return sock.getsockopt(SOL_SOCKET, SO_PASSCRED) === 0 ? 0 : CMSG_SPACE(UCRED_SIZE);
}

function requireRights(): number {
	if (SCM_RIGHTS === undefined) {
		throw new ValueError('SCM_RIGHTS is not available on this platform', 'ERR_NOT_SUPPORTED');
	}

	return SCM_RIGHTS;
}

/**
 * Sends `fds` with the data in `buffers` as one SCM_RIGHTS message over an
 * AF_UNIX socket (Python 3.9's `socket.send_fds`). The receiver gets new fds
 * for the same open files; the sender's stay open (close them when done).
 * On a stream socket send at least one byte: the kernel attaches the fds to
 * the data, and a message of no bytes is not sent at all.
 *
 * @param sock - an AF_UNIX socket
 * @param buffers - the data, an iterable of bytes
 * @param fds - the file descriptors (C ints)
 * @param flags - `MSG_*` flags
 * @param address - the destination, for an unconnected datagram socket
 * @returns the number of data bytes sent
 * @throws {TypeError} if `fds` is not an iterable of integers
 * @throws {OSError} EBADF if an fd is not open, ETOOMANYREFS/EINVAL past the kernel's limit (253 per message on Linux), and as {@link Socket.sendmsg}
 */
export function sendFds(
	sock: MessageSocket,
	buffers: Iterable<BytesLike>,
	fds: Iterable<number>,
	flags = 0,
	address?: unknown,
): number {
	const rights = requireRights();
	if (fds === null || typeof fds !== 'object' || !(Symbol.iterator in fds)) {
		throw argTypeError(`send_fds(): fds must be an iterable of integers, not ${typeName(fds)}`);
	}

	const list = Int32Array.from(fds as Iterable<unknown>, fd => toInt32(fd, 'fd'));
	return sock.sendmsg(buffers, [[SOL_SOCKET, rights, list]], flags, address);
}

/**
 * Receives up to `bufsize` bytes and up to `maxfds` file descriptors
 * (Python 3.9's `socket.recv_fds`). The fds are new, close-on-exec, and
 * the caller's to close.
 *
 * **Truncation:** when more fds came than `maxfds` allows, the kernel drops
 * the extra ones and sets `MSG_CTRUNC`. Then this function also closes the
 * fds that did arrive and returns an empty list (with `MSG_CTRUNC` in the
 * flags), so a truncated message never leaks fds nobody knows about. Python's
 * `recv_fds` returns the fds that arrived instead. The raw {@link
 * Socket.recvmsg} does not close anything either: its caller gets every fd
 * that arrived (in the SCM_RIGHTS items) and owns them, `MSG_CTRUNC` or not.
 *
 * **SO_PASSCRED:** on a socket with it on, every message also carries
 * SCM_CREDENTIALS, ahead of the fds; this function makes room for it (Python's
 * `recv_fds` does not, and loses the fds to `MSG_CTRUNC`). The credentials
 * are not returned: use {@link Socket.recvmsg} to see them.
 *
 * @param sock - an AF_UNIX socket
 * @param bufsize - the most data bytes to receive
 * @param maxfds - the most fds to accept
 * @param flags - `MSG_*` flags
 * @returns `[data, fds, msgFlags, address]`
 * @throws {ValueError} if `bufsize` is negative
 * @throws {RangeError} if `maxfds` is negative or too large
 * @throws {BlockingIOError | TimeoutError | OSError} as {@link Socket.recv}
 */
export function recvFds(
	sock: MessageSocket,
	bufsize: number,
	maxfds: number,
	flags = 0,
): [data: Buffer, fds: number[], msgFlags: number, address: SocketAddress | null] {
	requireRights();
	const max = toInt32(maxfds, 'maxfds');
	if (max < 0 || max > CMSG_MAX / INT_SIZE) {
		throw argRangeError(`recv_fds(): maxfds out of range: ${max}`);
	}

	const ancbufsize = credentialsSpace(sock) + CMSG_LEN(max * INT_SIZE);
	const [data, items, msgFlags, address] = sock.recvmsg(bufsize, ancbufsize, flags);
	const fds = rightsFds(items);
	if ((msgFlags & MSG_CTRUNC) !== 0) {
		for (const fd of fds) {
			native.close(fd);
		}

		return [data, [], msgFlags, address];
	}

	return [data, fds, msgFlags, address];
}
