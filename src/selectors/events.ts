/**
 * The result layout every native wait fills, as native/events.h defines it
 * (that header is the reference; this module describes the same layout for
 * TypeScript), and the one conversion of its bits into `EVENT_*` masks.
 *
 * A wait returns `n` and its Int32Array then begins with `n` `(fd, bits)`
 * pairs ({@link PAIR} values each). `bits` are the backend's own:
 *
 * | backend | bits                                                            |
 * |---------|-----------------------------------------------------------------|
 * | select  | {@link SEL_EV_READ} \| {@link SEL_EV_WRITE}: already `EVENT_*`  |
 * | poll    | `revents`: POLLIN, POLLOUT, POLLERR, …                          |
 * | epoll   | `events`: EPOLLIN, EPOLLOUT, EPOLLERR, …                        |
 * | kqueue  | the filter as {@link SEL_EV_READ} or {@link SEL_EV_WRITE}, \| {@link SEL_EV_EOF} \| {@link SEL_EV_ERROR} |
 *
 * epoll and kqueue write their own records into the array first, so it must
 * hold one record per event wanted: {@link EPOLL_RECORD} or
 * {@link KEVENT_RECORD} int32 values each (the addon reports
 * `sizeof(struct epoll_event)` and `sizeof(struct kevent)`, which differ
 * between platforms); the addon packs them into pairs in place.
 *
 * @internal
 * @module
 */
import {EVENT_READ, EVENT_WRITE} from '../constants.js';
import {native} from '../native.js';

/** int32 values per `(fd, bits)` pair (`SEL_PAIR_INT32`). */
export const PAIR = 2;
/** select: in the read set; kqueue: EVFILT_READ (`SEL_EV_READ`, = `EVENT_READ`). */
export const SEL_EV_READ = 1;
/** select: in the write set; kqueue: EVFILT_WRITE (`SEL_EV_WRITE`, = `EVENT_WRITE`). */
export const SEL_EV_WRITE = 2;
/** select: in the except set (`SEL_EV_EXCEPT`; only select reports it, so it shares its bit with {@link SEL_EV_EOF}). */
export const SEL_EV_EXCEPT = 4;
/** kqueue: EV_EOF was set (`SEL_EV_EOF`). */
export const SEL_EV_EOF = 4;
/** kqueue: EV_ERROR was set (`SEL_EV_ERROR`). */
export const SEL_EV_ERROR = 8;
/** int32 values per `struct epoll_event` in an epoll wait's array; 0 without epoll. */
export const EPOLL_RECORD: number = native.epollRecordInt32 ?? 0;
/** int32 values per `struct kevent` in a kqueue wait's array; 0 without kqueue. */
export const KEVENT_RECORD: number = native.keventRecordInt32 ?? 0;

/**
 * Rewrites the bits of the first `count` pairs of `pairs` in place as
 * `EVENT_*` masks, for the poll(2) family (poll, epoll, /dev/poll). As
 * CPython: any bit other than "readable" (writable, error, hang-up,
 * invalid) counts as writable, and any bit other than "writable" counts as
 * readable; `select()` then masks by the key's events, so an error wakes
 * whichever side was waited for.
 *
 * @param nativeRead - the backend's "readable" bit (POLLIN, EPOLLIN)
 * @param nativeWrite - the backend's "writable" bit (POLLOUT, EPOLLOUT)
 */
export function pollBitsToEvents(
	pairs: Int32Array,
	count: number,
	nativeRead: number,
	nativeWrite: number,
): void {
	const notRead = ~nativeRead;
	const notWrite = ~nativeWrite;
	for (let i = 1; i < PAIR * count; i += PAIR) {
		const bits = pairs[i]!;
		pairs[i] = ((bits & notRead) === 0 ? 0 : EVENT_WRITE) | ((bits & notWrite) === 0 ? 0 : EVENT_READ);
	}
}

/**
 * Rewrites the bits of the first `count` pairs in place as `EVENT_*`
 * masks, for kqueue: the filter gives the event, as in CPython's
 * `KqueueSelector.select()`; EV_EOF adds nothing (the filter fires with it,
 * and the next read or write reports the end or the error); an EV_ERROR
 * record counts as both sides, masked by the key's events as above.
 */
export function kqueueBitsToEvents(pairs: Int32Array, count: number): void {
	for (let i = 1; i < PAIR * count; i += PAIR) {
		const bits = pairs[i]!;
		pairs[i] = (bits & SEL_EV_ERROR) === 0 ? bits & (EVENT_READ | EVENT_WRITE) : EVENT_READ | EVENT_WRITE;
	}
}
