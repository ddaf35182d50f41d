/**
 * `node-selectors/signal`: Python's `signal` module for programs that block
 * in a selector loop.
 *
 * A handler installed with {@link signal} runs **on the main thread** when a
 * blocking call of this library sees the signal: `select()` (every backend)
 * and blocking or timeout-mode `Socket` calls run the pending handlers
 * before each kernel wait and after EINTR, then wait again for the time left
 * (PEP 475); if a handler throws, that call throws it. Otherwise the handlers
 * run at the next such call or on the next turn of the event loop, so a
 * signal is never lost. That is what makes
 *
 * ```ts
 * signal(SIGINT, defaultIntHandler);  // Ctrl-C -> KeyboardInterrupt
 * while (true) for (const [key, mask] of sel.select()) key.data(key.fileobj, mask);
 * ```
 *
 * stop at once on Ctrl-C, as in Python, where a `process.on('SIGINT')`
 * listener could only run once `select()` returned.
 *
 * Coexistence with Node (see the README section "Signals"):
 * - `process.on('SIG…')` listeners keep firing, whether added before or
 *   after: this module's C handler calls libuv's after its own work while a
 *   signal has listeners, and re-installs itself when adding or removing a
 *   listener made libuv replace it.
 * - `SIG_DFL` means **Node's own handling**: `signal(n, SIG_DFL)` puts back
 *   the disposition found when this module first took the signal (for
 *   SIGINT/SIGTERM, Node's handler that restores the terminal and exits by
 *   the signal; with listeners, libuv's; else the kernel default), and
 *   {@link getsignal} reports `SIG_DFL` for any disposition that is not a
 *   handler of this module or SIG_IGN.
 * - Handlers are installed with SA_RESTART: Node's own threads do not
 *   see EINTR; select/poll/epoll waits are interrupted all the same.
 *
 * @module
 */
import {constants as osConstants} from 'node:os';
import {isMainThread} from 'node:worker_threads';
import {KeyboardInterrupt, OSError, ValueError, argTypeError, check} from '../errors.js';
import {constant, native} from '../native.js';
import {handlers, NSIG, runPendingSignalHandlers, S, type SignalHandler, wakeup} from './pending.js';

export {KeyboardInterrupt};
export type {SignalHandler};

const K = S.signalConstants;
function sig(name: string): number {
	const value = K[name];
	if (value === undefined) {
		throw new Error(`node-selectors: the addon does not define ${name}`);
	}

	return value;
}

/** Python's `signal.SIG_DFL`: Node's own handling of the signal (see the module notes). */
export const SIG_DFL = 0;
/** Python's `signal.SIG_IGN`: the signal is ignored. */
export const SIG_IGN = 1;
/** What {@link signal} takes and returns. */
export type Handler = typeof SIG_DFL | typeof SIG_IGN | SignalHandler;

export const SIGHUP = sig('SIGHUP');
export const SIGINT = sig('SIGINT');
export const SIGQUIT = sig('SIGQUIT');
export const SIGILL = sig('SIGILL');
export const SIGTRAP = sig('SIGTRAP');
export const SIGABRT = sig('SIGABRT');
export const SIGBUS = sig('SIGBUS');
export const SIGFPE = sig('SIGFPE');
export const SIGKILL = sig('SIGKILL');
/** Node starts the inspector on SIGUSR1: taking it disables that until `signal(SIGUSR1, SIG_DFL)`. */
export const SIGUSR1 = sig('SIGUSR1');
export const SIGSEGV = sig('SIGSEGV');
export const SIGUSR2 = sig('SIGUSR2');
export const SIGPIPE = sig('SIGPIPE');
export const SIGALRM = sig('SIGALRM');
export const SIGTERM = sig('SIGTERM');
export const SIGCHLD = sig('SIGCHLD');
export const SIGCONT = sig('SIGCONT');
export const SIGSTOP = sig('SIGSTOP');
export const SIGTSTP = sig('SIGTSTP');
export const SIGTTIN = sig('SIGTTIN');
export const SIGTTOU = sig('SIGTTOU');
export const SIGURG = sig('SIGURG');
export const SIGXCPU = sig('SIGXCPU');
export const SIGXFSZ = sig('SIGXFSZ');
export const SIGVTALRM = sig('SIGVTALRM');
/** V8's CPU profiler (`--cpu-prof`) samples with SIGPROF: see the README before taking it. */
export const SIGPROF = sig('SIGPROF');
export const SIGWINCH = sig('SIGWINCH');
export const SIGIO = sig('SIGIO');
export const SIGSYS = sig('SIGSYS');
/** Platform-specific: `undefined` where the C library lacks them. */
export const SIGIOT: number | undefined = K['SIGIOT'];
export const SIGPOLL: number | undefined = K['SIGPOLL'];
export const SIGPWR: number | undefined = K['SIGPWR'];
export const SIGSTKFLT: number | undefined = K['SIGSTKFLT'];
export const SIGEMT: number | undefined = K['SIGEMT'];
export const SIGINFO: number | undefined = K['SIGINFO'];
/** The real-time signals' range (glibc keeps the first two or three for itself). */
export const SIGRTMIN: number | undefined = K['SIGRTMIN'];
export const SIGRTMAX: number | undefined = K['SIGRTMAX'];
export const SIG_BLOCK = sig('SIG_BLOCK');
export const SIG_UNBLOCK = sig('SIG_UNBLOCK');
export const SIG_SETMASK = sig('SIG_SETMASK');
export const ITIMER_REAL = sig('ITIMER_REAL');
export const ITIMER_VIRTUAL = sig('ITIMER_VIRTUAL');
/** SIGPROF's timer: V8's CPU profiler's signal; its default action ends the process. */
export const ITIMER_PROF = sig('ITIMER_PROF');

export {NSIG};

const KIND_DFL = 0;
const KIND_IGN = 1;
const KIND_OURS = 3;
const RESTORE_SAVED = 2;
const SIZEOF_SIGACTION = sig('SIZEOF_SIGACTION');
const EINVAL = osConstants.errno.EINVAL;

/** The kind this module last set per signal (KIND_OURS or KIND_IGN); absent: Node's handling. */
const mine = new Map<number, number>();
/** Node's handling per signal: the struct sigaction found when this module last saw a disposition it had not set. */
const nodeAction = new Map<number, Uint8Array>();
/** Signal names by number (os.constants.signals), for `process.listenerCount()`. */
const names = new Map<number, string>();
for (const [name, value] of Object.entries(osConstants.signals)) {
	if (!names.has(value)) {
		names.set(value, name);
	}
}

const scratch = new Uint8Array(SIZEOF_SIGACTION);
const listOut = new Int32Array(NSIG);
const itimerOut = new Float64Array(2);
let initialized = false;

function mainThreadOnly(fn: string): void {
	if (!isMainThread) {
		throw new ValueError(
			`${fn} only works in main thread of the main interpreter`,
			'ERR_SIGNAL_MAIN_THREAD',
		);
	}
}

function toSignum(signalnum: unknown): number {
	if (typeof signalnum !== 'number' || !Number.isInteger(signalnum)) {
		throw argTypeError(
			`signalnum must be an integer, not ${signalnum === null ? 'null' : typeof signalnum}`,
		);
	}

	if (signalnum < 1 || signalnum >= NSIG) {
		throw new ValueError('signal number out of range', 'ERR_SIGNAL_OUT_OF_RANGE');
	}

	return signalnum;
}

/** The current disposition's kind; `scratch` holds its struct. */
function currentKind(signum: number): number {
	return check(S.sigactionGet(signum, scratch), 'sigaction');
}

/** Saves the disposition in `scratch` as Node's handling unless this module set it. */
function remember(signum: number, kind: number): void {
	const set = mine.get(signum);
	if (set === undefined || set !== kind) {
		nodeAction.set(signum, scratch.slice());
	}
}

/** Whether `process.on(name)` listeners exist (or one is being added): chain to libuv's handler. */
function chainTarget(signum: number, adding: boolean): Uint8Array | null {
	const name = names.get(signum);
	const listening = adding || (name !== undefined && process.listenerCount(name) > 0);
	return listening ? (nodeAction.get(signum) ?? null) : null;
}

/** (Re-)installs this module's handler for `signum`, chaining as {@link chainTarget} says. */
function install(signum: number, adding = false): void {
	const kind = currentKind(signum);
	remember(signum, kind);
	check(S.sigactionInstall(signum, chainTarget(signum, adding)), 'sigaction');
	mine.set(signum, KIND_OURS);
}

/**
 * libuv installs its handler when the first `process.on('SIG…')` listener is
 * added and resets the disposition to SIG_DFL when the last is removed, with
 * no regard for ours. Node does it in its own 'newListener'/'removeListener'
 * listeners on `process`, registered at startup and so called before this
 * one: by now the disposition has changed and ours is put back on top.
 */
function onListenerChange(adding: boolean, event: string | symbol): void {
	if (typeof event !== 'string' || !event.startsWith('SIG')) {
		return;
	}

	const signum = (osConstants.signals as Record<string, number | undefined>)[event];
	if (signum !== undefined && mine.get(signum) === KIND_OURS) {
		try {
			install(signum, adding);
		} catch (error) {
			// Never make the user's process.on()/off() throw; say why the handler may be gone.
			process.emitWarning(
				`node-selectors/signal could not re-install its ${event} handler: ${String(error)}`,
				{code: 'ERR_SIGNAL_REINSTALL'},
			);
		}
	}
}

function init(): void {
	if (initialized) {
		return;
	}

	check(
		S.signalInit(() => {
			try {
				runPendingSignalHandlers();
			} catch (error) {
				// As an error thrown by a process.on() listener: uncaughtException.
				process.nextTick(() => {
					throw error;
				});
			}
		}),
		'signal',
	);
	process.on('newListener', (event: string | symbol) => {
		onListenerChange(true, event);
	});
	process.on('removeListener', (event: string | symbol) => {
		onListenerChange(false, event);
	});
	initialized = true;
}

/** This module's own `process.on('SIGCHLD')` listener: see {@link holdChildWatcher}. */
function keepChildWatcher(): void {
	// Nothing: its presence is what matters.
}

/**
 * libuv handles SIGCHLD for `child_process` itself (its child watcher), not
 * through a `process.on` listener: it installs its handler when a child
 * starts while none runs and resets SIGCHLD to SIG_DFL when the last is
 * reaped, without a `newListener` event this module could follow. A handler
 * of this module installed in its place would keep Node from ever seeing a
 * child exit, and one installed before would be replaced by the next spawn.
 * So while this module holds SIGCHLD it keeps one listener of its own: libuv
 * then keeps its registration (it only resets a signal without handles),
 * and this module's handler stays on top and chains to libuv's, as for any
 * signal with listeners.
 */
function holdChildWatcher(signum: number, hold: boolean): void {
	if (signum !== SIGCHLD) {
		return;
	}

	if (!hold) {
		process.off('SIGCHLD', keepChildWatcher);
	} else if (!process.listeners('SIGCHLD').includes(keepChildWatcher)) {
		process.on('SIGCHLD', keepChildWatcher);
	}
}

/**
 * Sets the handler for signal `signalnum` (Python's `signal.signal`).
 *
 * `handler` is a function called with the signal number on the main
 * thread (see the module notes for when), {@link SIG_IGN}, or
 * {@link SIG_DFL} (Node's own handling).
 *
 * @param signalnum - a signal number, e.g. {@link SIGTERM}
 * @param handler - the new handler
 * @returns the previous handler, as {@link getsignal}
 * @throws {ValueError} in a worker thread (`'signal only works in main thread of the main interpreter'`), or for a number outside 1 … NSIG - 1
 * @throws {TypeError} if `handler` is not SIG_DFL, SIG_IGN or a function
 * @throws {OSError} EINVAL for SIGKILL, SIGSTOP and the C library's own signals
 */
export function signal(signalnum: number, handler: Handler): Handler {
	mainThreadOnly('signal');
	const signum = toSignum(signalnum);
	if (typeof handler !== 'function' && handler !== SIG_DFL && handler !== SIG_IGN) {
		throw argTypeError('signal handler must be SIG_IGN, SIG_DFL, or a function');
	}

	if (signum === sig('SIGKILL') || signum === sig('SIGSTOP')) {
		throw OSError.fromErrno(EINVAL, 'sigaction');
	}

	const old = getsignal(signum);
	if (typeof handler === 'function') {
		init();
		holdChildWatcher(signum, true);
		install(signum);
		handlers.set(signum, handler);
		return old;
	}

	handlers.delete(signum);
	if (handler === SIG_IGN) {
		remember(signum, currentKind(signum));
		// First: libuv resets SIGCHLD to SIG_DFL when it loses its last handle.
		holdChildWatcher(signum, false);
		check(S.sigactionSet(signum, KIND_IGN, scratch), 'sigaction');
		mine.set(signum, KIND_IGN);
	} else if (mine.has(signum)) {
		const saved = nodeAction.get(signum);
		check(
			S.sigactionSet(signum, saved === undefined ? KIND_DFL : RESTORE_SAVED, saved ?? scratch),
			'sigaction',
		);
		mine.delete(signum);
		holdChildWatcher(signum, false);
	}

	return old;
}

/**
 * The current handler of `signalnum` (Python's `signal.getsignal`): the
 * function set with {@link signal}, {@link SIG_IGN} if the signal is
 * ignored, else {@link SIG_DFL} (Node's own handling, whatever it is).
 *
 * @throws {ValueError} for a number outside 1 … NSIG - 1
 */
export function getsignal(signalnum: number): Handler {
	const signum = toSignum(signalnum);
	const handler = handlers.get(signum);
	if (handler !== undefined && mine.get(signum) === KIND_OURS) {
		return handler;
	}

	const ret = S.sigactionGet(signum, scratch);
	return ret === KIND_IGN ? SIG_IGN : SIG_DFL;
}

/** Options of {@link setWakeupFd}. */
export interface WakeupFdOptions {
	/** Warn (process warning `ERR_SIGNAL_WAKEUP_FD`) when the fd is full; default true, as Python. */
	readonly warnOnFullBuffer?: boolean;
}

/**
 * Sets the wakeup fd (Python's `signal.set_wakeup_fd`): when a signal with
 * a handler of this module arrives, the C handler writes its number as one
 * byte to `fd`. Register the fd's other end in a selector to see signals as
 * I/O. `fd` must be non-blocking; -1 disables.
 *
 * @returns the previous wakeup fd, or -1
 * @throws {ValueError} in a worker thread, or if `fd` is blocking
 * @throws {OSError} EBADF if `fd` is not open
 */
export function setWakeupFd(fd: number, options: WakeupFdOptions = {}): number {
	mainThreadOnly('set_wakeup_fd');
	if (typeof fd !== 'number' || !Number.isInteger(fd) || fd < -1 || fd > 0x7f_ff_ff_ff) {
		throw argTypeError(`fd must be an integer >= -1, not ${String(fd)}`);
	}

	if (fd >= 0) {
		const flags = check(native.fcntl(fd, constant('F_GETFL'), 0), 'fcntl');
		if ((flags & constant('O_NONBLOCK')) === 0) {
			throw new ValueError(`the fd ${fd} must be in non-blocking mode`, 'ERR_SIGNAL_WAKEUP_BLOCKING');
		}
	}

	wakeup.warnOnFullBuffer = options.warnOnFullBuffer ?? true;
	return S.signalWakeupFd(fd);
}

/**
 * Sends `signalnum` to the calling thread (Python's `signal.raise_signal`)
 * and, on the main thread, runs its handler before returning.
 */
export function raiseSignal(signalnum: number): void {
	const signum = toSignum(signalnum);
	check(S.raise(signum), 'raise');
	runPendingSignalHandlers();
}

/**
 * The C library's description of `signalnum` (Python's `signal.strsignal`),
 * or `null` if it has none.
 */
export function strsignal(signalnum: number): string | null {
	return S.strsignal(toSignum(signalnum));
}

/** Every signal number valid on this platform (Python's `signal.valid_signals`). */
export function validSignals(): Set<number> {
	const n = check(S.signalValid(listOut), 'sigfillset');
	return new Set(listOut.subarray(0, n));
}

/**
 * Schedules SIGALRM in `seconds` (0 cancels; Python's `signal.alarm`).
 *
 * @returns the seconds left of the previous alarm, 0 if none
 */
export function alarm(seconds: number): number {
	if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0 || seconds > 0xff_ff_ff_ff) {
		throw argTypeError(`seconds must be a non-negative integer, not ${String(seconds)}`);
	}

	return S.alarm(seconds);
}

function toSeconds(value: unknown, name: string): number {
	if (typeof value !== 'number') {
		throw argTypeError(`${name} must be a number, not ${typeof value}`);
	}

	if (!Number.isFinite(value) || value < 0) {
		throw new ValueError(`${name} must be a finite number >= 0`, 'ERR_INVALID_VALUE');
	}

	return value;
}

/**
 * Arms interval timer `which` (ITIMER_REAL → SIGALRM, ITIMER_VIRTUAL →
 * SIGVTALRM, ITIMER_PROF → SIGPROF) to fire in `seconds`, then every
 * `interval` seconds (0: once); `seconds` 0 disarms it (Python's
 * `signal.setitimer`).
 *
 * @returns the previous `[seconds, interval]`
 * @throws {OSError} EINVAL for an unknown timer
 */
export function setitimer(which: number, seconds: number, interval = 0): [seconds: number, interval: number] {
	check(
		S.setitimer(which, toSeconds(seconds, 'seconds'), toSeconds(interval, 'interval'), itimerOut),
		'setitimer',
	);
	return [itimerOut[0] ?? 0, itimerOut[1] ?? 0];
}

/** The `[seconds, interval]` left on timer `which` (Python's `signal.getitimer`). */
export function getitimer(which: number): [seconds: number, interval: number] {
	check(S.getitimer(which, itimerOut), 'getitimer');
	return [itimerOut[0] ?? 0, itimerOut[1] ?? 0];
}

/**
 * Changes the calling thread's signal mask (Python's `signal.pthread_sigmask`)
 * and runs the handlers of signals it unblocked.
 *
 * Blocking a signal on the main thread while other threads leave it
 * unblocked only moves its delivery to another thread, whose handler
 * forwards it back: it then waits, pending, until unblocked.
 *
 * @param how - {@link SIG_BLOCK}, {@link SIG_UNBLOCK} or {@link SIG_SETMASK}
 * @param signals - signal numbers
 * @returns the previous mask
 */
export function pthreadSigmask(how: number, signals: Iterable<number>): Set<number> {
	if (typeof (signals as Partial<Iterable<number>> | null)?.[Symbol.iterator] !== 'function') {
		throw argTypeError('signals must be an iterable of signal numbers');
	}

	const list = Int32Array.from([...signals].map(toSignum));
	const n = check(S.pthreadSigmask(how, list, list.length, listOut), 'pthread_sigmask');
	const old = new Set(listOut.subarray(0, n));
	runPendingSignalHandlers();
	return old;
}

/**
 * Python's `signal.default_int_handler`: throws {@link KeyboardInterrupt}.
 * `signal(SIGINT, defaultIntHandler)` makes Ctrl-C end a blocking
 * `select()` with that error, as in Python.
 *
 * @throws {KeyboardInterrupt} always
 */
export function defaultIntHandler(_signum?: number): never {
	throw new KeyboardInterrupt();
}
