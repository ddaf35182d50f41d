/**
 * {@link KqueueSelector}: kqueue(2), macOS and the BSDs.
 *
 * @module
 */
import {constants as osConstants} from 'node:os';
import {EVENT_READ, EVENT_WRITE} from '../constants.js';
import {check, OSError} from '../errors.js';
import {C, native} from '../native.js';
import {BaseSelectorImpl, unavailableError} from './base-impl.js';
import type {FileDescriptorLike} from '../fileobj.js';
import {closeWhenCollected, forgetFd} from './fd-finalizer.js';
import {KEVENT_RECORD, kqueueBitsToEvents, PAIR} from './events.js';

const EVFILT_READ = C['EVFILT_READ'] ?? -1;
const EVFILT_WRITE = C['EVFILT_WRITE'] ?? -2;
const EV_ADD = C['EV_ADD'] ?? 1;
const EV_DELETE = C['EV_DELETE'] ?? 2;
const {EBADF, EPIPE} = osConstants.errno;
const F_GETFD = C['F_GETFD'] ?? 1;

/**
 * Whether `error`, from adding the write filter of an open `fd`, says that
 * `fd` is the write end of a pipe whose reader is gone: EPIPE (FreeBSD,
 * macOS), or EBADF for an fd that is open (NetBSD, DragonFly:
 * sys/kern/sys_pipe.c, `pipe_kqfilter`).
 */
function readerGone(fd: number, error: number): boolean {
	return error === EPIPE || (error === EBADF && native.fcntl(fd, F_GETFD, 0) >= 0);
}

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
 * and modify each make one `kevent` call, carrying up to two changes with
 * `EV_RECEIPT`: the kernel applies every change and reports each one's
 * result, so a failed deletion never keeps the other filter's deletion
 * from running. A refused register() or modify() undoes the changes the
 * kernel did apply before it throws.
 *
 * **A pipe whose reader is gone.** Registering its write end for
 * `EVENT_WRITE` makes kevent(2) refuse the write filter — EPIPE on FreeBSD
 * and macOS (tokio-rs/mio#582), EBADF on NetBSD and DragonFly although the
 * fd is open (their `pipe_kqfilter`) — where epoll and poll accept the
 * registration and report the fd writable, so that the next write raises
 * `BrokenPipeError`. Here too:
 * `register()` and `modify()` succeed, and every `select()` reports the fd
 * writable (without waiting) until it is unregistered or modified without
 * `EVENT_WRITE`. CPython raises the EPIPE from `register()` instead.
 *
 * **Closing before unregistering** is harmless here: close(2) removes
 * every filter of the descriptor (kqueue(2)), even if a duplicate keeps
 * the file open, so nothing stale is left (`unregister()` then ignores the
 * kernel's EBADF/ENOENT, as CPython). Unregistering first is still the
 * rule (Python's documentation: "a file object shall be unregistered prior
 * to being closed"): it is what epoll needs.
 *
 * `selectAsync()` waits for the kqueue fd itself through the reactor
 * (see {@link BaseSelector.selectAsync}; a duplicate of the kqueue fd is
 * held from the first call until `close()`); a kqueue is readable while events are pending (kqueue(2)).
 *
 * @typeParam T - type of the data attached to registrations
 * @typeParam F - type of the file objects registered (see {@link BaseSelector})
 */
export class KqueueSelector<
	T = unknown,
	F extends FileDescriptorLike = FileDescriptorLike,
> extends BaseSelectorImpl<T, F> {
	/** Whether kqueue exists here (macOS, BSD). */
	static readonly available: boolean = typeof native.kqueue === 'function';

	readonly #kq: number;
	/** Up to two `(ident, filter, flags)` changes: `#apply`'s scratch. */
	readonly #changes = new Int32Array(6);
	/** Their results (errno, 0: applied): `#apply`'s scratch. */
	readonly #errors = new Int32Array(2);
	/** Registered filters: the most events one `kevent` call can return. */
	#filters = 0;
	/**
	 * Write ends of pipes whose reader is gone, registered for writing but
	 * refused by the kernel with EPIPE: reported writable by every wait.
	 */
	readonly #broken = new Set<number>();

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

		super('kevent');
		this.#kq = check(native.kqueue!(), 'kqueue');
		closeWhenCollected(this, this.#kq);
		this._ready = new Int32Array(KEVENT_RECORD * 8);
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

	/**
	 * Applies one or two changes of `fd` in one kevent call, each with its
	 * own result. Returns the results (errno per change, 0: applied; valid
	 * until the next call), or throws if kevent itself failed.
	 */
	#apply(fd: number, filter0: number, flags0: number, filter1?: number, flags1?: number): Int32Array {
		const changes = this.#changes;
		changes[0] = fd;
		changes[1] = filter0;
		changes[2] = flags0;
		let n = 1;
		if (filter1 !== undefined && flags1 !== undefined) {
			changes[3] = fd;
			changes[4] = filter1;
			changes[5] = flags1;
			n = 2;
		}

		const errors = this.#errors;
		check(native.keventApply!(this.#kq, changes, n, errors), 'kevent');
		return errors;
	}

	/**
	 * Applies the changes from `oldEvents` to `newEvents` (each side: add,
	 * delete or nothing); if one fails other than by an ignored EPIPE, deletes
	 * again what was added and throws. Keeps `#broken`.
	 */
	#change(fd: number, oldEvents: number, newEvents: number): void {
		const readFlags = this.#flagsFor(EVENT_READ, oldEvents, newEvents);
		const writeFlags = this.#flagsFor(EVENT_WRITE, oldEvents, newEvents);
		if (readFlags === 0 && writeFlags === 0) {
			return;
		}

		const errors =
			readFlags === 0
				? this.#apply(fd, EVFILT_WRITE, writeFlags)
				: writeFlags === 0
					? this.#apply(fd, EVFILT_READ, readFlags)
					: this.#apply(fd, EVFILT_READ, readFlags, EVFILT_WRITE, writeFlags);
		const readError = readFlags === 0 ? 0 : errors[0]!;
		let writeError = writeFlags === 0 ? 0 : errors[readFlags === 0 ? 0 : 1]!;
		if (writeFlags === EV_ADD && readerGone(fd, writeError)) {
			// See the class notes: reported writable from now on.
			writeError = 0;
			this.#broken.add(fd);
		} else if (writeFlags === EV_DELETE && this.#broken.delete(fd) && writeError !== 0) {
			writeError = 0; // Never added to the kernel.
		}

		const error = readError === 0 ? writeError : readError;
		if (error === 0) {
			return;
		}

		// Undo the additions that were applied (deletions cannot be undone:
		// the caller forgets the key, which deletes the rest).
		if (readFlags === EV_ADD && readError === 0) {
			this.#apply(fd, EVFILT_READ, EV_DELETE);
		}

		if (writeFlags === EV_ADD && writeError === 0 && !this.#broken.delete(fd)) {
			this.#apply(fd, EVFILT_WRITE, EV_DELETE);
		}

		throw OSError.fromErrno(error, 'kevent');
	}

	/** The change one filter needs: EV_ADD, EV_DELETE or 0 (none). */
	#flagsFor(bit: number, oldEvents: number, newEvents: number): number {
		const had = (oldEvents & bit) !== 0;
		const wants = (newEvents & bit) !== 0;
		return had === wants ? 0 : wants ? EV_ADD : EV_DELETE;
	}

	protected override _kernelAdd(fd: number, events: number): void {
		this.#change(fd, 0, events);
		this.#filters += filterCount(events);
		this.#grow();
	}

	protected override _kernelRemove(fd: number, events: number): void {
		// Counted out even if the kernel refuses: a closed fd's filters are
		// gone from the kqueue already.
		this.#filters -= filterCount(events);
		this.#change(fd, events, 0);
	}

	protected override _kernelModify(fd: number, oldEvents: number, newEvents: number): void {
		this.#change(fd, oldEvents, newEvents);
		this.#filters += filterCount(newEvents) - filterCount(oldEvents);
		this.#grow();
	}

	#grow(): void {
		const needed = KEVENT_RECORD * Math.max(this.#filters, 1);
		if (this._ready.length < needed) {
			this._ready = new Int32Array(Math.max(needed, 2 * this._ready.length));
		}
	}

	/**
	 * One kevent wait; the addon packs the kernel's records into
	 * `(fd, SEL_EV_*)` pairs (src/selectors/events.ts), converted here once.
	 * Write ends of broken pipes are added as writable, and make the wait
	 * not block (see the class notes).
	 */
	protected override _wait(timeoutMs: number, limit?: number): number {
		// At least one event slot: with nevents = 0 kevent returns at once,
		// ignoring the timeout (CPython bpo-29255). With a limit (selectInto's
		// room), the kernel keeps the other events for the next call.
		const ready = this._ready;
		const broken = this.#broken;
		const filters = this.#filters || 1;
		const nevents = limit !== undefined && limit < filters ? limit : filters;
		let count = native.keventWait!(this.#kq, ready, nevents, broken.size === 0 ? timeoutMs : 0);
		if (count > 0) {
			kqueueBitsToEvents(ready, count);
		}

		if (count >= 0 && broken.size !== 0) {
			count = this.#addBroken(count);
		}

		return count;
	}

	/** Appends a writable pair for each broken pipe the kernel did not report; returns the new count. */
	#addBroken(count: number): number {
		const ready = this._ready;
		const reported = count;
		for (const fd of this.#broken) {
			let seen = false;
			for (let i = 0; i < PAIR * reported && !seen; i += PAIR) {
				seen = ready[i] === fd && (ready[i + 1]! & EVENT_WRITE) !== 0;
			}

			if (!seen) {
				ready[PAIR * count] = fd;
				ready[PAIR * count + 1] = EVENT_WRITE;
				count++;
			}
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
			this.#broken.clear();
			this._ready = new Int32Array(KEVENT_RECORD);
			forgetFd(this);
			check(native.close(this.#kq), 'close');
		}
	}
}
