// Clear errors for bad input: a NUL in a host name is refused everywhere
// (the C calls would cut the name short), and every wrong-typed or
// out-of-range argument carries Node's `code` and names the parameter.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {
	AF_INET,
	AF_UNIX,
	createConnection,
	createServer,
	getaddrinfo,
	type IPv4Address,
	SOCK_DGRAM,
	SOCK_STREAM,
	Socket,
} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {closing, pair} from '../helpers/sockets.js';

checkFdLeaks();

const nulHost = {name: 'TypeError', message: /host name must not contain null character/};

describe('a NUL in a host name', () => {
	test('getaddrinfo refuses it instead of resolving the part before it (deliberately unlike CPython)', () => {
		for (const host of ['127.0.0.1\0evil.example', 'localhost\0', '\0']) {
			assert.throws(
				() => getaddrinfo(host, 80),
				{...nulHost, code: 'ERR_INVALID_ARG_VALUE'},
				JSON.stringify(host),
			);
		}

		assert.throws(() => getaddrinfo('127.0.0.1', '80\0x'), {
			name: 'TypeError',
			code: 'ERR_INVALID_ARG_VALUE',
		});
		assert.equal(
			getaddrinfo('127.0.0.1', 80, AF_INET, SOCK_STREAM).length,
			1,
			'a clean name still resolves',
		);
	});

	test('createConnection refuses it and connects nowhere', t => {
		const [listener] = closing(t, createServer(['127.0.0.1', 0]));
		const [, port] = listener.getsockname() as IPv4Address;
		assert.throws(() => createConnection(['127.0.0.1\0evil.example', port]), nulHost);
		listener.setblocking(false);
		assert.throws(() => listener.accept(), {name: 'BlockingIOError'}, 'no connection was made');
	});

	test('bind/connect/sendto refuse it with the same error and code', t => {
		const [sock] = closing(t, new Socket(AF_INET, SOCK_DGRAM));
		const address: IPv4Address = ['127.0.0.1\0evil.example', 9];
		for (const call of [
			() => sock.bind(address),
			() => sock.connect(address),
			() => sock.sendto(Buffer.from('x'), address),
		]) {
			assert.throws(call, {...nulHost, code: 'ERR_INVALID_ARG_VALUE'});
		}
	});

	test(
		'an abstract AF_UNIX name keeps its leading NUL',
		{
			skip: process.platform === 'linux' ? false : 'abstract names are Linux',
		},
		t => {
			const [server] = closing(t, new Socket(AF_UNIX, SOCK_STREAM));
			const name = `\0selectors-errors-${process.pid}`;
			server.bind(name);
			assert.equal(server.getsockname(), name);
		},
	);
});

describe("argument errors carry Node's code and name the parameter", () => {
	const argType = (name: RegExp): object => ({
		name: 'TypeError',
		code: 'ERR_INVALID_ARG_TYPE',
		message: name,
	});
	const outOfRange = (name: RegExp): object => ({
		name: 'RangeError',
		code: 'ERR_OUT_OF_RANGE',
		message: name,
	});

	test('Socket methods', t => {
		const [a] = pair(t);
		assert.throws(() => a.recv('x' as unknown as number), argType(/buffer size/));
		assert.throws(() => a.recv(1, 'x' as unknown as number), argType(/flags/));
		assert.throws(() => a.recv(1, 2 ** 40), outOfRange(/flags/));
		assert.throws(() => a.send('x' as unknown as Uint8Array), argType(/bytes-like/));
		assert.throws(() => a.recvInto(new Uint8Array(1), 'x' as unknown as number), argType(/nbytes/));
		assert.throws(() => a.settimeout('x' as unknown as number), argType(/timeout/));
		assert.throws(() => a.settimeout(Number.POSITIVE_INFINITY), outOfRange(/timeout/));
		assert.throws(() => a.setblocking('x' as unknown as boolean), argType(/flag/));
		assert.throws(() => a.setsockopt('x' as unknown as number, 1, 1), argType(/level/));
		assert.throws(() => a.shutdown(1.5), argType(/how/));
		assert.throws(() => new Socket('x' as unknown as number), argType(/family/));
		assert.throws(() => new Socket(AF_INET, SOCK_STREAM, 0, 2 ** 40), outOfRange(/fileno/));
	});

	test('addresses and getaddrinfo', t => {
		const [sock] = closing(t, new Socket(AF_INET, SOCK_DGRAM));
		assert.throws(() => sock.bind(['127.0.0.1', '80'] as unknown as IPv4Address), argType(/port/));
		assert.throws(() => sock.bind(['127.0.0.1', 70_000]), outOfRange(/port/));
		assert.throws(() => sock.bind([1, 0] as unknown as IPv4Address), argType(/host/));
		assert.throws(() => sock.bind('127.0.0.1'), argType(/address/));
		assert.throws(() => getaddrinfo(1 as unknown as string, 80), argType(/host/));
		assert.throws(() => getaddrinfo('127.0.0.1', 80, 'x' as unknown as number), argType(/family/));
		assert.throws(() => createConnection('x' as unknown as IPv4Address), argType(/address/));
	});
});
