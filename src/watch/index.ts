/**
 * `node-selectors/watch` — wait for readiness of any file descriptor without
 * a selector and without blocking the event loop, through the library's one
 * wait engine (a reactor thread per Node environment on epoll or kqueue):
 *
 * - {@link FdWatch}: `await watch.wait({events, edge, timeoutMs, signal})`
 *   resolves with the raw event bits (0 on timeout), and
 *   `for await (const events of watch.events({edge, signal}))` iterates them;
 * - {@link Epoll}: npm `epoll`'s callback API, `new Epoll((err, fd, events)
 *   => …)` with `add`/`modify`/`remove`/`close` and the `EPOLL*` statics, so
 *   code written for npm `epoll` ports by changing its import. It is not the
 *   `Epoll` of `node-selectors/select` (Python's blocking `select.epoll`).
 *
 * Event bits are epoll's values on every platform (kqueue's filters are
 * translated); `EPOLLPRI` is Linux only.
 *
 * fds that Node itself watches (a `net.Socket`'s, `process.stdin`) can be
 * watched: the reactor watches its own duplicate of the fd in its own kernel
 * set, which leaves libuv's registration alone. Reading from such an fd
 * races Node's own reads: watching is safe, consuming is the caller's
 * business.
 *
 * ```ts
 * import {FdWatch, WATCH_READABLE, Epoll} from 'node-selectors/watch';
 * ```
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
	type FdEventsOptions,
} from '../async/fd-watch.js';
export {Epoll, type EpollCallback} from './epoll.js';
export {LoopHandle} from '../async/loop-handle.js';
export {WATCH_ERROR, WATCH_HANGUP} from './bits.js';
