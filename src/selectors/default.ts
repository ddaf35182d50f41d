/**
 * {@link DefaultSelector}: the best selector the platform has.
 *
 * @module
 */
import {constants as osConstants} from 'node:os';
import {OSError, ValueError} from '../errors.js';
import type {FileDescriptorLike} from '../fileobj.js';
import type {BaseSelector} from './base.js';
import {DevpollSelector} from './devpoll.js';
import {EpollSelector} from './epoll.js';
import {IoUringSelector} from './io-uring.js';
import {KqueueSelector} from './kqueue.js';
import {PollSelector} from './poll.js';
import {SelectSelector} from './select.js';

/** What every selector class offers: `new Cls<T, F>()` and `Cls.available`. */
export interface SelectorClass {
	/** Creates a selector (`T`, `F`: see {@link BaseSelector}). */
	new <T = unknown, F extends FileDescriptorLike = FileDescriptorLike>(): BaseSelector<T, F>;
	/** Whether this platform has the backend. */
	readonly available: boolean;
	/** The class's name, `'EpollSelector'`. */
	readonly name: string;
}

/** The backends `SELECTORS_BACKEND` can force, by name. */
const BACKENDS: Readonly<Record<string, SelectorClass>> = {
	select: SelectSelector,
	poll: PollSelector,
	epoll: EpollSelector,
	kqueue: KqueueSelector,
	// Forced only: the kernel is asked at select(), not register() (see IoUringSelector).
	io_uring: IoUringSelector,
};

/** CPython's order of preference. */
const PREFERENCE: readonly SelectorClass[] = [
	KqueueSelector,
	EpollSelector,
	DevpollSelector,
	PollSelector,
	SelectSelector,
];

/**
 * Whether `Class` is available and actually works here: it can be created
 * and polled. Any failure counts as "not available", so that importing the
 * package never throws because of one backend. An {@link OSError} is the
 * kernel refusing (no epoll under some sandboxes): skipped silently, as
 * CPython's `_can_use()` does. Any other error is a defect of the backend
 * (e.g. the addon refusing the platform's struct layout): skipped too, but
 * reported by a process warning (code `SELECTORS_BACKEND_UNUSABLE`), so a
 * broken backend does not hide behind the fallback.
 */
function works(Class: SelectorClass): boolean {
	if (!Class.available) {
		return false;
	}

	try {
		const selector = new Class();
		try {
			selector.select(0);
		} finally {
			selector.close();
		}

		return true;
	} catch (error) {
		if (!(error instanceof OSError)) {
			process.emitWarning(
				`${Class.name} failed its probe and is skipped by DefaultSelector: ${String(error)}`,
				{
					code: 'SELECTORS_BACKEND_UNUSABLE',
				},
			);
		}

		return false;
	}
}

/** A stand-in whose constructor throws `error`: `SELECTORS_BACKEND` was unusable. */
function failing(error: Error): SelectorClass {
	const Class = class DefaultSelector<
		T = unknown,
		F extends FileDescriptorLike = FileDescriptorLike,
	> extends SelectSelector<T, F> {
		static override readonly available: boolean = false;
		constructor() {
			if (error !== undefined) {
				throw error;
			}

			super();
		}
	};
	return Class;
}

function choose(): SelectorClass {
	const forced = process.env['SELECTORS_BACKEND'];
	if (forced !== undefined && forced !== '') {
		const Class = Object.hasOwn(BACKENDS, forced) ? BACKENDS[forced] : undefined;
		if (Class === undefined) {
			return failing(
				new ValueError(
					`Invalid SELECTORS_BACKEND=${JSON.stringify(forced)}: expected one of ${Object.keys(BACKENDS).join(', ')}`,
					'ERR_INVALID_BACKEND',
				),
			);
		}

		if (!Class.available) {
			const errno = osConstants.errno.ENOSYS;
			return failing(
				OSError.fromErrno(errno, '', {
					message:
						`[Errno ${errno}] SELECTORS_BACKEND=${forced} asks for ${Class.name}, ` +
						`which is not available on this platform (${process.platform})`,
				}),
			);
		}

		return Class;
	}

	return PREFERENCE.find(Class => works(Class)) ?? SelectSelector;
}

/**
 * The most efficient selector available on this platform (Python's
 * `selectors.DefaultSelector`). As in Python it is not a class of its own
 * but the chosen class itself: `DefaultSelector === EpollSelector` on Linux,
 * so `new DefaultSelector()` builds an `EpollSelector`.
 *
 * Chosen once, when the module loads, by probing in CPython's order
 * (kqueue > epoll > devpoll > poll > select; a backend counts only if it
 * can be created and polled; one that fails in any way is skipped, and
 * importing the package never throws because of it — a failure other than
 * the kernel's refusal also emits a process warning, code
 * `SELECTORS_BACKEND_UNUSABLE`):
 *
 * | OS                                        | DefaultSelector    |
 * |-------------------------------------------|--------------------|
 * | Linux                                     | {@link EpollSelector}  |
 * | macOS, FreeBSD, OpenBSD, NetBSD, DragonFly | {@link KqueueSelector} |
 * | Solaris, illumos (not supported)          | ({@link DevpollSelector}) |
 * | other POSIX, or epoll/kqueue refused      | {@link PollSelector}   |
 * | no poll(2)                                | {@link SelectSelector} |
 *
 * The environment variable `SELECTORS_BACKEND=select|poll|epoll|kqueue|io_uring`
 * (read at load time) forces a backend, e.g. to run a program or a test
 * suite on the fallbacks. An invalid value, or a backend the platform
 * lacks, does not fail the import: `new DefaultSelector()` then throws a
 * `ValueError` (code `ERR_INVALID_BACKEND`) or an `OSError` (ENOSYS)
 * naming the variable.
 *
 * `select()` blocks the thread, and with it Node's event loop, for as
 * long as it waits: use `selectAsync()`/`events()`, which do not, short
 * timeouts, or a worker thread with its own selector.
 *
 * @example
 * ```ts
 * import {DefaultSelector, EVENT_READ} from 'node-selectors';
 * import type {Socket} from 'node-selectors/socket';
 * using sel = new DefaultSelector<string, Socket>();  // data: string, file objects: Socket
 * sel.register(sock, EVENT_READ, 'client');
 * for (const [key, events] of sel.select(1.0)) { key.fileobj.recv(1024); ... }
 * ```
 */
export const DefaultSelector: SelectorClass = choose();

/**
 * An instance of {@link DefaultSelector}: a {@link BaseSelector}, whatever
 * class was chosen. Its type has only the methods every backend has: the
 * extensions of one backend, such as {@link EpollSelector}'s `{flags}`
 * argument of `register()`/`modify()`, are not in it, since on another
 * platform `DefaultSelector` is another class, which would ignore them.
 * A program that needs them names the class: `new EpollSelector<T, F>()`.
 *
 * @typeParam T - type of the data attached to registrations
 * @typeParam F - type of the file objects registered (see {@link BaseSelector})
 */
export type DefaultSelector<T = unknown, F extends FileDescriptorLike = FileDescriptorLike> = BaseSelector<
	T,
	F
>;
