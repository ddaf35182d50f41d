/**
 * `node-selectors/os`: the slice of Python's `os` (and `resource`) module that
 * selector users need — pipes and raw fd I/O, blocking flags, and the
 * RLIMIT_NOFILE limit.
 *
 * These are thin: one system call each (EINTR retried, PEP 475), no waiting.
 * On a non-blocking fd, `read`/`write` throw {@link BlockingIOError} when
 * they would block; on a **blocking** fd they block the calling thread —
 * the Node event loop on the main thread — inside the system call, exactly
 * as Python's `os.read` does.
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {constants as osConstants} from 'node:os';
import {OSError, check, strerror} from './errors.js';
import {constant, native} from './native.js';
import {byteLength, type BytesLike, EINTR, receiveBuffer, receivedBytes, toBufsize, toInt32} from './socket/internal.js';

export {strerror};
export type {BytesLike};

const F_GETFL = constant('F_GETFL');
const F_SETFL = constant('F_SETFL');
const F_GETFD = constant('F_GETFD');
const F_SETFD = constant('F_SETFD');
const FD_CLOEXEC = constant('FD_CLOEXEC');
const O_NONBLOCK = constant('O_NONBLOCK');
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
	const len = n > MAX_CHUNK ? MAX_CHUNK : n;
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
	const f = toFd(fd);
	const flags = check(native.fcntl(f, F_GETFL, 0), 'fcntl');
	const next = blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK;
	if (next !== flags) {
		check(native.fcntl(f, F_SETFL, next), 'fcntl');
	}
}

/**
 * Whether `fd` is in blocking mode (Python's `os.get_blocking`).
 *
 * @param fd - the fd
 * @returns `false` when O_NONBLOCK is set
 * @throws {OSError} EBADF …
 */
export function getBlocking(fd: number): boolean {
	return (check(native.fcntl(toFd(fd), F_GETFL, 0), 'fcntl') & O_NONBLOCK) === 0;
}

/**
 * Whether `fd` is inherited by exec'd programs (Python's `os.get_inheritable`).
 *
 * @param fd - the fd
 * @returns `true` when FD_CLOEXEC is clear
 * @throws {OSError} EBADF …
 */
export function getInheritable(fd: number): boolean {
	return (check(native.fcntl(toFd(fd), F_GETFD, 0), 'fcntl') & FD_CLOEXEC) === 0;
}

/**
 * Sets or clears close-on-exec (Python's `os.set_inheritable`).
 *
 * @param fd - the fd
 * @param inheritable - `true` to let exec'd programs inherit it
 * @throws {OSError} EBADF …
 */
export function setInheritable(fd: number, inheritable: boolean): void {
	const f = toFd(fd);
	const flags = check(native.fcntl(f, F_GETFD, 0), 'fcntl');
	check(native.fcntl(f, F_SETFD, inheritable ? flags & ~FD_CLOEXEC : flags | FD_CLOEXEC), 'fcntl');
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
 * @throws {TypeError} for values that are not integers >= -1
 */
export function setrlimitNofile(soft: number, hard?: number): void {
	const [, currentHard] = getrlimitNofile();
	const h = hard ?? currentHard;
	for (const [name, value] of [['soft', soft], ['hard', h]] as const) {
		if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < -1) {
			throw new TypeError(`${name} limit must be a non-negative integer or RLIM_INFINITY`);
		}
	}

	check(native.setrlimitNofile(soft, h), 'setrlimit');
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

export {BlockingIOError, BrokenPipeError, OSError} from './errors.js';
export {eventfd, eventfdRead, eventfdWrite, EFD_CLOEXEC, EFD_NONBLOCK, EFD_SEMAPHORE} from './eventfd.js';
