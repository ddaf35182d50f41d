/**
 * `Socket.sendfile()`: Python's `socket.sendfile(file, offset, count)`
 * (Lib/socket.py, `_sendfile_use_sendfile` with the fallback
 * `_sendfile_use_send`) over the socket I/O loop.
 *
 * @internal
 * @module
 */
import {Buffer} from 'node:buffer';
import {fstatSync} from 'node:fs';
import {constants as osConstants} from 'node:os';
import {typeName} from '../args.js';
import {argTypeError, ValueError} from '../errors.js';
import {constant, native} from '../native.js';
import {toOffset} from '../os.js';
import {MSG_DONTWAIT, MSG_NOSIGNAL, SOCK_STREAM} from './constants.js';
import {ioError, isWouldBlock, sockCall, TIMED_OUT, WAIT_READ, WAIT_WRITE} from './io.js';

/**
 * What `Socket.sendfile()` reads from: an fd number, a `fs/promises`
 * `FileHandle` (or anything with a numeric `fd`, such as an open
 * `fs.ReadStream`), or an object with a `fileno()` method.
 */
export type SendfileSource = number | {readonly fd: number} | {fileno(): number};

const SEEK_SET = constant('SEEK_SET');
const ESPIPE = osConstants.errno.ESPIPE;
/** The largest sendfile(2) per call, as CPython's (2**30). */
const SENDFILE_BLOCK = 2 ** 30;
/** The read size of the send() fallback. */
const SEND_BLOCK = 64 * 1024;
const SEND_FLAGS = (MSG_NOSIGNAL ?? 0) | (MSG_DONTWAIT ?? 0);

/** The fd of a {@link SendfileSource}. */
function sourceFd(file: unknown): number {
	let fd: unknown = file;
	if (typeof file === 'object' && file !== null) {
		if (typeof (file as {fileno?: unknown}).fileno === 'function') {
			fd = (file as {fileno(): unknown}).fileno();
		} else if ('fd' in file) {
			fd = file.fd;
		}
	}

	if (typeof fd !== 'number' || !Number.isInteger(fd)) {
		throw argTypeError(
			`sendfile(): file must be an fd, a FileHandle or an object with fileno(), not ${typeName(file)}`,
		);
	}

	if (fd < 0) {
		throw new ValueError('sendfile(): the file is closed (negative fd)', 'ERR_INVALID_FD');
	}

	return fd;
}

/** sendfile(2) as an I/O loop step. */
function sendfileStep(fd: number, inFd: number, offset: number, count: number): number {
	return native.sendfile(fd, inFd, offset, count);
}

/** `sendfile()`'s arguments as given: `file, offset, count`. */
type SendfileRequest = [file: unknown, offset: unknown, count: unknown];

/** Checked `sendfile()` arguments: the file's fd, the first byte, the most bytes. */
type SendfilePlan = readonly [inFd: number, start: number, limit: number];

/**
 * CPython's `_check_sendfile_params` and its refusal of non-blocking
 * sockets (Lib/socket.py), in that order.
 */
function sendfilePlan(
	type: number,
	timeoutMs: number,
	file: unknown,
	offset: unknown,
	count: unknown,
): SendfilePlan {
	const inFd = sourceFd(file);
	const start = toOffset(offset, 'offset');
	if (count !== null && count !== undefined) {
		if (typeof count !== 'number' || !Number.isInteger(count)) {
			throw argTypeError(`count must be a positive integer (got ${typeName(count)})`);
		}

		if (count <= 0) {
			throw new ValueError(`count must be a positive integer (got ${count})`, 'ERR_OUT_OF_RANGE');
		}
	}

	const limit = typeof count === 'number' ? count : Number.POSITIVE_INFINITY;
	if (type !== SOCK_STREAM) {
		throw new ValueError('only SOCK_STREAM type sockets are supported', 'ERR_INVALID_ARG_VALUE');
	}

	if (timeoutMs === 0) {
		throw new ValueError('non-blocking sockets are not supported', 'ERR_INVALID_ARG_VALUE');
	}

	return [inFd, start, limit];
}

/**
 * Writes `length` bytes of `chunk` from `offset` to the connection, waiting
 * as its mode says; returns how many it took (at least 1), or throws.
 */
export type SendChunk = (chunk: Buffer, offset: number, length: number) => number;

/**
 * Python's `socket.sendfile()` for a socket with this fd, type and timeout.
 *
 * @returns the bytes sent
 * @internal
 */
export function socketSendfile(
	fd: number,
	type: number,
	timeoutMs: number,
	file: unknown,
	offset: unknown,
	count: unknown,
): number {
	const [inFd, start, limit] = sendfilePlan(type, timeoutMs, file, offset, count);
	let size = 0;
	try {
		size = fstatSync(inFd).size;
	} catch {
		// CPython gives up on sendfile(2) when fstat fails: send() reports the error.
	}

	if (size > 0) {
		const sent = viaSendfile(fd, timeoutMs, inFd, start, limit, Math.min(limit, size, SENDFILE_BLOCK));
		if (sent >= 0) {
			return sent;
		}
	}

	return viaSend(inFd, timeoutMs, start, limit, (chunk, from, length) => {
		const ret = sockCall(fd, timeoutMs, WAIT_WRITE, native.send, chunk, from, length, SEND_FLAGS);
		if (ret < 0) {
			throw ioError(ret, 'send');
		}

		return ret;
	});
}

/**
 * `sendfile()` on a connection whose bytes must go through its own `send`
 * (an SSLSocket: the kernel's sendfile would bypass TLS): CPython's
 * `SSLSocket.sendfile`, which uses `_sendfile_use_send` (Lib/ssl.py), with
 * the same argument checks and file position as {@link socketSendfile}.
 *
 * @returns the bytes sent
 * @internal
 */
export function sendfileThrough(
	send: SendChunk,
	type: number,
	timeoutMs: number,
	...request: SendfileRequest
): number {
	const [inFd, start, limit] = sendfilePlan(type, timeoutMs, ...request);
	return viaSend(inFd, timeoutMs, start, limit, send);
}

/** Sets the file position after a transfer, as CPython's `file.seek(offset)`; a pipe has none (ESPIPE is ignored). */
function seekTo(inFd: number, position: number): void {
	const ret = native.lseek(inFd, position, SEEK_SET);
	if (ret < 0 && ret !== -ESPIPE) {
		throw ioError(ret, 'lseek');
	}
}

/**
 * The zero-copy path. @returns the bytes sent, or -1 when the kernel refused
 * the first sendfile(2) (CPython's `_GiveupOnSendfile`: use send() instead)
 */
function viaSendfile(
	fd: number,
	timeoutMs: number,
	inFd: number,
	start: number,
	limit: number,
	block: number,
): number {
	let total = 0;
	try {
		while (total < limit) {
			const left = limit - total;
			const ret = sockCall(
				fd,
				timeoutMs,
				WAIT_WRITE,
				sendfileStep,
				inFd,
				start + total,
				left < block ? left : block,
				undefined,
			);
			if (ret < 0) {
				if (total === 0 && ret !== TIMED_OUT && !isWouldBlock(ret)) {
					return -1;
				}

				throw ioError(ret, 'sendfile');
			}

			if (ret === 0) {
				break; // end of file
			}

			total += ret;
		}

		return total;
	} finally {
		if (total > 0) {
			seekTo(inFd, start + total);
		}
	}
}

/** The fallback: read() then `send` (CPython's `_sendfile_use_send`). */
function viaSend(inFd: number, timeoutMs: number, start: number, limit: number, send: SendChunk): number {
	seekTo(inFd, start);
	const chunk = Buffer.allocUnsafe(SEND_BLOCK);
	let total = 0;
	try {
		while (total < limit) {
			const left = limit - total;
			const n = sockCall(
				inFd,
				timeoutMs,
				WAIT_READ,
				native.read,
				chunk,
				0,
				left < SEND_BLOCK ? left : SEND_BLOCK,
				undefined,
			);
			if (n < 0) {
				throw ioError(n, 'read');
			}

			if (n === 0) {
				break;
			}

			for (let sent = 0; sent < n;) {
				const ret = send(chunk, sent, n - sent);
				sent += ret;
				total += ret;
			}
		}

		return total;
	} finally {
		if (total > 0) {
			seekTo(inFd, start + total);
		}
	}
}
