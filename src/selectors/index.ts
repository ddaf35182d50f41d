/**
 * Python's `selectors` module: high-level, efficient I/O multiplexing over
 * select(2), poll(2), epoll(7) and kqueue(2).
 *
 * CPython's `Lib/selectors.py` is the specification, with camelCased names
 * (`get_key` → `getKey`, `get_map` → `getMap`) and timeouts in seconds.
 * Deliberate differences:
 *
 * - After `close()`, every method but `close()` throws
 *   `RuntimeError('Selector is closed')` (code `ERR_SELECTOR_CLOSED`);
 *   CPython only does so for `get_key()` (and `get_map()` returns `None`).
 * - `SelectSelector.register()` refuses an fd ≥ `FD_SETSIZE` with
 *   `ValueError` (code `ERR_FD_SETSIZE`); CPython accepts it and every
 *   `select()` then raises `ValueError`.
 * - `modify()` validates `events` up front and changes nothing on a bad
 *   mask; CPython's poll-like selectors pass it on, the others unregister
 *   the file object first.
 * - A non-integer fd or events value is a `ValueError` (a JavaScript
 *   number has no int/float distinction).
 * - `select()` leaves out entries whose events, masked by the key's
 *   events, are empty; CPython would return `(key, 0)`.
 * - A signal never ends `select()` early: Node runs JavaScript signal
 *   handlers on the event loop, after `select()` has returned, so a handler
 *   cannot abort it by throwing (CPython: the exception propagates).
 *   EINTR is retried with the remaining time (PEP 475), as in CPython.
 * - `getMap()` is a `ReadonlyMap<number, SelectorKey>`: iterating yields
 *   `[fd, key]` entries (a Python mapping iterates its keys), and `get()`
 *   returns `undefined` where Python's `mapping[fileobj]` raises KeyError.
 * - `DevpollSelector` is exported but never available; every class has a
 *   static `available` flag, and constructing an unavailable one throws
 *   `OSError` ENOSYS (CPython leaves the name undefined).
 * - `DefaultSelector` can be forced with `SELECTORS_BACKEND`, and is chosen
 *   by probing (a backend that exists but fails to work is skipped).
 * - Modifying data only keeps the key when the new data is `===` the old
 *   one (CPython compares with `!=`).
 *
 * Additions for Node (not in CPython): `selectAsync()` and `events()` wait
 * without blocking the event loop; `selectInto()` is an allocation-free
 * `select()`; `EpollSelector` takes opt-in kernel flags (edge-triggered,
 * one-shot, exclusive) through a fourth argument of `register()`/`modify()`.
 *
 * @module
 */
export {EVENT_READ, EVENT_WRITE} from '../constants.js';
export {fileobjToFd, type FileDescriptorLike, type HasFileno} from '../fileobj.js';
export {
	BaseSelector,
	SelectorKey,
	type DataArgument,
	type SelectAsyncOptions,
	type SelectorMapping,
} from './base.js';
export {SelectSelector} from './select.js';
export {PollSelector} from './poll.js';
export {EpollSelector, type EpollArguments, type EpollRegisterOptions} from './epoll.js';
export {KqueueSelector} from './kqueue.js';
export {IoUringSelector} from './io-uring.js';
export {DevpollSelector} from './devpoll.js';
export {DefaultSelector, type SelectorClass} from './default.js';
