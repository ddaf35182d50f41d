/**
 * Timeouts: seconds in the API (as Python), milliseconds for the kernel,
 * a monotonic clock for deadlines (PEP 475).
 *
 * @internal
 * @module
 */
import {performance} from 'node:perf_hooks';
import {isMainThread} from 'node:worker_threads';
import {argTypeError, stackFromCaller, ValueError} from './errors.js';

/** The longest single wait the kernel calls take (poll/epoll: an int of ms). */
export const MAX_WAIT_MS = 0x7f_ff_ff_ff;

/**
 * The longest single blocking kernel wait in a worker thread. Node tells an
 * addon nothing when `worker.terminate()` is called (or when the main
 * thread's `process.exit()` stops the workers): V8's termination takes
 * effect only when control comes back to JavaScript. So a blocking wait in
 * a worker is cut into slices of this length and resumed with the time
 * left; an idle blocked worker wakes 4 times a second, and stops within
 * one slice of being terminated.
 */
export const WORKER_WAIT_SLICE_MS = 250;

/**
 * How long one blocking kernel wait may last on this thread: `ms` on the
 * main thread (no cost there); at most {@link WORKER_WAIT_SLICE_MS} in a
 * worker (-1, forever, included). Every blocking wait (the selectors' wait
 * loop, blocking socket calls) caps each kernel call with this and loops on
 * its deadline.
 *
 * @param ms - the wait wanted: -1 forever, 0 poll, > 0 milliseconds
 */
export function waitSliceMs(ms: number): number {
	if (isMainThread || (ms >= 0 && ms <= WORKER_WAIT_SLICE_MS)) {
		return ms;
	}

	return WORKER_WAIT_SLICE_MS;
}

/** Milliseconds on a monotonic clock. */
export function monotonicMs(): number {
	return performance.now();
}

/**
 * Validates a timeout in seconds and converts it to whole milliseconds for
 * the kernel: `null`/`undefined` (and `+Infinity`) → -1 (wait forever);
 * `<= 0` → 0 (poll); `> 0` → rounded **up**, so the wait never ends early
 * (CPython: "round away from zero to wait *at least* timeout seconds").
 * The result may exceed {@link MAX_WAIT_MS}; callers clamp each wait with
 * {@link clampWaitMs} and loop on a deadline.
 *
 * @throws {TypeError} if `timeout` is not a number (Python's TypeError; `code` `'ERR_INVALID_ARG_TYPE'`)
 * @throws {ValueError} if `timeout` is NaN (Python's ValueError)
 */
export function timeoutToMs(timeout: unknown, name = 'timeout'): number {
	if (timeout === null || timeout === undefined) {
		return -1;
	}

	if (typeof timeout !== 'number') {
		throw stackFromCaller(
			argTypeError(`${name} must be a number or null, not ${typeof timeout}`),
			timeoutToMs,
		);
	}

	if (Number.isNaN(timeout)) {
		throw stackFromCaller(
			new ValueError(`Invalid value NaN (not a number) for ${name}`, 'ERR_INVALID_TIMEOUT'),
			timeoutToMs,
		);
	}

	if (timeout === Number.POSITIVE_INFINITY) {
		return -1;
	}

	if (timeout <= 0) {
		return 0;
	}

	return Math.ceil(timeout * 1000);
}

/** One kernel wait of at most {@link MAX_WAIT_MS}; -1 stays -1. */
export function clampWaitMs(ms: number): number {
	return ms > MAX_WAIT_MS ? MAX_WAIT_MS : ms;
}

/**
 * Milliseconds left until `deadline` (a {@link monotonicMs} value), rounded
 * up; 0 once it has passed.
 */
export function remainingMs(deadline: number): number {
	const left = Math.ceil(deadline - monotonicMs());
	return left > 0 ? left : 0;
}
