/**
 * A handle that may keep the process (or worker thread) alive, with
 * Node's `ref()`/`unref()`/`hasRef()` switch (as a timer's or a server's).
 * What "alive" means is each subclass's: a pending wait of an
 * {@link FdWatch}, the added fds of an {@link Epoll}. A handle is ref'd
 * unless its constructor was told otherwise.
 */
export abstract class LoopHandle {
	#ref: boolean;

	/** @param ref - whether the handle starts ref'd */
	protected constructor(ref = true) {
		this.#ref = ref;
	}

	/** The handle keeps the process alive (the default). Returns `this`. */
	ref(): this {
		this.#setRef(true);
		return this;
	}

	/**
	 * The handle no longer keeps the process alive: if nothing else does,
	 * the process exits. Returns `this`.
	 */
	unref(): this {
		this.#setRef(false);
		return this;
	}

	/** Whether the handle keeps the process alive. */
	hasRef(): boolean {
		return this.#ref;
	}

	/** Applies a change of the switch (called only when it changes). */
	protected abstract _refChanged(ref: boolean): void;

	#setRef(ref: boolean): void {
		if (this.#ref !== ref) {
			this.#ref = ref;
			this._refChanged(ref);
		}
	}
}
