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
 * @typeParam F - type of the file object: the selector's `F` (see
 * {@link BaseSelector}), or, for the key `register()` returns, the type of
 * the object passed to it
 */
export class SelectorKey<T = unknown, F extends FileDescriptorLike = FileDescriptorLike> {
	/** File object registered (the one passed to `register()`). */
	readonly fileobj: F;
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
	constructor(fileobj: F, fd: number, events: number, data: T) {
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
 * `ReadonlyMap<number, SelectorKey<T, F>>` (iteration yields `[fd, key]` in
 * registration order) except that `get()` and `has()` also accept a file
 * object, as Python's `mapping[fileobj]` does.
 *
 * @typeParam T - type of the attached data
 * @typeParam F - type of the registered file objects
 */
export interface SelectorMapping<
	T = unknown,
	F extends FileDescriptorLike = FileDescriptorLike,
> extends ReadonlyMap<number, SelectorKey<T, F>> {
	/**
	 * The key of a registered file object.
	 *
	 * @param fileobj - a file object or file descriptor
	 * @returns its key, or `undefined` if it is not registered
	 * @throws {ValueError} if `fileobj` is not a valid file object and is not
	 * registered either (as Python's `mapping.get()`)
	 */
	get(fileobj: FileDescriptorLike): SelectorKey<T, F> | undefined;

	/**
	 * Whether a file object is registered (Python's `fileobj in mapping`).
	 *
	 * @param fileobj - a file object or file descriptor
	 * @returns `true` if registered
	 * @throws {ValueError} as {@link SelectorMapping.get}
	 */
	has(fileobj: FileDescriptorLike): boolean;
}

/** Options of {@link BaseSelector.selectAsync} and {@link BaseSelector.events}. */
export interface SelectAsyncOptions {
	/**
	 * Aborting it rejects the pending call with `signal.reason` (and makes
	 * {@link BaseSelector.events} throw it), disarming its watches at once.
	 */
	readonly signal?: AbortSignal;
	/**
	 * Whether a pending wait keeps the process (or worker thread) alive, as
	 * a listening server does. Default `true`. With `false`, a process with
	 * nothing else to do exits while the call is pending (the promise then
	 * never settles), as with an unref'd server or timer; and the pending
	 * call does not keep its selector reachable either: keep a reference to
	 * the selector while you need the result (see
	 * {@link BaseSelector.selectAsync}).
	 */
	readonly ref?: boolean;
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
 * (timers, I/O callbacks, signal handlers) does not run. Use
 * {@link BaseSelector.selectAsync} or {@link BaseSelector.events} when the
 * process must also serve the event loop, or a blocking loop in a worker
 * thread (each thread with its own selector; see
 * {@link BaseSelector.select} for what a blocked worker costs).
 *
 * A selector holds kernel resources: close it with {@link BaseSelector.close},
 * or with `using sel = new DefaultSelector()`.
 *
 * **Types.** `T` is the type of the attached data and `F` the type of the
 * file objects: `register()` accepts only an `F`, so every key the selector
 * returns (`select()`, `getKey()`, `getMap()`, …) has an `F` as its
 * `fileobj`. A selector holds many file objects and TypeScript cannot
 * learn `F` from later calls, so state it when the default (any
 * {@link FileDescriptorLike}) is too wide:
 *
 * ```ts
 * const sel = new DefaultSelector<Handler, Socket>();
 * for (const [key, mask] of sel.select()) key.data(key.fileobj, mask); // key.fileobj: Socket
 * ```
 *
 * The key `register()` returns is typed by the object actually passed
 * (`register(sock, …)` gives a `SelectorKey<T, typeof sock>`). The methods
 * that look a registration up (`unregister()`, `modify()`, `getKey()`, the
 * mapping's `get()`) accept any file object or file descriptor, as in
 * Python, and return the stored key, typed `SelectorKey<T, F>`. (As with
 * arrays, TypeScript lets a `BaseSelector<T, Socket>` be passed where a
 * `BaseSelector<T>` is expected, whose `register()` takes any file object:
 * register through the narrower type.)
 *
 * @typeParam T - type of the data attached to registrations
 * @typeParam F - type of the file objects registered (default: any
 * {@link FileDescriptorLike})
 */
export abstract class BaseSelector<
	T = unknown,
	F extends FileDescriptorLike = FileDescriptorLike,
> implements Disposable {
	/**
	 * Registers a file object.
	 *
	 * @param fileobj - file object or file descriptor (an `F`)
	 * @param events - events to monitor: a bitwise mask of `EVENT_READ | EVENT_WRITE`
	 * @param data - attached data (default `undefined`)
	 * @returns the new {@link SelectorKey}, whose `fileobj` is `fileobj`
	 * (typed as it was passed)
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
	abstract register<G extends F>(fileobj: G, events: number, ...data: DataArgument<T>): SelectorKey<T, G>;

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
	abstract unregister(fileobj: FileDescriptorLike): SelectorKey<T, F>;

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
	 * @returns the key now stored: a new one if anything changed (its
	 * `fileobj` stays the object registered, whatever `fileobj` names it here)
	 * @throws {KeyError} if `fileobj` is not registered
	 * @throws {ValueError} if `events` is invalid
	 * @throws {OSError} if the kernel refuses the change; the file object is
	 * then no longer registered (CPython, bpo-30014)
	 * @throws {RuntimeError} if the selector is closed
	 */
	modify(fileobj: FileDescriptorLike, events: number, ...data: DataArgument<T>): SelectorKey<T, F> {
		const old = this.unregister(fileobj);
		// The registered object, so the new key's fileobj is an F.
		return this.register(old.fileobj, events, ...data);
	}

	/**
	 * Waits until some registered file objects are ready, or the timeout expires.
	 *
	 * Blocks the calling thread, and with it Node's event loop (timers,
	 * callbacks and signal handlers run only after it returns); see
	 * {@link BaseSelector.selectAsync} for a wait that does not.
	 *
	 * **In a worker thread**, the wait is made of kernel waits of at most a
	 * quarter second (`WORKER_WAIT_SLICE_MS`), resumed with the time left,
	 * because Node cannot interrupt a system call when it stops a worker:
	 * this way `worker.terminate()`, and `process.exit()` on the main thread
	 * (which stops the workers first), take effect within a quarter second.
	 * The cost: a worker blocked with nothing ready wakes 4 times a second
	 * (one extra system call each time). The main thread waits in one
	 * kernel call, as before.
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
	abstract select(timeout?: number | null): Array<[SelectorKey<T, F>, number]>;

	/**
	 * Waits like {@link BaseSelector.select}, without blocking the event
	 * loop: timers, promises, `node:net` servers and other I/O keep running
	 * while it waits. Not in Python's `selectors`.
	 *
	 * The result is what `select(timeout)` would return at the moment the
	 * wait ends: the same `[key, events]` pairs, masked by the keys
	 * registered **at that moment** (a file object unregistered while the
	 * call was pending is left out; a modified one is reported with its new
	 * key). Registrations may change while the call is pending, and take
	 * effect at once, on every backend.
	 *
	 * How it waits: the call first yields to the event loop once
	 * (`setImmediate`), so a loop over always-ready file objects cannot
	 * starve timers and I/O; then it collects without blocking, through the
	 * same wait loop as `select(0)`; if nothing is ready, it waits through
	 * the environment's reactor — one helper thread per thread of
	 * JavaScript (main or worker), started on first use, waiting on an epoll
	 * (kqueue) set of its own — and collects again:
	 * - {@link EpollSelector}, {@link KqueueSelector}: for the selector's own
	 *   fd to be readable (it is while events are pending). The reactor
	 *   holds a duplicate of that fd from the first call until `close()`.
	 * - {@link PollSelector}, {@link SelectSelector}: for any registered file
	 *   object to be ready for its events (one one-shot watch each, made for
	 *   the wait; a change to the registrations starts the wait again). So
	 *   `SelectSelector.selectAsync()` has no `FD_SETSIZE` limit of its own.
	 * A wake-up with nothing to report (spurious, or consumed by a
	 * synchronous `select()` meanwhile) waits again until the deadline.
	 *
	 * Decided behaviours:
	 * - **One pending call per selector.** A second `selectAsync()` while
	 *   one is pending rejects at once with {@link RuntimeError} code
	 *   `ERR_SELECT_PENDING`: two waiters would be handed the same
	 *   readiness and dispatch it twice. Use one loop (or
	 *   {@link BaseSelector.events}) per selector.
	 * - **`select()`/`selectInto()` while a call is pending** are allowed
	 *   (a synchronous call cannot interleave with the async one's
	 *   collection): they report what is ready; since the selectors are
	 *   level-triggered, what stays ready is also reported to the pending
	 *   call (edge-triggered or one-shot epoll registrations are reported
	 *   to whichever call collects first).
	 * - **`close()`** while a call is pending rejects it with
	 *   {@link RuntimeError} `'Selector is closed'` (code
	 *   `ERR_SELECTOR_CLOSED`) and disarms its watches. A closed selector
	 *   rejects every new call the same way.
	 * - **Abort**: `options.signal` aborting rejects the call with
	 *   `signal.reason` and disarms its watches; an already aborted signal
	 *   rejects without waiting. Ready events are not consumed (they are
	 *   reported by the next call). A call made right after an abort waits
	 *   for the aborted one to let go, then proceeds (no
	 *   `ERR_SELECT_PENDING`).
	 * - **Keeping the process alive**: by default a pending call keeps the
	 *   process (or worker thread) alive, like a listening server;
	 *   `{ref: false}` opts out: if nothing else keeps the event loop
	 *   alive, the process exits and the promise never settles. Such a
	 *   call is held only through its selector, like any promise waiting on
	 *   an object: a selector dropped (unreachable) with a `{ref: false}`
	 *   call pending is garbage-collected with it, its watches are closed,
	 *   and the promise never settles. A ref'd call is held by the reactor
	 *   until it settles.
	 * - **One yield per call**: exactly one turn of the event loop before
	 *   the first collection, whatever is ready.
	 *
	 * Every error is a rejection, never a synchronous throw.
	 *
	 * @param timeout - in **seconds**, exactly as for
	 * {@link BaseSelector.select} (rounded up to whole milliseconds; `<= 0`
	 * reports what is ready now; `null` or omitted waits until something is
	 * ready)
	 * @param options - see {@link SelectAsyncOptions}
	 * @returns (resolves) `[key, events]` for each ready file object; empty on timeout
	 * @throws (rejects) {@link RuntimeError} `ERR_SELECTOR_CLOSED` (closed
	 * before or during the call), `ERR_SELECT_PENDING` (another call is
	 * pending); `signal.reason` on abort; `TypeError`/{@link ValueError}
	 * for an invalid timeout or options; {@link OSError} if the kernel
	 * fails the wait
	 */
	abstract selectAsync(
		timeout?: number | null,
		options?: SelectAsyncOptions,
	): Promise<Array<[SelectorKey<T, F>, number]>>;

	/**
	 * An allocation-free {@link BaseSelector.select} for hot loops: fills
	 * caller-owned arrays instead of returning new ones (named after
	 * Python's `socket.recv_into`, which fills a caller's buffer). After
	 * `const n = sel.selectInto(keys, events, timeout)`, `keys[i]` and
	 * `events[i]` for `i < n` are what `select()` would have returned as
	 * `[key, events]` pairs; entries from `n` on are left as they were.
	 *
	 * At most `min(keys.length, events.length)` entries are filled ("the
	 * room"). Ready events beyond the room are **not lost**: epoll and
	 * kqueue ask the kernel for at most that many, and the kernel keeps the
	 * rest (edge-triggered and one-shot ones included) for the next call,
	 * rotating through them; poll and select report every ready fd again
	 * on the next call (level-triggered), and the selector starts the next
	 * truncated fill where the previous one stopped, so no fd starves.
	 *
	 * The built-in selectors allocate nothing per call (no arrays, keys or
	 * pairs): keep `keys` and `events` between calls.
	 *
	 * @param keys - receives the ready keys (e.g. `new Array(64)`)
	 * @param events - receives their `EVENT_READ | EVENT_WRITE` masks
	 * (an `Int32Array` or a number array)
	 * @param timeout - in **seconds**, as {@link BaseSelector.select}
	 * (blocks the event loop as `select()` does)
	 * @returns the number of entries filled, `0` on timeout
	 * @throws {TypeError} if `keys` is not an array or `events` is not an
	 * `Int32Array` or array, or `timeout` is not a number, `null` or `undefined`
	 * @throws {RangeError} if the room is 0
	 * @throws {ValueError} if `timeout` is NaN
	 * @throws {OSError} if the kernel fails the wait (other than EINTR)
	 * @throws {RuntimeError} if the selector is closed
	 */
	abstract selectInto(
		keys: Array<SelectorKey<T, F> | undefined>,
		events: Int32Array | number[],
		timeout?: number | null,
	): number;

	/**
	 * The ready events as an async iterator, for `for await` loops: yields
	 * `[key, events]` pairs, waiting with {@link BaseSelector.selectAsync}
	 * whenever the previous batch is used up. Not in Python's `selectors`.
	 *
	 * ```ts
	 * for await (const [key, events] of sel.events({signal})) {
	 *   handle(key, events);
	 * }
	 * ```
	 *
	 * - Each pair is checked against the registrations just before it is
	 *   yielded: a file object unregistered by the loop body (or elsewhere)
	 *   since its batch was collected is skipped, and a modified one is
	 *   yielded with its current key and events.
	 * - **Closing the selector ends the loop** (normally: `close()` is the
	 *   way to stop a server loop from elsewhere), also while it waits.
	 *   Iterating a selector that is already closed throws
	 *   {@link RuntimeError} `ERR_SELECTOR_CLOSED` at the first step.
	 * - **Aborting `options.signal` throws `signal.reason`** from the loop,
	 *   as Node's `events.on()` and `timers/promises` iterators do, so a
	 *   cancelled loop can be told apart from a closed selector.
	 * - Leaving the loop (`break`, `return`, a throw in the body) leaves
	 *   nothing pending: no wait runs while the body runs.
	 * - While the loop waits, `selectAsync()` rejects with
	 *   `ERR_SELECT_PENDING` (one waiter per selector). `options.ref`
	 *   applies to every wait (`false`: the loop does not keep the process
	 *   alive).
	 *
	 * @param options - see {@link SelectAsyncOptions}
	 * @returns an async iterator of `[key, events]` pairs
	 * @throws (from the iterator) as {@link BaseSelector.selectAsync}, except
	 * that `ERR_SELECTOR_CLOSED` after the first step ends the loop
	 */
	async *events(
		options: SelectAsyncOptions = {},
	): AsyncGenerator<[SelectorKey<T, F>, number], void, undefined> {
		// Throws if closed already: iterating a closed selector is a bug.
		const map = this.getMap();
		for (;;) {
			let batch: Array<[SelectorKey<T, F>, number]>;
			try {
				batch = await this.selectAsync(null, options);
			} catch (error) {
				if (error instanceof RuntimeError && error.code === 'ERR_SELECTOR_CLOSED') {
					return;
				}

				throw error;
			}

			for (const [key, events] of batch) {
				// After close() the live map is empty, so the loop ends below.
				const current = map.get(key.fd);
				if (current !== undefined) {
					const masked = events & current.events;
					if (masked !== 0) {
						yield [current, masked];
					}
				}
			}
		}
	}

	/**
	 * Closes the selector, releasing its kernel resources and forgetting
	 * every registration (the file objects themselves stay open).
	 * Idempotent: closing twice does nothing. Every other method then throws
	 * `RuntimeError('Selector is closed')`. A pending
	 * {@link BaseSelector.selectAsync} rejects with that error, and a
	 * {@link BaseSelector.events} loop ends.
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
	getKey(fileobj: FileDescriptorLike): SelectorKey<T, F> {
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
	abstract getMap(): SelectorMapping<T, F>;

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
