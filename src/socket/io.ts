/**
 * The socket I/O loop: one function, {@link sockCall}, that every socket
 * method doing I/O goes through, modelled on CPython's `sock_call_ex()`
 * (Modules/socketmodule.c).
 *
 * The fd is non-blocking underneath in every mode; the loop gives it
 * Python's three modes:
 *
 * - it calls the *step* (one system call) first, or waits first when asked
 *   (connect's SO_ERROR step, as CPython's `connect=1`);
 * - EINTR: the step is retried at once; a later wait recomputes the time
 *   left from the monotonic deadline (PEP 475);
 * - EAGAIN/EWOULDBLOCK, or a step's explicit "wait for READ/WRITE": in
 *   non-blocking mode (timeout 0) the code goes back to the caller; in
 *   blocking and timeout mode the loop waits in poll() for readiness, for
 *   the time left, then retries;
 * - when the deadline passes, it returns {@link TIMED_OUT}; the caller
 *   raises `TimeoutError('timed out')` ({@link ioError}) or, for
 *   `connectEx`, returns the errno.
 *
 * A step returns its result (a non-negative number or any non-number), or a
 * failure code `-(errno | wait bits)`. The wait bits let a step choose the
 * direction to wait for — TLS's want-read during a write — independently of
 * its errno; a plain `-errno` waits in the call's default direction on
 * EAGAIN only.
 *
 * In a worker thread each poll() lasts at most {@link WORKER_WAIT_SLICE_MS}
 * and the loop goes on to the deadline, so `worker.terminate()` and
 * `process.exit()` can stop a worker blocked in a socket call (Node gives an
 * addon no signal on terminate: the thread must come back to JavaScript).
 * The main thread waits in one poll() for the whole time, as before.
 *
 * @internal
 * @module
 */
import {constants as osConstants, endianness} from 'node:os';
import {OSError, TimeoutError} from '../errors.js';
import {constant, native} from '../native.js';
import {runPendingSignalHandlers} from '../signal/pending.js';
import {clampWaitMs, monotonicMs, remainingMs, waitSliceMs, WORKER_WAIT_SLICE_MS} from '../time.js';

const E = osConstants.errno;
const EAGAIN = E.EAGAIN;
const EWOULDBLOCK = E.EWOULDBLOCK;
const EINTR = E.EINTR;
const ETIMEDOUT = E.ETIMEDOUT;
const POLLIN = constant('POLLIN');
const POLLOUT = constant('POLLOUT');

/** Wait until readable, then retry the step. */
export const WAIT_READ = 0x1_0000;
/** Wait until writable, then retry the step. */
export const WAIT_WRITE = 0x2_0000;
/**
 * Sleep {@link NAP_MS} (after any poll) before retrying: for the cases where
 * poll() cannot say when the step would succeed — a full AF_UNIX listen
 * backlog, an unconnected AF_UNIX datagram sender whose receiver is full.
 */
export const WAIT_NAP = 0x4_0000;
/** For {@link sockCall}'s `wait` only: wait before the first call of the step. */
export const WAIT_FIRST = 0x8_0000;
const WAIT_DIRECTIONS = WAIT_READ | WAIT_WRITE | WAIT_NAP;
const ERRNO_MASK = 0xffff;
/** What {@link sockCall} returns when the deadline passed (not an errno). */
export const TIMED_OUT = -0x100_0000;

/**
 * How long a nap lasts: short, so a waiting sender starts soon after room
 * appears, and long enough not to spin.
 */
const NAP_MS = 1;

/** One system call of an I/O method: its result, or `-(errno | WAIT_* bits)`. */
export type Step<R, A, B, C, D> = (fd: number, a: A, b: B, c: C, d: D) => R | number;

// Defined once in src/time.ts for every blocking wait (selectors too).
export {waitSliceMs, WORKER_WAIT_SLICE_MS};

/**
 * Runs `step(fd, a, b, c, d)` until it succeeds, fails for good, or the
 * time runs out, in the mode `timeoutMs` gives: -1 blocking, 0
 * non-blocking, > 0 a timeout in whole ms counted from the first wait.
 * Blocks the calling thread while it waits (the Node event loop on the main
 * thread). Allocates nothing.
 *
 * @param wait - the default direction for EAGAIN (`WAIT_READ`, `WAIT_WRITE`, `| WAIT_NAP`; 0: EAGAIN is final), `| WAIT_FIRST` to wait before the first call
 * @returns the step's result, its final failure code (< 0, errno in the low 16 bits, see {@link ioErrno}), or {@link TIMED_OUT}
 * @throws {OSError} only if poll() itself fails
 */
export function sockCall<R, A, B, C, D>(
	fd: number,
	timeoutMs: number,
	wait: number,
	step: Step<R, A, B, C, D>,
	a: A,
	b: B,
	c: C,
	d: D,
): R | number {
	let deadline = Number.NaN;
	let want = (wait & WAIT_FIRST) === 0 ? 0 : wait & WAIT_DIRECTIONS;
	for (;;) {
		if (want !== 0) {
			if (Number.isNaN(deadline)) {
				deadline = timeoutMs < 0 ? Number.POSITIVE_INFINITY : monotonicMs() + timeoutMs;
			}

			if (!waitReady(fd, want, deadline)) {
				return TIMED_OUT;
			}
		}

		const ret = step(fd, a, b, c, d);
		if (typeof ret !== 'number' || ret >= 0) {
			return ret;
		}

		want = -ret & WAIT_DIRECTIONS;
		if (want === 0) {
			const errno = -ret & ERRNO_MASK;
			if (errno === EINTR) {
				runPendingSignalHandlers(); // PEP 475: handlers run (and may throw), then retry
				continue;
			}

			if (errno === EAGAIN || errno === EWOULDBLOCK) {
				want = wait & WAIT_DIRECTIONS;
			}
		}

		if (want === 0 || timeoutMs === 0) {
			return ret;
		}
	}
}

/** The errno of a failure code from {@link sockCall} (`ETIMEDOUT` for {@link TIMED_OUT}). */
export function ioErrno(code: number): number {
	return code === TIMED_OUT ? ETIMEDOUT : -code & ERRNO_MASK;
}

/**
 * The exception for a failure code from {@link sockCall}: Python's
 * `TimeoutError('timed out')` for {@link TIMED_OUT}, else the
 * {@link OSError} subclass for the errno (`BlockingIOError` for EAGAIN).
 */
export function ioError(code: number, syscall: string): OSError {
	if (code === TIMED_OUT) {
		return new TimeoutError(ETIMEDOUT, 'timed out', {syscall, message: 'timed out'});
	}

	return OSError.fromErrno(-code & ERRNO_MASK, syscall);
}

/** Whether a failure code means "would block" (EAGAIN/EWOULDBLOCK). */
export function isWouldBlock(code: number): boolean {
	const errno = -code & ERRNO_MASK;
	return code !== TIMED_OUT && (errno === EAGAIN || errno === EWOULDBLOCK);
}

// The private poll(). One struct pollfd (int fd; short events; short
// revents) laid out in an Int32Array: `events` is the low half of the second
// int on little-endian machines and the high half on big-endian ones. Filled
// and read within one call: nothing can re-enter in between.
const pollfd = new Int32Array(2);
const pollOut = new Int32Array(2);
const eventsShift = endianness() === 'LE' ? 0 : 16;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Waits as `want` asks until the monotonic `deadline` (ms, `Infinity` =
 * forever): poll() for readability/writability (error and hang-up count as
 * ready: the retried step reports them), then a nap if asked.
 *
 * @returns `false` if the deadline passed first
 */
function waitReady(fd: number, want: number, deadline: number): boolean {
	const events = ((want & WAIT_READ) === 0 ? 0 : POLLIN) | ((want & WAIT_WRITE) === 0 ? 0 : POLLOUT);
	if (events !== 0 && !pollUntil(fd, events, deadline)) {
		return false;
	}

	if ((want & WAIT_NAP) !== 0) {
		const end = monotonicMs() + NAP_MS;
		sleepUntil(end < deadline ? end : deadline);
	}

	return events !== 0 || remainingMs(deadline) > 0;
}

/** poll() until `fd` is ready for `events`; EINTR and capped waits loop on the deadline. */
function pollUntil(fd: number, events: number, deadline: number): boolean {
	for (;;) {
		// Signal handlers (node-selectors/signal) before each wait: first, and after EINTR.
		runPendingSignalHandlers();
		let ms = -1;
		if (deadline !== Number.POSITIVE_INFINITY) {
			ms = remainingMs(deadline);
			if (ms <= 0) {
				return false;
			}

			ms = clampWaitMs(ms);
		}

		pollfd[0] = fd;
		pollfd[1] = events << eventsShift;
		const ret = native.poll(pollfd, 1, waitSliceMs(ms), pollOut);
		if (ret > 0) {
			return true;
		}

		if (ret < 0 && ret !== -EINTR) {
			throw OSError.fromErrno(-ret, 'poll');
		}
		// 0 (timeout, a capped or sliced wait) or EINTR: loop, recomputing the time left.
	}
}

/** Sleeps (blocking the thread) until the monotonic time `deadline` (ms); returns at once if it has passed. */
function sleepUntil(deadline: number): void {
	for (;;) {
		runPendingSignalHandlers();
		const ms = remainingMs(deadline);
		if (ms <= 0) {
			return;
		}

		Atomics.wait(sleeper, 0, 0, waitSliceMs(ms));
	}
}
