/**
 * {@link IoUringSelector}: io_uring(7) poll requests, Linux 5.11+.
 *
 * @module
 */
import {constants as osConstants} from 'node:os';
import {check} from '../errors.js';
import type {FileDescriptorLike} from '../fileobj.js';
import {constant, native, type NativeRing} from '../native.js';
import {monotonicMs, remainingMs} from '../time.js';
import {unavailableError} from './base-impl.js';
import {PollLikeSelector} from './poll-like.js';

const POLLIN = constant('POLLIN');
const POLLOUT = constant('POLLOUT');
const POLLNVAL = constant('POLLNVAL');
const {ECANCELED, EINTR, EINVAL, ETIME} = osConstants.errno;

// Kernel ABI numbers (include/uapi/linux/io_uring.h).
const IORING_OP_POLL_ADD = 6;
const IORING_OP_POLL_REMOVE = 7;
const IORING_OP_LINK_TIMEOUT = 15;
/** The next SQE is linked to this one (here: its timeout). */
const IOSQE_IO_LINK = 1 << 2;
/** Clamp the ring sizes to the kernel's limits instead of failing (5.6). */
const IORING_SETUP_CLAMP = 1 << 4;
/** Keep submitting after a request fails at submission (5.18). */
const IORING_SETUP_SUBMIT_ALL = 1 << 7;
/** io_uring_enter(2) takes a timeout argument (5.11): needed for select(timeout). */
const IORING_FEAT_EXT_ARG = 1 << 8;

const SQE = native.uringSqeInt32 ?? 8;
const CQE = native.uringCqeInt32 ?? 4;
/** SQ entries: changes beyond this many per select() cost one extra io_uring_enter per SQ-full. */
const SQ_ENTRIES = 256;
/** CQ entries; the kernel keeps what does not fit (IORING_FEAT_NODROP) for the next reap. */
const CQ_ENTRIES = 1024;
const MAX_GEN = 0x7fff_ffff;
/**
 * How long one poll request lives before the kernel cancels it and the
 * next select() re-arms it (a linked timeout): the longest a file closed
 * while registered is kept open by the request (see the class notes).
 */
const REQUEST_LIFETIME_MS = 2000;

/**
 * One registration's kernel side: the interest wanted, and the poll
 * request in flight (gen 0: none) with the mask it was armed with.
 */
interface Slot {
	want: number;
	gen: number;
	armed: number;
}

/** Creates a ring (SUBMIT_ALL where the kernel has it), or returns -errno. */
function setupRing(info: Int32Array): NativeRing | number {
	let ring = native.uringSetup!(SQ_ENTRIES, CQ_ENTRIES, IORING_SETUP_CLAMP | IORING_SETUP_SUBMIT_ALL, info);
	if (ring === -EINVAL) {
		ring = native.uringSetup!(SQ_ENTRIES, CQ_ENTRIES, IORING_SETUP_CLAMP, info);
	}

	return ring;
}

/**
 * Selector over io_uring(7) (Linux 5.11+; not in Python): one one-shot
 * `IORING_OP_POLL_ADD` request per registration, re-armed by the next
 * `select()` once it has been reported. A re-armed poll on a file that is
 * still ready completes at once, so the semantics are level-triggered, as
 * every Python selector.
 *
 * **System calls.** `register()` and `modify()` make none: the change is
 * queued in the selector and goes to the kernel with the next `select()`,
 * which makes one `io_uring_enter(2)` that submits every queued change and
 * waits. (More than 256 changes queued at once cost one more call per 256;
 * a wait the kernel ends with nothing to report, e.g. only a cancelled
 * request's completion, is made again.) `unregister()` makes none either
 * when no poll request is in flight for the fd (it was reported by the last
 * `select()`, or registered since); otherwise it submits the cancellation
 * at once — one `io_uring_enter` — because a pending request holds a
 * reference to the open file: if the cancellation waited for the next
 * `select()`, a `close()` right after `unregister()` would not close the
 * connection (no FIN) until then.
 *
 * **The kernel is asked at `select()`, as for {@link PollSelector}.**
 * `register()` cannot see a bad file descriptor without a system call, so
 * it does not raise EBADF as {@link EpollSelector} does: the fd is then
 * reported ready (read and write, masked by the key's events) by
 * `select()`, as PollSelector reports POLLNVAL. Regular files are always
 * ready (no EPERM). That is CPython's `PollSelector` contract, not its
 * `EpollSelector` one, which is why {@link DefaultSelector} does not pick
 * this class.
 *
 * **Unregister before closing.** A poll request in flight holds a
 * reference to the open file: a file descriptor closed while registered
 * keeps its connection open until the request ends — when the file becomes
 * ready, when `unregister()` or the selector's `close()` cancels it, or at
 * the latest 2 s after it was armed: every request carries a linked
 * timeout, after which the kernel cancels it (dropping the reference; no
 * `select()` needs to run) and the next `select()` arms a new one. Such a
 * re-arm of a closed fd fails (EBADF) and is reported as ready (POLLNVAL).
 * An idle registration thus costs one re-arm every 2 s.
 *
 * Containers and seccomp profiles often forbid io_uring:
 * {@link IoUringSelector.available} says whether the addon has it; the
 * constructor throws {@link OSError} (ENOSYS, EPERM) where the kernel
 * refuses it.
 *
 * `selectAsync()` waits for the ring's fd to become readable through the
 * reactor, as EpollSelector's for its epoll fd (see
 * {@link BaseSelector.selectAsync}; a duplicate of the ring fd is held
 * from the first call until `close()`); while it waits, `register()` and
 * `modify()` submit their change at once (one `io_uring_enter` each).
 *
 * @typeParam T - type of the data attached to registrations
 * @typeParam F - type of the file objects registered (see {@link BaseSelector})
 */
export class IoUringSelector<
	T = unknown,
	F extends FileDescriptorLike = FileDescriptorLike,
> extends PollLikeSelector<T, F> {
	/** Whether the addon was built with io_uring (Linux); the kernel may still refuse it. */
	static readonly available: boolean = typeof native.uringSetup === 'function';

	readonly #slots = new Map<number, Slot>();
	/** Registrations whose kernel side must change at the next submission. */
	readonly #dirty = new Set<number>();
	readonly #ring: NativeRing;
	readonly #fd: number;
	/** SQE records written by {@link IoUringSelector.#queue}, not yet copied to the ring. */
	#batch = new Int32Array(SQE * 64);
	#batched = 0;
	/** SQEs in the ring not yet submitted. */
	#unsubmitted = 0;
	#cqes = new Int32Array(CQE * CQ_ENTRIES);
	#gen = 0;
	#asyncWaiting = false;

	/**
	 * Creates the ring (close-on-exec).
	 *
	 * @throws {OSError} ENOSYS where io_uring is missing, EPERM where it is
	 *   forbidden (kernel.io_uring_disabled, seccomp), EMFILE/ENOMEM, or
	 *   EINVAL for a kernel older than 5.11 (no timeout argument)
	 */
	constructor() {
		if (!IoUringSelector.available) {
			throw unavailableError('IoUringSelector', 'io_uring(7) is Linux-only');
		}

		super('io_uring_enter', POLLIN, POLLOUT);
		const info = new Int32Array(4);
		const ring = setupRing(info);
		if (typeof ring === 'number') {
			check(ring, 'io_uring_setup');
		}

		this.#ring = ring as NativeRing;
		this.#fd = info[0]!;
		if ((info[1]! & IORING_FEAT_EXT_ARG) === 0) {
			native.uringClose!(this.#ring);
			check(-EINVAL, 'io_uring_setup');
		}

		this._ready = new Int32Array(2 * 16);
	}

	/**
	 * The ring's file descriptor (readable when completions are waiting),
	 * e.g. to nest this selector into another one.
	 *
	 * @throws {RuntimeError} if the selector is closed
	 */
	fileno(): number {
		this._checkOpen();
		return this.#fd;
	}

	protected override _kernelAdd(fd: number, events: number): void {
		this.#slots.set(fd, {want: this._toNative(events), gen: 0, armed: 0});
		this.#dirty.add(fd);
		if (this.#asyncWaiting) {
			try {
				this.#submitNow();
			} catch (error) {
				// Not registered after all (the base class stores no key).
				this.#slots.delete(fd);
				this.#dirty.delete(fd);
				throw error;
			}
		}
	}

	protected override _kernelModify(fd: number, _oldEvents: number, newEvents: number): void {
		const slot = this.#slots.get(fd);
		if (slot !== undefined) {
			slot.want = this._toNative(newEvents);
			this.#dirty.add(fd);
			if (this.#asyncWaiting) {
				this.#submitNow();
			}
		}
	}

	protected override _kernelRemove(fd: number): void {
		const slot = this.#slots.get(fd);
		this.#slots.delete(fd);
		this.#dirty.delete(fd);
		if (slot !== undefined && slot.gen !== 0) {
			// The request holds the file open: cancel it now (see the class notes).
			this.#queue(IORING_OP_POLL_REMOVE, -1, 0, 0, 0, fd, slot.gen);
			this.#submitNow();
		}
	}

	/** Appends one SQE record to the batch. */
	#queue(
		opcode: number,
		fd: number,
		pollEvents: number,
		udLow: number,
		udHigh: number,
		addrLow: number,
		addrHigh: number,
		sqeFlags = 0,
	): void {
		if (this.#batch.length < SQE * (this.#batched + 1)) {
			const grown = new Int32Array(2 * this.#batch.length);
			grown.set(this.#batch);
			this.#batch = grown;
		}

		const b = this.#batch;
		const i = SQE * this.#batched++;
		b[i] = opcode;
		b[i + 1] = sqeFlags;
		b[i + 2] = fd;
		b[i + 3] = pollEvents;
		b[i + 4] = udLow;
		b[i + 5] = udHigh;
		b[i + 6] = addrLow;
		b[i + 7] = addrHigh;
	}

	/**
	 * Turns the dirty registrations into SQE records: a poll request for
	 * each one without one in flight, a cancellation and a new request for
	 * each one whose request waits for other events.
	 */
	#queueDirty(): void {
		for (const fd of this.#dirty) {
			const slot = this.#slots.get(fd)!;
			if (slot.gen !== 0) {
				if (slot.armed === slot.want) {
					continue;
				}

				this.#queue(IORING_OP_POLL_REMOVE, -1, 0, 0, 0, fd, slot.gen);
			}

			this.#gen = this.#gen === MAX_GEN ? 1 : this.#gen + 1;
			slot.gen = this.#gen;
			slot.armed = slot.want;
			this.#queue(IORING_OP_POLL_ADD, fd, slot.want, fd, slot.gen, 0, 0, IOSQE_IO_LINK);
			this.#queue(IORING_OP_LINK_TIMEOUT, -1, REQUEST_LIFETIME_MS, 0, 0, 0, 0);
		}

		this.#dirty.clear();
	}

	/**
	 * Copies the batch into the SQ; when the SQ is full, submits what it
	 * holds first (one io_uring_enter per SQ-full).
	 *
	 * @returns 0, or -errno of a submission that failed
	 */
	#flushBatch(): number {
		let done = 0;
		while (done < this.#batched) {
			const rest = this.#batched - done;
			const n = native.uringQueue!(
				this.#ring,
				done === 0 ? this.#batch : this.#batch.subarray(SQE * done),
				rest,
			);
			done += n;
			this.#unsubmitted += n;
			if (done < this.#batched) {
				const result = this.#enter(0, -1);
				if (result < 0 && result !== -EINTR) {
					this.#batched = 0;
					return result;
				}
			}
		}

		this.#batched = 0;
		return 0;
	}

	/** One io_uring_enter submitting everything queued. */
	#enter(minComplete: number, timeoutMs: number): number {
		const result = native.uringEnter!(this.#ring, this.#unsubmitted, minComplete, timeoutMs);
		if (result >= 0) {
			this.#unsubmitted -= Math.min(result, this.#unsubmitted);
		}

		return result;
	}

	/** Submits the queued changes now, without waiting. */
	#submitNow(): void {
		this.#queueDirty();
		let result = this.#flushBatch();
		if (result === 0) {
			do {
				result = this.#enter(0, -1);
			} while (result === -EINTR);
		}

		check(result < 0 ? result : 0, 'io_uring_enter');
	}

	protected override _wait(timeoutMs: number): number {
		const deadline = timeoutMs > 0 ? monotonicMs() + timeoutMs : 0;
		let waitMs = timeoutMs;
		for (;;) {
			this.#queueDirty();
			const queued = this.#flushBatch();
			if (queued < 0) {
				return queued;
			}

			const result = this.#enter(waitMs === 0 ? 0 : 1, waitMs);
			if (result < 0 && result !== -ETIME && result !== -EINTR) {
				return result;
			}

			const count = this.#reap();
			if (count > 0 || waitMs === 0 || result === -ETIME) {
				return count;
			}

			if (result === -EINTR) {
				return -EINTR;
			}

			// Woken with nothing to report (a cancelled or expired request, or
			// a signal while submitting): re-arm and wait again for the time left.
			if (waitMs > 0) {
				waitMs = remainingMs(deadline);
				if (waitMs === 0) {
					return 0;
				}
			}
		}
	}

	/**
	 * Consumes every completion: the current request of a registration is
	 * reported as `(fd, poll bits)` into `_ready` and queued for re-arming;
	 * older requests' and cancellations' completions are dropped.
	 *
	 * @returns the number of pairs in `_ready`, already `EVENT_*` masks
	 */
	#reap(): number {
		let count = 0;
		const cqes = this.#cqes;
		for (;;) {
			const n = native.uringReap!(this.#ring, cqes, CQ_ENTRIES);
			for (let i = 0; i < CQE * n; i += CQE) {
				const fd = cqes[i]!;
				const gen = cqes[i + 1]!;
				if (gen === 0) {
					continue; // A cancellation's own completion.
				}

				const slot = this.#slots.get(fd);
				if (slot?.gen !== gen) {
					continue; // A cancelled or replaced request.
				}

				slot.gen = 0;
				this.#dirty.add(fd);
				const res = cqes[i + 2]!;
				if (res === -ECANCELED) {
					continue;
				}

				if (this._ready.length < 2 * (count + 1)) {
					const grown = new Int32Array(2 * this._ready.length);
					grown.set(this._ready);
					this._ready = grown;
				}

				this._ready[2 * count] = fd;
				// A failed request (EBADF: closed fd) counts as POLLNVAL, as poll(2).
				this._ready[2 * count + 1] = res < 0 ? POLLNVAL : res;
				count++;
			}

			if (n < CQ_ENTRIES) {
				break;
			}

			// The ring was full: the kernel may hold more (IORING_FEAT_NODROP);
			// an enter without waiting moves them into the ring.
			const flushed = this.#enter(0, -1);
			if (flushed < 0 && flushed !== -EINTR) {
				break;
			}
		}

		if (count > 0) {
			this._translate(count);
		}

		return count;
	}

	/** `selectAsync()` waits for the ring's fd: readable while completions wait. */
	protected override _waitFd(): number {
		return this.#fd;
	}

	/**
	 * Waits for the ring's fd (as the base class does);
	 * meanwhile register() and modify() submit their change at once, so the
	 * kernel sees it during this wait.
	 */
	protected override async _waitReady(timeoutMs: number, signal: AbortSignal, ref: boolean): Promise<void> {
		this.#submitNow();
		this.#asyncWaiting = true;
		try {
			await super._waitReady(timeoutMs, signal, ref);
		} finally {
			this.#asyncWaiting = false;
		}
	}

	/**
	 * Closes the ring (the kernel cancels every request in flight) and
	 * forgets every registration. Idempotent. A pending `selectAsync()`
	 * rejects (`ERR_SELECTOR_CLOSED`).
	 *
	 * @throws {OSError} if close(2) fails (the selector is closed all the same)
	 */
	override close(): void {
		if (!this._closed) {
			super.close();
			this.#slots.clear();
			this.#dirty.clear();
			this.#batched = 0;
			check(native.uringClose!(this.#ring), 'close');
		}
	}
}
