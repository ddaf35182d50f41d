/**
 * The two per-fd flags the os and socket modules read and set with
 * fcntl(2): O_NONBLOCK (on the file description, shared by every dup) and
 * FD_CLOEXEC (on the fd). Each helper returns -errno instead of throwing, so
 * a caller can choose to raise or to let the next system call report it.
 *
 * @internal
 * @module
 */
import {constant, native} from './native.js';

/** A flag and the fcntl commands that read and write it. */
export interface FdFlag {
	readonly get: number;
	readonly set: number;
	readonly bit: number;
}

/** O_NONBLOCK, through F_GETFL/F_SETFL. */
export const NONBLOCK: FdFlag = {
	get: constant('F_GETFL'),
	set: constant('F_SETFL'),
	bit: constant('O_NONBLOCK'),
};
/** FD_CLOEXEC, through F_GETFD/F_SETFD. */
export const CLOEXEC: FdFlag = {
	get: constant('F_GETFD'),
	set: constant('F_SETFD'),
	bit: constant('FD_CLOEXEC'),
};

/**
 * Whether `flag` is set on `fd`.
 *
 * @returns 1 or 0, or -errno
 */
export function getFdFlag(fd: number, flag: FdFlag): number {
	const flags = native.fcntl(fd, flag.get, 0);
	if (flags < 0) {
		return flags;
	}

	return (flags & flag.bit) === 0 ? 0 : 1;
}

/**
 * Sets (`on`) or clears `flag` on `fd`: one fcntl to read the flags, a
 * second to write them only when they change (as CPython's
 * `internal_setblocking()` and `_Py_set_inheritable()`).
 *
 * @returns 0, or -errno
 */
export function setFdFlag(fd: number, flag: FdFlag, on: boolean): number {
	const flags = native.fcntl(fd, flag.get, 0);
	if (flags < 0) {
		return flags;
	}

	const next = on ? flags | flag.bit : flags & ~flag.bit;
	return next === flags ? 0 : native.fcntl(fd, flag.set, next);
}
