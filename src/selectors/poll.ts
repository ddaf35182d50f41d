/**
 * {@link PollSelector}: poll(2), on every POSIX platform.
 *
 * @module
 */
import {constant, native} from '../native.js';
import {FdTable} from './fd-table.js';
import {PollLikeSelector} from './poll-like.js';
import type {FileDescriptorLike} from '../fileobj.js';

const POLLIN = constant('POLLIN');
const POLLOUT = constant('POLLOUT');

/**
 * `struct pollfd` is `{int fd; short events; short revents;}`: as an int32
 * pair, `events` is the low half of the second int32 on a little-endian
 * machine and the high half on a big-endian one. Writing the whole int32
 * also clears `revents`, which the kernel overwrites anyway.
 */
const EVENTS_SHIFT = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 16;

/**
 * Poll-based selector (Python's `selectors.PollSelector`), over poll(2).
 * No `FD_SETSIZE` limit; each `select()` costs O(registered) in the kernel.
 *
 * The `struct pollfd` array is a typed array kept between calls (an entry is
 * added, changed or swap-removed in O(1)), so `select()` makes one native
 * call and rebuilds nothing; register/unregister/modify make none.
 * `selectAsync()` waits for the registered fds through the reactor (see
 * {@link BaseSelector.selectAsync}).
 *
 * Closing a file object before unregistering it leaves nothing behind:
 * the interest list lives here, not in the kernel, so `unregister()`
 * removes it whatever became of the file descriptor (while it is still
 * registered and closed, poll(2) reports it: POLLNVAL, counted as ready).
 * Unregister first all the same: it is what epoll needs.
 *
 * @typeParam T - type of the data attached to registrations
 * @typeParam F - type of the file objects registered (see {@link BaseSelector})
 */
export class PollSelector<
	T = unknown,
	F extends FileDescriptorLike = FileDescriptorLike,
> extends PollLikeSelector<T, F> {
	/** `true` where the addon has poll(2): every supported platform. */
	static readonly available: boolean = typeof native.poll === 'function';

	readonly #table = new FdTable();

	/** Creates an empty selector; no kernel resource is held. */
	constructor() {
		super('poll', POLLIN, POLLOUT);
		this._ready = this.#table.out;
	}

	protected override _kernelAdd(fd: number, events: number): void {
		this.#table.add(fd, this._toNative(events) << EVENTS_SHIFT);
		this._ready = this.#table.out;
	}

	protected override _kernelRemove(fd: number): void {
		this.#table.remove(fd);
	}

	protected override _kernelModify(fd: number, _oldEvents: number, newEvents: number): void {
		this.#table.set(fd, this._toNative(newEvents) << EVENTS_SHIFT);
	}

	protected override _wait(timeoutMs: number): number {
		const table = this.#table;
		const count = native.poll(table.data, table.n, timeoutMs, table.out);
		if (count > 0) {
			this._translate(count);
		}

		return count;
	}

	/**
	 * Forgets every registration. Idempotent. A pending `selectAsync()`
	 * rejects (`ERR_SELECTOR_CLOSED`).
	 */
	override close(): void {
		if (!this._closed) {
			super.close();
			this.#table.clear();
			this._ready = this.#table.out;
		}
	}
}
