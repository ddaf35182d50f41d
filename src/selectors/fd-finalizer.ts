/**
 * Closing the kernel handle of a selector that is garbage-collected without
 * `close()`: CPython's `select.epoll` and `select.kqueue` objects close
 * their fd when deallocated (Modules/selectmodule.c, `pyepoll_dealloc`,
 * `kqueue_queue_dealloc`), so a forgotten selector does not leak an fd.
 *
 * @internal
 * @module
 */
import {native} from '../native.js';

const registry = new FinalizationRegistry<number>(fd => {
	native.close(fd);
});

/**
 * Closes `fd` once `owner` has been collected, unless {@link forgetFd}
 * was called first.
 *
 * @param owner - the selector that owns `fd`
 * @param fd - its epoll or kqueue fd
 */
export function closeWhenCollected(owner: object, fd: number): void {
	registry.register(owner, fd, owner);
}

/**
 * Cancels {@link closeWhenCollected}: the owner closes its fd itself.
 *
 * @param owner - the selector
 */
export function forgetFd(owner: object): void {
	registry.unregister(owner);
}
