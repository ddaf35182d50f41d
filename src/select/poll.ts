/**
 * Python's `select.poll()` object.
 *
 * @module
 */
import {FileNotFoundError, KeyError, RuntimeError, ValueError} from '../errors.js';
import {constant} from '../native.js';
import {addon, asFileDescriptor, codedTypeError, overflow, timeoutMs, waitWithRetry} from './common.js';
import {ENOENT} from './errno.js';

const POLLIN = constant('POLLIN');
const POLLPRI = constant('POLLPRI');
const POLLOUT = constant('POLLOUT');

/** CPython's `ushort_converter` for a poll event mask. */
function pollMask(value: unknown): number {
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		throw codedTypeError(`eventmask must be an integer, not ${value === null ? 'null' : typeof value}`);
	}

	if (value < 0) {
		throw new ValueError('value must be positive', 'ERR_OUT_OF_RANGE');
	}

	if (value > 0xff_ff) {
		throw overflow('Python int too large for C unsigned short');
	}

	return value;
}

/**
 * A poll(2) interest set (Python's `select.poll()` object): a map from fd to
 * event mask, passed whole to the kernel by each {@link Poll.poll}. Holds no
 * kernel resource; nothing to close.
 */
export class Poll {
	/** fd → events, in registration order (a Python dict). */
	readonly #fds = new Map<number, number>();
	/** `struct pollfd` array built from #fds when it changed (CPython's `ufd_uptodate`). */
	#pollfds: Int32Array | undefined;
	#out = new Int32Array(2);
	/** A poll() is waiting (CPython's `poll_running`): a signal handler's nested poll() is refused. */
	#running = false;

	/**
	 * Registers `fd`, or changes its mask if already registered (as CPython).
	 *
	 * @param fd - an fd or an object with `fileno()`
	 * @param eventmask - POLLIN, POLLPRI, POLLOUT … (default `POLLIN | POLLPRI | POLLOUT`)
	 * @throws {ValueError} negative fd, negative mask; `RangeError` for a mask above 0xffff
	 */
	register(fd: unknown, eventmask: number = POLLIN | POLLPRI | POLLOUT): void {
		const f = asFileDescriptor(fd);
		const mask = pollMask(eventmask);
		this.#fds.set(f, mask);
		this.#pollfds = undefined;
	}

	/**
	 * Changes the mask of a registered fd.
	 *
	 * @throws {FileNotFoundError} ENOENT if `fd` is not registered (as CPython)
	 */
	modify(fd: unknown, eventmask: number): void {
		const f = asFileDescriptor(fd);
		const mask = pollMask(eventmask);
		if (!this.#fds.has(f)) {
			throw new FileNotFoundError(ENOENT, undefined, {syscall: 'modify'});
		}

		this.#fds.set(f, mask);
		this.#pollfds = undefined;
	}

	/**
	 * Removes `fd`.
	 *
	 * @throws {KeyError} if `fd` is not registered (message: the fd, as Python's `KeyError(fd)`)
	 */
	unregister(fd: unknown): void {
		const f = asFileDescriptor(fd);
		if (!this.#fds.delete(f)) {
			throw new KeyError(String(f), 'ERR_NOT_REGISTERED');
		}

		this.#pollfds = undefined;
	}

	/**
	 * Waits for events on the registered fds.
	 *
	 * @param timeout - **milliseconds** (fractions rounded up); `null`,
	 *   omitted or negative blocks
	 * @returns `[fd, revents]` pairs, in registration order; revents may hold
	 *   POLLERR, POLLHUP, POLLNVAL (a closed fd) whatever was asked
	 * @throws {TypeError} `'timeout must be an integer or None'`
	 * @throws {RangeError} `'timeout is too large'` beyond 2**31 - 1 ms (Python's OverflowError)
	 * @throws {RuntimeError} `'concurrent poll() invocation'` from a signal
	 *   handler running inside this object's own poll() (CPython raises it for
	 *   a second thread), code `ERR_POLL_RUNNING`
	 */
	poll(timeout?: number | null): Array<[fd: number, revents: number]> {
		let ms = timeoutMs(timeout, 1, 'timeout must be an integer or None', 'block');
		if (ms > 0x7f_ff_ff_ff || (typeof timeout === 'number' && timeout < -0x8000_0000)) {
			throw overflow('timeout is too large');
		}

		ms = Math.min(ms, 0x7f_ff_ff_ff);
		if (this.#running) {
			throw new RuntimeError('concurrent poll() invocation', 'ERR_POLL_RUNNING');
		}

		const pollfds = this.#pollfds ?? this.#build();
		const n = this.#fds.size;
		const out = this.#out;
		this.#running = true;
		let count: number;
		try {
			count = waitWithRetry(ms, 'poll', wait => addon.poll(pollfds, n, wait, out));
		} finally {
			this.#running = false;
		}

		const result: Array<[number, number]> = [];
		for (let i = 0; i < count; i++) {
			result.push([out[2 * i]!, out[2 * i + 1]!]);
		}

		return result;
	}

	#build(): Int32Array {
		const n = this.#fds.size;
		const pollfds = new Int32Array(2 * n || 2);
		const events = new Uint16Array(pollfds.buffer);
		let i = 0;
		for (const [fd, mask] of this.#fds) {
			// struct pollfd {int fd; short events; short revents;}: host byte order.
			pollfds[2 * i] = fd;
			events[4 * i + 2] = mask;
			events[4 * i + 3] = 0;
			i++;
		}

		if (this.#out.length < pollfds.length) {
			this.#out = new Int32Array(pollfds.length);
		}

		this.#pollfds = pollfds;
		return pollfds;
	}
}

/**
 * Returns a new {@link Poll} object (Python's `select.poll()`).
 */
export function poll(): Poll {
	return new Poll();
}
