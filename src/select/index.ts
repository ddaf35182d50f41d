/**
 * `node-selectors/select` — Python's `select` module: `select()`, `poll()`,
 * `epoll()` (Linux), `kqueue()`/`kevent()` (macOS, BSD) and their
 * constants, with CPython's semantics (Modules/selectmodule.c) and
 * camelCased names where Python's are not already one word.
 *
 * ```ts
 * import {select, poll, epoll, POLLIN} from 'node-selectors/select';
 * const [r] = select([sock], [], [], 1.0);
 * ```
 *
 * Not here: `devpoll` (Solaris' /dev/poll; absent as in CPython wherever
 * the OS lacks it, i.e. on every platform this package builds on).
 *
 * @module
 */
import {OSError} from '../errors.js';

export {select, FD_SETSIZE} from './select.js';
export {Poll, poll} from './poll.js';
export {Epoll, epoll} from './epoll.js';
export {Kqueue, KEvent, kqueue, kevent} from './kqueue.js';
export * from './constants.js';

/** Python's `select.error`: an alias of {@link OSError} since Python 3.3. */
export const error = OSError;
/** Python's `select.error`: an alias of {@link OSError}. */
export type error = OSError;
export {OSError};
