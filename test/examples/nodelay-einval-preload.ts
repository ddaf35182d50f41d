/**
 * Preloaded into an example program by a test (`node --import` this file):
 * the first setsockopt(IPPROTO_TCP, TCP_NODELAY) of the process fails with
 * EINVAL, as on macOS for a connection already shut down both ways (XNU's
 * sosetsockopt; see envoyproxy/envoy#1446): a client that connected and
 * reset before the server accepted it, a server gone before the client
 * saw its connection complete.
 *
 * Not a test file: test/examples/nodelay-einval.test.ts uses it.
 */
import {constants} from 'node:os';
import {type BytesLike, IPPROTO_TCP, OSError, Socket, TCP_NODELAY} from '../../src/socket/index.js';

let failed = false;
const setsockopt = Socket.prototype.setsockopt;
Socket.prototype.setsockopt = function (
	this: Socket,
	level: number,
	option: number,
	value: number | boolean | BytesLike,
): void {
	if (!failed && level === IPPROTO_TCP && option === TCP_NODELAY) {
		failed = true;
		throw OSError.fromErrno(constants.errno.EINVAL, 'setsockopt');
	}

	setsockopt.call(this, level, option, value);
};
