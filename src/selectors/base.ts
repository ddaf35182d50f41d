/**
 * The selector interface: {@link SelectorKey}, {@link SelectorMapping} and the
 * abstract {@link BaseSelector} (CPython `Lib/selectors.py`: `SelectorKey`,
 * `_SelectorMapping`, `BaseSelector`).
 *
 * @module
 */
import {KeyError, RuntimeError} from '../errors.js';
import {fileobjRepr, type FileDescriptorLike} from '../fileobj.js';

/**
 * The optional `data` argument of `register()`/`modify()`: optional when the
 * selector's data type admits `undefined` (the default `unknown` does), and
 * required otherwise, so a key's `data` is never an `undefined` the type
 * does not allow.
 */
export type DataArgument<T> = undefined extends T ? [data?: T] : [data: T];

/**
 * A registration: a file object, its file descriptor, the events waited
 * for and the attached data (Python's `selectors.SelectorKey` named tuple).
 *
 * Keys are frozen. `modify()` returns a new key when something changed; the
 * one stored in the selector is always the one `getKey()` returns.
 *
 * @typeParam T - type of the attached data
 */
export class SelectorKey<T = unknown> {
	/** File object registered (the one passed to `register()`). */
	readonly fileobj: FileDescriptorLike;
	/** Underlying file descriptor. */
	readonly fd: number;
	/** Events that must be waited for on this file object (`EVENT_READ | EVENT_WRITE`). */
	readonly events: number;
	/**
	 * Optional opaque data associated to this file object, for example a
	 * per-client session or a callback; `undefined` when none was given
	 * (Python's `None`).
	 */
	readonly data: T;

	/**
	 * Builds a frozen key. Selectors build keys; user code rarely needs to.
	 *
	 * @param fileobj - the file object
	 * @param fd - its file descriptor
	 * @param events - the events mask
	 * @param data - the attached data
	 */
	constructor(fileobj: FileDescriptorLike, fd: number, events: number, data: T) {
		this.fileobj = fileobj;
		this.fd = fd;
		this.events = events;
		this.data = data;
		Object.freeze(this);
	}
}

/**
 * The read-only, live view returned by {@link BaseSelector.getMap} (CPython's
 * `_SelectorMapping`): file descriptors to keys. It behaves like a
 * `ReadonlyMap<number, SelectorKey<T>>` (iteration yields `[fd, key]` in
 * registration order) except that `get()` and `has()` also accept a file
 * object, as Python's `mapping[fileobj]` does.
 *
 * @typeParam T - type of the attached data
 */
export interface SelectorMapping<T = unknown> extends ReadonlyMap<number, SelectorKey<T>> {
	/**
	 * The key of a registered file object.
	 *
	 * @param fileobj - a file object or file descriptor
	 * @returns its key, or `undefined` if it is not registered
	 * @throws {ValueError} if `fileobj` is not a valid file object and is not
	 * registered either (as Python's `mapping.get()`)
	 */
	get(fileobj: FileDescriptorLike): SelectorKey<T> | undefined;

	/**
	 * Whether a file object is registered (Python's `fileobj in mapping`).
	 *
	 * @param fileobj - a file object or file descriptor
	 * @returns `true` if registered
	 * @throws {ValueError} as {@link SelectorMapping.get}
	 */
	has(fileobj: FileDescriptorLike): boolean;
}

/**
 * Selector abstract base class (Python's `selectors.BaseSelector`).
 *
 * A selector supports registering file objects to be monitored for specific
 * I/O events. A file object is a file descriptor or any object with a
 * `fileno()` method. An arbitrary value can be attached to the file object,
 * for example to store context information or a callback.
 *
 * The implementations ({@link SelectSelector}, {@link PollSelector},
 * {@link EpollSelector}, {@link KqueueSelector}, {@link DevpollSelector})
 * are level-triggered, like Python's. {@link DefaultSelector} is the most
 * efficient one the platform has.
 *
 * `select()` is a blocking system call: while it waits, Node's event loop
 * (timers, I/O callbacks, signal handlers) does not run. Use timeouts, or a
 * worker thread, when the process must also serve the event loop.
 *
 * A selector holds kernel resources: close it with {@link BaseSelector.close},
 * or with `using sel = new DefaultSelector()`.
 *
 * @typeParam T - type of the data attached to registrations
 */
export abstract class BaseSelector<T = unknown> implements Disposable {
	/**
	 * Registers a file object.
	 *
	 * @param fileobj - file object or file descriptor
	 * @param events - events to monitor: a bitwise mask of `EVENT_READ | EVENT_WRITE`
	 * @param data - attached data (default `undefined`)
	 * @returns the new {@link SelectorKey}
	 * @throws {ValueError} if `events` is invalid (0, unknown bits, not an
	 * integer) or `fileobj` is not a valid file object or descriptor
	 * @throws {KeyError} if `fileobj`, or another object with the same file
	 * descriptor, is already registered
	 * @throws {OSError} if the kernel refuses the file descriptor (closed,
	 * or unsuitable: epoll refuses regular files with EPERM); nothing stays
	 * registered then. Whether the kernel is asked at this point depends on
	 * the implementation.
	 * @throws {RuntimeError} if the selector is closed
	 */
	abstract register(fileobj: FileDescriptorLike, events: number, ...data: DataArgument<T>): SelectorKey<T>;

	/**
	 * Unregisters a file object. Call it before closing the file object.
	 *
	 * If the file object has been closed since it was registered (even if
	 * its file descriptor number has been reused since), this does **not**
	 * throw, even though the kernel may have refused the removal.
	 *
	 * @param fileobj - file object or file descriptor
	 * @returns the {@link SelectorKey} it was registered with
	 * @throws {KeyError} if `fileobj` is not registered
	 * @throws {ValueError} if `fileobj` is not a valid file object and no
	 * registered key holds this very object
	 * @throws {RuntimeError} if the selector is closed
	 */
	abstract unregister(fileobj: FileDescriptorLike): SelectorKey<T>;

	/**
	 * Changes a registered file object's monitored events or attached data.
	 *
	 * The base implementation is `unregister()` then `register()`, as in
	 * Python; the implementations make at most one system call, and none
	 * when only the data changes.
	 *
	 * @param fileobj - file object or file descriptor
	 * @param events - events to monitor: a bitwise mask of `EVENT_READ | EVENT_WRITE`
	 * @param data - attached data (default `undefined`, which replaces the old data)
	 * @returns the key now stored: a new one if anything changed
	 * @throws {KeyError} if `fileobj` is not registered
	 * @throws {ValueError} if `events` is invalid
	 * @throws {OSError} if the kernel refuses the change; the file object is
	 * then no longer registered (CPython, bpo-30014)
	 * @throws {RuntimeError} if the selector is closed
	 */
	modify(fileobj: FileDescriptorLike, events: number, ...data: DataArgument<T>): SelectorKey<T> {
		this.unregister(fileobj);
		return this.register(fileobj, events, ...data);
	}

	/**
	 * Waits until some registered file objects are ready, or the timeout expires.
	 *
	 * Blocks the calling thread, and with it Node's event loop (timers,
	 * callbacks and signal handlers run only after it returns; a
	 * non-blocking `selectAsync()` is planned).
	 *
	 * @param timeout - in **seconds**: `> 0` is the longest wait (rounded up
	 * to the kernel's resolution, so it never ends early); `<= 0` does not
	 * block and reports what is ready now; `null` or omitted blocks until
	 * something is ready. A signal does not end the wait early: the wait is
	 * resumed with the time left (PEP 475).
	 * @returns `[key, events]` for each ready file object, `events` being a
	 * mask of `EVENT_READ | EVENT_WRITE` within `key.events`; empty on
	 * timeout. An error or hang-up on a file descriptor is reported as the
	 * events it was registered for, so the next read or write sees it.
	 * @throws {TypeError} if `timeout` is not a number, `null` or `undefined`
	 * @throws {ValueError} if `timeout` is NaN
	 * @throws {OSError} if the kernel fails the wait (other than EINTR)
	 * @throws {RuntimeError} if the selector is closed
	 */
	abstract select(timeout?: number | null): Array<[SelectorKey<T>, number]>;

	/**
	 * Closes the selector, releasing its kernel resources and forgetting
	 * every registration (the file objects themselves stay open).
	 * Idempotent: closing twice does nothing. Every other method then throws
	 * `RuntimeError('Selector is closed')`.
	 *
	 * @throws {OSError} if the kernel reports an error closing the handle
	 * (the selector is closed all the same)
	 */
	close(): void {
		// Nothing to release at this level.
	}

	/**
	 * Returns the key of a registered file object.
	 *
	 * @param fileobj - file object or file descriptor
	 * @returns its {@link SelectorKey}
	 * @throws {KeyError} if `fileobj` is not registered
	 * @throws {RuntimeError} if the selector is closed
	 */
	getKey(fileobj: FileDescriptorLike): SelectorKey<T> {
		const key = this.getMap().get(fileobj);
		if (key === undefined) {
			throw new KeyError(`${fileobjRepr(fileobj)} is not registered`, 'ERR_NOT_REGISTERED');
		}

		return key;
	}

	/**
	 * Returns the live, read-only mapping of file descriptors to keys.
	 *
	 * @returns a {@link SelectorMapping}; after `close()` it is empty
	 * @throws {RuntimeError} if the selector is closed
	 */
	abstract getMap(): SelectorMapping<T>;

	/**
	 * Closes the selector: `using sel = new DefaultSelector()` closes it at
	 * the end of the block (Python's `with selector:`).
	 */
	[Symbol.dispose](): void {
		this.close();
	}
}

/** The error every method of a closed selector throws. @internal */
export function selectorClosed(): RuntimeError {
	return new RuntimeError('Selector is closed', 'ERR_SELECTOR_CLOSED');
}
