/**
 * Python's `select.kqueue()` and `select.kevent` (macOS and the BSDs).
 *
 * The addon's kevent function carries (ident, filter, flags) per change and
 * (ident, filter, flags, data) per event today; `fflags` and `udata` do not
 * reach the kernel. A change that needs them throws instead of being
 * silently altered. (That native layout is being reshaped; the two calls
 * are in {@link Kqueue.control} only.)
 *
 * @module
 */
import {OSError, ValueError, check} from '../errors.js';
import {C} from '../native.js';
import {KernelFdObject} from './kernel-object.js';
import {addon, asFileDescriptor, asInteger, codedTypeError, timeoutMs, waitWithRetry} from './common.js';

const EVFILT_READ = C['EVFILT_READ'] ?? -1;
const EV_ADD = C['EV_ADD'] ?? 1;
const MAX_CHANGES = 16;
const ADOPT: unique symbol = Symbol('Kqueue.fromfd');
/** {@link Kqueue.fromfd}'s way in (the token is module-private). */
interface Adopt {
	readonly token: typeof ADOPT;
	readonly fd: number;
}

/**
 * One kernel event (Python's `select.kevent`): built for
 * {@link Kqueue.control}'s change list, and returned by it.
 */
export class KEvent {
	/** The fd (or pid, signal … by filter). */
	readonly ident: number;
	/** KQ_FILTER_* */
	readonly filter: number;
	/** KQ_EV_* */
	readonly flags: number;
	/** KQ_NOTE_* */
	readonly fflags: number;
	/** Filter data (bytes readable, …). */
	readonly data: number;
	/** User data (an integer). */
	readonly udata: number;

	/**
	 * @param ident - an fd or an object with `fileno()`, or an integer ident
	 * @param filter - default KQ_FILTER_READ
	 * @param flags - default KQ_EV_ADD
	 */
	constructor(ident: unknown, filter: number = EVFILT_READ, flags: number = EV_ADD, fflags = 0, data = 0, udata = 0) {
		this.ident = typeof ident === 'number' ? asInteger(ident, 'ident') : asFileDescriptor(ident);
		this.filter = asInteger(filter, 'filter');
		this.flags = asInteger(flags, 'flags');
		this.fflags = asInteger(fflags, 'fflags');
		this.data = asInteger(data, 'data');
		this.udata = asInteger(udata, 'udata');
	}
}

/**
 * Returns a {@link KEvent} (Python's `select.kevent(ident, filter=KQ_FILTER_READ, flags=KQ_EV_ADD, fflags=0, data=0, udata=0)`).
 */
export function kevent(ident: unknown, filter?: number, flags?: number, fflags?: number, data?: number, udata?: number): KEvent {
	return new KEvent(ident, filter, flags, fflags, data, udata);
}

/**
 * A kqueue (Python's `select.kqueue` object): close-on-exec; close it with
 * {@link Kqueue.close} or `using`.
 */
export class Kqueue extends KernelFdObject {
	/**
	 * @throws {OSError} where the platform has no kqueue (ENOSYS)
	 */
	constructor();
	constructor(adopt?: Adopt) {
		super('kqueue');
		if (adopt?.token === ADOPT) {
			this._own(adopt.fd);
			return;
		}

		if (typeof addon.kqueue !== 'function') {
			throw new OSError(C['ENOSYS'] ?? 38, undefined, {syscall: 'kqueue', message: 'kqueue is not available on this platform'});
		}

		this._own(check(addon.kqueue(), 'kqueue'));
	}

	/** Wraps an existing kqueue fd, which the object then owns. */
	static fromfd(fd: number): Kqueue {
		// The implementation signature takes the adoption token; the public one does not.
		const Adopting = Kqueue as unknown as new (adopt: Adopt) => Kqueue;
		return new Adopting({token: ADOPT, fd: asInteger(fd, 'fd')});
	}

	/**
	 * Applies `changelist` and waits for at most `maxevents` events
	 * (kevent(2)).
	 *
	 * @param changelist - an iterable of {@link KEvent}, or `null`
	 * @param maxevents - ≥ 0
	 * @param timeout - seconds; `null`/omitted blocks
	 * @throws {ValueError} `'Length of eventlist must be 0 or positive, got -1'`;
	 *   `'timeout must be positive or None'`
	 */
	control(changelist: Iterable<KEvent> | null, maxevents: number, timeout?: number | null): KEvent[] {
		const kq = this._open();
		const max = asInteger(maxevents, 'maxevents');
		if (max < 0) {
			throw new ValueError(`Length of eventlist must be 0 or positive, got ${max}`, 'ERR_OUT_OF_RANGE');
		}

		if (typeof timeout === 'number' && timeout < 0) {
			throw new ValueError('timeout must be positive or None', 'ERR_INVALID_TIMEOUT');
		}

		const ms = timeoutMs(timeout, 1000, 'timeout argument must be a number or None', 'error');
		const changes: KEvent[] = [];
		if (changelist !== null && changelist !== undefined) {
			for (const ev of changelist) {
				if (!(ev instanceof KEvent)) {
					throw codedTypeError('changelist must be an iterable of select.kevent objects');
				}

				if (ev.fflags !== 0 || ev.data !== 0 || ev.udata !== 0) {
					throw new ValueError('fflags, data and udata of a change are not supported by this build', 'ERR_KEVENT_UNSUPPORTED');
				}

				changes.push(ev);
			}
		}

		// The addon takes at most 16 changes per call: earlier batches go
		// without waiting, the last one with the wait.
		const buf = new Int32Array(8 * Math.max(max, 1));
		const triples = new Int32Array(3 * MAX_CHANGES);
		let start = 0;
		do {
			const batch = changes.slice(start, start + MAX_CHANGES);
			start += batch.length;
			for (const [i, ev] of batch.entries()) {
				triples[3 * i] = ev.ident;
				triples[3 * i + 1] = ev.filter;
				triples[3 * i + 2] = ev.flags;
			}

			const last = start >= changes.length;
			if (!last) {
				check(addon.kevent!(kq, triples, batch.length, buf, 0, 0), 'kevent');
				continue;
			}

			const count = waitWithRetry(ms, 'kevent', wait => addon.kevent!(kq, triples, batch.length, buf, max, wait));
			const result: KEvent[] = [];
			for (let i = 0; i < count; i++) {
				result.push(new KEvent(buf[4 * i]!, buf[4 * i + 1]!, buf[4 * i + 2]!, 0, buf[4 * i + 3]!, 0));
			}

			return result;
		} while (start < changes.length);
		return [];
	}

}

/** Returns a new {@link Kqueue} (Python's `select.kqueue()`). */
export function kqueue(): Kqueue {
	return new Kqueue();
}
