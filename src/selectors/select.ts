/**
 * {@link SelectSelector}: select(2), everywhere.
 *
 * @module
 */
import {ValueError} from '../errors.js';
import {constant, native} from '../native.js';
import {BaseSelectorImpl} from './base-impl.js';
import type {FileDescriptorLike} from '../fileobj.js';
import {FdTable} from './fd-table.js';

const FD_SETSIZE = constant('FD_SETSIZE');

/**
 * Select-based selector (Python's `selectors.SelectSelector`), over
 * select(2). Portable, but limited to file descriptors below `FD_SETSIZE`
 * (1024 on Linux and macOS), and each `select()` costs O(registered).
 *
 * The interest list is a typed array of `(fd, mask)` pairs kept between
 * calls; `select()` makes one native call. `selectAsync()` waits for the
 * registered fds through the reactor (see {@link BaseSelector.selectAsync}),
 * so it has no `FD_SETSIZE` limit of its own.
 *
 * Closing a file object before unregistering it leaves nothing behind:
 * the interest list lives here, not in the kernel, so `unregister()`
 * removes it whatever became of the file descriptor (while it is still
 * registered and closed, select(2) reports it: EBADF, thrown by `select()`).
 * Unregister first all the same: it is what epoll needs.
 *
 * @typeParam T - type of the data attached to registrations
 * @typeParam F - type of the file objects registered (see {@link BaseSelector})
 */
export class SelectSelector<
	T = unknown,
	F extends FileDescriptorLike = FileDescriptorLike,
> extends BaseSelectorImpl<T, F> {
	/** `true`: select(2) exists on every supported platform. */
	static readonly available: boolean = typeof native.select === 'function';
	/** The largest file descriptor plus one select(2) accepts on this platform. */
	static readonly FD_SETSIZE: number = FD_SETSIZE;

	readonly #table = new FdTable();

	/** Creates an empty selector; no kernel resource is held. */
	constructor() {
		super('select');
		this._ready = this.#table.out;
	}

	/**
	 * @throws {ValueError} `'filedescriptor out of range in select()'` (code
	 * `ERR_FD_SETSIZE`) for `fd >= FD_SETSIZE`. Python raises it from every
	 * `select()` afterwards; refusing the registration keeps the selector usable.
	 */
	protected override _kernelAdd(fd: number, events: number): void {
		if (fd >= FD_SETSIZE) {
			throw new ValueError(
				`filedescriptor out of range in select() (FD ${fd} >= FD_SETSIZE ${FD_SETSIZE}); ` +
					'use PollSelector or DefaultSelector',
				'ERR_FD_SETSIZE',
			);
		}

		this.#table.add(fd, events);
		this._ready = this.#table.out;
	}

	protected override _kernelRemove(fd: number): void {
		this.#table.remove(fd);
	}

	protected override _kernelModify(fd: number, _oldEvents: number, newEvents: number): void {
		this.#table.set(fd, newEvents);
	}

	/**
	 * The native select writes `(fd, SEL_EV_READ | SEL_EV_WRITE)` pairs
	 * (src/selectors/events.ts): already `EVENT_*` bits, nothing to convert.
	 */
	protected override _wait(timeoutMs: number): number {
		const table = this.#table;
		return native.select(table.data, table.n, timeoutMs, table.out);
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
