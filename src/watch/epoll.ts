/**
 * {@link Epoll}: npm `epoll`'s callback API (`new Epoll((err, fd, events) =>
 * …)`, `add`/`modify`/`remove`/`close`, the `EPOLL*` statics) over the
 * environment's reactor (src/async/reactor.ts, native/reactor.c), so code
 * written for npm `epoll` ports by changing its import.
 *
 * @module
 */
import {constants as osConstants} from 'node:os';
import {LoopHandle} from '../async/loop-handle.js';
import {OSError, RuntimeError, argRangeError, argTypeError, check} from '../errors.js';
import * as reactor from '../async/reactor.js';

/** The reactor's event bits (epoll's values on every platform). */
const {R} = reactor;

/**
 * Called for each event: `(null, fd, events)` with the fd as passed to
 * {@link Epoll.add} and the kernel's event bits, or `(error)` if the
 * reactor's kernel wait failed (no event comes after that).
 */
export type EpollCallback = (error: Error | null, fd?: number, events?: number) => void;

/** What the kernel side of an Epoll holds: token → the reactor's duplicate. */
type Dups = Map<number, number>;

function releaseAll(dups: Dups): void {
	for (const [token, dup] of dups) {
		reactor.unbind(token);
		reactor.watchRemove(dup);
	}

	dups.clear();
}

const collected = new FinalizationRegistry<Dups>(releaseAll);

const INTEREST = R.IN | R.OUT | R.PRI | R.RDHUP | R.ERR | R.HUP | R.ET | R.ONESHOT;

interface Entry {
	readonly token: number;
	readonly dup: number;
}

/**
 * npm `epoll`'s `Epoll` on this library's reactor: one callback for the fds
 * added to it, called on the event loop with the raw event bits.
 *
 * Not `Epoll` of `node-selectors/select` (Python's `select.epoll`, which
 * blocks in `poll()`): this one never blocks and calls back.
 *
 * Semantics (npm `epoll`'s, on epoll(7)):
 * - **Level-triggered** unless `EPOLLET`: while the condition holds (data
 *   left unread), the callback is called again, once per event-loop turn.
 *   `EPOLLET`: once per change. `EPOLLONESHOT`: once, then the fd stays
 *   disarmed until {@link Epoll.modify}.
 * - `EPOLLERR` and `EPOLLHUP` are always reported (the kernel adds them).
 * - `add`/`modify`/`remove` throw {@link OSError}: `FileExistsError`
 *   (`EEXIST`) for an fd already added, `FileNotFoundError` (`ENOENT`) for
 *   one not added, `PermissionError` (`EPERM`) for a regular file, `EBADF`.
 *   They return `this`, so calls chain (`poller.remove(fd).close()`).
 * - While at least one fd is added, the process stays alive (npm `epoll`
 *   does the same), unless {@link Epoll.unref} was called.
 * - **Duplicates**: each added fd is watched through the reactor's own
 *   duplicate of it, so closing your fd without `remove()` does not stop
 *   the events (with npm `epoll` the kernel drops a closed fd by itself):
 *   remove it first. The fd number is still what the callback receives.
 * - A throwing callback is reported as an uncaught exception after the
 *   other events of the batch were delivered.
 * - After {@link Epoll.close} (idempotent) no callback is called, and
 *   `add`/`modify`/`remove` throw {@link RuntimeError} `ERR_EPOLL_CLOSED`.
 */
export class Epoll extends LoopHandle implements Disposable {
	/** Readable (`EPOLLIN`). */
	static readonly EPOLLIN: number = R.IN;
	/** Writable (`EPOLLOUT`). */
	static readonly EPOLLOUT: number = R.OUT;
	/** The peer shut down writing (`EPOLLRDHUP`). */
	static readonly EPOLLRDHUP: number = R.RDHUP;
	/** Urgent data; a GPIO sysfs `value` file's interrupt (`EPOLLPRI`). */
	static readonly EPOLLPRI: number = R.PRI;
	/** Error (`EPOLLERR`; always reported). */
	static readonly EPOLLERR: number = R.ERR;
	/** Hang-up (`EPOLLHUP`; always reported). */
	static readonly EPOLLHUP: number = R.HUP;
	/** Edge-triggered (`EPOLLET`). */
	static readonly EPOLLET: number = R.ET;
	/** Report once, then disarm until `modify()` (`EPOLLONESHOT`). */
	static readonly EPOLLONESHOT: number = R.ONESHOT;

	readonly #callback: EpollCallback;
	/** fd → its registration. */
	readonly #byFd = new Map<number, Entry>();
	/** token → fd. */
	readonly #byToken = new Map<number, number>();
	/** token → duplicate, shared with the finalizer. */
	readonly #dups: Dups = new Map();
	/** Whether this Epoll holds the event loop (ref'd, with fds). */
	#held = false;
	#closed = false;
	#failed = false;

	/**
	 * @param callback - called with `(error, fd, events)`; see {@link EpollCallback}
	 * @throws {TypeError} if `callback` is not a function
	 */
	constructor(callback: EpollCallback) {
		super();
		if (typeof callback !== 'function') {
			throw argTypeError('The callback must be a function');
		}

		this.#callback = callback;
		collected.register(this, this.#dups, this);
	}

	/** Whether {@link Epoll.close} was called. */
	get closed(): boolean {
		return this.#closed;
	}

	/**
	 * Starts watching `fd` for `events` (`EPOLLIN | EPOLLET`, …; a mask with
	 * `EPOLLET`, bit 31, is negative in JavaScript: accepted as is).
	 *
	 * @returns `this`
	 * @throws {OSError} `EEXIST` (already added), `EBADF`, `EPERM` (not pollable)
	 */
	add(fd: number, events: number): this {
		this.#checkArgs('add', fd, events);
		if (this.#byFd.has(fd)) {
			throw OSError.fromErrno(osConstants.errno.EEXIST, 'epoll_ctl');
		}

		reactor.ensureReactor();
		const token = reactor.bind(this, this.hasRef());
		let dup: number;
		try {
			dup = check(reactor.watchAdd(fd, events, token), 'epoll_ctl');
		} catch (error) {
			reactor.unbind(token);
			throw error;
		}

		this.#byFd.set(fd, {token, dup});
		this.#byToken.set(token, fd);
		this.#dups.set(token, dup);
		this.#updateHold();
		return this;
	}

	/**
	 * Replaces the events of an added fd (and re-arms an `EPOLLONESHOT` one).
	 *
	 * @returns `this`
	 * @throws {OSError} `ENOENT` if `fd` was not added
	 */
	modify(fd: number, events: number): this {
		this.#checkArgs('modify', fd, events);
		const entry = this.#entry(fd);
		check(reactor.watchModify(entry.dup, events, entry.token), 'epoll_ctl');
		return this;
	}

	/**
	 * Stops watching `fd`; events already on their way are dropped.
	 *
	 * @returns `this`
	 * @throws {OSError} `ENOENT` if `fd` was not added
	 */
	remove(fd: number): this {
		this.#checkOpen('remove');
		if (!Number.isInteger(fd)) {
			throw argTypeError(`fd must be an integer, not ${String(fd)}`);
		}

		const entry = this.#entry(fd);
		this.#byFd.delete(fd);
		this.#byToken.delete(entry.token);
		this.#dups.delete(entry.token);
		reactor.unbind(entry.token);
		reactor.watchRemove(entry.dup);
		this.#updateHold();
		return this;
	}

	/** Removes every fd; no callback is called after this. Idempotent. */
	close(): void {
		if (this.#closed) {
			return;
		}

		this.#closed = true;
		collected.unregister(this);
		releaseAll(this.#dups);
		this.#byFd.clear();
		this.#byToken.clear();
		this.#updateHold();
	}

	/** Same as {@link Epoll.close} (for `using`). */
	[Symbol.dispose](): void {
		this.close();
	}

	/** @internal The reactor's delivery. */
	onReactorEvents(token: number, revents: number): void {
		const fd = this.#byToken.get(token);
		if (fd === undefined || this.#closed) {
			return;
		}

		try {
			if (revents < 0) {
				if (this.#failed) {
					return;
				}

				this.#failed = true;
				this.#callback(OSError.fromErrno(-revents, 'epoll_wait'));
			} else {
				this.#callback(null, fd, revents >>> 0);
			}
		} catch (error) {
			// Let the rest of the batch be delivered, then report it.
			process.nextTick(() => {
				throw error;
			});
		}
	}

	/**
	 * `ref()`: added fds keep the process alive (the default). `unref()`:
	 * they no longer do (an extension of npm `epoll`); an unreferenced,
	 * unref'd Epoll is closed when garbage-collected.
	 */
	protected override _refChanged(ref: boolean): void {
		for (const token of this.#byToken.keys()) {
			reactor.holdStrongly(token, ref);
		}

		this.#updateHold();
	}

	#updateHold(): void {
		const hold = this.hasRef() && this.#byFd.size > 0;
		if (hold === this.#held) {
			return;
		}

		this.#held = hold;
		if (hold) {
			reactor.retainLoop();
		} else {
			reactor.releaseLoop();
		}
	}

	#entry(fd: number): Entry {
		const entry = this.#byFd.get(fd);
		if (entry === undefined) {
			throw OSError.fromErrno(osConstants.errno.ENOENT, 'epoll_ctl');
		}

		return entry;
	}

	#checkOpen(method: string): void {
		if (this.#closed) {
			throw new RuntimeError(`${method} can't be called after close`, 'ERR_EPOLL_CLOSED');
		}
	}

	#checkArgs(method: string, fd: number, events: number): void {
		this.#checkOpen(method);
		if (!Number.isInteger(fd)) {
			throw argTypeError(`fd must be an integer, not ${String(fd)}`);
		}

		if (
			!Number.isInteger(events) ||
			events < -0x8000_0000 ||
			events > 0xffff_ffff ||
			((events >>> 0) & ~INTEREST) !== 0
		) {
			throw argRangeError(`events must be a mask of Epoll.EPOLL* flags, not ${String(events)}`);
		}
	}
}
