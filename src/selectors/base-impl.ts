/**
 * Bookkeeping shared by every selector (CPython's `_BaseSelectorImpl`):
 * the fd → key map, validation, rollback, the mapping view, and the one
 * wait loop (EINTR retry, long timeouts) all backends go through.
 *
 * @internal
 * @module
 */
import {constants as osConstants} from 'node:os';
import {inspect, type InspectOptionsStylized} from 'node:util';
import {EVENT_MASK} from '../constants.js';
import {typeName} from '../args.js';
import {
	argRangeError,
	argTypeError,
	KeyError,
	OSError,
	RuntimeError,
	stackFromCaller,
	ValueError,
} from '../errors.js';
import {fileobjRepr, fileobjToFd, type FileDescriptorLike} from '../fileobj.js';
import {runPendingSignalHandlers} from '../signal/pending.js';
import {clampWaitMs, monotonicMs, remainingMs, timeoutToMs, waitSliceMs} from '../time.js';
import {ReactorWait, type ReadinessWait, type WaitTarget} from '../async/wait.js';
import {
	BaseSelector,
	selectorClosed,
	SelectorKey,
	type DataArgument,
	type SelectAsyncOptions,
	type SelectorMapping,
} from './base.js';

const EINTR = osConstants.errno.EINTR;

/**
 * Throws unless `events` is a valid mask: a non-zero integer subset of
 * `EVENT_READ | EVENT_WRITE`.
 *
 * @throws {ValueError} `'Invalid events: …'`, code `ERR_INVALID_EVENTS`
 */
export function validateEvents(events: unknown): asserts events is number {
	// `events > EVENT_MASK` first: the bitwise test alone sees only the low 32
	// bits, so 2 ** 32 + 1 would pass as EVENT_READ.
	if (
		typeof events !== 'number' ||
		!Number.isInteger(events) ||
		events <= 0 ||
		events > EVENT_MASK ||
		(events & ~EVENT_MASK) !== 0
	) {
		throw stackFromCaller(
			new ValueError(`Invalid events: ${fileobjRepr(events)}`, 'ERR_INVALID_EVENTS'),
			validateEvents,
		);
	}
}

/** Checks the options of selectAsync()/events(). */
function validateAsyncOptions(options: unknown): SelectAsyncOptions {
	if (typeof options !== 'object' || options === null) {
		throw stackFromCaller(
			argTypeError(`options must be an object, not ${typeName(options)}`),
			validateAsyncOptions,
		);
	}

	const {signal, ref} = options as {signal?: unknown; ref?: unknown};
	if (signal !== undefined && !(signal instanceof AbortSignal)) {
		throw stackFromCaller(
			argTypeError(`options.signal must be an AbortSignal, not ${typeName(signal)}`),
			validateAsyncOptions,
		);
	}

	if (ref !== undefined && typeof ref !== 'boolean') {
		throw stackFromCaller(
			argTypeError(`options.ref must be a boolean, not ${typeName(ref)}`),
			validateAsyncOptions,
		);
	}

	return options;
}

/**
 * A whole number too large to be an fd: never registered, so the mapping
 * answers "not there" as CPython's does (register() refuses it).
 */
function beyondFds(fileobj: unknown): boolean {
	return typeof fileobj === 'number' && Number.isInteger(fileobj) && fileobj > 0x7f_ff_ff_ff;
}

/** The live view over a selector's fd → key map. */
class SelectorMappingView<T, F extends FileDescriptorLike> implements SelectorMapping<T, F> {
	readonly #fdToKey: ReadonlyMap<number, SelectorKey<T, F>>;
	readonly #lookup: (fileobj: FileDescriptorLike) => number;

	constructor(
		fdToKey: ReadonlyMap<number, SelectorKey<T, F>>,
		lookup: (fileobj: FileDescriptorLike) => number,
	) {
		this.#fdToKey = fdToKey;
		this.#lookup = lookup;
	}

	get size(): number {
		return this.#fdToKey.size;
	}

	get(fileobj: FileDescriptorLike): SelectorKey<T, F> | undefined {
		return beyondFds(fileobj) ? undefined : this.#fdToKey.get(this.#lookup(fileobj));
	}

	has(fileobj: FileDescriptorLike): boolean {
		return beyondFds(fileobj) ? false : this.#fdToKey.has(this.#lookup(fileobj));
	}

	forEach(
		callback: (key: SelectorKey<T, F>, fd: number, map: ReadonlyMap<number, SelectorKey<T, F>>) => void,
		thisArg?: unknown,
	): void {
		for (const [fd, key] of this.#fdToKey) {
			callback.call(thisArg, key, fd, this);
		}
	}

	entries(): MapIterator<[number, SelectorKey<T, F>]> {
		return this.#fdToKey.entries();
	}

	keys(): MapIterator<number> {
		return this.#fdToKey.keys();
	}

	values(): MapIterator<SelectorKey<T, F>> {
		return this.#fdToKey.values();
	}

	[Symbol.iterator](): MapIterator<[number, SelectorKey<T, F>]> {
		return this.#fdToKey.entries();
	}

	readonly [Symbol.toStringTag] = 'SelectorMapping';
}

/**
 * Base selector implementation (CPython's `_BaseSelectorImpl`).
 *
 * Subclasses implement four hooks, each at most one native call:
 * {@link BaseSelectorImpl._kernelAdd}, {@link BaseSelectorImpl._kernelRemove},
 * {@link BaseSelectorImpl._kernelModify} and {@link BaseSelectorImpl._wait};
 * this class does the validation, the bookkeeping and the rollback. A
 * selector with a pollable fd of its own (epoll, kqueue) names it with
 * {@link BaseSelectorImpl._waitFd}, so `selectAsync()` waits for that fd.
 *
 * Ready events are collected by {@link BaseSelectorImpl._collect}, the one
 * wait loop, into {@link BaseSelectorImpl._ready}, which `select()`,
 * `selectAsync()` and `selectInto()` turn into `[key, events]` entries
 * masked by the keys registered at that moment. `selectAsync()` waits for
 * readiness through the environment's reactor (src/async/) between
 * zero-timeout passes of that same loop.
 *
 * Not exported from the package's entry points; its declaration stays in
 * the .d.ts files because the public selector classes extend it.
 */
export abstract class BaseSelectorImpl<
	T = unknown,
	F extends FileDescriptorLike = FileDescriptorLike,
> extends BaseSelector<T, F> {
	/** File descriptor → key. */
	protected readonly _fdToKey = new Map<number, SelectorKey<T, F>>();
	/**
	 * Ready events after {@link BaseSelectorImpl._wait}: `count` pairs
	 * `(fd, events)` with `events` in `EVENT_READ | EVENT_WRITE` bits, not yet
	 * masked by the key's events. Owned (and grown) by the backend.
	 */
	protected _ready: Int32Array = new Int32Array(2);
	/** The kernel call `_wait` makes, for error messages: `'epoll_wait'`. */
	protected readonly _waitSyscall: string;
	#closed = false;
	readonly #map: SelectorMappingView<T, F>;
	/** The pending `selectAsync()`'s controller: aborted by close(). */
	#asyncCall: AbortController | undefined;
	/** Settles once the pending call (if any) has released its watches. */
	#asyncSettled: Promise<void> = Promise.resolve();
	/** How `selectAsync()` waits for readiness; created on first use. */
	#readiness: ReadinessWait | undefined;
	/** Where the next truncated `selectInto()` fill starts (poll/select fairness). */
	#intoCursor = 0;

	/** @param waitSyscall - the kernel call `_wait` makes, for error messages */
	constructor(waitSyscall: string) {
		super();
		this._waitSyscall = waitSyscall;
		this.#map = new SelectorMappingView(this._fdToKey, fileobj => this._fileobjLookup(fileobj));
	}

	/**
	 * Registers `fd` with the kernel (or the backend's interest list).
	 * Called before the key is stored; if it throws, nothing is stored.
	 *
	 * @param fd - the file descriptor, not yet in `_fdToKey`
	 * @param events - a valid `EVENT_*` mask
	 * @param flags - backend-specific flags (EpollSelector's EPOLLET…), 0 from a Python-style call
	 */
	protected abstract _kernelAdd(fd: number, events: number, flags: number): void;

	/**
	 * Removes `fd` from the kernel (or the interest list). Called after the
	 * key has been forgotten; an {@link OSError} it throws is ignored.
	 *
	 * @param fd - the file descriptor
	 * @param events - the mask it was registered with
	 */
	protected abstract _kernelRemove(fd: number, events: number): void;

	/**
	 * Changes the events of a registered `fd`. If it throws, the file object
	 * is unregistered (CPython, bpo-30014) and the error propagates.
	 *
	 * @param fd - the file descriptor
	 * @param oldEvents - the current mask
	 * @param newEvents - the new mask (different from `oldEvents`, unless `_modifyAlways`)
	 * @param flags - backend-specific flags, as for `_kernelAdd`
	 */
	protected abstract _kernelModify(fd: number, oldEvents: number, newEvents: number, flags: number): void;

	/**
	 * One native wait of at most `timeoutMs` (-1 forever, 0 poll, at most
	 * `MAX_WAIT_MS`); fills {@link BaseSelectorImpl._ready}.
	 *
	 * @param limit - at most this many events are wanted (`selectInto()`'s
	 * room): backends whose kernel keeps the rest (epoll, kqueue) ask for no
	 * more; others may return more. Absent: no limit.
	 * @returns the number of `(fd, events)` pairs in `_ready`, or `-errno`
	 */
	protected abstract _wait(timeoutMs: number, limit?: number): number;

	/**
	 * The selector's own pollable fd (epoll, kqueue: readable while events
	 * are pending), which `selectAsync()` waits for; `undefined` (the
	 * default) makes it wait for the registered fds themselves.
	 */
	protected _waitFd(): number | undefined {
		return undefined;
	}

	/**
	 * The selector's own fd now names another kernel object (epoll rebuilt
	 * its set under the same number): `selectAsync()` lets go of the
	 * duplicate it watches (a pending call waits again on the new one).
	 */
	protected _waitFdReplaced(): void {
		this.#readiness?.close();
	}

	/**
	 * Whether `modify()` must call {@link BaseSelectorImpl._kernelModify}
	 * even though the events are unchanged (an epoll one-shot registration
	 * is re-armed that way). Default: never.
	 *
	 * @param _fd - the registered file descriptor
	 * @param _flags - the flags `modify()` was given, as for `_kernelModify`
	 */
	protected _modifyAlways(_fd: number, _flags: number): boolean {
		return false;
	}

	/** @throws {RuntimeError} if closed */
	protected _checkOpen(): void {
		if (this.#closed) {
			throw selectorClosed();
		}
	}

	/** Whether {@link BaseSelectorImpl.close} has run. */
	protected get _closed(): boolean {
		return this.#closed;
	}

	/**
	 * The file descriptor of a file object; if the object is no longer
	 * valid (e.g. a closed socket whose `fileno()` is -1), the fd of the key
	 * holding this very object, so a closed object can still be unregistered
	 * (CPython's `_fileobj_lookup`). CPython searches only after a
	 * ValueError (its closed files raise that); a JavaScript wrapper may
	 * throw any Error once closed, so any error from `fileno()` leads to the
	 * search here, and is rethrown if the object is not registered.
	 *
	 * @throws {ValueError} if invalid and not registered
	 */
	protected _fileobjLookup(fileobj: FileDescriptorLike): number {
		try {
			return fileobjToFd(fileobj);
		} catch (error) {
			for (const key of this._fdToKey.values()) {
				if (key.fileobj === fileobj) {
					return key.fd;
				}
			}

			throw error;
		}
	}

	override register<G extends F>(fileobj: G, events: number, ...data: DataArgument<T>): SelectorKey<T, G> {
		return this._register(fileobj, events, data[0] as T, 0);
	}

	/**
	 * `register()` with backend-specific `flags`, handed to
	 * {@link BaseSelectorImpl._kernelAdd} as an argument.
	 */
	protected _register<G extends F>(fileobj: G, events: number, data: T, flags: number): SelectorKey<T, G> {
		this._checkOpen();
		validateEvents(events);
		const fd = this._fileobjLookup(fileobj);
		if (this._fdToKey.has(fd)) {
			throw new KeyError(
				`${fileobjRepr(fileobj)} (FD ${fd}) is already registered`,
				'ERR_ALREADY_REGISTERED',
			);
		}

		const key = new SelectorKey<T, G>(fileobj, fd, events, data);
		// The kernel first: if it refuses, there is nothing to roll back.
		this._kernelAdd(fd, events, flags);
		this._fdToKey.set(fd, key);
		this.#interestChanged();
		return key;
	}

	override unregister(fileobj: FileDescriptorLike): SelectorKey<T, F> {
		this._checkOpen();
		const fd = this._fileobjLookup(fileobj);
		const key = this._fdToKey.get(fd);
		if (key === undefined) {
			throw new KeyError(`${fileobjRepr(fileobj)} is not registered`, 'ERR_NOT_REGISTERED');
		}

		this._forget(key);
		return key;
	}

	override modify(
		fileobj: FileDescriptorLike,
		events: number,
		...data: DataArgument<T>
	): SelectorKey<T, F> {
		return this._modify(fileobj, events, data[0] as T, 0);
	}

	/**
	 * `modify()` with backend-specific `flags`, handed to
	 * {@link BaseSelectorImpl._modifyAlways} and
	 * {@link BaseSelectorImpl._kernelModify} as an argument.
	 */
	protected _modify(
		fileobj: FileDescriptorLike,
		events: number,
		newData: T,
		flags: number,
	): SelectorKey<T, F> {
		this._checkOpen();
		const fd = this._fileobjLookup(fileobj);
		const key = this._fdToKey.get(fd);
		if (key === undefined) {
			throw new KeyError(`${fileobjRepr(fileobj)} is not registered`, 'ERR_NOT_REGISTERED');
		}

		validateEvents(events);
		if (events !== key.events || this._modifyAlways(fd, flags)) {
			try {
				this._kernelModify(fd, key.events, events, flags);
			} catch (error) {
				// bpo-30014: a failed modify leaves the file object unregistered.
				this._forget(key);
				throw error;
			}
		}

		if (events === key.events && newData === key.data) {
			// Nothing changed in the key (a one-shot epoll key may have been re-armed).
			return key;
		}

		// Only the data changed, or the kernel accepted the new events: a new
		// key (keeping the registered fileobj, as CPython's key._replace()).
		const newKey = new SelectorKey<T, F>(key.fileobj, fd, events, newData);
		this._fdToKey.set(fd, newKey);
		if (events !== key.events) {
			this.#interestChanged();
		}

		return newKey;
	}

	/** Drops a key and removes its fd from the kernel, ignoring OSError. */
	protected _forget(key: SelectorKey<T, F>): void {
		this._fdToKey.delete(key.fd);
		this.#interestChanged();
		try {
			this._kernelRemove(key.fd, key.events);
		} catch (error) {
			if (!(error instanceof OSError)) {
				throw error;
			}
			// This can happen if the FD was closed since it was registered
			// (CPython Lib/selectors.py, _PollLikeSelector.unregister).
		}
	}

	override select(timeout?: number | null): Array<[SelectorKey<T, F>, number]> {
		return this.#result(this._collect(timeoutToMs(timeout)));
	}

	/** `_ready`'s first `count` pairs as `[key, events]`, masked by the current keys. */
	#result(count: number): Array<[SelectorKey<T, F>, number]> {
		const ready: Array<[SelectorKey<T, F>, number]> = [];
		const pairs = this._ready;
		const fdToKey = this._fdToKey;
		for (let i = 0; i < count; i++) {
			const key = fdToKey.get(pairs[2 * i]!);
			if (key !== undefined) {
				const events = pairs[2 * i + 1]! & key.events;
				if (events !== 0) {
					ready.push([key, events]);
				}
			}
		}

		return ready;
	}

	/** Restarts a pending wait on the registered fds, so it sees the change. */
	#interestChanged(): void {
		if (this.#asyncCall !== undefined && this._waitFd() === undefined) {
			this.#readiness?.restart();
		}
	}

	/**
	 * Waits without blocking the event loop until the selector may have
	 * something to report (see {@link ReadinessWait.wait}), `timeoutMs`
	 * (-1 or > 0) has passed, or the registrations changed.
	 *
	 * @param timeoutMs - the longest wait
	 * @param signal - aborted by the caller's signal or by close()
	 * @param ref - whether the wait keeps the event loop alive
	 */
	protected async _waitReady(timeoutMs: number, signal: AbortSignal, ref: boolean): Promise<void> {
		this.#readiness ??= new ReactorWait();
		return this.#readiness.wait(this.#waitTarget(), timeoutMs, signal, ref);
	}

	/** What `selectAsync()` waits for: the selector's fd, or its registrations. */
	#waitTarget(): WaitTarget {
		const fd = this._waitFd();
		if (fd !== undefined) {
			return {fd};
		}

		return {interest: Array.from(this._fdToKey.values(), key => [key.fd, key.events] as const)};
	}

	/** See {@link BaseSelector.selectAsync}: the contract is written there. */
	override async selectAsync(
		timeout?: number | null,
		options: SelectAsyncOptions = {},
	): Promise<Array<[SelectorKey<T, F>, number]>> {
		this._checkOpen();
		const ms = timeoutToMs(timeout);
		const {signal, ref = true} = validateAsyncOptions(options);
		signal?.throwIfAborted();
		while (this.#asyncCall !== undefined) {
			if (!this.#asyncCall.signal.aborted) {
				throw new RuntimeError(
					'selectAsync() is already pending on this selector',
					'ERR_SELECT_PENDING',
				);
			}

			// An aborted call is still releasing its watches: wait for that,
			// so a loop may abort and start again at once.
			await this.#asyncSettled;
			this._checkOpen();
			signal?.throwIfAborted();
		}

		const deadline = ms > 0 ? monotonicMs() + ms : 0;
		const call = new AbortController();
		const onAbort = (): void => {
			call.abort(signal?.reason);
		};

		let settle!: () => void;
		this.#asyncSettled = new Promise<void>(resolve => {
			settle = resolve;
		});
		this.#asyncCall = call;
		signal?.addEventListener('abort', onAbort, {once: true});
		try {
			// Yield to the event loop once, so that a loop over always-ready
			// fds cannot starve timers and I/O; abort/close may happen meanwhile.
			await new Promise<void>(resolve => {
				setImmediate(resolve);
			});
			for (;;) {
				call.signal.throwIfAborted();
				// Collect as select(0) does, through the one wait loop; masked by
				// the keys registered now.
				const ready = this.#result(this._collect(0));
				if (ready.length > 0) {
					return ready;
				}

				// Nothing (yet, or a spurious wake-up): wait for the time left.
				const waitMs = ms < 0 ? -1 : ms === 0 ? 0 : remainingMs(deadline);
				if (waitMs === 0) {
					return [];
				}

				await this._waitReady(clampWaitMs(waitMs), call.signal, ref);
			}
		} finally {
			signal?.removeEventListener('abort', onAbort);
			if (this.#asyncCall === call) {
				this.#asyncCall = undefined;
			}

			settle();
		}
	}

	override selectInto(
		keys: Array<SelectorKey<T, F> | undefined>,
		events: Int32Array | number[],
		timeout?: number | null,
	): number {
		if (!Array.isArray(keys)) {
			throw argTypeError(`selectInto(): keys must be an array, not ${typeName(keys)}`);
		}

		if (!(events instanceof Int32Array) && !Array.isArray(events)) {
			throw argTypeError(
				`selectInto(): events must be an Int32Array or an array, not ${typeName(events)}`,
			);
		}

		const room = keys.length < events.length ? keys.length : events.length;
		if (room === 0) {
			throw argRangeError('selectInto(): keys and events must have room for at least one entry');
		}

		const count = this._collect(timeoutToMs(timeout), room);
		const pairs = this._ready;
		const fdToKey = this._fdToKey;
		// More ready than room (poll/select): start where the last truncated
		// fill stopped, so the fds beyond the room are not starved.
		let i = 0;
		if (count > room) {
			i = this.#intoCursor % count;
			this.#intoCursor = i + room;
		}

		let n = 0;
		for (let seen = 0; seen < count && n < room; seen++, i++) {
			if (i === count) {
				i = 0;
			}

			const key = fdToKey.get(pairs[2 * i]!);
			if (key !== undefined) {
				const masked = pairs[2 * i + 1]! & key.events;
				if (masked !== 0) {
					keys[n] = key;
					events[n] = masked;
					n++;
				}
			}
		}

		return n;
	}

	/**
	 * The one wait loop of every backend, behind `select()`, `selectInto()`
	 * and each zero-timeout pass of `selectAsync()`. Retries EINTR with the
	 * time left on a monotonic clock (PEP 475), and cuts a wait into kernel
	 * waits of at most `MAX_WAIT_MS` on the main thread and a quarter second
	 * in a worker thread ({@link waitSliceMs}), so that a worker blocked here
	 * can be terminated (see {@link BaseSelector.select}).
	 *
	 * @param ms - whole milliseconds from {@link timeoutToMs}: -1 forever, 0 poll
	 * @param limit - at most this many events are wanted (see `_wait`)
	 * @returns the number of pairs in {@link BaseSelectorImpl._ready}
	 * @throws {OSError} if the wait fails
	 * @throws {RuntimeError} if the selector is closed
	 */
	protected _collect(ms: number, limit?: number): number {
		this._checkOpen();
		const deadline = ms > 0 ? monotonicMs() + ms : 0;
		let waitMs = ms;
		for (;;) {
			// Signal handlers (node-selectors/signal) before each wait: first,
			// after EINTR and after each worker slice.
			runPendingSignalHandlers();
			const slice = waitSliceMs(clampWaitMs(waitMs));
			const result = this._wait(slice, limit);
			if (result > 0 || (result === 0 && slice === waitMs)) {
				return result;
			}

			if (result < 0 && result !== -EINTR) {
				throw OSError.fromErrno(-result, this._waitSyscall);
			}

			// A slice ended with nothing ready, or PEP 475: interrupted by a
			// signal. Wait again for the time left (-1 and 0 stay as they are).
			if (ms > 0) {
				waitMs = remainingMs(deadline);
			}
		}
	}

	/**
	 * Forgets every registration and marks the selector closed; subclasses
	 * release their kernel handle after calling this. Idempotent.
	 */
	override close(): void {
		if (this.#closed) {
			return;
		}

		this.#closed = true;
		// A pending selectAsync() rejects with the closed error; its wait
		// disarms its watches on this abort.
		this.#asyncCall?.abort(selectorClosed());
		this.#readiness?.close();
		this._fdToKey.clear();
	}

	override getKey(fileobj: FileDescriptorLike): SelectorKey<T, F> {
		this._checkOpen();
		return super.getKey(fileobj);
	}

	override getMap(): SelectorMapping<T, F> {
		this._checkOpen();
		return this.#map;
	}

	// --- util.inspect() (node-selectors packaging): a summary, not the private fields.

	/**
	 * What `util.inspect()` and `console.log()` show:
	 * `EpollSelector { fd: 5, registrations: 2, closed: false }` (`fd` only
	 * for the backends with a kernel object of their own, and while open).
	 */
	[inspect.custom](depth: number, options: InspectOptionsStylized, inspectValue: typeof inspect): string {
		const name = this.constructor.name;
		if (depth < 0) {
			return options.stylize(`[${name}]`, 'special');
		}

		const fileno = (this as {fileno?: unknown}).fileno;
		const summary = {
			...(this.#closed || typeof fileno !== 'function'
				? {}
				: {fd: (fileno as () => number).call(this)}),
			registrations: this._fdToKey.size,
			closed: this.#closed,
		};
		return `${name} ${inspectValue(summary, options)}`;
	}
}

/**
 * The error for constructing a selector the platform lacks: an
 * {@link OSError} with errno ENOSYS and a message naming the class.
 *
 * @param className - `'EpollSelector'`
 * @param requirement - what is missing, `'epoll(7) is Linux-only'`
 * @internal
 */
export function unavailableError(className: string, requirement: string): OSError {
	const errno = osConstants.errno.ENOSYS;
	return OSError.fromErrno(errno, '', {
		message:
			`[Errno ${errno}] ${className} is not available on this platform (${process.platform}): ${requirement}; ` +
			'use DefaultSelector, which picks the best available one',
	});
}
