/**
 * {@link KqueueSelector}: kqueue(2), macOS and the BSDs.
 *
 * @module
 */
import {EVENT_READ, EVENT_WRITE} from '../constants.js';
import {check} from '../errors.js';
import {C, native} from '../native.js';
import {BaseSelectorImpl, unavailableError} from './base-impl.js';
import {closeWhenCollected, forgetFd} from './fd-finalizer.js';

const EVFILT_READ = C['EVFILT_READ'] ?? -1;
const EVFILT_WRITE = C['EVFILT_WRITE'] ?? -2;
const EV_ADD = C['EV_ADD'] ?? 1;
const EV_DELETE = C['EV_DELETE'] ?? 2;
/** int32 slots per event in the buffer given to kevent. */
const SLOTS = 8;

function filterCount(events: number): number {
	return ((events & EVENT_READ) === 0 ? 0 : 1) + ((events & EVENT_WRITE) === 0 ? 0 : 1);
}

/**
 * Kqueue-based selector (Python's `selectors.KqueueSelector`), over
 * kqueue(2): macOS, FreeBSD, OpenBSD, NetBSD, DragonFly. `select()` costs
 * O(ready): one `kevent` into an event buffer the selector owns, with one
 * slot per registered filter.
 *
 * Reading and writing are two kernel filters: an fd registered for both
 * and ready for both may come back as two `[key, events]` entries with the
 * same key, one per filter, as in CPython (gh-110038). register, unregister
 * and modify each make one `kevent` call, carrying up to two changes.
 *
 * `selectAsync()` waits for the kqueue fd itself through the reactor
 * (see {@link BaseSelector.selectAsync}; a duplicate of the kqueue fd is
 * held from the first call until `close()`); a kqueue is readable while events are pending (kqueue(2)).
 *
 * @typeParam T - type of the data attached to registrations
 */
export class KqueueSelector<T = unknown> extends BaseSelectorImpl<T> {
	/** Whether kqueue exists here (macOS, BSD). */
	static readonly available: boolean = typeof native.kqueue === 'function';

	protected override readonly _waitSyscall = 'kevent';
	readonly #kq: number;
	/** Up to two `(ident, filter, flags)` changes. */
	readonly #changes = new Int32Array(6);
	/** Registered filters: the most events one `kevent` call can return. */
	#filters = 0;

	/**
	 * Creates the kqueue (close-on-exec).
	 *
	 * @throws {OSError} ENOSYS if kqueue is not available on this platform;
	 * EMFILE/ENFILE/ENOMEM from kqueue(2)
	 */
	constructor() {
		if (!KqueueSelector.available) {
			throw unavailableError('KqueueSelector', 'kqueue(2) exists on macOS and the BSDs only');
		}

		super();
		this.#kq = check(native.kqueue!(), 'kqueue');
		closeWhenCollected(this, this.#kq);
		this._ready = new Int32Array(SLOTS * 8);
	}

	/**
	 * The kqueue file descriptor (Python's `KqueueSelector.fileno()`).
	 *
	 * @returns the kqueue's file descriptor
	 * @throws {RuntimeError} if the selector is closed
	 */
	fileno(): number {
		this._checkOpen();
		return this.#kq;
	}

	/** Queues one change; returns the new count. */
	#change(n: number, fd: number, filter: number, flags: number): number {
		this.#changes[3 * n] = fd;
		this.#changes[3 * n + 1] = filter;
		this.#changes[3 * n + 2] = flags;
		return n + 1;
	}

	/** Applies `n` queued changes in one kevent call (no events are collected). */
	#apply(n: number): void {
		check(native.kevent!(this.#kq, this.#changes, n, this._ready, 0, 0), 'kevent');
	}

	protected override _kernelAdd(fd: number, events: number): void {
		let n = 0;
		if ((events & EVENT_READ) !== 0) {
			n = this.#change(n, fd, EVFILT_READ, EV_ADD);
		}

		if ((events & EVENT_WRITE) !== 0) {
			n = this.#change(n, fd, EVFILT_WRITE, EV_ADD);
		}

		try {
			this.#apply(n);
		} catch (error) {
			// The kernel stops at the first failing change; if that was the
			// second one, the first stays: delete it (error path only; an
			// ENOENT here means the first one failed and there is nothing to undo).
			if (n === 2) {
				this.#change(0, fd, EVFILT_READ, EV_DELETE);
				native.kevent!(this.#kq, this.#changes, 1, this._ready, 0, 0);
			}

			throw error;
		}

		this.#filters += n;
		this.#grow();
	}

	protected override _kernelRemove(fd: number, events: number): void {
		let n = 0;
		if ((events & EVENT_READ) !== 0) {
			n = this.#change(n, fd, EVFILT_READ, EV_DELETE);
		}

		if ((events & EVENT_WRITE) !== 0) {
			n = this.#change(n, fd, EVFILT_WRITE, EV_DELETE);
		}

		// Counted out even if the kernel refuses: a closed fd's filters are
		// gone from the kqueue already.
		this.#filters -= n;
		this.#apply(n);
	}

	protected override _kernelModify(fd: number, oldEvents: number, newEvents: number): void {
		// Deletions first: the kernel stops at the first change that fails,
		// and a failed deletion (the fd was closed and its number reused)
		// must not leave an added filter behind once modify() unregisters.
		let n = this.#diff(0, fd, EVENT_READ, EVFILT_READ, oldEvents, newEvents, false);
		n = this.#diff(n, fd, EVENT_WRITE, EVFILT_WRITE, oldEvents, newEvents, false);
		n = this.#diff(n, fd, EVENT_READ, EVFILT_READ, oldEvents, newEvents, true);
		n = this.#diff(n, fd, EVENT_WRITE, EVFILT_WRITE, oldEvents, newEvents, true);
		this.#apply(n);
		this.#filters += filterCount(newEvents) - filterCount(oldEvents);
		this.#grow();
	}

	/**
	 * Queues the change one filter needs to go from `oldEvents` to
	 * `newEvents`, if it is an addition (`adding`) or a deletion (otherwise).
	 */
	#diff(n: number, fd: number, bit: number, filter: number, oldEvents: number, newEvents: number,
		adding: boolean): number {
		const had = (oldEvents & bit) !== 0;
		const wants = (newEvents & bit) !== 0;
		if (had === wants || wants !== adding) {
			return n;
		}

		return this.#change(n, fd, filter, wants ? EV_ADD : EV_DELETE);
	}

	#grow(): void {
		const needed = SLOTS * Math.max(this.#filters, 1);
		if (this._ready.length < needed) {
			this._ready = new Int32Array(Math.max(needed, 2 * this._ready.length));
		}
	}

	/**
	 * kevent writes `(ident, filter, flags, data)` quads; they are rewritten
	 * in place, front to back, as `(fd, EVENT_*)` pairs (pair i never
	 * overwrites a quad not yet read).
	 */
	protected override _wait(timeoutMs: number, limit?: number): number {
		// At least one event slot: with nevents = 0 kevent returns at once,
		// ignoring the timeout (CPython bpo-29255). With a limit (selectInto's
		// room), the kernel keeps the other events for the next call.
		const ready = this._ready;
		const filters = this.#filters || 1;
		const nevents = limit !== undefined && limit < filters ? limit : filters;
		const count = native.kevent!(this.#kq, this.#changes, 0, ready, nevents, timeoutMs);
		for (let i = 0; i < count; i++) {
			const fd = ready[4 * i] as number;
			const filter = ready[4 * i + 1];
			ready[2 * i] = fd;
			ready[2 * i + 1] = filter === EVFILT_READ ? EVENT_READ : (filter === EVFILT_WRITE ? EVENT_WRITE : 0);
		}

		return count;
	}

	/** `selectAsync()` waits for the kqueue fd to be readable. */
	protected override _waitFd(): number {
		return this.#kq;
	}

	/**
	 * Closes the kqueue and forgets every registration. Idempotent.
	 * A pending `selectAsync()` rejects (`ERR_SELECTOR_CLOSED`).
	 *
	 * @throws {OSError} if close(2) fails (the selector is closed all the same)
	 */
	override close(): void {
		if (!this._closed) {
			super.close();
			this.#filters = 0;
			this._ready = new Int32Array(SLOTS);
			forgetFd(this);
			check(native.close(this.#kq), 'close');
		}
	}
}
