/**
 * A compact interest list: `(fd, value)` int32 pairs in one typed array,
 * kept between calls so select(2)/poll(2) get it as is, with O(1) add,
 * change and remove (swap with the last entry).
 *
 * @internal
 * @module
 */

/**
 * The interest list of {@link SelectSelector} (`(fd, mask)`) and
 * {@link PollSelector} (`struct pollfd`), with an fd → slot index.
 *
 * @internal
 */
export class FdTable {
	/** `n` pairs `(fd, value)`; for poll(2) each pair is a `struct pollfd`. */
	data: Int32Array;
	/** Room for as many result pairs as `data` holds entries. */
	out: Int32Array;
	/** Number of entries in use. */
	n = 0;
	readonly #slots = new Map<number, number>();

	/** @param capacity - initial number of entries; doubled when full */
	constructor(capacity = 8) {
		this.data = new Int32Array(2 * capacity);
		this.out = new Int32Array(2 * capacity);
	}

	/** Appends `fd` (not present yet). */
	add(fd: number, value: number): void {
		if (2 * this.n === this.data.length) {
			const data = new Int32Array(2 * this.data.length);
			data.set(this.data);
			this.data = data;
			this.out = new Int32Array(data.length);
		}

		const slot = this.n++;
		this.data[2 * slot] = fd;
		this.data[2 * slot + 1] = value;
		this.#slots.set(fd, slot);
	}

	/** Changes the value of a present `fd`. */
	set(fd: number, value: number): void {
		const slot = this.#slots.get(fd);
		if (slot === undefined) {
			throw new Error(`selectors: internal error, FD ${fd} is not in the interest list`);
		}

		this.data[2 * slot + 1] = value;
	}

	/** Removes `fd` if present, moving the last entry into its slot. */
	remove(fd: number): void {
		const slot = this.#slots.get(fd);
		if (slot === undefined) {
			return;
		}

		this.#slots.delete(fd);
		const last = --this.n;
		if (slot !== last) {
			const movedFd = this.data[2 * last]!;
			this.data[2 * slot] = movedFd;
			this.data[2 * slot + 1] = this.data[2 * last + 1]!;
			this.#slots.set(movedFd, slot);
		}
	}

	/** Drops every entry and the memory. */
	clear(): void {
		this.#slots.clear();
		this.n = 0;
		this.data = new Int32Array(0);
		this.out = new Int32Array(0);
	}
}
