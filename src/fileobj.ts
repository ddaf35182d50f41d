/**
 * File objects: a file descriptor or anything with a `fileno()` method, as
 * in Python's `selectors` and `select` modules.
 *
 * @module
 */
import {inspect} from 'node:util';
import {stackFromCaller, ValueError} from './errors.js';

/**
 * An object that owns a file descriptor (typeshed's `HasFileno`): our
 * `Socket`, or a user's own wrapper.
 */
export interface HasFileno {
	/**
	 * The underlying file descriptor.
	 *
	 * @returns a non-negative integer while the object is open; `-1` (as a
	 * closed Python socket does) or a throw once it is closed
	 */
	fileno(): number;
}

/**
 * A file descriptor, an object with `fileno()` (typeshed's
 * `FileDescriptorLike`), or one of Node's own fd holders, which expose a
 * numeric `fd` instead of `fileno()` — a `FileHandle` from `fs/promises`
 * (fd -1 once closed), an open `fs.ReadStream`/`fs.WriteStream` (fd `null`
 * before it opens), a `tty.ReadStream`/`tty.WriteStream` (`process.stdin`
 * and `process.stdout` on a terminal): what the selectors accept as a "file
 * object".
 *
 * **An fd that libuv itself polls** — a `tty.ReadStream` such as a terminal
 * `process.stdin` that is being read, a `net.Socket` — is unsafe to select
 * on: libuv reads the data into its own buffers when the stream flows, so a
 * selector may report readiness for bytes that are gone by the time you read
 * (or never report bytes libuv already took). Pause the stream
 * (`stream.pause()`) or do not attach `'data'` listeners while a selector
 * watches its fd. A `net.Socket` exposes no `fd` or `fileno()` and is
 * refused (`ValueError`, `ERR_INVALID_FILEOBJ`); use this package's
 * `Socket` instead. A `FileHandle` or `fs` stream on a regular file is
 * always "ready" (select(2)/poll(2) semantics; epoll refuses regular files
 * with EPERM).
 */
export type FileDescriptorLike = number | HasFileno | {readonly fd: number | null};

/**
 * A short description of a file object for error messages (Python's `repr`).
 *
 * @param fileobj - the file object
 * @returns `'5'` for an fd, otherwise `util.inspect` at depth 0 on one line
 */
export function fileobjRepr(fileobj: unknown): string {
	if (typeof fileobj === 'number') {
		return String(fileobj);
	}

	return inspect(fileobj, {depth: 0, breakLength: Number.POSITIVE_INFINITY});
}

/**
 * Returns the file descriptor of a file object (CPython's
 * `selectors._fileobj_to_fd`).
 *
 * @param fileobj - a file descriptor, an object with a `fileno()` method, or a Node fd holder with a numeric `fd` (`fileno()` wins when both exist)
 * @returns the file descriptor, a non-negative integer
 * @throws {ValueError} `'Invalid file object: …'` (code `ERR_INVALID_FILEOBJ`)
 * if `fileobj` is neither a number nor has a `fileno()` method or a numeric `fd`, or if
 * `fileno()` throws a `TypeError` or `ValueError`;
 * `'Invalid file descriptor: …'` (code `ERR_INVALID_FD`) if the number is
 * negative or not an integer (Python would reject a float with `TypeError`
 * or truncate it with `int()`; a JavaScript number has no such distinction,
 * so a non-integer is a bad value)
 */
export function fileobjToFd(fileobj: unknown): number {
	let fd: unknown;
	if (typeof fileobj === 'number') {
		fd = fileobj;
	} else {
		const fileno: unknown =
			typeof fileobj === 'object' && fileobj !== null
				? (fileobj as {fileno?: unknown}).fileno
				: undefined;
		const holderFd: unknown =
			typeof fileobj === 'object' && fileobj !== null && typeof fileno !== 'function'
				? (fileobj as {fd?: unknown}).fd
				: undefined;
		if (typeof fileno !== 'function' && typeof holderFd !== 'number') {
			throw stackFromCaller(
				new ValueError(`Invalid file object: ${fileobjRepr(fileobj)}`, 'ERR_INVALID_FILEOBJ'),
				fileobjToFd,
			);
		}

		if (typeof fileno !== 'function') {
			fd = holderFd; // a Node fd holder (FileHandle, fs/tty stream)
		} else {
			try {
				fd = (fileno as () => unknown).call(fileobj);
			} catch (error) {
				// CPython turns the TypeError/ValueError of a closed or broken
				// object into ValueError("Invalid file object"); anything else
				// (an OSError, a bug) propagates.
				if (error instanceof TypeError || error instanceof ValueError) {
					throw stackFromCaller(
						new ValueError(
							`Invalid file object: ${fileobjRepr(fileobj)}`,
							'ERR_INVALID_FILEOBJ',
							{cause: error},
						),
						fileobjToFd,
					);
				}

				throw error;
			}
		}

		if (typeof fd !== 'number') {
			throw stackFromCaller(
				new ValueError(`Invalid file object: ${fileobjRepr(fileobj)}`, 'ERR_INVALID_FILEOBJ'),
				fileobjToFd,
			);
		}
	}

	if (!Number.isInteger(fd) || (fd as number) < 0 || (fd as number) > 0x7f_ff_ff_ff) {
		throw stackFromCaller(
			new ValueError(`Invalid file descriptor: ${String(fd)}`, 'ERR_INVALID_FD'),
			fileobjToFd,
		);
	}

	return fd as number;
}
