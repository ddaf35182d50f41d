// IPv4 and IPv6 over loopback: TCP and UDP, addresses in Python's shapes,
// address validation, name resolution, connection errors (refused, reset,
// broken pipe) and the createConnection/createServer/getaddrinfo helpers.
import assert from 'node:assert/strict';
import {constants} from 'node:os';
import {setTimeout as sleep} from 'node:timers/promises';
import {describe, test, type TestContext} from 'node:test';
import {
	AF_INET,
	AF_INET6,
	AF_UNSPEC,
	AI_NUMERICHOST,
	AI_PASSIVE,
	BrokenPipeError,
	ConnectionError,
	ConnectionRefusedError,
	ConnectionResetError,
	createConnection,
	createServer,
	GaiError,
	getaddrinfo,
	hasDualstackIpv6,
	hasIpv6,
	IPPROTO_IPV6,
	IPPROTO_TCP,
	IPPROTO_UDP,
	type IPv4Address,
	type IPv6Address,
	IPV6_V6ONLY,
	OSError,
	SO_BROADCAST,
	SO_LINGER,
	SO_REUSEADDR,
	SO_REUSEPORT,
	SOCK_DGRAM,
	SOCK_STREAM,
	SOL_SOCKET,
	Socket,
	type SocketAddress,
	ValueError,
} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {closing, ipv6Unavailable, loopback, tcpPair} from '../helpers/sockets.js';

checkFdLeaks();

const E = constants.errno;

const families: Array<[string, number]> = [
	['IPv4', AF_INET],
	['IPv6', AF_INET6],
];

function skipFor(family: number): string | false {
	return family === AF_INET6 ? ipv6Unavailable() : false;
}

function udpPair(t: TestContext, family: number): [a: Socket, b: Socket, bAddress: SocketAddress] {
	const [a, b] = closing(t, new Socket(family, SOCK_DGRAM), new Socket(family, SOCK_DGRAM));
	a.bind([loopback(family), 0]);
	b.bind([loopback(family), 0]);
	return [a, b, b.getsockname()];
}

for (const [name, family] of families) {
	describe(`${name} TCP`, {skip: skipFor(family)}, () => {
		test('echo with Python-shaped addresses', t => {
			const [client, server, listener] = tcpPair(t, family);
			const local = client.getsockname();
			const peer = server.getpeername();
			assert.deepEqual(local, peer);
			assert.deepEqual(client.getpeername(), listener.getsockname());
			assert.equal(client.family, family);
			assert.equal(client.proto, 0);
			if (family === AF_INET) {
				assert.equal((local as IPv4Address).length, 2);
				assert.equal((local as IPv4Address)[0], '127.0.0.1');
			} else {
				const [host, port, flowinfo, scopeId] = local as IPv6Address;
				assert.deepEqual([host, typeof port, flowinfo, scopeId], ['::1', 'number', 0, 0]);
			}

			client.sendall(Buffer.from('ping'));
			assert.equal(server.recv(10).toString(), 'ping');
			server.sendall(Buffer.from('pong'));
			assert.equal(client.recv(10).toString(), 'pong');
		});

		test('recvfrom on a connected stream socket', t => {
			const [client, server] = tcpPair(t, family);
			client.sendall(Buffer.from('x'));
			const [data, address] = server.recvfrom(10);
			assert.equal(data.toString(), 'x');
			// Linux reports no address for a TCP recvfrom (Python: None).
			if (process.platform === 'linux') {
				assert.equal(address, null);
			}
		});

		test('EOF after the peer shuts down writing, then after close', t => {
			const [client, server] = tcpPair(t, family);
			client.sendall(Buffer.from('last'));
			client.shutdown(1);
			assert.equal(server.recv(10).toString(), 'last');
			assert.equal(server.recv(10).length, 0);
			assert.equal(server.recv(10).length, 0, 'EOF is sticky');
		});

		test('ECONNREFUSED from connect and connectEx', t => {
			const [holder] = closing(t, new Socket(family));
			holder.bind([loopback(family), 0]);
			const address = holder.getsockname() as IPv4Address;
			const [a, b] = closing(t, new Socket(family), new Socket(family));
			assert.throws(() => a.connect([address[0], address[1]]), ConnectionRefusedError);
			assert.equal(b.connectEx([address[0], address[1]]), E.ECONNREFUSED);
		});

		test('ECONNRESET after the peer closes with SO_LINGER 0 (RST), then EPIPE', t => {
			const [client, server] = tcpPair(t, family);
			server.setsockopt(SOL_SOCKET, SO_LINGER, new Int32Array([1, 0]));
			server.close();
			assert.throws(
				() => client.recv(10),
				e => {
					assert.ok(e instanceof ConnectionResetError, String(e));
					assert.equal(e.errno, E.ECONNRESET);
					assert.equal(e.syscall, 'recv');
					return true;
				},
			);
			assert.throws(
				() => client.send(Buffer.from('x')),
				e => e instanceof BrokenPipeError && e.errno === E.EPIPE,
			);
		});

		test('writing to a closed peer ends in EPIPE or ECONNRESET, never SIGPIPE', async t => {
			const [client, server] = tcpPair(t, family);
			server.close();
			let error: unknown;
			for (let i = 0; i < 50 && error === undefined; i++) {
				try {
					client.send(Buffer.from('data'));
					await sleep(10); // let the peer's RST arrive
				} catch (caught) {
					error = caught;
				}
			}

			assert.ok(
				error instanceof BrokenPipeError || error instanceof ConnectionResetError,
				String(error),
			);
			assert.ok(error instanceof ConnectionError);
		});

		test(
			'host names resolve (localhost)',
			{skip: family === AF_INET6 ? 'localhost may not map to ::1 in /etc/hosts' : false},
			t => {
				const [listener] = closing(t, new Socket(family));
				listener.bind(['localhost', 0]);
				listener.listen();
				const [, port] = listener.getsockname() as IPv4Address;
				assert.equal((listener.getsockname() as IPv4Address)[0], '127.0.0.1');
				const [client] = closing(t, new Socket(family));
				client.connect(['localhost', port]);
				closing(t, listener.accept()[0]);
			},
		);

		test("'' binds the wildcard address", t => {
			const [sock] = closing(t, new Socket(family));
			sock.bind(['', 0]);
			assert.equal((sock.getsockname() as IPv4Address)[0], family === AF_INET ? '0.0.0.0' : '::');
		});
	});

	describe(`${name} UDP`, {skip: skipFor(family)}, () => {
		test('sendto / recvfrom with addresses', t => {
			const [a, b, bAddress] = udpPair(t, family);
			assert.equal(a.sendto(Buffer.from('dgram'), bAddress as IPv4Address), 5);
			const [data, from] = b.recvfrom(100);
			assert.equal(data.toString(), 'dgram');
			assert.deepEqual(from, a.getsockname());
			assert.equal(b.sendto(Buffer.from('back'), 0, from as IPv4Address), 4);
			assert.equal(a.recv(100).toString(), 'back');
		});

		test('recvfrom truncates a datagram longer than bufsize; recvfromInto into a buffer', t => {
			const [a, b, bAddress] = udpPair(t, family);
			a.sendto(Buffer.from('0123456789'), bAddress as IPv4Address);
			assert.equal(b.recvfrom(4)[0].toString(), '0123');
			a.sendto(Buffer.from('abcdef'), bAddress as IPv4Address);
			const buf = Buffer.alloc(16);
			const [count, from] = b.recvfromInto(buf);
			assert.equal(count, 6);
			assert.equal(buf.subarray(0, 6).toString(), 'abcdef');
			assert.deepEqual(from, a.getsockname());
		});

		test('connected UDP: send/recv; ECONNREFUSED reported on the next call', t => {
			const [holder] = closing(t, new Socket(family, SOCK_DGRAM));
			holder.bind([loopback(family), 0]);
			const closedAddress = holder.getsockname() as IPv4Address;
			holder.close();
			const [sock] = closing(t, new Socket(family, SOCK_DGRAM));
			sock.connect(closedAddress);
			sock.settimeout(2);
			sock.send(Buffer.from('anyone?'));
			assert.throws(
				() => sock.recv(10),
				e => e instanceof ConnectionRefusedError && e.syscall === 'recv',
			);
		});

		test('an empty datagram is a zero-length result, not EOF', t => {
			const [a, b, bAddress] = udpPair(t, family);
			a.sendto(new Uint8Array(0), bAddress as IPv4Address);
			const [data, from] = b.recvfrom(10);
			assert.equal(data.length, 0);
			assert.deepEqual(from, a.getsockname());
		});
	});
}

describe('address checks (TypeError for shapes and types, RangeError for ranges)', () => {
	test('AF_INET', t => {
		const [sock] = closing(t, new Socket(AF_INET, SOCK_DGRAM));
		const bad: Array<[unknown, new (...args: never[]) => Error]> = [
			['127.0.0.1', TypeError],
			[['127.0.0.1'], TypeError],
			[['127.0.0.1', 0, 0], TypeError],
			[[127, 0], TypeError],
			[['127.0.0.1', '80'], TypeError],
			[['127.0.0.1', 1.5], TypeError],
			[['127.0.0.1', null], TypeError],
			[['127.0.0.1', -1], RangeError],
			[['127.0.0.1', 65_536], RangeError],
			[null, TypeError],
			// A NUL would end the name in C: refused, as CPython does.
			[['127.0.0.1\0evil.example', 0], TypeError],
			[['localhost\0evil.example', 0], TypeError],
		];
		for (const [address, Class] of bad) {
			assert.throws(() => sock.bind(address as IPv4Address), Class, JSON.stringify(address));
			assert.throws(() => sock.connect(address as IPv4Address), Class, JSON.stringify(address));
			assert.throws(() => sock.connectEx(address as IPv4Address), Class, JSON.stringify(address));
			assert.throws(
				() => sock.sendto(Buffer.from('x'), address as IPv4Address),
				Class,
				JSON.stringify(address),
			);
		}

		assert.throws(() => sock.bind(['127.0.0.1', 70_000]), {message: 'bind(): port must be 0-65535.'});
		assert.deepEqual(sock.getsockname(), ['0.0.0.0', 0], 'nothing was bound');
	});

	test('AF_INET6', {skip: ipv6Unavailable()}, t => {
		const [sock] = closing(t, new Socket(AF_INET6, SOCK_DGRAM));
		assert.throws(() => sock.bind(['::1'] as unknown as IPv6Address), TypeError);
		assert.throws(() => sock.bind(['::1', 0, 0, 0, 0] as unknown as IPv6Address), TypeError);
		assert.throws(() => sock.bind(['::1', 0, 0x10_0000]), RangeError);
		assert.throws(() => sock.bind(['::1', 0, -1]), RangeError);
		assert.throws(() => sock.bind(['::1', 0, 0, -1]), RangeError);
		assert.throws(() => sock.bind(['::1', 0, 0, 2 ** 32]), RangeError);
		assert.throws(() => sock.bind(['::1', 0, '0' as unknown as number]), TypeError); // eslint-disable-line @typescript-eslint/no-unnecessary-type-assertion -- the wrong type is the point
		assert.throws(() => sock.bind(['::1', 70_000]), RangeError);
		assert.throws(() => sock.bind(['::1\0x', 0]), TypeError);
		sock.bind(['::1', 0, 0, 0]);
		assert.equal((sock.getsockname() as IPv6Address).length, 4);
	});

	test('an IPv6 address on an IPv4 socket is not resolvable there', t => {
		const [sock] = closing(t, new Socket(AF_INET));
		assert.throws(
			() => sock.bind(['::1', 0]),
			e => e instanceof OSError,
		);
	});

	test("'<broadcast>' means 255.255.255.255 (AF_INET)", t => {
		const [sock] = closing(t, new Socket(AF_INET, SOCK_DGRAM));
		sock.setsockopt(SOL_SOCKET, SO_BROADCAST, 1);
		sock.connect(['<broadcast>', 9]); // UDP connect sends nothing
		assert.deepEqual(sock.getpeername(), ['255.255.255.255', 9]);
	});
});

describe('getaddrinfo', () => {
	test('numeric IPv4 in Python shape', () => {
		const result = getaddrinfo('127.0.0.1', 80, AF_INET, SOCK_STREAM);
		assert.deepEqual(result, [[AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['127.0.0.1', 80]]]);
		const udp = getaddrinfo('127.0.0.1', '53', AF_INET, SOCK_DGRAM);
		assert.deepEqual(udp, [[AF_INET, SOCK_DGRAM, IPPROTO_UDP, '', ['127.0.0.1', 53]]]);
	});

	test('numeric IPv6 gives 4-element addresses', () => {
		const [first] = getaddrinfo('::1', 8080, AF_INET6, SOCK_STREAM);
		assert.deepEqual(first, [AF_INET6, SOCK_STREAM, IPPROTO_TCP, '', ['::1', 8080, 0, 0]]);
	});

	test('null host with AI_PASSIVE is the wildcard; null port gives port 0', () => {
		assert.deepEqual(getaddrinfo(null, 0, AF_INET, SOCK_STREAM, 0, AI_PASSIVE)[0]?.[4], ['0.0.0.0', 0]);
		assert.deepEqual(getaddrinfo('127.0.0.1', null, AF_INET, SOCK_STREAM)[0]?.[4], ['127.0.0.1', 0]);
		assert.ok(getaddrinfo('localhost', 1, AF_UNSPEC, SOCK_STREAM).length >= 1);
	});

	test('failure is a GaiError with the EAI code (no network used: AI_NUMERICHOST)', () => {
		assert.throws(
			() => getaddrinfo('not-a-number', 80, AF_INET, 0, 0, AI_NUMERICHOST),
			e => {
				assert.ok(e instanceof GaiError, String(e));
				assert.ok(e instanceof OSError);
				assert.equal(e.name, 'gaierror');
				assert.equal(e.code, 'EAI_NONAME');
				assert.equal(e.syscall, 'getaddrinfo');
				return true;
			},
		);
	});

	test('argument types', () => {
		assert.throws(() => getaddrinfo(1 as unknown as string, 80), TypeError);
		assert.throws(() => getaddrinfo('127.0.0.1', 1.5), TypeError);
		assert.throws(() => getaddrinfo('127.0.0.1', {} as unknown as number), TypeError);
		assert.throws(() => getaddrinfo('127.0.0.1', 80, 'x' as unknown as number), TypeError);
	});
});

describe('createConnection', () => {
	test('connects, applies the timeout, binds the source address', t => {
		const [listener] = closing(t, createServer(['127.0.0.1', 0]));
		const address = listener.getsockname() as IPv4Address;
		const [client] = closing(t, createConnection(address, 2.5, ['127.0.0.1', 0]));
		assert.equal(client.gettimeout(), 2.5);
		assert.equal(client.type, SOCK_STREAM);
		assert.deepEqual(client.getpeername(), address);
		const [conn, from] = listener.accept();
		closing(t, conn);
		assert.deepEqual(from, client.getsockname());
	});

	test('without a timeout the socket is in the default mode', t => {
		const [listener] = closing(t, createServer(['127.0.0.1', 0]));
		const [client] = closing(t, createConnection(listener.getsockname() as IPv4Address));
		assert.equal(client.gettimeout(), null);
		closing(t, listener.accept()[0]);
	});

	test('throws the last error; allErrors gives an AggregateError; nothing leaks', t => {
		const [holder] = closing(t, new Socket());
		holder.bind(['127.0.0.1', 0]);
		const address = holder.getsockname() as IPv4Address;
		assert.throws(() => createConnection(address), ConnectionRefusedError);
		assert.throws(
			() => createConnection(address, null, null, {allErrors: true}),
			e => {
				assert.ok(e instanceof AggregateError);
				assert.ok(e.errors.length >= 1 && e.errors.every(x => x instanceof ConnectionRefusedError));
				return true;
			},
		);
		assert.throws(() => createConnection('127.0.0.1' as unknown as IPv4Address), TypeError);
	});
});

describe('createServer', () => {
	test('IPv4: listening, SO_REUSEADDR set, backlog accepted', t => {
		const [server] = closing(t, createServer(['127.0.0.1', 0], {backlog: 5}));
		assert.notEqual(server.getsockopt(SOL_SOCKET, SO_REUSEADDR), 0);
		const [client] = closing(t, new Socket());
		client.connect(server.getsockname());
		closing(t, server.accept()[0]);
	});

	test('reusePort sets SO_REUSEPORT', {skip: SO_REUSEPORT === undefined ? 'no SO_REUSEPORT' : false}, t => {
		const [a] = closing(t, createServer(['127.0.0.1', 0], {reusePort: true}));
		assert.notEqual(a.getsockopt(SOL_SOCKET, SO_REUSEPORT ?? 0), 0);
		const [b] = closing(t, createServer(a.getsockname() as IPv4Address, {reusePort: true}));
		assert.deepEqual(b.getsockname(), a.getsockname());
	});

	test('IPv6: IPV6_V6ONLY on by default', {skip: ipv6Unavailable()}, t => {
		const [server] = closing(t, createServer(['::1', 0], {family: AF_INET6}));
		assert.notEqual(server.getsockopt(IPPROTO_IPV6, IPV6_V6ONLY), 0);
	});

	test(
		'dualstackIpv6 accepts IPv4 clients on an AF_INET6 socket',
		{skip: ipv6Unavailable() || (hasDualstackIpv6() ? false : 'no dual-stack')},
		t => {
			const [server] = closing(
				t,
				createServer(['::ffff:127.0.0.1', 0], {family: AF_INET6, dualstackIpv6: true}),
			);
			assert.equal(server.getsockopt(IPPROTO_IPV6, IPV6_V6ONLY), 0);
			const [, port] = server.getsockname() as IPv6Address;
			const [client] = closing(t, new Socket(AF_INET));
			client.connect(['127.0.0.1', port]);
			const [conn, from] = server.accept();
			closing(t, conn);
			assert.equal((from as IPv6Address)[0], '::ffff:127.0.0.1');
		},
	);

	test('option errors are ValueErrors; bind errors name the address; nothing leaks', t => {
		assert.throws(() => createServer(['127.0.0.1', 0], {dualstackIpv6: true}), ValueError);
		const [first] = closing(t, createServer(['127.0.0.1', 0]));
		const address = first.getsockname() as IPv4Address;
		assert.throws(
			() => createServer(address),
			e => {
				assert.ok(e instanceof OSError, String(e));
				assert.equal(e.errno, E.EADDRINUSE);
				assert.match(
					e.message,
					/^\[Errno \d+\] .* \(while attempting to bind on address \["127\.0\.0\.1",\d+\]\)$/,
				);
				return true;
			},
		);
	});

	test('a host that does not resolve is the GaiError itself, naming the host (no network: an IPv6 literal for AF_INET)', () => {
		assert.throws(
			() => createServer(['::1', 0]),
			e => {
				assert.ok(e instanceof GaiError, String(e));
				assert.equal(e.syscall, 'getaddrinfo');
				assert.match(e.message, /\(getaddrinfo ::1\)$/);
				assert.doesNotMatch(e.message, /object Object/);
				return true;
			},
		);
	});

	test('hasIpv6 is a boolean constant', () => {
		assert.equal(hasIpv6, true);
	});
});
