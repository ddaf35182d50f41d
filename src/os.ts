/**
 * `node-selectors/os`: the slice of Python's `os` (and `resource`) module that
 * selector users need — pipes and raw fd I/O, blocking flags, and the
 * RLIMIT_NOFILE limit.
 *
 * These are thin: one system call each (EINTR retried, PEP 475), no waiting.
 * On a non-blocking fd, `read`/`write` throw {@link BlockingIOError} when
 * they would block; on a **blocking** fd they block the calling thread —
 * the Node event loop on the main thread — inside the system call, exactly
 * as Python's `os.read` does. In a worker thread, `read`, `write` and
 * `sendfile` on a blocking fd first wait in poll(2) slices of a quarter
 * second for it to be ready, and `write`/`sendfile` there take at most
 * PIPE_BUF bytes a call (a partial write, as Python's `os.write` may make),
 * so that `worker.terminate()` and `process.exit()` can stop the worker (one
 * fcntl per call in workers, plus a poll for a blocking fd; nothing is added
 * on the main thread).
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {constants as osConstants} from 'node:os';
import {toBufsize, toInt32, typeName} from './args.js';
import {byteLength, type BytesLike, receiveBuffer, receivedBytes} from './bytes.js';
import {argRangeError, argTypeError, OSError, ValueError, check, strerror as errnoText} from './errors.js';
import {CLOEXEC, getFdFlag, NONBLOCK, POLLIN, POLLOUT, setFdFlag, waitReadyInWorker} from './fd-flags.js';
import {native} from './native.js';
import {PIPE_BUF} from './select/constants.js';

export type {BytesLike};

const EINTR = osConstants.errno.EINTR;

/** Longest single read/write length the addon takes. */
const MAX_CHUNK = 0x7fff_f000;

/** `RLIM_INFINITY` as {@link getrlimitNofile} reports it and {@link setrlimitNofile} takes it. */
export const RLIM_INFINITY = -1;

const pipeOut = new Int32Array(2);
const rlimitOut = new Float64Array(2);

function toFd(fd: unknown): number {
	return toInt32(fd, 'fd');
}

/**
 * Creates a pipe (Python's `os.pipe()`): `[readEnd, writeEnd]`, both
 * close-on-exec (not inherited across exec, as Python's since 3.4).
 *
 * **Deliberate difference from Python:** both ends are **non-blocking**
 * (Python's are blocking). Every fd this package creates is non-blocking,
 * because pipes here serve selectors (self-pipe wake-ups, child output) and a
 * blocking read on an empty pipe would freeze the Node event loop with no way
 * out. Call `setBlocking(fd, true)` on an end for Python's behaviour.
 *
 * @returns `[r, w]` file descriptors; close both with {@link close}
 * @throws {OSError} EMFILE, ENFILE
 */
export function pipe(): [r: number, w: number] {
	check(native.pipe(pipeOut), 'pipe');
	return [pipeOut[0] ?? -1, pipeOut[1] ?? -1];
}

/**
 * Reads at most `n` bytes from `fd` (Python's `os.read`).
 *
 * @param fd - any readable fd
 * @param n - the most bytes to return
 * @returns exactly the bytes read; empty at end of file
 * @throws {BlockingIOError} on a non-blocking fd with nothing to read (from `./errors.js`, re-exported here)
 * @throws {ValueError} if `n` is negative
 * @throws {OSError} EBADF …
 */
export function read(fd: number, n: number): Buffer {
	const f = toFd(fd);
	const size = toBufsize(n, 'read');
	const buf = receiveBuffer(size);
	waitReadyInWorker(f, POLLIN);
	for (;;) {
		const ret = native.read(f, buf, 0, size);
		if (ret >= 0) {
			return receivedBytes(buf, ret);
		}

		if (ret !== -EINTR) {
			throw OSError.fromErrno(-ret, 'read');
		}
	}
}

/**
 * Writes bytes to `fd` (Python's `os.write`); may write fewer than given.
 *
 * @param fd - any writable fd
 * @param data - the bytes
 * @returns the number of bytes written
 * @throws {BlockingIOError} on a non-blocking fd that is full
 * @throws {BrokenPipeError} EPIPE when the read end is closed (Node ignores SIGPIPE)
 * @throws {TypeError} if `data` is not bytes
 */
export function write(fd: number, data: BytesLike): number {
	const f = toFd(fd);
	const n = byteLength(data);
	// A blocking write waits in the kernel until all of it is taken: in a
	// worker, at most PIPE_BUF bytes, which a writable pipe takes at once.
	const most = waitReadyInWorker(f, POLLOUT) ? PIPE_BUF : MAX_CHUNK;
	const len = n > most ? most : n;
	for (;;) {
		const ret = native.write(f, data, 0, len);
		if (ret >= 0) {
			return ret;
		}

		if (ret !== -EINTR) {
			throw OSError.fromErrno(-ret, 'write');
		}
	}
}

/**
 * Closes `fd` (Python's `os.close`). Not retried on EINTR: the fd is
 * released anyway on Linux, and a retry could close an fd another thread
 * just opened.
 *
 * @param fd - the fd to close
 * @throws {OSError} EBADF if it is not open
 */
export function close(fd: number): void {
	check(native.close(toFd(fd)), 'close');
}

/**
 * Sets or clears O_NONBLOCK (Python's `os.set_blocking`).
 *
 * @param fd - the fd
 * @param blocking - `true` for blocking
 * @throws {OSError} EBADF …
 */
export function setBlocking(fd: number, blocking: boolean): void {
	check(setFdFlag(toFd(fd), NONBLOCK, !blocking), 'fcntl');
}

/**
 * Whether `fd` is in blocking mode (Python's `os.get_blocking`).
 *
 * @param fd - the fd
 * @returns `false` when O_NONBLOCK is set
 * @throws {OSError} EBADF …
 */
export function getBlocking(fd: number): boolean {
	return check(getFdFlag(toFd(fd), NONBLOCK), 'fcntl') === 0;
}

/**
 * Whether `fd` is inherited by exec'd programs (Python's `os.get_inheritable`).
 *
 * @param fd - the fd
 * @returns `true` when FD_CLOEXEC is clear
 * @throws {OSError} EBADF …
 */
export function getInheritable(fd: number): boolean {
	return check(getFdFlag(toFd(fd), CLOEXEC), 'fcntl') === 0;
}

/**
 * Sets or clears close-on-exec (Python's `os.set_inheritable`).
 *
 * @param fd - the fd
 * @param inheritable - `true` to let exec'd programs inherit it
 * @throws {OSError} EBADF …
 */
export function setInheritable(fd: number, inheritable: boolean): void {
	check(setFdFlag(toFd(fd), CLOEXEC, !inheritable), 'fcntl');
}

/**
 * Duplicates `fd` (Python's `os.dup`): the lowest free fd, close-on-exec,
 * sharing the file description (and so O_NONBLOCK) with `fd`.
 *
 * @param fd - the fd
 * @returns the new fd
 * @throws {OSError} EBADF, EMFILE
 */
export function dup(fd: number): number {
	return check(native.dup(toFd(fd)), 'dup');
}

/**
 * The RLIMIT_NOFILE limits (Python's
 * `resource.getrlimit(resource.RLIMIT_NOFILE)`).
 *
 * @returns `[soft, hard]`; {@link RLIM_INFINITY} (-1) for no limit
 */
export function getrlimitNofile(): [soft: number, hard: number] {
	check(native.getrlimitNofile(rlimitOut), 'getrlimit');
	return [rlimitOut[0] ?? 0, rlimitOut[1] ?? 0];
}

/**
 * Sets the RLIMIT_NOFILE limits (Python's `resource.setrlimit`). Raising
 * the soft limit up to the hard limit needs no privilege.
 *
 * @param soft - the new soft limit, or {@link RLIM_INFINITY}
 * @param hard - the new hard limit (default: unchanged)
 * @throws {OSError} EINVAL if `soft` exceeds `hard`
 * @throws {PermissionError} EPERM when raising the hard limit unprivileged
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` for a value that is not an integer
 * @throws {ValueError} `ERR_OUT_OF_RANGE` for an integer below -1 (as Python's ValueError)
 */
export function setrlimitNofile(soft: number, hard?: number): void {
	const s = checkLimit(soft, 'soft');
	const h = hard === undefined ? getrlimitNofile()[1] : checkLimit(hard, 'hard');
	check(native.setrlimitNofile(s, h), 'setrlimit');
}

function checkLimit(value: unknown, name: string): number {
	if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
		throw argTypeError(`setrlimitNofile(): ${name} limit must be an integer, not ${typeName(value)}`);
	}

	if (value < -1) {
		throw new ValueError(
			`setrlimitNofile(): ${name} limit must be a non-negative integer or RLIM_INFINITY (-1), not ${value}`,
			'ERR_OUT_OF_RANGE',
		);
	}

	return value;
}

/**
 * The C library's message for an errno (Python's `os.strerror`).
 *
 * @param code - an errno (any int: unknown ones get the C library's "Unknown error N")
 * @returns the message
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` if `code` is not a number
 * @throws {RangeError} `ERR_OUT_OF_RANGE` if `code` is not an integer in int32 range
 */
export function strerror(code: number): string {
	if (typeof code !== 'number') {
		throw argTypeError(`strerror(): code must be an integer, not ${typeName(code)}`);
	}

	if (!Number.isInteger(code) || code < -0x8000_0000 || code > 0x7fff_ffff) {
		throw argRangeError(`strerror(): code must be an integer in int32 range, not ${code}`);
	}

	return errnoText(code);
}

/**
 * Raises the soft RLIMIT_NOFILE limit to at least `wanted` if the hard limit
 * allows it (for tests and servers that open many fds).
 *
 * @param wanted - the number of fds needed
 * @returns the previous `[soft, hard]`, to restore with {@link setrlimitNofile}
 * @throws {OSError} EMFILE if the hard limit is lower than `wanted` (raising it needs privilege; not attempted)
 */
export function ensureNofile(wanted: number): [soft: number, hard: number] {
	const previous = getrlimitNofile();
	const [soft, hard] = previous;
	if (soft !== RLIM_INFINITY && soft < wanted) {
		if (hard !== RLIM_INFINITY && hard < wanted) {
			throw new OSError(osConstants.errno.EMFILE, undefined, {
				syscall: 'setrlimit',
				message: `RLIMIT_NOFILE hard limit ${hard} is below the ${wanted} fds needed`,
			});
		}

		setrlimitNofile(wanted, hard);
	}

	return previous;
}

/** The largest file offset or count a JavaScript number carries exactly. */
const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

/**
 * A file offset or byte count: a non-negative safe integer.
 *
 * @internal
 */
export function toOffset(value: unknown, name: string): number {
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		throw argTypeError(`${name} must be an integer, not ${typeName(value)}`);
	}

	if (value < 0 || value > MAX_OFFSET) {
		throw argRangeError(`${name} must be a non-negative integer (got ${value})`);
	}

	return value;
}

/**
 * Copies up to `count` bytes from the file `inFd` to `outFd` inside the
 * kernel (Python's `os.sendfile(out_fd, in_fd, offset, count)`, Linux
 * form): one sendfile(2), EINTR retried, no waiting. With a number
 * `offset` it reads from there and leaves `inFd`'s file position alone;
 * with `null` it reads from, and advances, the position.
 *
 * On a non-blocking socket (the way to use it under a selector) it throws
 * {@link BlockingIOError} when the socket buffer is full: wait for
 * EVENT_WRITE and call again with the offset advanced by what was sent.
 * Use `Socket.sendfile()` (node-selectors/socket) for blocking and timeout-mode sockets.
 * The kernel caps one call at 0x7ffff000 bytes.
 *
 * @param outFd - the destination (a socket, or any fd on Linux ≥ 2.6.33)
 * @param inFd - the source: a regular file (mmap-able; not a socket)
 * @param offset - where to read from, or `null` for the file position
 * @param count - the most bytes to send
 * @returns the bytes sent; 0 at end of file
 * @throws {BlockingIOError} EAGAIN on a full non-blocking socket
 * @throws {TypeError | RangeError} for a non-integer or negative offset/count
 * @throws {OSError} EINVAL when the kernel cannot sendfile these fds, ENOSYS off Linux, EBADF …
 */
export function sendfile(outFd: number, inFd: number, offset: number | null, count: number): number {
	const out = toFd(outFd);
	const input = toInt32(inFd, 'inFd');
	const off = offset === null ? -1 : toOffset(offset, 'offset');
	const n = toOffset(count, 'count');
	// As write(): at most PIPE_BUF bytes on a blocking fd in a worker.
	const len = waitReadyInWorker(out, POLLOUT) && n > PIPE_BUF ? PIPE_BUF : n;
	for (;;) {
		const ret = native.sendfile(out, input, off, len);
		if (ret >= 0) {
			return ret;
		}

		if (ret !== -EINTR) {
			throw OSError.fromErrno(-ret, 'sendfile');
		}
	}
}

export {BlockingIOError, BrokenPipeError, OSError} from './errors.js';
export {eventfd, eventfdRead, eventfdWrite, EFD_CLOEXEC, EFD_NONBLOCK, EFD_SEMAPHORE} from './eventfd.js';
