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
 * Building `selectAsync(timeout)` on them (the policy is the selector's;
 * implemented by `BaseSelectorImpl.selectAsync` and src/selectors/async-wait.ts,
 * where poll/select also restart the helper-thread wait when the
 * registrations change):
 * - epoll/kqueue: one lazily created `FdWatch` on the selector's fd; try a
 *   synchronous `select(0)` first (and return for a zero timeout); else
 *   `await watch.wait({timeoutMs, signal})` and collect with `select(0)` —
 *   an empty result after a wake-up (another consumer, a spurious event)
 *   loops until the deadline. `close()` calls `watch.close()`, which rejects
 *   a pending wait with `ERR_WATCH_CLOSED` and closes the watch's duplicate
 *   of the selector fd.
 * - poll/select: `startPoll(table.data, table.n, ms, out)` /
 *   `startSelect(...)`, then translate `out` as the synchronous path does.
 *   The interest array is copied at start; `out` is written at completion,
 *   so give a pending wait an `out` that register() cannot reallocate
 *   meanwhile. `close()` calls `pending.cancel(reason)`.
 * - `ref`: `FdWatch.ref()/unref()`, `PendingWait.ref()/unref()` (also
 *   callable while waiting).
 * - Costs measured on the 2-core dev box: `startPoll` on a ready fd
 *   ≈ 50 µs (thread create, poll, join, loop hop) against 0.5 µs for a
 *   synchronous poll; `FdWatch.wait()` + `epollWait(0)` ≈ 5 µs.
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
