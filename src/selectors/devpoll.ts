/**
 * {@link DevpollSelector}: Solaris/illumos `/dev/poll`, which this package
 * does not build on; the class exists so that code naming it compiles and
 * fails clearly everywhere.
 *
 * @module
 */
import {constants as osConstants} from 'node:os';
import {unavailableError} from './base-impl.js';
import {PollLikeSelector} from './poll-like.js';
import type {FileDescriptorLike} from '../fileobj.js';

/**
 * Solaris `/dev/poll` selector (Python's `selectors.DevpollSelector`).
 * Not available on any platform this package supports (Linux, macOS, the
 * BSDs): {@link DevpollSelector.available} is `false` and the constructor
 * throws. It keeps its place in the hierarchy (a poll-like selector) and in
 * {@link DefaultSelector}'s order of preference, as in CPython.
 *
 * @typeParam T - type of the data attached to registrations
 * @typeParam F - type of the file objects registered (see {@link BaseSelector})
 */
export class DevpollSelector<
	T = unknown,
	F extends FileDescriptorLike = FileDescriptorLike,
> extends PollLikeSelector<T, F> {
	/** `false`: the addon has no `/dev/poll` binding. */
	static readonly available: boolean = false;

	/**
	 * Always throws here.
	 *
	 * @throws {OSError} ENOSYS: `/dev/poll` is not available on this platform
	 */
	constructor() {
		if (!DevpollSelector.available) {
			throw unavailableError(
				'DevpollSelector',
				'/dev/poll exists on Solaris and illumos only, which this package does not support',
			);
		}

		super('ioctl', 1, 4);
	}

	/**
	 * The `/dev/poll` file descriptor (Python's `DevpollSelector.fileno()`).
	 *
	 * @returns never: no instance can exist
	 * @throws {RuntimeError} if the selector is closed
	 */
	fileno(): number {
		this._checkOpen();
		return -1;
	}

	protected override _kernelAdd(): void {
		throw unavailableError('DevpollSelector', '/dev/poll');
	}

	protected override _kernelRemove(): void {
		// Unreachable: no instance can be built.
	}

	protected override _kernelModify(): void {
		throw unavailableError('DevpollSelector', '/dev/poll');
	}

	protected override _wait(): number {
		return -osConstants.errno.ENOSYS;
	}
}
