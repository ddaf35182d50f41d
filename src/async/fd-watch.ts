/**
 * {@link FdWatch}: wait for a pollable fd to become ready without blocking
 * the event loop, through a libuv `uv_poll_t` (native/watch.c).
 *
 * Meant for the selectors whose own fd is pollable — an epoll(7) or kqueue(2)
 * fd is readable while it has events pending — so `selectAsync()` can wait
 * for that and then collect the events with a zero-timeout `select(0)`. It
 * holds no selector policy: a one-shot readiness wait with a timeout, an
 * `AbortSignal` and a ref switch.
 *
 * @module
 */
import {OSError, RuntimeError, check} from '../errors.js';
import {native, type NativeWatch} from '../native.js';
import {clampWaitMs} from '../time.js';

/** libuv's `UV_READABLE`: wait for the fd to be readable (the default). */
export const WATCH_READABLE = 1;
/** libuv's `UV_WRITABLE`: wait for the fd to be writable. */
export const WATCH_WRITABLE = 2;
/** libuv's `UV_DISCONNECT`: report a peer hang-up (`EPOLLRDHUP`) where supported. */
export const WATCH_DISCONNECT = 4;
/** libuv's `UV_PRIORITIZED`: urgent data (`EPOLLPRI`). */
export const WATCH_PRIORITIZED = 8;

const ALL_EVENTS = WATCH_READABLE | WATCH_WRITABLE | WATCH_DISCONNECT | WATCH_PRIORITIZED;

/** Options of the {@link FdWatch} constructor. */
export interface FdWatchOptions {
	/**
	 * Whether a pending {@link FdWatch.wait} keeps the process (or worker)
	 * alive, as a listening server does. Default `true`; see
	 * {@link FdWatch.unref}.
	 */
	readonly ref?: boolean;
}

/** Options of {@link FdWatch.wait}. */
export interface FdWaitOptions {
	/**
	 * Events to wait for, a mask of {@link WATCH_READABLE} (default),
	 * {@link WATCH_WRITABLE}, {@link WATCH_DISCONNECT}, {@link WATCH_PRIORITIZED}.
	 */
	readonly events?: number;
	/**
	 * Give up after this many **milliseconds** (an integer; the wait resolves
	 * with 0). Negative or absent: no time limit. Waits longer than
	 * `MAX_WAIT_MS` (about 24.8 days) end early with 0, so callers with a
	 * deadline loop. Not useful for 0: a zero-timeout check is a synchronous
	 * `select(0)`.
	 */
	readonly timeoutMs?: number;
	/** Aborting it stops the wait and rejects it with `signal.reason`. */
	readonly signal?: AbortSignal;
}

interface Pending {
	readonly resolve: (events: number) => void;
	readonly reject: (reason: unknown) => void;
	timer: ReturnType<typeof setTimeout> | undefined;
	signal: AbortSignal | undefined;
	onAbort: (() => void) | undefined;
}

/**
 * A libuv poll handle on one fd: {@link FdWatch.wait} resolves when the fd
 * is ready, while timers, promises and servers keep running.
 *
 * Semantics:
 * - **One wait at a time, one-shot.** The handle is disarmed before the wait
 *   settles, so a level-triggered ready fd is reported once per `wait()`.
 *   A second `wait()` while one is pending rejects with
 *   {@link RuntimeError} `ERR_WAIT_PENDING`.
 * - **Keeps the process alive** while a wait is pending, like a listening
 *   server, unless {@link FdWatch.unref} (or `{ref: false}`) was used; the
 *   timeout timer follows the same setting.
 * - **Abort** (`signal`) stops the wait and rejects with `signal.reason`;
 *   an already-aborted signal rejects without arming.
 * - **close()** stops polling and rejects a pending wait with
 *   {@link RuntimeError} `ERR_WATCH_CLOSED`; later `wait()` calls reject
 *   the same way. Idempotent.
 * - **The watch polls its own duplicate of the fd** (one extra fd, closed by
 *   `close()`). The caller may close its fd at any time without confusing
 *   libuv (which, on a reused fd number, would unregister another handle's
 *   fd), but the open file — say, the epoll instance — stays open until the
 *   watch is closed. Several watches on one fd are independent.
 * - An `FdWatch` dropped without `close()` is closed when garbage-collected
 *   (not while a wait is pending), and when its thread's environment exits.
 *
 * A regular file throws `PermissionError` (`EPERM`) on Linux (epoll
 * refuses it).
 *
 * `wait()` never throws: every failure is a rejection.
 */
export class FdWatch implements Disposable {
	/** The watched file descriptor. */
	readonly fd: number;
	#handle: NativeWatch | undefined;
	#ref = true;
	#pending: Pending | undefined;

	/**
	 * Creates the poll handle (idle: nothing is watched until `wait()`).
	 *
	 * @param fd - a pollable file descriptor (epoll/kqueue fd, socket, pipe…);
	 *   duplicated, see the class notes
	 * @param options - see {@link FdWatchOptions}
	 * @throws {TypeError} if `fd` is not an integer
	 * @throws {OSError} `EBADF` (fd not open), `EMFILE`, `EPERM` (not pollable)…
	 */
	constructor(fd: number, options: FdWatchOptions = {}) {
		if (!Number.isInteger(fd)) {
			throw new TypeError(`fd must be an integer, not ${String(fd)}`);
		}

		const handle = native.watchCreate(fd, (status, events) => {
			this.#onReady(status, events);
		});
		if (typeof handle === 'number') {
			check(handle, 'uv_poll_init');
			throw new Error('unreachable: watchCreate returned a non-negative number');
		}

		this.fd = fd;
		this.#handle = handle;
		if (options.ref === false) {
			this.unref();
		}
	}

	/** Whether {@link FdWatch.close} was called. */
	get closed(): boolean {
		return this.#handle === undefined;
	}

	/** Whether a {@link FdWatch.wait} is pending. */
	get pending(): boolean {
		return this.#pending !== undefined;
	}

	/**
	 * Waits until the fd is ready for `options.events` (readable by default).
	 *
	 * @param options - see {@link FdWaitOptions}
	 * @returns the libuv event mask reported (non-zero), or 0 if
	 *   `options.timeoutMs` passed first
	 * @throws (rejects) `signal.reason` on abort; {@link RuntimeError}
	 *   `ERR_WATCH_CLOSED` / `ERR_WAIT_PENDING`; {@link OSError} if libuv
	 *   reports a poll error (`EBADF` for `EPOLLERR`);
	 *   `TypeError`/`RangeError` for invalid options
	 */
	async wait(options: FdWaitOptions = {}): Promise<number> {
		const {events = WATCH_READABLE, timeoutMs = -1, signal} = options;
		if (!Number.isInteger(events) || events <= 0 || events > ALL_EVENTS || (events & ~ALL_EVENTS) !== 0) {
			throw new RangeError(`events must be a non-empty mask of WATCH_* flags, not ${String(events)}`);
		}

		if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs)) {
			throw new TypeError(`timeoutMs must be an integer, not ${String(timeoutMs)}`);
		}

		const handle = this.#handle;
		if (handle === undefined) {
			throw new RuntimeError('FdWatch is closed', 'ERR_WATCH_CLOSED');
		}

		if (this.#pending !== undefined) {
			throw new RuntimeError('FdWatch is already waiting', 'ERR_WAIT_PENDING');
		}

		signal?.throwIfAborted();
		check(native.watchStart(handle, events), 'uv_poll_start');
		return new Promise<number>((resolve, reject) => {
			const pending: Pending = {resolve, reject, timer: undefined, signal: undefined, onAbort: undefined};
			if (timeoutMs >= 0) {
				pending.timer = setTimeout(() => {
					this.#disarm(pending);
					resolve(0);
				}, clampWaitMs(timeoutMs));
				if (!this.#ref) {
					pending.timer.unref();
				}
			}

			if (signal !== undefined) {
				pending.signal = signal;
				pending.onAbort = () => {
					this.#disarm(pending);
					reject(signal.reason);
				};

				signal.addEventListener('abort', pending.onAbort, {once: true});
			}

			this.#pending = pending;
		});
	}

	/**
	 * A pending wait keeps the process (or worker thread) alive — the
	 * default. Returns `this`.
	 */
	ref(): this {
		this.#setRef(true);
		return this;
	}

	/**
	 * A pending wait no longer keeps the process alive: if nothing else does,
	 * the process exits and the wait never settles (as with an unref'd
	 * server). Returns `this`.
	 */
	unref(): this {
		this.#setRef(false);
		return this;
	}

	/** Whether a pending wait keeps the process alive. */
	hasRef(): boolean {
		return this.#ref;
	}

	/**
	 * Stops watching, releases the libuv handle and closes the duplicate fd.
	 * A pending wait rejects with {@link RuntimeError} `ERR_WATCH_CLOSED`.
	 * Idempotent.
	 */
	close(): void {
		const handle = this.#handle;
		if (handle === undefined) {
			return;
		}

		this.#handle = undefined;
		native.watchClose(handle);
		const pending = this.#pending;
		if (pending !== undefined) {
			this.#settled(pending);
			pending.reject(new RuntimeError('FdWatch closed while waiting', 'ERR_WATCH_CLOSED'));
		}
	}

	/** Same as {@link FdWatch.close} (for `using`). */
	[Symbol.dispose](): void {
		this.close();
	}

	#setRef(ref: boolean): void {
		this.#ref = ref;
		if (this.#handle !== undefined) {
			native.watchRef(this.#handle, ref);
		}

		const timer = this.#pending?.timer;
		if (timer !== undefined) {
			if (ref) {
				timer.ref();
			} else {
				timer.unref();
			}
		}
	}

	/** Native callback: the handle is already disarmed. */
	#onReady(status: number, events: number): void {
		const pending = this.#pending;
		if (pending === undefined) {
			return;
		}

		this.#settled(pending);
		if (status < 0) {
			pending.reject(OSError.fromErrno(-status, 'uv_poll'));
		} else {
			pending.resolve(events);
		}
	}

	/** Timeout or abort: disarm the handle, then settle. */
	#disarm(pending: Pending): void {
		if (this.#handle !== undefined) {
			native.watchStop(this.#handle);
		}

		this.#settled(pending);
	}

	#settled(pending: Pending): void {
		if (pending.timer !== undefined) {
			clearTimeout(pending.timer);
			pending.timer = undefined;
		}

		if (pending.signal !== undefined && pending.onAbort !== undefined) {
			pending.signal.removeEventListener('abort', pending.onAbort);
			pending.onAbort = undefined;
		}

		if (this.#pending === pending) {
			this.#pending = undefined;
		}
	}
}
