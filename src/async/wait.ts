/**
 * poll(2) and select(2) on a helper thread, for the selectors that have no
 * pollable fd of their own (`PollSelector`, `SelectSelector`): the event
 * loop keeps running while the thread blocks (native/watch.c).
 *
 * {@link startPoll}/{@link startSelect} take exactly the arguments of
 * `native.poll`/`native.select` and fill the same `out` pairs; the result
 * arrives as a promise. {@link PendingWait.cancel} (or an `AbortSignal`)
 * wakes the thread through a wake fd the addon owns, so no pipe has to be
 * kept by the caller. There is no selector policy here: no EINTR retry, no
 * deadline, no bookkeeping.
 *
 * @module
 */
import {OSError, check} from '../errors.js';
import {native, type NativeWait} from '../native.js';
import {clampWaitMs} from '../time.js';

/** Options of {@link startPoll}, {@link startSelect}, {@link asyncPoll}, {@link asyncSelect}. */
export interface AsyncWaitOptions {
	/**
	 * Aborting it cancels the wait (see {@link PendingWait.cancel}): the
	 * promise rejects with `signal.reason`. Already aborted: rejects (or,
	 * for `start*`, throws) without starting a thread.
	 */
	readonly signal?: AbortSignal;
	/**
	 * Whether the pending wait keeps the process (or worker) alive, as a
	 * listening server does. Default `true`; see {@link PendingWait.unref}.
	 */
	readonly ref?: boolean;
}

type Starter = (callback: (result: number, woken: boolean) => void) => NativeWait | number;

/**
 * One poll(2) or select(2) running on its own helper thread.
 *
 * - {@link PendingWait.promise} resolves with the ready count (the pairs are
 *   in `out`, as after `native.poll`/`native.select`) or rejects with the
 *   {@link OSError} of the system call (an `InterruptedError` cannot happen
 *   in practice: the helper thread blocks all signals; it is reported, not
 *   retried).
 * - It settles only after the helper thread has finished, so `out` is the
 *   caller's again as soon as it settles; the interest array was copied at
 *   start and may be changed at once (the running wait does not see changes).
 * - The thread is never left behind: when the process or worker thread
 *   exits with the wait pending (possible only after {@link PendingWait.unref}),
 *   the addon wakes and joins it, and closes its wake fd.
 *
 * Created by {@link startPoll}/{@link startSelect}.
 */
export class PendingWait {
	/** Settles once the helper thread has finished; see the class notes. */
	readonly promise: Promise<number>;
	#handle: NativeWait | undefined;
	#ref = true;
	#cancelReason: {readonly value: unknown} | undefined;

	/**
	 * @internal Use {@link startPoll} or {@link startSelect}.
	 * @throws {OSError} if the wait cannot start (`EMFILE` for the wake fd,
	 *   `EAGAIN` for the thread, `EBADF`/`EINVAL` from select's fd checks)
	 */
	constructor(start: Starter, syscall: string, options: AsyncWaitOptions = {}) {
		const {signal, ref = true} = options;
		signal?.throwIfAborted();
		let resolve!: (count: number) => void;
		let reject!: (reason: unknown) => void;
		this.promise = new Promise<number>((res, rej) => {
			resolve = res;
			reject = rej;
		});
		let onAbort: (() => void) | undefined;
		const handle = start((result, _woken) => {
			this.#handle = undefined;
			if (onAbort !== undefined) {
				signal?.removeEventListener('abort', onAbort);
			}

			if (this.#cancelReason !== undefined) {
				reject(this.#cancelReason.value);
			} else if (result < 0) {
				reject(OSError.fromErrno(-result, syscall));
			} else {
				resolve(result);
			}
		});
		if (typeof handle === 'number') {
			check(handle, syscall);
			throw new Error(`unreachable: ${syscall} start returned a non-negative number`);
		}

		this.#handle = handle;
		if (!ref) {
			this.unref();
		}

		if (signal !== undefined) {
			onAbort = () => {
				this.cancel(signal.reason);
			};

			signal.addEventListener('abort', onAbort, {once: true});
		}
	}

	/** Whether the wait has completed (the promise is settled or about to be). */
	get done(): boolean {
		return this.#handle === undefined;
	}

	/**
	 * Wakes the helper thread; once it has finished, the promise rejects with
	 * `reason` (default: an `AbortError` `DOMException`), even if fds became
	 * ready at the same moment (they stay ready for the next wait). The first
	 * reason wins. No-op once the wait has completed.
	 *
	 * @param reason - the rejection value
	 * @throws {OSError} if the wake fd cannot be written (not expected)
	 */
	cancel(reason: unknown = new DOMException('The operation was aborted', 'AbortError')): void {
		if (this.#handle === undefined) {
			return;
		}

		this.#cancelReason ??= {value: reason};
		check(native.waitCancel(this.#handle), 'write');
	}

	/** The pending wait keeps the process alive (the default). Returns `this`. */
	ref(): this {
		this.#ref = true;
		if (this.#handle !== undefined) {
			native.waitRef(this.#handle, true);
		}

		return this;
	}

	/**
	 * The pending wait no longer keeps the process alive; if nothing else
	 * does, the process (or worker) exits, the promise never settles, and
	 * the thread is woken and joined during exit. Returns `this`.
	 */
	unref(): this {
		this.#ref = false;
		if (this.#handle !== undefined) {
			native.waitRef(this.#handle, false);
		}

		return this;
	}

	/** Whether the pending wait keeps the process alive. */
	hasRef(): boolean {
		return this.#ref;
	}
}

function validate(n: number, timeoutMs: number): number {
	if (!Number.isInteger(n) || n < 0) {
		throw new RangeError(`n must be a non-negative integer, not ${String(n)}`);
	}

	if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs)) {
		throw new TypeError(`timeoutMs must be an integer, not ${String(timeoutMs)}`);
	}

	return timeoutMs < 0 ? -1 : clampWaitMs(timeoutMs);
}

/**
 * Starts poll(2) on a helper thread. Arguments as for `native.poll`:
 *
 * @param pollfds - `n` `struct pollfd` (2 int32 each); copied at once
 * @param n - number of entries
 * @param timeoutMs - integer milliseconds; negative waits forever; values
 *   above `MAX_WAIT_MS` are clamped (callers with a deadline loop)
 * @param out - receives one (fd, revents) pair per ready entry (`2 * n`
 *   int32 at least); written just before the promise settles
 * @param options - `signal`, `ref`
 * @returns the pending wait; its `promise` resolves with the pair count
 * @throws {TypeError} / {RangeError} for invalid arguments
 * @throws {OSError} if the wait cannot start; `signal.reason` if already aborted
 */
export function startPoll(pollfds: Int32Array, n: number, timeoutMs: number, out: Int32Array,
	options?: AsyncWaitOptions): PendingWait {
	const ms = validate(n, timeoutMs);
	return new PendingWait(callback => native.pollAsync(pollfds, n, ms, out, callback), 'poll', options);
}

/**
 * Starts select(2) on a helper thread. Arguments as for `native.select`:
 *
 * @param fds - `n` (fd, mask) pairs, mask 1 = read, 2 = write; copied at once
 * @param n - number of pairs
 * @param timeoutMs - as for {@link startPoll}
 * @param out - receives one (fd, readyMask) pair per ready fd (`2 * n` int32 at least)
 * @param options - `signal`, `ref`
 * @returns the pending wait; its `promise` resolves with the pair count
 * @throws {TypeError} / {RangeError} for invalid arguments
 * @throws {OSError} `EBADF` for a negative fd, `EINVAL` for an fd >= FD_SETSIZE
 *   (checked before any thread starts, as by `native.select`); `EMFILE`/`EAGAIN`
 *   if the wait cannot start; `signal.reason` if already aborted
 */
export function startSelect(fds: Int32Array, n: number, timeoutMs: number, out: Int32Array,
	options?: AsyncWaitOptions): PendingWait {
	const ms = validate(n, timeoutMs);
	return new PendingWait(callback => native.selectAsync(fds, n, ms, out, callback), 'select', options);
}

/**
 * {@link startPoll} as a promise: resolves with the count of (fd, revents)
 * pairs written to `out`. Every error, including invalid arguments and an
 * already-aborted signal, is a rejection.
 *
 * @param pollfds - `n` `struct pollfd` (2 int32 each); copied at once
 * @param n - number of entries
 * @param timeoutMs - integer milliseconds; negative waits forever
 * @param out - receives the (fd, revents) pairs
 * @param options - `signal`, `ref`
 * @returns the number of pairs written to `out`
 */
export async function asyncPoll(pollfds: Int32Array, n: number, timeoutMs: number, out: Int32Array,
	options?: AsyncWaitOptions): Promise<number> {
	return startPoll(pollfds, n, timeoutMs, out, options).promise;
}

/**
 * {@link startSelect} as a promise: resolves with the count of
 * (fd, readyMask) pairs written to `out`. Every error is a rejection.
 *
 * @param fds - `n` (fd, mask) pairs; copied at once
 * @param n - number of pairs
 * @param timeoutMs - integer milliseconds; negative waits forever
 * @param out - receives the (fd, readyMask) pairs
 * @param options - `signal`, `ref`
 * @returns the number of pairs written to `out`
 */
export async function asyncSelect(fds: Int32Array, n: number, timeoutMs: number, out: Int32Array,
	options?: AsyncWaitOptions): Promise<number> {
	return startSelect(fds, n, timeoutMs, out, options).promise;
}
