/**
 * Low-level waiting without blocking the event loop — the building blocks
 * of `selectAsync()`:
 *
 * - {@link FdWatch}: a libuv poll handle on a pollable fd (an epoll or
 *   kqueue fd is readable while events are pending);
 * - {@link startPoll}/{@link startSelect} ({@link asyncPoll}/{@link asyncSelect}):
 *   one poll(2)/select(2) on a helper thread, cancellable, for the backends
 *   with no pollable fd.
 *
 * Both keep the process alive while pending unless unref'd, take an
 * `AbortSignal`, and release every handle, thread and fd on every path
 * (settle, abort, close, garbage collection, worker/process exit). Timeouts
 * here are integer **milliseconds** (the selector API converts from seconds).
 *
 * @module
 */
export {
	FdWatch,
	WATCH_READABLE,
	WATCH_WRITABLE,
	WATCH_DISCONNECT,
	WATCH_PRIORITIZED,
	type FdWatchOptions,
	type FdWaitOptions,
} from './fd-watch.js';
export {
	PendingWait,
	startPoll,
	startSelect,
	asyncPoll,
	asyncSelect,
	type AsyncWaitOptions,
} from './wait.js';
