/**
 * Preloaded into an example program by a test (`node --import` this file):
 *
 * - every selector reports a file object ready for both EVENT_READ and
 *   EVENT_WRITE as two entries of one `select()` batch, `[key, EVENT_READ]`
 *   then `[key, EVENT_WRITE]`, as KqueueSelector does (one kevent per
 *   filter; CPython's KqueueSelector too, Lib/selectors.py), so that
 *   kqueue's batches can be exercised on Linux;
 * - accepted sockets get a small SO_SNDBUF, so that output backs up in the
 *   program instead of the kernel (loopback send buffers grow to megabytes).
 *
 * Not a test file: test/examples/http-server-kqueue-batch.test.ts uses it.
 */
import {EVENT_READ, EVENT_WRITE, type SelectorKey} from '../../src/selectors/index.js';
import {BaseSelectorImpl} from '../../src/selectors/base-impl.js';
import {SO_SNDBUF, SOL_SOCKET, Socket, type SocketAddress} from '../../src/socket/index.js';

const select = BaseSelectorImpl.prototype.select;
BaseSelectorImpl.prototype.select = function (
	this: BaseSelectorImpl,
	timeout?: number | null,
): Array<[SelectorKey, number]> {
	const out: Array<[SelectorKey, number]> = [];
	for (const [key, events] of select.call(this, timeout) as Array<[SelectorKey, number]>) {
		if (events === (EVENT_READ | EVENT_WRITE)) {
			out.push([key, EVENT_READ], [key, EVENT_WRITE]);
		} else {
			out.push([key, events]);
		}
	}

	return out;
};

const accept = Socket.prototype.accept;
Socket.prototype.accept = function (this: Socket): [Socket, SocketAddress] {
	const result = accept.call(this);
	result[0].setsockopt(SOL_SOCKET, SO_SNDBUF, 4096);
	return result;
};
