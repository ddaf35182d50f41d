/**
 * Shared by the poll(2)-family selectors (CPython's `_PollLikeSelector`):
 * event-bit translation both ways.
 *
 * @internal
 * @module
 */
import {EVENT_READ, EVENT_WRITE} from '../constants.js';
import {BaseSelectorImpl} from './base-impl.js';

/**
 * Base class of {@link PollSelector}, {@link EpollSelector} and
 * {@link DevpollSelector}: their kernels speak POLLIN/POLLOUT-style bits.
 *
 * Not exported from the package's entry points; its declaration stays in
 * the .d.ts files because the public selector classes extend it.
 */
export abstract class PollLikeSelector<T = unknown> extends BaseSelectorImpl<T> {
	/** The backend's "readable" bit (POLLIN, EPOLLIN). */
	protected readonly _nativeRead: number;
	/** The backend's "writable" bit (POLLOUT, EPOLLOUT). */
	protected readonly _nativeWrite: number;

	constructor(nativeRead: number, nativeWrite: number) {
		super();
		this._nativeRead = nativeRead;
		this._nativeWrite = nativeWrite;
	}

	/** `EVENT_*` mask → the backend's bits. */
	protected _toNative(events: number): number {
		return ((events & EVENT_READ) === 0 ? 0 : this._nativeRead)
			| ((events & EVENT_WRITE) === 0 ? 0 : this._nativeWrite);
	}

	/**
	 * Rewrites the `count` `(fd, nativeEvents)` pairs of `_ready` in place as
	 * `(fd, EVENT_*)`. As CPython: any bit other than "readable" (writable,
	 * error, hang-up, invalid) counts as writable, and any bit other than
	 * "writable" counts as readable; `select()` then masks by the key's
	 * events, so an error wakes whichever side was waited for.
	 */
	protected _translate(count: number): void {
		const ready = this._ready;
		const notRead = ~this._nativeRead;
		const notWrite = ~this._nativeWrite;
		for (let i = 1; i < 2 * count; i += 2) {
			const native = ready[i] as number;
			ready[i] = ((native & notRead) === 0 ? 0 : EVENT_WRITE) | ((native & notWrite) === 0 ? 0 : EVENT_READ);
		}
	}
}
