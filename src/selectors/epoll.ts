/**
 * {@link EpollSelector}: epoll(7), Linux.
 *
 * @module
 */
import {constants as osConstants} from 'node:os';
import {C, native} from '../native.js';
import {typeName} from '../args.js';
import {argTypeError, check, ValueError} from '../errors.js';
import type {FileDescriptorLike} from '../fileobj.js';
import type {SelectorKey} from './base.js';
import {unavailableError} from './base-impl.js';
import {PollLikeSelector} from './poll-like.js';
import {closeWhenCollected, forgetFd} from './fd-finalizer.js';
import {EPOLL_RECORD, PAIR} from './events.js';

// Defined wherever the binding has epoll; the fallbacks are never used.
const EPOLLIN = C['EPOLLIN'] ?? 0x001;
const EPOLLOUT = C['EPOLLOUT'] ?? 0x004;
const EPOLL_CTL_ADD = C['EPOLL_CTL_ADD'] ?? 1;
const EPOLL_CTL_DEL = C['EPOLL_CTL_DEL'] ?? 2;
const EPOLL_CTL_MOD = C['EPOLL_CTL_MOD'] ?? 3;
const EPOLLET = C['EPOLLET'] ?? 0x8000_0000;
const EPOLLONESHOT = C['EPOLLONESHOT'] ?? 0x4000_0000;
// Linux 4.5+, and a C library that defines it; 0 (no effect) otherwise.
const EPOLLEXCLUSIVE = C['EPOLLEXCLUSIVE'] ?? 0;
const EXTRA_FLAGS = (EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE) >>> 0;
const {EBADF, ENOENT} = osConstants.errno;

/**
 * The opt-in extension of {@link EpollSelector.register} and
 * {@link EpollSelector.modify}: extra epoll(7) flags for one registration.
 */
export interface EpollRegisterOptions {
	/**
	 * A mask of {@link EpollSelector.EPOLLET}, {@link EpollSelector.EPOLLONESHOT}
	 * and {@link EpollSelector.EPOLLEXCLUSIVE} (default 0: level-triggered,
	 * as Python's selectors).
	 */
	readonly flags?: number;
}

/**
 * The arguments after `events` of {@link EpollSelector.register} and
 * {@link EpollSelector.modify}: `data` in its usual place, then the
 * optional {@link EpollRegisterOptions}.
 */
export type EpollArguments<T> = undefined extends T
	? [data?: T, options?: EpollRegisterOptions]
	: [data: T, options?: EpollRegisterOptions];

/** Validates `options.flags`; returns them as an unsigned mask. */
function epollFlags(options: unknown): number {
	if (options === undefined) {
		return 0;
	}

	if (typeof options !== 'object' || options === null) {
		throw argTypeError(`options must be an object, not ${typeName(options)}`);
	}

	const {flags = 0} = options as {flags?: unknown};
	if (
		typeof flags !== 'number' ||
		!Number.isInteger(flags) ||
		flags < -0x8000_0000 ||
		flags > 0xffff_ffff ||
		((flags >>> 0) & ~EXTRA_FLAGS) !== 0
	) {
		throw new ValueError(
			`Invalid epoll flags: ${String(flags)} (a mask of EpollSelector.EPOLLET, EPOLLONESHOT, EPOLLEXCLUSIVE)`,
			'ERR_INVALID_FLAGS',
		);
	}

	const mask = flags >>> 0;
	if (EPOLLEXCLUSIVE !== 0 && (mask & EPOLLEXCLUSIVE) !== 0 && (mask & EPOLLONESHOT) !== 0) {
		// epoll_ctl(2), EINVAL: "An invalid event type was specified along
		// with EPOLLEXCLUSIVE in events" (only EPOLLIN, EPOLLOUT, EPOLLWAKEUP, EPOLLET may go with it).
		throw new ValueError(
			'EPOLLEXCLUSIVE cannot be combined with EPOLLONESHOT (epoll_ctl(2))',
			'ERR_INVALID_FLAGS',
		);
	}

	return mask;
}

/**
 * Epoll-based selector (Python's `selectors.EpollSelector`), over epoll(7):
 * Linux only. `select()` costs O(ready): one `epoll_wait` into an event
 * buffer the selector owns, sized to the number of registrations (CPython:
 * `maxevents = len(fd_to_key) or 1`) and grown with them.
 * register/unregister/modify make one `epoll_ctl` each.
 *
 * epoll refuses regular files and directories (EPERM): use
 * {@link SelectSelector} or {@link PollSelector} for those, which report
 * them always ready.
 *
 * `selectAsync()` waits for the epoll fd itself through the reactor
 * (see {@link BaseSelector.selectAsync}; a duplicate of the epoll fd is
 * held from the first call until `close()`).
 *
 * **Extra kernel flags (opt-in, not in Python).** `register()` and `modify()`
 * take an optional fourth argument, `{flags}` (see {@link EpollRegisterOptions}),
 * after `data`; a Python-style call (three arguments at most) never sets any:
 *
 * ```ts
 * sel.register(sock, EVENT_READ, conn, {flags: EpollSelector.EPOLLET});
 * ```
 *
 * - {@link EpollSelector.EPOLLET}, edge-triggered: a file object is reported
 *   once per change of state (new data, new room), not while it stays ready;
 *   read or write until `BlockingIOError` before waiting again.
 * - {@link EpollSelector.EPOLLONESHOT}: reported once, then disarmed (still
 *   registered) until `modify()` re-arms it — `modify()` of a one-shot
 *   registration always calls the kernel, even with the same events and data.
 * - {@link EpollSelector.EPOLLEXCLUSIVE} (Linux 4.5+): when several epoll
 *   instances (e.g. one per worker thread) watch the same listening socket,
 *   wake one of them, not all. Only `register()` can set it: the kernel
 *   refuses `EPOLL_CTL_MOD` on such a registration (epoll_ctl(2), EINVAL),
 *   so `modify()` of an exclusive registration may change `data` only;
 *   changing its events or flags, or adding the flag, throws
 *   {@link ValueError} code `ERR_EPOLL_EXCLUSIVE` and changes nothing:
 *   unregister and register again.
 *
 * `modify()` without the fourth argument keeps the registration's flags;
 * with it, the flags are replaced (`{}` clears them). Invalid flags throw
 * {@link ValueError} code `ERR_INVALID_FLAGS` before anything changes.
 *
 * **Unregister before closing.** epoll watches the open file, not the
 * number: a file closed while registered stays in the epoll set as long as
 * another descriptor (a `dup()`, a child's copy, a socket passed on) keeps
 * it open, and `EPOLL_CTL_DEL` needs a live descriptor for it, which is
 * gone (epoll(7), Q6). CPython then keeps reporting the file: `select()`
 * returns `[]` at once, over and over. This selector instead rebuilds its
 * epoll set when that can have happened, keeping its {@link EpollSelector.fileno | fileno()}: after
 * an `unregister()` whose removal the kernel refused (EBADF, ENOENT), the
 * next `select()` that gets an event for a file descriptor it does not
 * have, or the first `select()` after that number is registered again,
 * first creates a fresh epoll instance from the registrations (one
 * `epoll_ctl` each), so no call spins and no stale event is reported for
 * the new file. That costs O(registrations) once, on this misuse path
 * only (and, after such an `unregister()` until a rebuild, one `Map`
 * lookup per ready event); the path everyone takes pays nothing.
 * A rebuild re-arms disarmed EPOLLONESHOT registrations, and another
 * selector watching this one's {@link EpollSelector.fileno | fileno()} loses that registration
 * (it watched the old instance). As Python's documentation says,
 * "a file object shall be unregistered prior to being closed".
 *
 * @typeParam T - type of the data attached to registrations
 * @typeParam F - type of the file objects registered (see {@link BaseSelector})
 */
export class EpollSelector<
	T = unknown,
	F extends FileDescriptorLike = FileDescriptorLike,
> extends PollLikeSelector<T, F> {
	/** `EPOLLET`: edge-triggered registration; see the class notes. */
	static readonly EPOLLET: number = EPOLLET;
	/** `EPOLLONESHOT`: disarmed after one report, re-armed by `modify()`; see the class notes. */
	static readonly EPOLLONESHOT: number = EPOLLONESHOT;
	/**
	 * `EPOLLEXCLUSIVE` (Linux 4.5+): exclusive wake-up for a file shared by
	 * several epoll instances; `register()` only. 0 where the C library
	 * lacks it. See the class notes.
	 */
	static readonly EPOLLEXCLUSIVE: number = EPOLLEXCLUSIVE;
	/** Whether epoll exists here (Linux). */
	static readonly available: boolean = typeof native.epollCreate === 'function';

	readonly #epfd: number;
	/** Extra flags of the registrations that have some (fd → mask). */
	readonly #flags = new Map<number, number>();
	/**
	 * File descriptors whose `EPOLL_CTL_DEL` failed with EBADF or ENOENT:
	 * closed while registered, so their file may still be in the set.
	 */
	readonly #lost = new Set<number>();
	/** Whether the next wait must rebuild the epoll set first (see the class notes). */
	#stale = false;

	/**
	 * Creates the epoll instance (close-on-exec).
	 *
	 * @throws {OSError} ENOSYS if epoll is not available on this platform;
	 * EMFILE/ENFILE/ENOMEM from epoll_create1(2)
	 */
	constructor() {
		if (!EpollSelector.available) {
			throw unavailableError('EpollSelector', 'epoll(7) is Linux-only');
		}

		super('epoll_wait', EPOLLIN, EPOLLOUT);
		this.#epfd = check(native.epollCreate!(), 'epoll_create1');
		closeWhenCollected(this, this.#epfd);
		this._ready = new Int32Array(EPOLL_RECORD * 8);
	}

	/**
	 * The epoll file descriptor (Python's `EpollSelector.fileno()`), e.g. to
	 * nest this selector into another one.
	 *
	 * @returns the epoll instance's file descriptor
	 * @throws {RuntimeError} if the selector is closed
	 */
	fileno(): number {
		this._checkOpen();
		return this.#epfd;
	}

	/**
	 * Registers a file object (see {@link BaseSelector.register}), with
	 * optional extra epoll flags (see the class notes).
	 *
	 * @param fileobj - file object or file descriptor (an `F`)
	 * @param events - a mask of `EVENT_READ | EVENT_WRITE`
	 * @param args - `data` (default `undefined`), then optionally
	 *   `{flags}` ({@link EpollRegisterOptions})
	 * @returns the new key, whose `fileobj` is `fileobj`
	 * @throws {ValueError} `ERR_INVALID_FLAGS` for flags other than
	 *   EPOLLET/EPOLLONESHOT/EPOLLEXCLUSIVE or EPOLLEXCLUSIVE with EPOLLONESHOT;
	 *   otherwise as {@link BaseSelector.register}
	 * @throws {KeyError | OSError | RuntimeError} as {@link BaseSelector.register}
	 */
	override register<G extends F>(
		fileobj: G,
		events: number,
		...args: EpollArguments<T>
	): SelectorKey<T, G> {
		if (args.length < 2) {
			return this._register(fileobj, events, args[0] as T, 0);
		}

		this._checkOpen();
		return this._register(fileobj, events, args[0] as T, epollFlags(args[1]));
	}

	/**
	 * Changes a registration (see {@link BaseSelector.modify}); with the
	 * fourth argument, also its extra epoll flags. A one-shot registration
	 * is re-armed by every call. See the class notes.
	 *
	 * @param fileobj - file object or file descriptor
	 * @param events - a mask of `EVENT_READ | EVENT_WRITE`
	 * @param args - `data` (default `undefined`), then optionally
	 *   `{flags}` ({@link EpollRegisterOptions}; absent: keep the current flags)
	 * @returns the key now stored
	 * @throws {ValueError} `ERR_EPOLL_EXCLUSIVE` if the kernel would have to
	 *   modify an EPOLLEXCLUSIVE registration, or be asked to add the flag;
	 *   `ERR_INVALID_FLAGS` for invalid flags (nothing changes in both cases)
	 * @throws {KeyError | OSError | RuntimeError} as {@link BaseSelector.modify}
	 */
	override modify(
		fileobj: FileDescriptorLike,
		events: number,
		...args: EpollArguments<T>
	): SelectorKey<T, F> {
		const data = args[0] as T;
		if (this.#flags.size === 0 && args[1] === undefined) {
			// No registration has extra flags: Python's modify().
			return this._modify(fileobj, events, data, 0);
		}

		this._checkOpen();
		const fd = this._fileobjLookup(fileobj);
		const key = this._fdToKey.get(fd);
		if (key === undefined) {
			return this._modify(fileobj, events, data, 0); // Throws KeyError.
		}

		const current = this.#flags.get(fd) ?? 0;
		const flags = args[1] === undefined ? current : epollFlags(args[1]);
		if (
			EPOLLEXCLUSIVE !== 0 &&
			((current | flags) & EPOLLEXCLUSIVE) !== 0 &&
			(flags !== current || events !== key.events)
		) {
			throw new ValueError(
				`${(current & EPOLLEXCLUSIVE) === 0 ? 'EPOLLEXCLUSIVE can only be set by register()' : `FD ${fd} was registered with EPOLLEXCLUSIVE`}: ` +
					'epoll_ctl(2) refuses EPOLL_CTL_MOD with it (EINVAL); unregister and register again',
				'ERR_EPOLL_EXCLUSIVE',
			);
		}

		return this._modify(fileobj, events, data, flags);
	}

	/**
	 * Unregisters a file object (see {@link BaseSelector.unregister}). Call
	 * it **before** closing the file object (Python's documentation: "a file
	 * object shall be unregistered prior to being closed"). Called after,
	 * it does not throw, but the kernel can no longer remove the file, which
	 * stays in the epoll set while a duplicate descriptor keeps it open: the
	 * selector then rebuilds its set, once (see "Unregister before closing"
	 * in the class notes).
	 *
	 * @param fileobj - file object or file descriptor
	 * @returns the {@link SelectorKey} it was registered with
	 * @throws {KeyError | ValueError | RuntimeError} as {@link BaseSelector.unregister}
	 */
	override unregister(fileobj: FileDescriptorLike): SelectorKey<T, F> {
		return super.unregister(fileobj);
	}

	/** A one-shot registration is re-armed by modify(); a change of flags needs the kernel too. */
	protected override _modifyAlways(fd: number, flags: number): boolean {
		const current = this.#flags.get(fd) ?? 0;
		return current !== flags || ((current | flags) & EPOLLONESHOT) !== 0;
	}

	protected override _kernelAdd(fd: number, events: number, flags: number): void {
		check(
			native.epollCtl!(this.#epfd, EPOLL_CTL_ADD, fd, (this._toNative(events) | flags) >>> 0),
			'epoll_ctl',
		);
		if (flags !== 0) {
			this.#flags.set(fd, flags);
		}

		if (this.#lost.size !== 0 && this.#lost.has(fd)) {
			// The old file of this number may still be in the set, reported
			// under the same number: rebuild before the next wait.
			this.#stale = true;
		}

		// Room for one event per registration, the new one included.
		const needed = EPOLL_RECORD * (this._fdToKey.size + 1);
		if (this._ready.length < needed) {
			this._ready = new Int32Array(Math.max(needed, 2 * this._ready.length));
		}
	}

	protected override _kernelRemove(fd: number): void {
		if (this.#flags.size !== 0) {
			this.#flags.delete(fd);
		}

		const result = native.epollCtl!(this.#epfd, EPOLL_CTL_DEL, fd, 0);
		if (result === -EBADF || result === -ENOENT) {
			// Closed since it was registered (see the class notes).
			this.#lost.add(fd);
			return;
		}

		check(result, 'epoll_ctl');
	}

	protected override _kernelModify(fd: number, _oldEvents: number, newEvents: number, flags: number): void {
		check(
			native.epollCtl!(this.#epfd, EPOLL_CTL_MOD, fd, (this._toNative(newEvents) | flags) >>> 0),
			'epoll_ctl',
		);
		if (flags !== 0) {
			this.#flags.set(fd, flags);
		} else if (this.#flags.size !== 0) {
			this.#flags.delete(fd);
		}
	}

	protected override _wait(timeoutMs: number, limit?: number): number {
		if (this.#stale) {
			this.#rebuild();
		}

		// epoll_wait() needs maxevents > 0, also when nothing is registered
		// (CPython bpo-23009). With a limit (selectInto's room), the kernel
		// keeps the other ready events for the next call.
		const registered = this._fdToKey.size || 1;
		const maxevents = limit !== undefined && limit < registered ? limit : registered;
		const count = native.epollWait!(this.#epfd, this._ready, maxevents, timeoutMs);
		if (count > 0) {
			if (this.#lost.size !== 0) {
				this.#checkStale(count);
			}

			this._translate(count);
		}

		return count;
	}

	/**
	 * Marks the set stale if one of the `count` ready pairs has no key: only
	 * a file closed while registered, whose removal failed (so only while
	 * `#lost` is not empty), is reported that way.
	 */
	#checkStale(count: number): void {
		const ready = this._ready;
		for (let i = 0; i < PAIR * count; i += PAIR) {
			if (!this._fdToKey.has(ready[i]!)) {
				this.#stale = true;
				return;
			}
		}
	}

	/**
	 * Replaces the epoll instance by a fresh one holding exactly the current
	 * registrations, under the same file descriptor number. Those the kernel
	 * refuses now (their fd was closed too) are left out, as the old set had
	 * lost them. If the kernel refuses a new instance, the old one stays and
	 * the next wait tries again.
	 */
	#rebuild(): void {
		const fresh = native.epollCreate!();
		if (fresh < 0) {
			return;
		}

		for (const [fd, key] of this._fdToKey) {
			native.epollCtl!(
				fresh,
				EPOLL_CTL_ADD,
				fd,
				(this._toNative(key.events) | (this.#flags.get(fd) ?? 0)) >>> 0,
			);
		}

		if (native.epollReplace!(fresh, this.#epfd) < 0) {
			native.close(fresh);
			return;
		}

		// selectAsync()'s watch holds a duplicate of the old instance.
		this._waitFdReplaced();
		this.#lost.clear();
		this.#stale = false;
	}

	/** `selectAsync()` waits for the epoll fd to be readable. */
	protected override _waitFd(): number {
		return this.#epfd;
	}

	/**
	 * Closes the epoll instance and forgets every registration. Idempotent.
	 * A pending `selectAsync()` rejects (`ERR_SELECTOR_CLOSED`).
	 *
	 * @throws {OSError} if close(2) fails (the selector is closed all the same)
	 */
	override close(): void {
		if (!this._closed) {
			super.close();
			this.#flags.clear();
			this.#lost.clear();
			this._ready = new Int32Array(EPOLL_RECORD);
			forgetFd(this);
			check(native.close(this.#epfd), 'close');
		}
	}
}
