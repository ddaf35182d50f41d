/**
 * Python's `select.select()`.
 *
 * @module
 */
import {SEL_EV_EXCEPT, SEL_EV_READ, SEL_EV_WRITE} from '../selectors/events.js';
import {ValueError} from '../errors.js';
import {constant} from '../native.js';
import {addon, asFileDescriptor, codedTypeError, timeoutMs, waitWithRetry} from './common.js';

/** The largest fd plus one select(2) accepts here (1024 on Linux and macOS). */
export const FD_SETSIZE: number = constant('FD_SETSIZE');

/** Native select's mask bits for the three sets (native/mux.c). */
/** The native select's interest and result bits for rlist, wlist, xlist (native/events.h). */
const SET_BITS = [SEL_EV_READ, SEL_EV_WRITE, SEL_EV_EXCEPT] as const;

/**
 * Waits until some file descriptors are ready (Python's `select.select`,
 * over select(2)).
 *
 * ```ts
 * const [readable, writable, exceptional] = select([sock, 0], [], [], 1.5);
 * ```
 *
 * Each list is any iterable of fds or objects with `fileno()`; the result
 * holds **the same objects**, in the order given (an object listed twice is
 * returned twice). The third set reports exceptional conditions: on a TCP
 * socket, urgent data (`send(b, MSG_OOB)`).
 *
 * An interrupted wait (EINTR) is retried with the time left (PEP 475).
 *
 * @param rlist - wait until ready for reading
 * @param wlist - wait until ready for writing
 * @param xlist - wait for an exceptional condition
 * @param timeout - seconds (fractions allowed, rounded up to the
 *   millisecond); `null` or omitted blocks; `0` polls
 * @returns `[readable, writable, exceptional]`, each a new array
 * @throws {TypeError} `'arguments 1-3 must be sequences'`; `'argument must be an int, or have a fileno() method.'`;
 *   `'timeout must be a float or None'`
 * @throws {ValueError} `'file descriptor cannot be a negative integer (-1)'`;
 *   `'filedescriptor out of range in select()'` for an fd ≥ {@link FD_SETSIZE};
 *   `'timeout must be non-negative'`
 * @throws {OSError} EBADF for a closed fd, …
 */
export function select<R, W, X>(
	rlist: Iterable<R>,
	wlist: Iterable<W>,
	xlist: Iterable<X>,
	timeout?: number | null,
): [readable: R[], writable: W[], exceptional: X[]] {
	const ms = timeoutMs(timeout, 1000, 'timeout must be a float or None', 'error');
	const lists = [rlist, wlist, xlist] as Array<Iterable<unknown>>;
	for (const list of lists) {
		if (
			typeof list !== 'object' ||
			list === null ||
			typeof (list as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function'
		) {
			throw codedTypeError('arguments 1-3 must be sequences');
		}
	}

	// One (fd, set bit) pair per list element, in order: the native select
	// writes the ready ones back in the same order, so one pass maps them to
	// the objects. Each list is iterated live while its fileno() methods run,
	// as CPython's seq2set reads the list's current length: a fileno() that
	// shortens the list ends the pass early (test_select_mutated).
	const objs: unknown[][] = [[], [], []];
	let fds = new Int32Array(16);
	let n = 0;
	for (let set = 0; set < 3; set++) {
		for (const obj of lists[set]!) {
			if (objs[set]!.length >= FD_SETSIZE) {
				throw new ValueError('too many file descriptors in select()', 'ERR_FD_SETSIZE');
			}

			const fd = asFileDescriptor(obj);
			if (fd >= FD_SETSIZE) {
				throw new ValueError('filedescriptor out of range in select()', 'ERR_FD_SETSIZE');
			}

			if (2 * n + 2 > fds.length) {
				const grown = new Int32Array(2 * fds.length);
				grown.set(fds);
				fds = grown;
			}

			objs[set]!.push(obj);
			fds[2 * n] = fd;
			fds[2 * n + 1] = SET_BITS[set]!;
			n++;
		}
	}

	const out = new Int32Array(fds.length);
	const count = waitWithRetry(ms, 'select', wait => addon.select(fds, n, wait, out));
	const result: [unknown[], unknown[], unknown[]] = [[], [], []];
	let j = 0;
	let i = 0;
	for (let set = 0; set < 3 && j < count; set++) {
		for (const obj of objs[set]!) {
			if (j < count && out[2 * j] === fds[2 * i] && ((out[2 * j + 1] ?? 0) & SET_BITS[set]!) !== 0) {
				result[set]!.push(obj);
				j++;
			}

			i++;
		}
	}

	return result as [R[], W[], X[]];
}
