/**
 * The part of the signal module every blocking wait of the library calls:
 * {@link runPendingSignalHandlers}, and the state it needs (the handler
 * table, the pending flag, the addon's signal functions).
 *
 * Kept apart from the public entry point (src/signal/index.ts) so that the
 * selectors and sockets import only this small module.
 *
 * @internal
 * @module
 */
import {constants as osConstants} from 'node:os';
import {isMainThread} from 'node:worker_threads';
import {native} from '../native.js';

/** A handler installed with `signal()`: called with the signal number on the main thread. */
export type SignalHandler = (signum: number) => void;

/**
 * The addon's signal functions (native/signal.c). Every function returns
 * its result or `-errno`, as the rest of the addon.
 *
 * @internal
 */
export interface SignalBinding {
	/** SIG* numbers, SIG_BLOCK/UNBLOCK/SETMASK, ITIMER_*, NSIG, SIZEOF_SIGACTION. */
	readonly signalConstants: Readonly<Record<string, number | undefined>>;
	/** Records the main thread, starts the event-loop wake-up calling `callback`; 1 if already done. */
	signalInit(callback: () => void): number;
	/** 4 bytes: an int32, non-zero while a signal is pending. */
	signalFlag(): ArrayBuffer;
	/** The kind of the current disposition (0 SIG_DFL, 1 SIG_IGN, 2 another handler, 3 ours); `out` gets the struct sigaction. */
	sigactionGet(signum: number, out: Uint8Array): number;
	/** Installs the module's handler, chaining to `chain`'s handler (a struct from sigactionGet) or to none; returns the replaced kind. */
	sigactionInstall(signum: number, chain: Uint8Array | null): number;
	/** kind 0: SIG_DFL, 1: SIG_IGN, 2: the struct in `action`. */
	sigactionSet(signum: number, kind: number, action: Uint8Array): number;
	/** Writes the pending signal numbers to `out` and clears them; returns how many. */
	signalTake(out: Int32Array): number;
	/** Sets the wakeup fd (-1: none); returns the previous one. */
	signalWakeupFd(fd: number): number;
	/** errno of the last failed wakeup-fd write since the previous call (0: none). */
	signalWakeupErrno(): number;
	raise(signum: number): number;
	strsignal(signum: number): string | null;
	signalValid(out: Int32Array): number;
	alarm(seconds: number): number;
	/** `out` = the old (value, interval), in seconds. */
	setitimer(which: number, seconds: number, interval: number, out: Float64Array): number;
	getitimer(which: number, out: Float64Array): number;
	/** Writes the old mask's signal numbers to `out`; returns how many. */
	pthreadSigmask(how: number, signals: Int32Array, n: number, out: Int32Array): number;
}

/** The addon, seen through its signal functions. @internal */
export const S = native as unknown as SignalBinding;

/** NSIG: signal numbers are 1 … NSIG - 1. */
export const NSIG = S.signalConstants['NSIG'] ?? 65;

/** The handlers installed with `signal()` (function handlers only), by signal number. */
export const handlers = new Map<number, SignalHandler>();

/** Whether warnings go out when the wakeup fd is full (setWakeupFd's option). */
export const wakeup = {warnOnFullBuffer: true};

/** Non-zero while the C handler has recorded a signal not taken yet. */
const flag = new Int32Array(S.signalFlag());
/** Signals taken but not handled because an earlier handler threw: run at the next check. */
const deferred: number[] = [];
const taken = new Int32Array(NSIG);
const EAGAIN = osConstants.errno.EAGAIN;
const EWOULDBLOCK = osConstants.errno.EWOULDBLOCK;

/**
 * Runs the handlers of the signals that arrived since the last call, in
 * ascending signal number, on the main thread (a no-op in a worker, and
 * nearly free when none is pending: one read of a flag the C handler sets).
 *
 * Every blocking wait of the library calls it before each kernel wait
 * (first and after EINTR): a signal that arrived between two waits is
 * handled before the next one blocks, and one that interrupts a wait is
 * handled before the wait resumes for the time left (PEP 475, CPython's
 * `PyErr_CheckSignals`). It also runs on the event loop after a signal.
 *
 * If a handler throws, the signals after it stay pending (they run at the
 * next call, as in CPython) and the error propagates to the caller — out of
 * `select()` or `recv()`.
 *
 * @internal
 */
export function runPendingSignalHandlers(): void {
	if (!isMainThread || (flag[0] === 0 && deferred.length === 0)) {
		return;
	}

	for (;;) {
		const queue = deferred.splice(0);
		const n = S.signalTake(taken);
		for (let i = 0; i < n; i++) {
			const signum = taken[i]!;
			if (!queue.includes(signum)) {
				queue.push(signum);
			}
		}

		reportWakeupError();
		for (let i = 0; i < queue.length; i++) {
			const signum = queue[i]!;
			const handler = handlers.get(signum);
			if (handler === undefined) {
				continue;
			}

			try {
				handler(signum);
			} catch (error) {
				deferred.push(...queue.slice(i + 1));
				throw error;
			}
		}

		// Signals that came while the handlers ran (or more than `taken` holds): again, before the wait blocks.
		if (flag[0] === 0) {
			return;
		}
	}
}

/** A failed write to the wakeup fd: a warning (CPython writes it to stderr), unless full and not asked for. */
function reportWakeupError(): void {
	const errno = S.signalWakeupErrno();
	if (errno === 0 || ((errno === EAGAIN || errno === EWOULDBLOCK) && !wakeup.warnOnFullBuffer)) {
		return;
	}

	process.emitWarning(`Exception ignored when trying to write to the signal wakeup fd: [Errno ${errno}]`, {
		code: 'ERR_SIGNAL_WAKEUP_FD',
	});
}
