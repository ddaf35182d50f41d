/**
 * {@link Waker}: wakes a blocked `select()` from this thread or another
 * (mio's `Waker`).
 *
 * @module
 */
import {ValueError, check} from './errors.js';
import {addon, EINTR} from './select/common.js';
import {EAGAIN} from './select/errno.js';

/**
 * An owner Waker collected without close() closes its fds the way close()
 * does (under the lock, so handles elsewhere see it closed).
 */
const registry = new FinalizationRegistry<{state: Int32Array; readFd: number; writeFd: number}>(held => {
	addon.wakerClose(held.state, held.readFd, held.writeFd === held.readFd ? -1 : held.writeFd);
});

/** state[1] while the Waker is open (native/eventfd.c, wakerWake). */
const OPEN = 1;
const ADOPT: unique symbol = Symbol('Waker.fromHandle');
/** {@link Waker.fromHandle}'s way in (the token is module-private). */
interface Adopt {
	readonly token: typeof ADOPT;
	readonly fd: number;
	readonly size: 1 | 8;
	readonly state: Int32Array;
}

/**
 * A plain value that names a {@link Waker} in another thread: post it to a
 * worker (`worker.postMessage(waker.handle)`) and call
 * `Waker.fromHandle(handle).wake()` there.
 */
export interface WakerHandle {
	/** The fd a wake writes to. */
	readonly fd: number;
	/** Bytes per wake: 8 for an eventfd, 1 for a pipe. */
	readonly size: 1 | 8;
	/** [lock, open] words shared by every holder of the handle. */
	readonly state: SharedArrayBuffer;
}

/**
 * Something to register in a selector (or an `Epoll`, or `select()`)
 * that another part of the program — this thread, a worker, a signal
 * handler — makes readable with {@link Waker.wake}, ending a blocked
 * `select()` at once (mio's `Waker`). An eventfd on Linux, a non-blocking
 * pipe elsewhere.
 *
 * ```ts
 * const waker = new Waker();
 * sel.register(waker, EVENT_READ);
 * worker.postMessage(waker.handle);      // in the worker: Waker.fromHandle(h).wake()
 * for (const [key] of sel.select()) {
 *   if (key.fileobj === waker) waker.drain();
 * }
 * ```
 *
 * Wakes coalesce: several before a `select()` make it return once; call
 * {@link Waker.drain} after it reports the Waker readable, or it stays
 * readable.
 *
 * **After close.** Only the owner (the thread that called `new Waker()`)
 * closes it. A handle held elsewhere stays harmless afterwards: the open
 * flag lives in a SharedArrayBuffer, and the addon checks it and writes
 * under a spinlock that `close()` also takes to clear it and close the
 * fds, so a late `wake()` does nothing (returns `false`) and can never write
 * into whatever file reuses the fd number. Both locked sequences run
 * entirely in C, so a worker terminated during a `wake()` cannot leave the
 * lock held.
 */
export class Waker implements Disposable {
	readonly #readFd: number;
	readonly #writeFd: number;
	readonly #size: 1 | 8;
	readonly #state: Int32Array;
	readonly #owner: boolean;

	/**
	 * Creates the eventfd (Linux) or pipe (elsewhere); close-on-exec and
	 * non-blocking.
	 *
	 * @throws {OSError} EMFILE, ENFILE …
	 */
	constructor();
	constructor(adopt?: Adopt) {
		if (adopt?.token === ADOPT) {
			this.#readFd = -1;
			this.#writeFd = adopt.fd;
			this.#size = adopt.size;
			this.#state = adopt.state;
			this.#owner = false;
			return;
		}

		const state = new Int32Array(new SharedArrayBuffer(8));
		state[1] = OPEN;
		if (typeof addon.eventfd === 'function') {
			const fd = check(addon.eventfd(0, 0), 'eventfd');
			this.#readFd = fd;
			this.#writeFd = fd;
			this.#size = 8;
		} else {
			const fds = new Int32Array(2);
			check(addon.pipe(fds), 'pipe');
			this.#readFd = fds[0]!;
			this.#writeFd = fds[1]!;
			this.#size = 1;
		}

		this.#state = state;
		this.#owner = true;
		registry.register(this, {state, readFd: this.#readFd, writeFd: this.#writeFd}, this);
	}

	/**
	 * A Waker for a handle posted from another thread: it can only
	 * {@link Waker.wake}; `fileno()`, `drain()` and `close()` belong to the
	 * owner and throw here.
	 *
	 * @throws {TypeError} if `handle` is not a {@link WakerHandle}
	 */
	static fromHandle(handle: WakerHandle): Waker {
		const h = handle as Partial<WakerHandle> | null;
		if (
			typeof h !== 'object' ||
			h === null ||
			typeof h.fd !== 'number' ||
			!Number.isInteger(h.fd) ||
			(h.size !== 1 && h.size !== 8) ||
			!(h.state instanceof SharedArrayBuffer) ||
			h.state.byteLength < 8
		) {
			throw Object.assign(new TypeError('handle must be a Waker handle ({fd, size, state})'), {
				code: 'ERR_INVALID_ARG_TYPE',
			});
		}

		// The implementation signature takes the adoption token; the public one does not.
		const Adopting = Waker as unknown as new (adopt: Adopt) => Waker;
		return new Adopting({token: ADOPT, fd: h.fd, size: h.size, state: new Int32Array(h.state, 0, 2)});
	}

	/** The plain value to post to another thread (see {@link Waker.fromHandle}). */
	get handle(): WakerHandle {
		return {fd: this.#writeFd, size: this.#size, state: this.#state.buffer as SharedArrayBuffer};
	}

	/** Whether the Waker was closed (by its owner). */
	get closed(): boolean {
		return Atomics.load(this.#state, 1) !== OPEN;
	}

	/**
	 * The fd to register (readable while a wake is pending).
	 *
	 * @throws {ValueError} `'I/O operation on closed Waker'` once closed, or on a handle's Waker
	 */
	fileno(): number {
		this.#ownerOnly('fileno');
		return this.#readFd;
	}

	/**
	 * Makes the Waker readable. Never blocks; safe from any thread holding
	 * the handle.
	 *
	 * @returns `true` if a wake is now pending, `false` if the Waker was closed (nothing written)
	 * @throws {OSError} only for an unexpected kernel error
	 */
	wake(): boolean {
		return check(addon.wakerWake(this.#state, this.#writeFd, this.#size), 'write') === 1;
	}

	/**
	 * Consumes pending wakes, so the Waker is no longer readable.
	 *
	 * @returns whether any wake was pending
	 */
	drain(): boolean {
		this.#ownerOnly('drain');
		const buf = new Uint8Array(64);
		let any = false;
		for (;;) {
			const ret = addon.read(this.#readFd, buf, 0, this.#size === 8 ? 8 : buf.length);
			if (ret > 0) {
				any = true;
				if (this.#size === 8) {
					return true;
				}

				continue;
			}

			if (ret === -EINTR) {
				continue;
			}

			if (ret === 0 || ret === -EAGAIN) {
				return any;
			}

			check(ret, 'read');
		}
	}

	/**
	 * Closes the fds (owner only). Idempotent. Later wakes, from any thread,
	 * do nothing. An owner Waker garbage-collected without `close()` is
	 * closed the same way.
	 */
	close(): void {
		if (!this.#owner) {
			throw new ValueError('only the thread that created a Waker can close it', 'ERR_WAKER_NOT_OWNER');
		}

		registry.unregister(this);
		addon.wakerClose(this.#state, this.#readFd, this.#writeFd === this.#readFd ? -1 : this.#writeFd);
	}

	[Symbol.dispose](): void {
		this.close();
	}

	#ownerOnly(what: string): void {
		if (!this.#owner) {
			throw new ValueError(
				`${what}() belongs to the Waker's owner; a handle's Waker can only wake()`,
				'ERR_WAKER_NOT_OWNER',
			);
		}

		if (this.closed) {
			throw new ValueError('I/O operation on closed Waker', 'ERR_CLOSED');
		}
	}
}
