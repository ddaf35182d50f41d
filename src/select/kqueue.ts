/**
 * Python's `select.kqueue()` and `select.kevent` (macOS and the BSDs).
 *
 * It runs on the selectors' kqueue calls (native/kqueue.c): changes carry
 * (ident, filter, flags), each applied with EV_RECEIPT; events come back as
 * (ident, filter, EV_EOF/EV_ERROR) with `data`, `fflags` and `udata` 0. A
 * change that needs `fflags`, `data` or `udata` throws instead of being
 * silently altered (the calls are in {@link Kqueue.control} only).
 *
 * @module
 */
import {OSError, ValueError, check} from '../errors.js';
import {C} from '../native.js';
import {SEL_EV_EOF, SEL_EV_ERROR, SEL_EV_READ, SEL_EV_WRITE} from '../selectors/events.js';
import {KernelFdObject} from './kernel-object.js';
import {addon, asFileDescriptor, asInteger, codedTypeError, timeoutMs, waitWithRetry} from './common.js';

const EVFILT_READ = C['EVFILT_READ'] ?? -1;
const EV_ADD = C['EV_ADD'] ?? 1;
const EVFILT_WRITE = C['EVFILT_WRITE'] ?? -2;
const EV_EOF = C['EV_EOF'] ?? 0x8000;
const EV_ERROR = C['EV_ERROR'] ?? 0x4000;
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
	constructor(
		ident: unknown,
		filter: number = EVFILT_READ,
		flags: number = EV_ADD,
		fflags = 0,
		data = 0,
		udata = 0,
	) {
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
export function kevent(
	ident: unknown,
	filter?: number,
	flags?: number,
	fflags?: number,
	data?: number,
	udata?: number,
): KEvent {
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
			throw new OSError(C['ENOSYS'] ?? 38, undefined, {
				syscall: 'kqueue',
				message: 'kqueue is not available on this platform',
			});
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
					throw new ValueError(
						'fflags, data and udata of a change are not supported by this build',
						'ERR_KEVENT_UNSUPPORTED',
					);
				}

				changes.push(ev);
			}
		}

		// Changes go in batches of at most 16, each change with EV_RECEIPT so
		// that every one is applied or refused on its own; the first refusal
		// raises (CPython instead reports it as an EV_ERROR event when the
		// event list has room). Then one wait for up to `max` events.
		const triples = new Int32Array(3 * MAX_CHANGES);
		const errors = new Int32Array(MAX_CHANGES);
		for (let start = 0; start < changes.length; start += MAX_CHANGES) {
			const batch = changes.slice(start, start + MAX_CHANGES);
			for (const [i, ev] of batch.entries()) {
				triples[3 * i] = ev.ident;
				triples[3 * i + 1] = ev.filter;
				triples[3 * i + 2] = ev.flags;
			}

			check(addon.keventApply!(kq, triples, batch.length, errors), 'kevent');
			for (let i = 0; i < batch.length; i++) {
				if (errors[i] !== 0) {
					throw OSError.fromErrno(errors[i]!, 'kevent');
				}
			}
		}

		if (max === 0) {
			return [];
		}

		// The addon packs each kernel record into an (ident, bits) pair
		// (native/events.h): filter and EV_EOF/EV_ERROR survive, data, fflags
		// and udata do not (reported as 0).
		const buf = new Int32Array((addon.keventRecordInt32 ?? 8) * max);
		const count = waitWithRetry(ms, 'kevent', wait => addon.keventWait!(this._current(), buf, max, wait));
		const result: KEvent[] = [];
		for (let i = 0; i < count; i++) {
			const ident = buf[2 * i]!;
			const bits = buf[2 * i + 1]!;
			const flags =
				((bits & SEL_EV_EOF) !== 0 ? EV_EOF : 0) | ((bits & SEL_EV_ERROR) !== 0 ? EV_ERROR : 0);
			if ((bits & SEL_EV_READ) !== 0) {
				result.push(new KEvent(ident, EVFILT_READ, flags, 0, 0, 0));
			}

			if ((bits & SEL_EV_WRITE) !== 0) {
				result.push(new KEvent(ident, EVFILT_WRITE, flags, 0, 0, 0));
			}
		}

		return result;
	}
}

/** Returns a new {@link Kqueue} (Python's `select.kqueue()`). */
export function kqueue(): Kqueue {
	return new Kqueue();
}
