/**
 * {@link FdWatch}: wait for one fd to become ready without blocking the event
 * loop, through the environment's reactor (src/async/reactor.ts,
 * native/reactor.c). No selector policy: a one-shot readiness wait with a
 * timeout, an `AbortSignal` and a ref switch, or an async iterator of its
 * readiness ({@link FdWatch.events}). Exported publicly by the
 * `node-selectors/watch` entry point (src/watch/index.ts).
 *
 * @module
 */
import {constants as osConstants} from 'node:os';
import {OSError, RuntimeError, argRangeError, argTypeError, check} from '../errors.js';
import {clampWaitMs} from '../time.js';
import {
	R,
	bind,
	ensureReactor,
	holdStrongly,
	releaseLoop,
	retainLoop,
	unbind,
	watchAdd,
	watchModify,
	watchRemove,
} from './reactor.js';
import {LoopHandle} from './loop-handle.js';

/** Wait for the fd to be readable (the default): `EPOLLIN`. */
export const WATCH_READABLE: number = R.IN;
/** Wait for the fd to be writable: `EPOLLOUT`. */
export const WATCH_WRITABLE: number = R.OUT;
/** Report a peer hang-up (`EPOLLRDHUP`; kqueue: EOF on the read filter). */
export const WATCH_DISCONNECT: number = R.RDHUP;
/** Urgent (out-of-band) data: `EPOLLPRI` (not on kqueue). */
export const WATCH_PRIORITIZED: number = R.PRI;

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
	 * Edge-triggered (`EPOLLET`, kqueue `EV_CLEAR`): report only a change of
	 * state since the last report. Default `false` (level-triggered).
	 */
	readonly edge?: boolean;
	/**
	 * Give up after this many **milliseconds** (an integer; the wait resolves
	 * with 0). Negative or absent: no time limit. Waits longer than
	 * `MAX_WAIT_MS` (about 24.8 days) end early with 0, so callers with a
	 * deadline loop.
	 */
	readonly timeoutMs?: number;
	/** Aborting it stops the wait and rejects it with `signal.reason`. */
	readonly signal?: AbortSignal;
}

/** Options of {@link FdWatch.events}. */
export interface FdEventsOptions {
	/** Events to wait for, as in {@link FdWaitOptions.events}. */
	readonly events?: number;
	/**
	 * Edge-triggered: the fd stays armed (`EPOLLET` without `EPOLLONESHOT`)
	 * and each step yields what changed since the last one (reports arriving
	 * between steps are merged into one mask), so data left unread is not
	 * reported again. Default `false`: level-triggered, each step is one
	 * {@link FdWatch.wait} and yields at once while the fd stays ready.
	 */
	readonly edge?: boolean;
	/** Aborting it ends the iteration by throwing `signal.reason`. */
	readonly signal?: AbortSignal;
}

/** An edge-triggered {@link FdWatch.events} iteration in progress. */
interface Stream {
	readonly token: number;
	/** Events reported since the last step. */
	bits: number;
	/** The reactor failed (-errno). */
	failure: number;
	/** Wakes the step waiting for events, if any. */
	wake: (() => void) | undefined;
	/** Whether the waiting step holds the event loop (a ref'd watch). */
	held: boolean;
}

/** The kernel side of a watch; closed when its FdWatch is collected unclosed. */
interface Core {
	/** The reactor's duplicate of the fd (-1 once closed). */
	dup: number;
	/** The token of the pending wait, 0 if none. */
	token: number;
}

function release(core: Core): void {
	if (core.token !== 0) {
		unbind(core.token);
		core.token = 0;
	}

	if (core.dup >= 0) {
		watchRemove(core.dup);
		core.dup = -1;
	}
}

const collected = new FinalizationRegistry<Core>(release);

interface Pending {
	readonly token: number;
	readonly resolve: (events: number) => void;
	readonly reject: (reason: unknown) => void;
	timer: ReturnType<typeof setTimeout> | undefined;
	signal: AbortSignal | undefined;
	onAbort: (() => void) | undefined;
}

/**
 * One fd in the reactor: {@link FdWatch.wait} resolves when the fd is ready,
 * while timers, promises and servers keep running.
 *
 * Semantics:
 * - **One wait at a time, one-shot.** Each `wait()` arms the fd once
 *   (`EPOLLONESHOT`); the kernel disarms it when it reports, so a
 *   level-triggered ready fd is reported once per `wait()`. A second
 *   `wait()` while one is pending rejects with {@link RuntimeError}
 *   `ERR_WAIT_PENDING`.
 * - **Keeps the process alive** while a wait is pending, like a listening
 *   server, unless {@link FdWatch.unref} (or `{ref: false}`) was used; the
 *   timeout timer follows the same setting. An unref'd pending wait does
 *   not keep the watch reachable either: a watch nobody references is
 *   garbage-collected with its wait (which never settles) and closed.
 * - **Abort** (`signal`) disarms and rejects with `signal.reason`; an
 *   already-aborted signal rejects without arming.
 * - **close()** removes the fd from the reactor and rejects a pending wait
 *   with {@link RuntimeError} `ERR_WATCH_CLOSED`; later `wait()` calls
 *   reject the same way. Idempotent.
 * - **The watch holds its own duplicate of the fd** (one extra fd, closed
 *   by `close()`): the reactor's kernel set names it, so the caller may
 *   close its fd at any time, several watches on one fd are independent,
 *   and a reused fd number is never confused with the watched file. The
 *   open file stays open until the watch is closed.
 * - An `FdWatch` dropped without `close()` is closed when garbage-collected
 *   (not while a ref'd wait is pending), and when its thread's environment
 *   exits.
 *
 * A regular file throws `PermissionError` (`EPERM`) on Linux (epoll
 * refuses it). `wait()` never throws: every failure is a rejection.
 *
 * An fd that Node itself watches (a `net.Socket`'s, `process.stdin`) may
 * be watched: the duplicate sits in the reactor's own kernel set, leaving
 * libuv's registration alone. Reading such an fd races Node's own reads:
 * watching is safe, consuming is the caller's business.
 */
export class FdWatch extends LoopHandle implements Disposable {
	/** The watched file descriptor. */
	readonly fd: number;
	readonly #core: Core;
	#pending: Pending | undefined;
	#stream: Stream | undefined;

	/**
	 * Duplicates `fd` and adds the duplicate, disarmed, to the reactor
	 * (starting the reactor on first use).
	 *
	 * @param fd - a pollable file descriptor (epoll/kqueue fd, socket, pipe…)
	 * @param options - see {@link FdWatchOptions}
	 * @throws {TypeError} if `fd` is not an integer
	 * @throws {OSError} `EBADF` (fd not open), `EMFILE`, `EPERM` (not pollable)…
	 */
	constructor(fd: number, options: FdWatchOptions = {}) {
		super(options.ref !== false);
		if (!Number.isInteger(fd)) {
			throw argTypeError(`fd must be an integer, not ${String(fd)}`);
		}

		ensureReactor();
		// Disarmed: one-shot with no interest (a hang-up or error may still be
		// reported once, under token 0, and is dropped).
		const dup = check(watchAdd(fd, R.ONESHOT, 0), 'epoll_ctl');

		this.fd = fd;
		this.#core = {dup, token: 0};
		collected.register(this, this.#core, this.#core);
	}

	/** Whether {@link FdWatch.close} was called. */
	get closed(): boolean {
		return this.#core.dup < 0;
	}

	/** Whether a {@link FdWatch.wait} is pending. */
	get pending(): boolean {
		return this.#pending !== undefined;
	}

	/**
	 * Waits until the fd is ready for `options.events` (readable by default).
	 *
	 * @param options - see {@link FdWaitOptions}
	 * @returns the events reported (non-zero: the `WATCH_*` bits, plus
	 *   `EPOLLERR`/`EPOLLHUP` bits on error or hang-up), or 0 if
	 *   `options.timeoutMs` passed first
	 * @throws (rejects) `signal.reason` on abort; {@link RuntimeError}
	 *   `ERR_WATCH_CLOSED` / `ERR_WAIT_PENDING`; {@link OSError} if the kernel
	 *   refuses to arm; `TypeError`/`RangeError` for invalid options
	 */
	async wait(options: FdWaitOptions = {}): Promise<number> {
		const {events = WATCH_READABLE, edge = false, timeoutMs = -1, signal} = options;
		if (!Number.isInteger(events) || events <= 0 || events > ALL_EVENTS || (events & ~ALL_EVENTS) !== 0) {
			throw argRangeError(`events must be a non-empty mask of WATCH_* flags, not ${String(events)}`);
		}

		if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs)) {
			throw argTypeError(`timeoutMs must be an integer, not ${String(timeoutMs)}`);
		}

		const core = this.#core;
		if (core.dup < 0) {
			throw new RuntimeError('FdWatch is closed', 'ERR_WATCH_CLOSED');
		}

		if (this.#pending !== undefined || this.#stream !== undefined) {
			throw new RuntimeError('FdWatch is already waiting', 'ERR_WAIT_PENDING');
		}

		signal?.throwIfAborted();
		const token = bind(this, this.hasRef());
		const armed = watchModify(core.dup, events | R.ONESHOT | (edge ? R.ET : 0), token);
		if (armed < 0) {
			unbind(token);
			throw OSError.fromErrno(-armed, 'epoll_ctl');
		}

		core.token = token;
		if (this.hasRef()) {
			retainLoop();
		}

		return new Promise<number>((resolve, reject) => {
			const pending: Pending = {
				token,
				resolve,
				reject,
				timer: undefined,
				signal: undefined,
				onAbort: undefined,
			};
			if (timeoutMs >= 0) {
				pending.timer = setTimeout(() => {
					this.#disarm(pending);
					resolve(0);
				}, clampWaitMs(timeoutMs));
				if (!this.hasRef()) {
					pending.timer.unref();
				}
			}

			if (signal !== undefined) {
				pending.signal = signal;
				pending.onAbort = () => {
					this.#disarm(pending);
					reject(signal.reason as unknown);
				};

				signal.addEventListener('abort', pending.onAbort, {once: true});
			}

			this.#pending = pending;
		});
	}

	/**
	 * The fd's readiness as an async iterator: each step yields the events
	 * reported (raw bits, as {@link FdWatch.wait} resolves with; never 0).
	 *
	 * - Level-triggered (default): each step is one `wait()`, so a fd left
	 *   ready (data unread) is yielded again at the next step.
	 * - Edge-triggered (`edge: true`): the fd stays armed while iterating;
	 *   a step yields only what the kernel reported since the previous one.
	 * - The iteration ends when the watch is closed, when the loop is left
	 *   (`break`, `return`, a throw: the fd is disarmed), and by throwing
	 *   `signal.reason` when `signal` aborts. (An async generator's
	 *   `return()` called while a step is pending takes effect after that
	 *   step: stop a pending step with `signal` or `close()`.) One consumer at a time: a
	 *   `wait()` during an edge-triggered iteration rejects with
	 *   `ERR_WAIT_PENDING`, as does a second iteration.
	 * - A step that waits keeps the process alive unless the watch is
	 *   unref'd, as a pending `wait()` does.
	 *
	 * @param options - see {@link FdEventsOptions}
	 * @throws {RangeError} for an invalid `events` mask (at the first step)
	 */
	async *events(options: FdEventsOptions = {}): AsyncGenerator<number, void, undefined> {
		const {events = WATCH_READABLE, edge = false, signal} = options;
		if (!edge) {
			for (;;) {
				let bits: number;
				try {
					bits = await this.wait(signal === undefined ? {events} : {events, signal});
				} catch (error) {
					if (this.closed && error instanceof RuntimeError && error.code === 'ERR_WATCH_CLOSED') {
						return;
					}

					throw error;
				}

				yield bits;
			}
		}

		yield* this.#edgeEvents(events, signal);
	}

	async *#edgeEvents(
		events: number,
		signal: AbortSignal | undefined,
	): AsyncGenerator<number, void, undefined> {
		if (!Number.isInteger(events) || events <= 0 || events > ALL_EVENTS || (events & ~ALL_EVENTS) !== 0) {
			throw argRangeError(`events must be a non-empty mask of WATCH_* flags, not ${String(events)}`);
		}

		const core = this.#core;
		if (core.dup < 0) {
			return;
		}

		if (this.#pending !== undefined || this.#stream !== undefined) {
			throw new RuntimeError('FdWatch is already waiting', 'ERR_WAIT_PENDING');
		}

		signal?.throwIfAborted();
		// Held weakly: only a waiting step (of a ref'd watch) holds it strongly.
		const token = bind(this, false);
		const armed = watchModify(core.dup, (events | R.ET) >>> 0, token);
		if (armed < 0) {
			unbind(token);
			throw OSError.fromErrno(-armed, 'epoll_ctl');
		}

		core.token = token;
		const stream: Stream = {token, bits: 0, failure: 0, wake: undefined, held: false};
		this.#stream = stream;
		try {
			for (;;) {
				if (stream.bits === 0 && stream.failure === 0 && this.#stream === stream) {
					await this.#nextEdge(stream, signal);
				}

				if (this.#stream !== stream) {
					return; // closed
				}

				if (stream.failure !== 0) {
					throw OSError.fromErrno(-stream.failure, 'epoll_wait');
				}

				const bits = stream.bits;
				stream.bits = 0;
				yield bits;
			}
		} finally {
			this.#endStream(stream);
		}
	}

	/** One edge-triggered step: until events come, the watch closes or `signal` aborts. */
	async #nextEdge(stream: Stream, signal: AbortSignal | undefined): Promise<void> {
		signal?.throwIfAborted();
		let onAbort: (() => void) | undefined;
		try {
			await new Promise<void>((resolve, reject) => {
				stream.wake = resolve;
				if (signal !== undefined) {
					onAbort = () => {
						reject(signal.reason as unknown);
					};

					signal.addEventListener('abort', onAbort, {once: true});
				}

				if (this.hasRef()) {
					this.#holdStream(stream, true);
				}
			});
		} finally {
			stream.wake = undefined;
			this.#holdStream(stream, false);
			if (onAbort !== undefined) {
				signal!.removeEventListener('abort', onAbort);
			}
		}
	}

	#holdStream(stream: Stream, hold: boolean): void {
		if (stream.held === hold) {
			return;
		}

		stream.held = hold;
		holdStrongly(stream.token, hold);
		if (hold) {
			retainLoop();
		} else {
			releaseLoop();
		}
	}

	/** Ends an edge-triggered iteration: disarm and forget its token. */
	#endStream(stream: Stream): void {
		if (this.#stream !== stream) {
			return;
		}

		this.#stream = undefined;
		this.#holdStream(stream, false);
		unbind(stream.token);
		this.#core.token = 0;
		if (this.#core.dup >= 0) {
			watchModify(this.#core.dup, R.ONESHOT, 0);
		}

		stream.wake?.();
	}

	/**
	 * Removes the fd from the reactor and closes the duplicate. A pending
	 * wait rejects with {@link RuntimeError} `ERR_WATCH_CLOSED`. Idempotent.
	 */
	close(): void {
		if (this.#core.dup < 0) {
			return;
		}

		collected.unregister(this.#core);
		if (this.#stream !== undefined) {
			this.#endStream(this.#stream);
		}

		const pending = this.#pending;
		if (pending !== undefined) {
			this.#settled(pending);
		}

		release(this.#core);
		pending?.reject(new RuntimeError('FdWatch closed while waiting', 'ERR_WATCH_CLOSED'));
	}

	/** Same as {@link FdWatch.close} (for `using`). */
	[Symbol.dispose](): void {
		this.close();
	}

	/** @internal The reactor's delivery; the kernel has disarmed the fd. */
	onReactorEvents(token: number, revents: number): void {
		const stream = this.#stream;
		if (stream?.token === token) {
			if (revents < 0) {
				stream.failure = revents;
			} else {
				stream.bits |= revents;
			}

			stream.wake?.();
			return;
		}

		const pending = this.#pending;
		if (pending?.token !== token) {
			return;
		}

		this.#settled(pending);
		if (revents < 0) {
			pending.reject(OSError.fromErrno(-revents, 'epoll_wait'));
		} else {
			pending.resolve(revents);
		}
	}

	/**
	 * `ref()`: a pending wait keeps the process (or worker thread) alive —
	 * the default. `unref()`: it no longer does (nor keeps this watch
	 * reachable): if nothing else does, the process exits and the wait never
	 * settles (as with an unref'd server).
	 */
	protected override _refChanged(ref: boolean): void {
		const stream = this.#stream;
		if (stream?.wake !== undefined) {
			this.#holdStream(stream, ref);
		}

		const pending = this.#pending;
		if (pending === undefined) {
			return;
		}

		holdStrongly(pending.token, ref);
		if (ref) {
			retainLoop();
			pending.timer?.ref();
		} else {
			releaseLoop();
			pending.timer?.unref();
		}
	}

	/** Timeout or abort: disarm (dropping an event already on its way), then settle. */
	#disarm(pending: Pending): void {
		this.#settled(pending);
		if (this.#core.dup >= 0) {
			watchModify(this.#core.dup, R.ONESHOT, 0);
		}
	}

	#settled(pending: Pending): void {
		if (this.#pending !== pending) {
			return;
		}

		this.#pending = undefined;
		unbind(pending.token);
		this.#core.token = 0;
		if (this.hasRef()) {
			releaseLoop();
		}

		if (pending.timer !== undefined) {
			clearTimeout(pending.timer);
			pending.timer = undefined;
		}

		if (pending.signal !== undefined && pending.onAbort !== undefined) {
			pending.signal.removeEventListener('abort', pending.onAbort);
			pending.onAbort = undefined;
		}
	}
}

/** Whether `error` says the fd cannot be watched (a regular file, /dev/null…). */
export function notPollable(error: unknown): boolean {
	return error instanceof OSError && error.errno === osConstants.errno.EPERM;
}
