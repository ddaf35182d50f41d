/**
 * Python's `select.epoll()` object (Linux).
 *
 * @module
 */
import {OSError, ValueError, check} from '../errors.js';
import {C} from '../native.js';
import {KernelFdObject} from './kernel-object.js';
import {
	addon,
	asFileDescriptor,
	asInteger,
	codedTypeError,
	overflow,
	timeoutMs,
	waitWithRetry,
} from './common.js';
import {EINVAL} from './errno.js';
import {FD_SETSIZE} from './select.js';

// Defined wherever the addon has epoll; the fallbacks are never used.
const EPOLLIN = C['EPOLLIN'] ?? 0x001;
const EPOLLPRI = C['EPOLLPRI'] ?? 0x002;
const EPOLLOUT = C['EPOLLOUT'] ?? 0x004;
const EPOLL_CLOEXEC = C['EPOLL_CLOEXEC'] ?? 0o2_000_000;
const CTL_ADD = C['EPOLL_CTL_ADD'] ?? 1;
const CTL_DEL = C['EPOLL_CTL_DEL'] ?? 2;
const CTL_MOD = C['EPOLL_CTL_MOD'] ?? 3;
const ADOPT: unique symbol = Symbol('Epoll.fromfd');
/** {@link Epoll.fromfd}'s way in (the token is module-private). */
interface Adopt {
	readonly token: typeof ADOPT;
	readonly fd: number;
}

/** int32 slots per event in the buffer the native epollWait fills. */
const SLOTS = 4;
/** The most events the kernel takes per epoll_wait (EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event)); beyond it, EINVAL. */
const EP_MAX_EVENTS = Math.floor(0x7f_ff_ff_ff / (4 * (addon.epollRecordInt32 ?? SLOTS)));
/** Buffers up to this many events are kept for the next poll(); larger ones are for one call only. */
const KEPT_EVENTS = 1024;

/** CPython's `unsigned int` ("I") event mask: an integer taken modulo 2**32. */
function epollMask(value: unknown): number {
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		throw codedTypeError(`eventmask must be an integer, not ${value === null ? 'null' : typeof value}`);
	}

	// `>>> 0` is exact within int32/uint32 range; beyond it, reduce exactly.
	return value >= -0x8000_0000 && value <= 0xffff_ffff
		? value >>> 0
		: Number(BigInt.asUintN(32, BigInt(value)));
}

/**
 * An epoll(7) instance (Python's `select.epoll` object), Linux only: the
 * kernel keeps the interest list; register/modify/unregister make one
 * `epoll_ctl` each and {@link Epoll.poll} one `epoll_wait`. Event bits are
 * the kernel's, unchanged, in both directions: EPOLLIN, EPOLLOUT, EPOLLPRI,
 * EPOLLRDHUP, EPOLLET, EPOLLONESHOT, EPOLLEXCLUSIVE … (the constants of
 * `node-selectors/select`).
 *
 * The epoll fd is close-on-exec. Close it with {@link Epoll.close} or a
 * `using` declaration. As in CPython, close an fd only after unregistering
 * it: the kernel keeps reporting a closed fd while a duplicate of it is open
 * elsewhere, and refuses to unregister it (EBADF).
 *
 * epoll refuses regular files and directories: `register()` throws
 * `PermissionError` (EPERM), as in CPython.
 */
export class Epoll extends KernelFdObject {
	#buf = new Int32Array(SLOTS * 64);

	/**
	 * @param sizehint - ignored by the kernel since Linux 2.6.8; -1 (default)
	 *   or a positive number, as CPython
	 * @param flags - 0 or EPOLL_CLOEXEC (the fd is close-on-exec either way)
	 * @throws {ValueError} `'negative sizehint'`
	 * @throws {OSError} `'invalid flags'` (EINVAL)
	 */
	constructor(sizehint?: number, flags?: number);
	constructor(sizehint = -1, flags = 0, adopt?: Adopt) {
		super('epoll');
		if (adopt?.token === ADOPT) {
			this._own(adopt.fd);
			return;
		}

		asInteger(sizehint, 'sizehint');
		asInteger(flags, 'flags');
		if (sizehint === 0 || sizehint < -1) {
			throw new ValueError('negative sizehint', 'ERR_OUT_OF_RANGE');
		}

		if (flags !== 0 && flags !== EPOLL_CLOEXEC) {
			throw new OSError(EINVAL, undefined, {message: 'invalid flags', syscall: 'epoll_create1'});
		}

		if (typeof addon.epollCreate !== 'function') {
			throw new OSError(C['ENOSYS'] ?? 38, undefined, {
				syscall: 'epoll_create1',
				message: 'epoll is not available on this platform',
			});
		}

		this._own(check(addon.epollCreate(), 'epoll_create1'));
	}

	/**
	 * Wraps an existing epoll fd, which the object then owns and closes
	 * (Python's `epoll.fromfd`).
	 */
	static fromfd(fd: number): Epoll {
		const f = asInteger(fd, 'fd');
		// The implementation signature takes the adoption token; the public one does not.
		const Adopting = Epoll as unknown as new (sizehint: number, flags: number, adopt: Adopt) => Epoll;
		return new Adopting(-1, 0, {token: ADOPT, fd: f});
	}

	/**
	 * Adds `fd` to the interest list (EPOLL_CTL_ADD).
	 *
	 * @param eventmask - EPOLLIN, EPOLLOUT, EPOLLPRI, EPOLLET … taken modulo
	 *   2**32 as CPython; default `EPOLLIN | EPOLLPRI | EPOLLOUT`
	 * @throws {FileExistsError} if already registered
	 * @throws {PermissionError} EPERM for a regular file or directory
	 * @throws {OSError} EBADF, EINVAL …
	 */
	register(fd: unknown, eventmask: number = EPOLLIN | EPOLLPRI | EPOLLOUT): void {
		this.#ctl(CTL_ADD, fd, eventmask, 'register');
	}

	/**
	 * Changes the mask of a registered fd (EPOLL_CTL_MOD).
	 *
	 * @throws {FileNotFoundError} ENOENT if not registered
	 */
	modify(fd: unknown, eventmask: number): void {
		this.#ctl(CTL_MOD, fd, eventmask, 'modify');
	}

	/**
	 * Removes `fd` (EPOLL_CTL_DEL).
	 *
	 * @throws {FileNotFoundError} ENOENT if not registered
	 * @throws {OSError} EBADF if `fd` is already closed
	 */
	unregister(fd: unknown): void {
		this.#ctl(CTL_DEL, fd, 0, 'unregister');
	}

	/**
	 * Waits for events (epoll_wait).
	 *
	 * @param timeout - seconds (rounded up to the millisecond); `null`,
	 *   omitted or negative blocks
	 * @param maxevents - the most events returned; -1 (default) means
	 *   FD_SETSIZE - 1, as CPython
	 * @returns `[fd, events]` pairs with the kernel's bits as they are
	 * @throws {ValueError} `'maxevents must be greater than 0, got 0'`
	 * @throws {RangeError} maxevents beyond a C int (Python's OverflowError), code `ERR_OUT_OF_RANGE`
	 * @throws {OSError} EINVAL for maxevents beyond the kernel's limit (about 1.8e8)
	 */
	poll(timeout?: number | null, maxevents = -1): Array<[fd: number, events: number]> {
		this._open();
		const ms = timeoutMs(timeout, 1000, 'timeout must be an integer or None', 'ceiling');
		let max = asInteger(maxevents, 'maxevents');
		if (max === -1) {
			max = FD_SETSIZE - 1;
		} else if (max < 1) {
			throw new ValueError(`maxevents must be greater than 0, got ${max}`, 'ERR_OUT_OF_RANGE');
		}

		if (max > 0x7f_ff_ff_ff) {
			throw overflow('Python int too large to convert to C int');
		}

		if (max > EP_MAX_EVENTS) {
			// The kernel's answer, without first allocating gigabytes for it.
			throw new OSError(EINVAL, undefined, {syscall: 'epoll_wait'});
		}

		if (this.#buf.length < SLOTS * max && max <= KEPT_EVENTS) {
			this.#buf = new Int32Array(SLOTS * max);
		}

		const buf = this.#buf.length >= SLOTS * max ? this.#buf : new Int32Array(SLOTS * max);
		const count = waitWithRetry(ms, 'epoll_wait', wait =>
			addon.epollWait!(this._current(), buf, max, wait),
		);
		const result: Array<[number, number]> = [];
		for (let i = 0; i < count; i++) {
			result.push([buf[2 * i]!, buf[2 * i + 1]! >>> 0]);
		}

		return result;
	}

	/** The one place epoll_ctl is called. */
	#ctl(op: number, fdlike: unknown, eventmask: unknown, what: string): void {
		const epfd = this._open();
		const fd = asFileDescriptor(fdlike);
		const mask = op === CTL_DEL ? 0 : epollMask(eventmask);
		const ret = addon.epollCtl!(epfd, op, fd, mask);
		if (ret < 0) {
			check(ret, `epoll_ctl(${what})`);
		}
	}
}

/**
 * Returns a new {@link Epoll} (Python's `select.epoll(sizehint=-1, flags=0)`).
 */
export function epoll(sizehint = -1, flags = 0): Epoll {
	return new Epoll(sizehint, flags);
}
