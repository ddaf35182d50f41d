/**
 * Shared by the poll(2)-family selectors (CPython's `_PollLikeSelector`):
 * event-bit translation both ways (results: src/selectors/events.ts).
 *
 * @internal
 * @module
 */
import {EVENT_READ, EVENT_WRITE} from '../constants.js';
import type {FileDescriptorLike} from '../fileobj.js';
import {BaseSelectorImpl} from './base-impl.js';
import {pollBitsToEvents} from './events.js';

/**
 * Base class of {@link PollSelector}, {@link EpollSelector} and
 * {@link DevpollSelector}: their kernels speak POLLIN/POLLOUT-style bits.
 *
 * Not exported from the package's entry points; its declaration stays in
 * the .d.ts files because the public selector classes extend it.
 */
export abstract class PollLikeSelector<
	T = unknown,
	F extends FileDescriptorLike = FileDescriptorLike,
> extends BaseSelectorImpl<T, F> {
	/** The backend's "readable" bit (POLLIN, EPOLLIN). */
	protected readonly _nativeRead: number;
	/** The backend's "writable" bit (POLLOUT, EPOLLOUT). */
	protected readonly _nativeWrite: number;

	constructor(waitSyscall: string, nativeRead: number, nativeWrite: number) {
		super(waitSyscall);
		this._nativeRead = nativeRead;
		this._nativeWrite = nativeWrite;
	}

	/** `EVENT_*` mask → the backend's bits. */
	protected _toNative(events: number): number {
		return (
			((events & EVENT_READ) === 0 ? 0 : this._nativeRead) |
			((events & EVENT_WRITE) === 0 ? 0 : this._nativeWrite)
		);
	}

	/**
	 * Rewrites the `count` `(fd, nativeEvents)` pairs of `_ready` in place as
	 * `(fd, EVENT_*)`: {@link pollBitsToEvents}, the one conversion.
	 */
	protected _translate(count: number): void {
		pollBitsToEvents(this._ready, count, this._nativeRead, this._nativeWrite);
	}
}
