/**
 * Shared internals of the socket and os modules: argument checks, the
 * result-buffer policy of `recv`/`read`, and the private poll() wait that
 * gives a non-blocking fd Python's blocking and timeout behaviour.
 *
 * @internal
 * @module
 */
import {Buffer} from 'node:buffer';
import {endianness} from 'node:os';
import {constants as osConstants} from 'node:os';
import {OSError, TimeoutError, ValueError} from '../errors.js';
import {constant, native} from '../native.js';
import {runPendingSignalHandlers} from '../signal/pending.js';
import {clampWaitMs, remainingMs} from '../time.js';

const E = osConstants.errno;

// Positive errnos the retry loops compare against (as `-ret`).
/** Resource temporarily unavailable. */
export const EAGAIN = E.EAGAIN;
/** Same as EAGAIN on Linux; distinct on some systems. */
export const EWOULDBLOCK = E.EWOULDBLOCK;
/** Interrupted system call: retried (PEP 475). */
export const EINTR = E.EINTR;
/** Non-blocking connect under way. */
export const EINPROGRESS = E.EINPROGRESS;
/** Already connected (SO_ERROR after a completed connect on some systems). */
export const EISCONN = E.EISCONN;
/** Bad file descriptor (a closed socket). */
export const EBADF = E.EBADF;
/** Connection reset (ignored by close(), as in Python). */
export const ECONNRESET = E.ECONNRESET;
/** The errno of a socket timeout. */
export const ETIMEDOUT = E.ETIMEDOUT;

/** poll(2) readable. */
export const POLLIN = constant('POLLIN');
/** poll(2) writable. */
export const POLLOUT = constant('POLLOUT');

/** A short description of a value's type for TypeError messages. */
export function typeName(value: unknown): string {
	if (value === null) {
		return 'null';
	}

	if (Array.isArray(value)) {
		return 'array';
	}

	if (typeof value === 'object') {
		return (value as object).constructor?.name ?? 'object';
	}

	return typeof value;
}

/**
 * `value` as a C int: TypeError unless it is an integer (Python's
 * "'str' object cannot be interpreted as an integer"), RangeError outside
 * the int32 range (Python's OverflowError).
 */
export function toInt32(value: unknown, name: string): number {
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		throw new TypeError(`${name} must be an integer, not ${typeName(value)}`);
	}

	if (value < -0x8000_0000 || value > 0x7fff_ffff) {
		throw new RangeError(`${name} is out of range for a C int: ${value}`);
	}

	return value;
}

/** A buffer size for recv/read: integer in [0, 2^31 - 1]; negative -> ValueError (Python). */
export function toBufsize(value: unknown, syscall: string): number {
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		throw new TypeError(`${syscall}(): buffer size must be an integer, not ${typeName(value)}`);
	}

	if (value < 0) {
		throw new ValueError(`negative buffersize in ${syscall}`, 'ERR_INVALID_BUFSIZE');
	}

	if (value > 0x7fff_ffff) {
		throw new RangeError(`${syscall}(): buffer size too large: ${value}`);
	}

	return value;
}

/** Bytes the native layer can read from or write into. */
export type BytesLike = ArrayBufferView | ArrayBuffer;

/** `data.byteLength`, or TypeError when `data` is not bytes (Python: "a bytes-like object is required"). */
export function byteLength(data: unknown, what = 'a bytes-like object'): number {
	if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) {
		return data.byteLength;
	}

	throw new TypeError(`${what} is required (Buffer, TypedArray, DataView or ArrayBuffer), not ${typeName(data)}`);
}

// Result buffers for recv(n) / read(n). A read of up to SCRATCH_SIZE bytes
// goes into one reusable scratch buffer and the bytes received are copied into
// a Buffer of exactly that size: one allocation per call, and a 64 KiB
// recv() that returns 10 bytes keeps 10 bytes alive, not 64 KiB. A larger
// read gets its own buffer, returned as is (or as a view) when at least half
// of it was filled, copied otherwise: never more than 2x the bytes retained.
const SCRATCH_SIZE = 64 * 1024;
let scratch: Buffer | undefined;

/** A buffer to receive up to `n` bytes into (possibly the shared scratch). */
export function receiveBuffer(n: number): Buffer {
	if (n <= SCRATCH_SIZE) {
		scratch ??= Buffer.allocUnsafeSlow(SCRATCH_SIZE);
		return scratch;
	}

	return Buffer.allocUnsafeSlow(n);
}

/** The first `count` bytes of a {@link receiveBuffer} result as a Buffer the caller may keep. */
export function receivedBytes(buf: Buffer, count: number): Buffer {
	if (count === 0) {
		return Buffer.alloc(0);
	}

	if (buf !== scratch) {
		if (count === buf.length) {
			return buf;
		}

		if (count >= buf.length >>> 1) {
			return buf.subarray(0, count);
		}
	}

	const out = Buffer.allocUnsafe(count);
	buf.copy(out, 0, 0, count);
	return out;
}

// The private poll() wait. One struct pollfd (int fd; short events; short
// revents) laid out in an Int32Array: `events` is the low half of the second
// int on little-endian machines and the high half on big-endian ones.
const pollfd = new Int32Array(2);
const pollOut = new Int32Array(2);
const eventsShift = endianness() === 'LE' ? 0 : 16;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Sleeps (blocking the thread) until the monotonic time `deadline` (ms);
 * returns at once if it has passed. Used where poll() cannot tell when to retry.
 */
export function sleepUntil(deadline: number): void {
	for (;;) {
		const ms = remainingMs(deadline);
		if (ms <= 0) {
			return;
		}

		Atomics.wait(sleeper, 0, 0, ms);
	}
}

/** The error Python raises when a socket timeout expires: `TimeoutError('timed out')`. */
export function timedOut(syscall: string): TimeoutError {
	return new TimeoutError(ETIMEDOUT, 'timed out', {syscall, message: 'timed out'});
}

/**
 * Waits until `fd` is ready for `events` (POLLIN/POLLOUT) or `deadline` (a
 * monotonic ms value; `Infinity` = forever) passes, as CPython's
 * `sock_call_ex` does with its internal poll: EINTR is retried with the
 * remaining time recomputed from the monotonic clock, and so is a wait cut
 * short by the per-call cap of the kernel's int timeout. Error and hang-up
 * conditions count as ready: the retried system call then reports them.
 * Blocks the calling thread (the Node event loop when on the main thread).
 *
 * @throws {TimeoutError} `'timed out'` once the deadline has passed
 * @throws {OSError} if poll() itself fails
 */
export function waitFd(fd: number, events: number, deadline: number, syscall: string): void {
	for (;;) {
		// Signal handlers (node-selectors/signal) before each wait: first, and after EINTR.
		runPendingSignalHandlers();
		let ms = -1;
		if (deadline !== Number.POSITIVE_INFINITY) {
			ms = remainingMs(deadline);
			if (ms <= 0) {
				throw timedOut(syscall);
			}

			ms = clampWaitMs(ms);
		}

		pollfd[0] = fd;
		pollfd[1] = events << eventsShift;
		const ret = native.poll(pollfd, 1, ms, pollOut);
		if (ret > 0) {
			return;
		}

		if (ret < 0 && ret !== -EINTR) {
			throw OSError.fromErrno(-ret, 'poll');
		}
		// 0 (timeout or a capped wait) or EINTR: loop, recomputing the time left.
	}
}
