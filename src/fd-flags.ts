/**
 * The two per-fd flags the os and socket modules read and set with
 * fcntl(2): O_NONBLOCK (on the file description, shared by every dup) and
 * FD_CLOEXEC (on the fd). Each helper returns -errno instead of throwing, so
 * a caller can choose to raise or to let the next system call report it.
 *
 * @internal
 * @module
 */
import {endianness, constants as osConstants} from 'node:os';
import {isMainThread} from 'node:worker_threads';
import {constant, native} from './native.js';
import {WORKER_WAIT_SLICE_MS} from './time.js';

const EINTR = osConstants.errno.EINTR;

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

/** poll(2)'s readable bit, for {@link waitReadyInWorker}. */
export const POLLIN = constant('POLLIN');
/** poll(2)'s writable bit, for {@link waitReadyInWorker}. */
export const POLLOUT = constant('POLLOUT');
/** One `struct pollfd` (fd; events and revents, two shorts) and poll's output pair. */
const pollfd = new Int32Array(2);
const pollOut = new Int32Array(2);
const eventsShift = endianness() === 'LE' ? 0 : 16;

/**
 * In a worker thread, before a call that would block in the kernel on a
 * blocking fd with no way out (os.read, os.write, os.sendfile, the
 * eventfd reads and writes): waits in poll(2)
 * slices of {@link WORKER_WAIT_SLICE_MS} until `fd` is ready for `events`.
 * Node tells an addon nothing when `worker.terminate()` is called (or when
 * `process.exit()` stops the workers); termination takes effect only when
 * control comes back to JavaScript, which it does between slices. Returns at
 * once on the main thread, for a non-blocking fd, and on any poll result
 * other than a timeout (ready, hang-up, error, an fd poll refuses): the call
 * itself then runs and reports. Another holder of the fd may take the data
 * between the poll and the call, which then blocks as it always did.
 *
 * @returns whether it waited: a blocking fd in a worker
 */
export function waitReadyInWorker(fd: number, events: number): boolean {
	if (isMainThread || getFdFlag(fd, NONBLOCK) !== 0) {
		return false;
	}

	// One call per slice: V8 acts on a termination request when a function
	// is entered, and a loop that only calls into the addon took up to 3 s
	// (a dozen slices) to notice one.
	while (pollSlice(fd, events)) {
		// not ready yet
	}

	return true;
}

/** One poll(2) of at most {@link WORKER_WAIT_SLICE_MS}; whether it timed out (or was interrupted). */
function pollSlice(fd: number, events: number): boolean {
	pollfd[0] = fd;
	pollfd[1] = events << eventsShift;
	const ret = native.poll(pollfd, 1, WORKER_WAIT_SLICE_MS, pollOut);
	return ret === 0 || ret === -EINTR;
}
