/**
 * Python's `os.eventfd`, `os.eventfd_read`, `os.eventfd_write` (Python 3.10+,
 * Linux) and the `EFD_*` constants, re-exported by `node-selectors/os`.
 *
 * @module
 */
import {constants as osConstants} from 'node:os';
import {check} from './errors.js';
import {POLLIN, POLLOUT, waitReadyInWorker} from './fd-flags.js';
import {addon, asFileDescriptor, codedTypeError, EINTR, overflow} from './select/common.js';

const {ENOSYS} = osConstants.errno;

/** Close-on-exec (always set here). Linux only; `undefined` elsewhere. */
export const EFD_CLOEXEC: number | undefined = addon.selectConstants['EFD_CLOEXEC'];
/** Non-blocking (always set here). Linux only; `undefined` elsewhere. */
export const EFD_NONBLOCK: number | undefined = addon.selectConstants['EFD_NONBLOCK'];
/** Each read takes 1 from the counter instead of all of it. Linux only. */
export const EFD_SEMAPHORE: number | undefined = addon.selectConstants['EFD_SEMAPHORE'];

/**
 * Creates an event file descriptor (Python's `os.eventfd`, Linux): a
 * 64-bit counter that {@link eventfdWrite} adds to and {@link eventfdRead}
 * takes; readable while non-zero. Registrable in any selector.
 *
 * **Deliberate difference from Python:** the fd is always **non-blocking**
 * and close-on-exec (every fd this package creates is: a blocking read would
 * freeze the event loop); {@link eventfdRead} of a zero counter throws
 * `BlockingIOError`. `flags` adds EFD_SEMAPHORE.
 *
 * @param initval - the counter's first value, 0 … 2**32 - 1
 * @param flags - EFD_SEMAPHORE, EFD_CLOEXEC, EFD_NONBLOCK (default EFD_CLOEXEC)
 * @returns the fd; close it with `os.close`
 * @throws {OSError} ENOSYS off Linux; EINVAL for unknown flags; EMFILE …
 */
export function eventfd(initval: number, flags: number = EFD_CLOEXEC ?? 0): number {
	if (typeof initval !== 'number' || !Number.isInteger(initval)) {
		throw codedTypeError('initval must be an integer');
	}

	if (initval < 0 || initval > 0xff_ff_ff_ff) {
		throw overflow(`initval out of range: ${initval} (0 … 2**32 - 1)`);
	}

	if (typeof flags !== 'number' || !Number.isInteger(flags)) {
		throw codedTypeError('flags must be an integer');
	}

	if (typeof addon.eventfd !== 'function') {
		return check(-ENOSYS, 'eventfd');
	}

	return check(addon.eventfd(initval, flags | 0), 'eventfd');
}

/**
 * Reads (and resets, or decrements with EFD_SEMAPHORE) the counter (Python's `os.eventfd_read`).
 *
 * @returns the counter's value, a bigint (it is 64 bits)
 * @throws {BlockingIOError} if the counter is 0
 */
export function eventfdRead(fd: unknown): bigint {
	const f = asFileDescriptor(fd);
	const buf = new BigUint64Array(1);
	waitReadyInWorker(f, POLLIN); // a blocking eventfd (made elsewhere) in a worker: see fd-flags.ts
	for (;;) {
		const ret = addon.read(f, buf, 0, 8);
		if (ret !== -EINTR) {
			check(ret, 'eventfd_read');
			return buf[0]!;
		}
	}
}

/**
 * Adds `value` to the counter (Python's `os.eventfd_write`).
 *
 * @param value - 0 … 2**64 - 2, a number or bigint
 * @throws {BlockingIOError} if the counter would exceed 2**64 - 2
 * @throws {RangeError} for a negative value or one above 2**64 - 1 (Python's OverflowError)
 */
export function eventfdWrite(fd: unknown, value: number | bigint): void {
	const f = asFileDescriptor(fd);
	if (typeof value === 'number' && !Number.isInteger(value)) {
		throw codedTypeError('value must be an integer');
	}

	if (typeof value !== 'number' && typeof value !== 'bigint') {
		throw codedTypeError('value must be an integer');
	}

	const v = BigInt(value);
	if (v < 0n || v > 0xffff_ffff_ffff_ffffn) {
		throw overflow('value out of range for an unsigned 64-bit integer');
	}

	const buf = new BigUint64Array([v]);
	waitReadyInWorker(f, POLLOUT);
	for (;;) {
		const ret = addon.write(f, buf, 0, 8);
		if (ret !== -EINTR) {
			check(ret, 'eventfd_write');
			return;
		}
	}
}
