/**
 * {@link ReadinessWait}: the one interface a selector waits through for
 * `selectAsync()`, and {@link ReactorWait}, its implementation over the
 * reactor's {@link FdWatch}es. The selector's policy (deadlines, collecting
 * with a zero-timeout `select()`, the contract) is in
 * src/selectors/base-impl.ts; this only waits for readiness.
 *
 * @internal
 * @module
 */
import {setMaxListeners} from 'node:events';
import {EVENT_READ, EVENT_WRITE} from '../constants.js';
import {FdWatch, notPollable, WATCH_READABLE, WATCH_WRITABLE} from './fd-watch.js';

/** What to wait for: a selector's own pollable fd, or its registrations. */
export type WaitTarget =
	/** An epoll or kqueue fd: readable while it has events pending. */
	| {readonly fd: number}
	/** `(fd, EVENT_*)` pairs: ready when any of them is (poll, select). */
	| {readonly interest: Iterable<readonly [fd: number, events: number]>};

/** Waiting for readiness without blocking the event loop. */
export interface ReadinessWait {
	/**
	 * Resolves when `target` may be ready (a wake-up may be spurious: the
	 * caller collects with a zero-timeout wait and waits again if nothing is
	 * there), when `timeoutMs` (-1: none) has passed, or when
	 * {@link ReadinessWait.restart} is called; rejects with `signal.reason`
	 * once `signal` aborts, having disarmed what it armed.
	 */
	wait(target: WaitTarget, timeoutMs: number, signal: AbortSignal, ref: boolean): Promise<void>;
	/** The target changed: a pending wait resolves so the caller waits again. */
	restart(): void;
	/**
	 * Releases what is kept between waits (a pending wait resolves, as on
	 * restart). Idempotent; the object stays usable.
	 */
	close(): void;
}

const RESTART: unique symbol = Symbol('restart');

function noop(): void {
	// A settled wait's rejection is handled by the race.
}

/**
 * {@link ReadinessWait} over the reactor: a selector's own fd is one
 * {@link FdWatch}, created on first use and kept until `close()` (one
 * re-arming system call per wait); registrations are one one-shot
 * {@link FdWatch} each, made for the wait and closed after it
 * (a duplicate, an add, a re-arm, a removal and a close per fd and wait).
 * An fd the kernel cannot watch (`EPERM`: a regular file, which poll(2)
 * and select(2) report always ready) is left out.
 *
 * @internal
 */
export class ReactorWait implements ReadinessWait {
	#own: FdWatch | undefined;
	#pending: AbortController | undefined;

	async wait(target: WaitTarget, timeoutMs: number, signal: AbortSignal, ref: boolean): Promise<void> {
		signal.throwIfAborted();
		const local = new AbortController();
		// One listener per registration's watch: a wait on many fds is not a leak.
		setMaxListeners(0, local.signal);
		const onAbort = (): void => {
			local.abort(signal.reason);
		};

		signal.addEventListener('abort', onAbort, {once: true});
		this.#pending = local;
		const made: FdWatch[] = [];
		let timer: ReturnType<typeof setTimeout> | undefined;
		try {
			const waits: Array<Promise<unknown>> = [
				new Promise((_resolve, reject) => {
					local.signal.addEventListener(
						'abort',
						() => {
							reject(local.signal.reason as unknown);
						},
						{once: true},
					);
				}),
			];
			if ('fd' in target) {
				const own = this.#own ?? new FdWatch(target.fd);
				this.#own = own;
				if (own.hasRef() !== ref) {
					if (ref) {
						own.ref();
					} else {
						own.unref();
					}
				}

				waits.push(own.wait({signal: local.signal}));
			} else {
				for (const [fd, events] of target.interest) {
					let watch: FdWatch;
					try {
						watch = new FdWatch(fd, {ref});
					} catch (error) {
						if (notPollable(error)) {
							continue;
						}

						throw error;
					}

					made.push(watch);
					waits.push(
						watch.wait({
							events:
								((events & EVENT_READ) === 0 ? 0 : WATCH_READABLE) |
								((events & EVENT_WRITE) === 0 ? 0 : WATCH_WRITABLE),
							signal: local.signal,
						}),
					);
				}
			}

			if (timeoutMs >= 0) {
				waits.push(
					new Promise<void>(resolve => {
						timer = setTimeout(resolve, timeoutMs);
						if (!ref) {
							timer.unref();
						}
					}),
				);
			}

			for (const w of waits) {
				w.catch(noop);
			}

			await Promise.race(waits);
		} catch (error) {
			if (error !== RESTART) {
				throw error;
			}
		} finally {
			clearTimeout(timer);
			signal.removeEventListener('abort', onAbort);
			if (this.#pending === local) {
				this.#pending = undefined;
			}

			local.abort(RESTART); // disarms whatever is still armed
			for (const watch of made) {
				watch.close();
			}
		}
	}

	restart(): void {
		this.#pending?.abort(RESTART);
	}

	close(): void {
		this.#pending?.abort(RESTART);
		this.#own?.close();
		this.#own = undefined;
	}
}
