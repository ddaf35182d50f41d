/**
 * The generic event bits of Python's `selectors` module.
 *
 * Each backend maps them onto its own flags (POLLIN/POLLOUT, EPOLLIN/EPOLLOUT,
 * EVFILT_READ/EVFILT_WRITE, the read/write sets of select(2)).
 *
 * @module
 */

/**
 * The file object is ready for reading (Python's `selectors.EVENT_READ`,
 * `1 << 0`). Error and hang-up conditions are reported as readable too, so a
 * following read sees the error or EOF.
 */
export const EVENT_READ = 1;

/**
 * The file object is ready for writing (Python's `selectors.EVENT_WRITE`,
 * `1 << 1`). Error and hang-up conditions are reported as writable too (poll,
 * epoll), so a following write sees the error.
 */
export const EVENT_WRITE = 2;

/** `EVENT_READ | EVENT_WRITE`: every valid events mask is a non-empty subset. @internal */
export const EVENT_MASK = EVENT_READ | EVENT_WRITE;
