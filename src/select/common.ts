/**
 * What the `select` module's objects share: the addon functions and
 * constants that only they use (typed here, next to their one use), CPython's
 * `PyObject_AsFileDescriptor`, timeouts, and the EINTR retry (PEP 475).
 *
 * @internal
 * @module
 */
import {constants as osConstants} from 'node:os';
import {ValueError, check} from '../errors.js';
import {native, type NativeBinding} from '../native.js';
import {runPendingSignalHandlers} from '../signal/pending.js';
import {clampWaitMs, monotonicMs, remainingMs, waitSliceMs} from '../time.js';

/** The addon's exports from native/eventfd.c and native/select.c. */
interface SelectNative extends NativeBinding {
	/** Linux only: eventfd(2), always with EFD_CLOEXEC | EFD_NONBLOCK added. */
	eventfd?(initval: number, flags: number): number;
	/** PIPE_BUF, POLLMSG, EPOLLWAKEUP, EFD_*, KQ_* under Python's names; absent where undefined. */
	/** Waker (src/waker.ts): under the spinlock state[0], writes to fd if state[1] === 1; 1 written, 0 closed, -errno. */
	wakerWake(state: Int32Array, fd: number, size: number): number;
	/** Waker: under the spinlock, clears state[1] and closes fd1 and fd2 (if >= 0); 1 if already closed. */
	wakerClose(state: Int32Array, fd1: number, fd2: number): number;
	readonly selectConstants: Readonly<Record<string, number>>;
}

/** The addon, with the functions only this module and the Waker use. */
export const addon = native as SelectNative;

export const EINTR = osConstants.errno.EINTR;

/**
 * CPython's `PyObject_AsFileDescriptor`: an integer, or an object whose
 * `fileno()` returns one.
 *
 * @throws {TypeError} `'argument must be an int, or have a fileno() method.'`
 * @throws {ValueError} `'file descriptor cannot be a negative integer (-1)'`
 * @throws {RangeError} beyond int32 (Python's OverflowError), code `ERR_OUT_OF_RANGE`
 */
export function asFileDescriptor(obj: unknown): number {
	let fd: unknown = obj;
	if (typeof obj !== 'number') {
		const fileno: unknown =
			typeof obj === 'object' && obj !== null ? (obj as {fileno?: unknown}).fileno : undefined;
		if (typeof fileno !== 'function') {
			throw codedTypeError('argument must be an int, or have a fileno() method.');
		}

		fd = (fileno as () => unknown).call(obj);
		if (typeof fd !== 'number') {
			throw codedTypeError('fileno() returned a non-integer');
		}
	}

	const n = fd as number;
	if (!Number.isInteger(n)) {
		throw codedTypeError('argument must be an int, or have a fileno() method.');
	}

	if (n < 0) {
		throw new ValueError(`file descriptor cannot be a negative integer (${n})`, 'ERR_INVALID_FD');
	}

	if (n > 0x7f_ff_ff_ff) {
		throw overflow('fd is greater than maximum');
	}

	return n;
}

/** A TypeError with Node's code for a wrong-typed argument. */
export function codedTypeError(message: string): TypeError {
	return Object.assign(new TypeError(message), {code: 'ERR_INVALID_ARG_TYPE'});
}

/** Python's OverflowError: a RangeError with Node's code. */
export function overflow(message: string): RangeError {
	return Object.assign(new RangeError(message), {code: 'ERR_OUT_OF_RANGE'});
}

/** A number that must be an integer (Python's `int` argument). */
export function asInteger(value: unknown, name: string): number {
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		throw codedTypeError(`${name} must be an integer, not ${value === null ? 'null' : typeof value}`);
	}

	return value;
}

/** Timeouts beyond this many milliseconds are Python's OverflowError (its clock is int64 nanoseconds). */
const MAX_TIMEOUT_MS = 9.2e15;

/**
 * A timeout converted to whole milliseconds, rounded up (CPython's
 * `_PyTime_ROUND_TIMEOUT`); `null`/`undefined` → -1 (block).
 *
 * A negative value is judged before rounding, as CPython does (its clock
 * keeps nanoseconds, so `-1e-100` is still negative there).
 *
 * @param value - the caller's value
 * @param scale - 1000 for seconds, 1 for milliseconds
 * @param typeMessage - Python's TypeError text for a non-number
 * @param negative - `'error'`: any negative value is ValueError
 *   `'timeout must be non-negative'` (select, kqueue); `'block'`: any
 *   negative value blocks (poll: `_PyTime_ROUND_TIMEOUT` rounds away from
 *   zero); `'ceiling'`: rounded toward +∞ first, so only a value ≤ -1 ms
 *   blocks and a smaller one polls (epoll: `_PyTime_ROUND_CEILING`)
 */
export function timeoutMs(
	value: unknown,
	scale: number,
	typeMessage: string,
	negative: 'block' | 'ceiling' | 'error',
): number {
	if (value === null || value === undefined) {
		return -1;
	}

	if (typeof value !== 'number') {
		throw codedTypeError(typeMessage);
	}

	if (Number.isNaN(value)) {
		throw new ValueError('Invalid value NaN (not a number)', 'ERR_INVALID_TIMEOUT');
	}

	const ms = value < 0 && negative !== 'ceiling' ? Math.floor(value * scale) : Math.ceil(value * scale);
	if (Math.abs(ms) > MAX_TIMEOUT_MS) {
		throw overflow('timeout is too large');
	}

	if (ms < 0) {
		if (negative === 'error') {
			throw new ValueError('timeout must be non-negative', 'ERR_INVALID_TIMEOUT');
		}

		return -1;
	}

	return ms;
}

/**
 * Runs one kernel wait, `call(ms)`, as the selectors' wait loop does:
 * pending signal handlers (node-selectors/signal) run before each wait and
 * after EINTR, and may throw; EINTR is retried with the time left (PEP 475);
 * waits longer than the kernel's int of milliseconds are split, and in a
 * worker thread each wait lasts at most 250 ms ({@link waitSliceMs}) so that
 * `worker.terminate()` can stop it.
 *
 * @returns the call's non-negative result (0 when the time ran out)
 * @throws {OSError} for any other errno
 */
export function waitWithRetry(ms: number, syscall: string, call: (ms: number) => number): number {
	const deadline = ms > 0 ? monotonicMs() + ms : 0;
	let left = ms;
	for (;;) {
		runPendingSignalHandlers();
		const wait = waitSliceMs(clampWaitMs(left));
		const ret = call(wait);
		if (ret > 0 || (ret === 0 && wait === left)) {
			return ret;
		}

		if (ret < 0 && ret !== -EINTR) {
			return check(ret, syscall);
		}

		// EINTR, or a capped or sliced wait that ended: wait again for the time left.
		if (ms > 0) {
			left = remainingMs(deadline);
			if (left === 0 && ret === 0) {
				return 0;
			}
		}
	}
}
