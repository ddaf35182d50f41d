/**
 * The two ways a selector waits for `selectAsync()` (src/async/index.ts has
 * the building blocks and their measured costs):
 *
 * - {@link WatchWaiter}: the selector's own fd is pollable (epoll, kqueue):
 *   a libuv poll handle waits for it to become readable;
 * - {@link ThreadWaiter}: no pollable fd (poll, select): the system call
 *   runs on a helper thread, restarted when the interest list changes.
 *
 * @internal
 * @module
 */
import {FdWatch} from '../async/fd-watch.js';
import type {AsyncWaitOptions, PendingWait} from '../async/wait.js';

/**
 * One lazily created {@link FdWatch} on a selector's fd, reused by every
 * `selectAsync()` and closed with the selector.
 *
 * @internal
 */
export class WatchWaiter {
	#watch: FdWatch | undefined;

	/**
	 * Resolves when `fd` is readable or `timeoutMs` has passed; rejects with
	 * `signal.reason` on abort (the handle is disarmed, not closed).
	 *
	 * @param fd - the selector's fd (duplicated once, by the first call)
	 * @param timeoutMs - -1 or > 0
	 * @param signal - the call's signal
	 * @param ref - whether the wait keeps the event loop alive
	 */
	async wait(fd: number, timeoutMs: number, signal: AbortSignal, ref: boolean): Promise<void> {
		signal.throwIfAborted();
		const watch = this.#watch ?? new FdWatch(fd);
		this.#watch = watch;
		if (watch.hasRef() !== ref) {
			if (ref) {
				watch.ref();
			} else {
				watch.unref();
			}
		}

		await watch.wait({timeoutMs, signal});
	}

	/** Releases the handle and its duplicate fd. Idempotent. */
	close(): void {
		this.#watch?.close();
		this.#watch = undefined;
	}
}

/** The cancel reason of a wait restarted because the interest list changed. */
const RESTART: unique symbol = Symbol('restart');

/**
 * One helper-thread wait at a time, with a result buffer of its own: the
 * selector's table may be reallocated by register() while the thread runs.
 *
 * @internal
 */
export class ThreadWaiter {
	#pending: PendingWait | undefined;
	#out = new Int32Array(16);

	/**
	 * Runs one wait; resolves with the number of pairs in `out`, or 0 if it
	 * was restarted ({@link ThreadWaiter.restart}); rejects with
	 * `signal.reason` on abort (after the thread has finished).
	 *
	 * @param slots - int32 values `out` must hold (2 per interest-list entry)
	 * @param start - starts the wait into `out`
	 * @param signal - the call's signal
	 * @param ref - whether the wait keeps the event loop alive
	 */
	async wait(slots: number, start: (out: Int32Array, options: AsyncWaitOptions) => PendingWait,
		signal: AbortSignal, ref: boolean): Promise<number> {
		if (this.#out.length < slots) {
			this.#out = new Int32Array(Math.max(slots, 2 * this.#out.length));
		}

		const pending = start(this.#out, {signal, ref});
		this.#pending = pending;
		try {
			return await pending.promise;
		} catch (error) {
			if (error === RESTART) {
				return 0;
			}

			throw error;
		} finally {
			if (this.#pending === pending) {
				this.#pending = undefined;
			}
		}
	}

	/** The result buffer of the last wait. */
	get out(): Int32Array {
		return this.#out;
	}

	/**
	 * The interest list changed: wake a running wait, which then resolves
	 * with 0 so the caller starts again with the new list.
	 */
	restart(): void {
		this.#pending?.cancel(RESTART);
	}
}
