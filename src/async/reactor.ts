/**
 * The reactor's JavaScript half (native/reactor.c holds the other): one
 * helper thread per environment waiting on its own epoll/kqueue set, started
 * on first use, stopped by the environment's cleanup. This module keeps the
 * policy: tokens, which receiver each token's events go to, and whether the
 * reactor keeps the event loop alive.
 *
 * - A **token** (uint32) names one arming of one watch; the kernel hands it
 *   back with the events. A token is bound to a receiver until unbound:
 *   events for an unbound token (a watch disarmed while its event was on its
 *   way) are dropped.
 * - A bound receiver is held **strongly** or **weakly** ({@link bind}): a
 *   ref'd pending wait is held by the reactor, as a listening server is held
 *   by the event loop; an unref'd one only by its owner, so a dropped owner
 *   is garbage-collected with its wait (its watch then closes itself).
 * - **Event loop**: the reactor keeps it alive while at least one ref'd wait
 *   is pending ({@link retainLoop}/{@link releaseLoop}).
 *
 * @internal
 * @module
 */
import {constants as osConstants} from 'node:os';
import {OSError, check} from '../errors.js';
import {native} from '../native.js';

/** The reactor's event bits and control ops (epoll's values). */
export interface ReactorEvents {
	readonly IN: number;
	readonly PRI: number;
	readonly OUT: number;
	readonly ERR: number;
	readonly HUP: number;
	readonly RDHUP: number;
	readonly ONESHOT: number;
	readonly ET: number;
	readonly BATCH: number;
}

/** Whether the addon has a reactor here (epoll or kqueue). */
export const reactorAvailable: boolean = native.reactorEvents !== undefined;

/** The event bits; on a platform without a reactor, epoll's values (unused). */
export const R: ReactorEvents = native.reactorEvents ?? {
	IN: 1,
	PRI: 2,
	OUT: 4,
	ERR: 8,
	HUP: 0x10,
	RDHUP: 0x2000,
	ONESHOT: 0x4000_0000,
	ET: 0x8000_0000,
	BATCH: 64,
};

/** What receives a token's events. */
export interface ReactorReceiver {
	/**
	 * The kernel reported `revents` (a mask of {@link R} bits) for `token`,
	 * which is still bound to this receiver; or, with `revents` < 0, the
	 * reactor failed (-errno) and no event will come.
	 */
	onReactorEvents(token: number, revents: number): void;
}

interface Binding {
	strong: ReactorReceiver | undefined;
	readonly weak: WeakRef<ReactorReceiver>;
}

const bindings = new Map<number, Binding>();
let nextToken = 1;
let opened = false;
let failure: OSError | undefined;
let loopHolds = 0;
const out = new Int32Array(2 * R.BATCH);

function deliver(count: number): void {
	if (count < 0) {
		failure = OSError.fromErrno(-count, 'epoll_wait');
		for (const [token, binding] of bindings) {
			(binding.strong ?? binding.weak.deref())?.onReactorEvents(token, count);
		}

		return;
	}

	for (let i = 0; i < count; i++) {
		const token = out[2 * i]! >>> 0;
		let revents = out[2 * i + 1]!;
		// kqueue reports read and write of one fd as two events: merge.
		for (let j = i + 1; j < count; j++) {
			if (out[2 * j]! >>> 0 === token) {
				revents |= out[2 * j + 1]!;
				out[2 * j] = 0;
			}
		}

		const binding = token === 0 ? undefined : bindings.get(token);
		(binding?.strong ?? binding?.weak.deref())?.onReactorEvents(token, revents);
	}
}

/**
 * Starts the reactor if needed.
 *
 * @throws {OSError} if it cannot start (or has failed), `ENOSYS` where the
 * platform has none
 */
export function ensureReactor(): void {
	if (failure !== undefined) {
		throw failure;
	}

	if (opened) {
		return;
	}

	if (!reactorAvailable) {
		throw OSError.fromErrno(osConstants.errno.ENOSYS, 'reactor', {
			message: `[Errno ${osConstants.errno.ENOSYS}] waiting without blocking needs epoll or kqueue`,
		});
	}

	check(native.reactorOpen!(deliver, out), 'reactor');
	opened = true;
	// Idle: no pending wait keeps the loop alive.
	native.reactorRef!(false);
}

/**
 * Binds a fresh token to `receiver`.
 *
 * @param strong - hold `receiver` strongly (a ref'd wait) or weakly
 * @returns the token (never 0)
 */
export function bind(receiver: ReactorReceiver, strong: boolean): number {
	let token = nextToken;
	while (token === 0 || bindings.has(token)) {
		token = (token + 1) >>> 0;
	}

	nextToken = (token + 1) >>> 0;
	bindings.set(token, {strong: strong ? receiver : undefined, weak: new WeakRef(receiver)});
	return token;
}

/** Switches how `token`'s receiver is held. */
export function holdStrongly(token: number, strong: boolean): void {
	const binding = bindings.get(token);
	if (binding !== undefined) {
		binding.strong = strong ? binding.weak.deref() : undefined;
	}
}

/** Forgets `token`: its events, if any are on their way, are dropped. */
export function unbind(token: number): void {
	bindings.delete(token);
}

/**
 * Adds the reactor's own duplicate of `fd` to its set.
 *
 * @returns the duplicate (the watch fd), or -errno
 */
export function watchAdd(fd: number, events: number, token: number): number {
	return native.reactorAdd!(fd, events >>> 0, token);
}

/**
 * Changes a watch's events and token.
 *
 * @returns 0 or -errno
 */
export function watchModify(watchFd: number, events: number, token: number): number {
	return native.reactorMod!(watchFd, events >>> 0, token);
}

/** Removes a watch and closes its duplicate. */
export function watchRemove(watchFd: number): void {
	native.reactorDel!(watchFd);
}

/** One more ref'd wait pending: the reactor keeps the event loop alive. */
export function retainLoop(): void {
	if (loopHolds++ === 0) {
		native.reactorRef!(true);
	}
}

/** One ref'd wait fewer. */
export function releaseLoop(): void {
	if (--loopHolds === 0) {
		native.reactorRef!(false);
	}
}

/** Tokens bound now (tests: a dropped watch must not stay bound). */
export function boundTokens(): number {
	return bindings.size;
}

/** Watches open in the reactor now (tests: dropped watches are closed). */
export function watchCount(): number {
	return native.reactorCount?.() ?? 0;
}
