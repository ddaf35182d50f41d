/**
 * What {@link Epoll} and {@link Kqueue} share: one kernel fd owned by the
 * object, `closed`, `fileno()`, an idempotent `close()`, `using`, and
 * CPython's ValueError once closed; and, as CPython's objects do on
 * deallocation, the fd closed when an unclosed object is garbage-collected.
 *
 * @module
 */
import {ValueError, check} from '../errors.js';
import {closeWhenCollected, forgetFd} from '../selectors/fd-finalizer.js';
import {addon} from './common.js';

/** An object owning one kernel fd (an epoll or kqueue instance); the base of {@link Epoll} and {@link Kqueue}. */
export abstract class KernelFdObject implements Disposable {
	#fd = -1;
	readonly #kind: string;

	/** @param kind - `'epoll'` or `'kqueue'`, for the closed-object message */
	protected constructor(kind: string) {
		this.#kind = kind;
	}

	/** Whether `close()` was called. */
	get closed(): boolean {
		return this.#fd < 0;
	}

	/**
	 * The object's kernel fd.
	 *
	 * @throws {ValueError} `'I/O operation on closed epoll object'` (or kqueue)
	 */
	fileno(): number {
		return this._open();
	}

	/** Closes the fd. Idempotent. */
	close(): void {
		const fd = this.#fd;
		if (fd >= 0) {
			this.#fd = -1;
			forgetFd(this);
			check(addon.close(fd), 'close');
		}
	}

	/** Same as `close()`, for `using`. */
	[Symbol.dispose](): void {
		this.close();
	}

	/** Takes ownership of `fd` (from the constructor only). */
	protected _own(fd: number): void {
		this.#fd = fd;
		closeWhenCollected(this, fd);
	}

	/**
	 * The fd, or -1 once closed: what a wait resumed after EINTR passes to the
	 * kernel, as CPython re-reads `self->epfd` (-1 after `close()`) on each
	 * retry. A signal handler that closed the object then gets EBADF, never a
	 * wait on whatever reused the number.
	 */
	protected _current(): number {
		return this.#fd;
	}

	/** The fd, or CPython's ValueError once closed. */
	protected _open(): number {
		if (this.#fd < 0) {
			throw new ValueError(`I/O operation on closed ${this.#kind} object`, 'ERR_CLOSED');
		}

		return this.#fd;
	}
}
