// fromfd() duplicates the fd (Python's socket.fromfd); adoptFd() takes it
// over (tested in socket.test.ts); socket.timeout is TimeoutError.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import * as os from '../../src/os.js';
import * as socket from '../../src/socket/index.js';
import {AF_UNIX, fromfd, SOCK_STREAM, Socket, TimeoutError, ValueError} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {closing, pair} from '../helpers/sockets.js';

checkFdLeaks();

describe('fromfd', () => {
	test('wraps a duplicate: the original fd stays open and usable after the socket closes', t => {
		const [a, b] = pair(t);
		const sock = fromfd(a.fileno(), AF_UNIX, SOCK_STREAM);
		assert.notEqual(sock.fileno(), a.fileno());
		assert.equal(sock.family, AF_UNIX);
		assert.equal(sock.type, SOCK_STREAM);
		assert.equal(sock.proto, 0);
		assert.equal(sock.getInheritable(), false, 'the dup is close-on-exec');
		sock.sendall(Buffer.from('via dup'));
		assert.equal(b.recv(100).toString(), 'via dup');
		sock.close();
		a.sendall(Buffer.from('original'));
		assert.equal(b.recv(100).toString(), 'original');
	});

	test("the two share one file description: the socket's O_NONBLOCK is the original's", t => {
		const [a] = pair(t);
		os.setBlocking(a.fileno(), true);
		const [sock] = closing(t, fromfd(a.fileno(), AF_UNIX, SOCK_STREAM));
		assert.equal(sock.getblocking(), true);
		assert.equal(os.getBlocking(a.fileno()), false);
	});

	test('argument errors: TypeError, ValueError for a negative fd, EBADF for a closed one', () => {
		assert.throws(() => fromfd('3' as unknown as number, AF_UNIX, SOCK_STREAM), {
			name: 'TypeError',
			code: 'ERR_INVALID_ARG_TYPE',
		});
		assert.throws(() => fromfd(3, undefined as unknown as number, SOCK_STREAM), {name: 'TypeError'});
		assert.throws(() => fromfd(-1, AF_UNIX, SOCK_STREAM), ValueError);
		const s = new Socket();
		const fd = s.fileno();
		s.close();
		assert.throws(() => fromfd(fd, AF_UNIX, SOCK_STREAM), {name: 'OSError', code: 'EBADF'});
	});

	test('there is no Socket.fromFd any more (adoptFd; fromfd dups)', () => {
		assert.equal((Socket as unknown as Record<string, unknown>)['fromFd'], undefined);
		assert.equal(typeof Socket.adoptFd, 'function');
	});
});

describe('socket.timeout', () => {
	test('is TimeoutError (Python 3.10+)', () => {
		assert.equal(socket.timeout, TimeoutError);
	});
});
