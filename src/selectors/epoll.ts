/**
 * {@link EpollSelector}: epoll(7), Linux.
 *
 * @module
 */
import {C, native} from '../native.js';
import {check} from '../errors.js';
import {unavailableError} from './base-impl.js';
import {PollLikeSelector} from './poll-like.js';

/** int32 slots per event in the buffer given to epollWait. */
const SLOTS = 4;
// Defined wherever the binding has epoll; the fallbacks are never used.
const EPOLLIN = C['EPOLLIN'] ?? 0x001;
const EPOLLOUT = C['EPOLLOUT'] ?? 0x004;
const EPOLL_CTL_ADD = C['EPOLL_CTL_ADD'] ?? 1;
const EPOLL_CTL_DEL = C['EPOLL_CTL_DEL'] ?? 2;
const EPOLL_CTL_MOD = C['EPOLL_CTL_MOD'] ?? 3;

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
 * @typeParam T - type of the data attached to registrations
 */
export class EpollSelector<T = unknown> extends PollLikeSelector<T> {
	/** Whether epoll exists here (Linux). */
	static readonly available: boolean = typeof native.epollCreate === 'function';

	protected override readonly _waitSyscall = 'epoll_wait';
	readonly #epfd: number;

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

		super(EPOLLIN, EPOLLOUT);
		this.#epfd = check(native.epollCreate!(), 'epoll_create1');
		this._ready = new Int32Array(SLOTS * 8);
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

	protected override _kernelAdd(fd: number, events: number): void {
		check(native.epollCtl!(this.#epfd, EPOLL_CTL_ADD, fd, this._toNative(events)), 'epoll_ctl');
		// Room for one event per registration, the new one included.
		const needed = SLOTS * (this._fdToKey.size + 1);
		if (this._ready.length < needed) {
			this._ready = new Int32Array(Math.max(needed, 2 * this._ready.length));
		}
	}

	protected override _kernelRemove(fd: number): void {
		check(native.epollCtl!(this.#epfd, EPOLL_CTL_DEL, fd, 0), 'epoll_ctl');
	}

	protected override _kernelModify(fd: number, _oldEvents: number, newEvents: number): void {
		check(native.epollCtl!(this.#epfd, EPOLL_CTL_MOD, fd, this._toNative(newEvents)), 'epoll_ctl');
	}

	protected override _wait(timeoutMs: number): number {
		// epoll_wait() needs maxevents > 0, also when nothing is registered
		// (CPython bpo-23009).
		const maxevents = this._fdToKey.size || 1;
		const count = native.epollWait!(this.#epfd, this._ready, maxevents, timeoutMs);
		if (count > 0) {
			this._translate(count);
		}

		return count;
	}

	/**
	 * Closes the epoll instance and forgets every registration. Idempotent.
	 *
	 * @throws {OSError} if close(2) fails (the selector is closed all the same)
	 */
	override close(): void {
		if (!this._closed) {
			super.close();
			this._ready = new Int32Array(SLOTS);
			check(native.close(this.#epfd), 'close');
		}
	}
}
