// The Socket object itself: construction and argument checks, attributes,
// close/detach/dup, a closed socket's EBADF, options, default timeout.
import assert from 'node:assert/strict';
import {constants} from 'node:os';
import {describe, test} from 'node:test';
import * as os from '../../src/os.js';
import {
	AF_INET,
	AF_INET6,
	AF_UNIX,
	BlockingIOError,
	getdefaulttimeout,
	IPPROTO_TCP,
	type IPv4Address,
	OSError,
	SO_ERROR,
	SO_LINGER,
	SO_RCVBUF,
	SO_REUSEADDR,
	SO_TYPE,
	SOCK_CLOEXEC,
	SOCK_DGRAM,
	SOCK_NONBLOCK,
	SOCK_STREAM,
	SOL_SOCKET,
	setdefaulttimeout,
	Socket,
	TCP_NODELAY,
	ValueError,
} from '../../src/socket/index.js';
import {checkFdLeaks, openFdCount} from '../helpers/fds.js';
import {closing, closingFds, pair, tcpPair} from '../helpers/sockets.js';

checkFdLeaks();

const E = constants.errno;

function assertOSError(fn: () => unknown, errno: number, syscall?: string): OSError {
	let caught: unknown;
	try {
		fn();
	} catch (error) {
		caught = error;
	}

	assert.ok(caught instanceof OSError, `expected OSError errno ${errno}, got ${String(caught)}`);
	assert.equal(caught.errno, errno, caught.message);
	if (syscall !== undefined) {
		assert.equal(caught.syscall, syscall);
	}

	return caught;
}

describe('construction', () => {
	test('defaults: AF_INET, SOCK_STREAM, proto 0, blocking', t => {
		const [sock] = closing(t, new Socket());
		assert.equal(sock.family, AF_INET);
		assert.equal(sock.type, SOCK_STREAM);
		assert.equal(sock.proto, 0);
		assert.equal(sock.gettimeout(), null);
		assert.equal(sock.timeout, null);
		assert.equal(sock.getblocking(), true);
		assert.ok(sock.fileno() >= 0);
	});

	test('the fd is non-blocking and close-on-exec in every mode', t => {
		const [sock] = closing(t, new Socket(AF_INET, SOCK_DGRAM));
		assert.equal(os.getBlocking(sock.fileno()), false, 'O_NONBLOCK must be set even in blocking mode');
		assert.equal(os.getInheritable(sock.fileno()), false);
		assert.equal(sock.getInheritable(), false);
		sock.settimeout(2);
		assert.equal(os.getBlocking(sock.fileno()), false);
		sock.setInheritable(true);
		assert.equal(sock.getInheritable(), true);
		sock.setInheritable(false);
		assert.equal(sock.getInheritable(), false);
	});

	test('family, type and proto are stored as given', t => {
		const [udp] = closing(t, new Socket(AF_INET, SOCK_DGRAM, 0));
		assert.equal(udp.type, SOCK_DGRAM);
		const [unix] = closing(t, new Socket(AF_UNIX, SOCK_STREAM));
		assert.equal(unix.family, AF_UNIX);
		const [tcp] = closing(t, new Socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
		assert.equal(tcp.proto, IPPROTO_TCP);
	});

	test(
		'SOCK_NONBLOCK in type starts non-blocking and is not kept in .type (as CPython)',
		{skip: SOCK_NONBLOCK === undefined ? 'no SOCK_NONBLOCK' : false},
		t => {
			const [sock] = closing(
				t,
				new Socket(AF_INET, SOCK_STREAM | (SOCK_NONBLOCK ?? 0) | (SOCK_CLOEXEC ?? 0)),
			);
			assert.equal(sock.type, SOCK_STREAM);
			assert.equal(sock.gettimeout(), 0);
			assert.equal(sock.getblocking(), false);
		},
	);

	test('argument types: TypeError for non-integers, RangeError beyond a C int', () => {
		const before = openFdCount();
		assert.throws(() => new Socket('2' as unknown as number), TypeError);
		assert.throws(() => new Socket(AF_INET, null as unknown as number), TypeError);
		assert.throws(() => new Socket(AF_INET, SOCK_STREAM, 1.5), TypeError);
		assert.throws(() => new Socket(AF_INET, SOCK_STREAM, 0, '3' as unknown as number), TypeError);
		assert.throws(() => new Socket(2 ** 40), RangeError);
		assert.throws(() => new Socket(AF_INET, -(2 ** 40)), RangeError);
		assert.equal(openFdCount(), before, 'a rejected constructor call must not open an fd');
	});

	test('kernel rejections are OSErrors from socket()', () => {
		const error = assertOSError(() => new Socket(12_345), E.EAFNOSUPPORT, 'socket');
		assert.equal(error.code, 'EAFNOSUPPORT');
		assertOSError(() => new Socket(AF_INET, 999), E.EINVAL, 'socket');
		assertOSError(() => new Socket(AF_INET, SOCK_STREAM, 17), E.EPROTONOSUPPORT, 'socket');
	});
});

describe('adoptFd', () => {
	test('detects family, type and proto; takes ownership; keeps the mode default', t => {
		const [a, b] = pair(t, AF_UNIX, SOCK_DGRAM);
		const fd = a.detach();
		const sock = Socket.adoptFd(fd);
		closing(t, sock);
		assert.equal(sock.fileno(), fd);
		assert.equal(sock.family, AF_UNIX);
		assert.equal(sock.type, SOCK_DGRAM);
		assert.equal(sock.gettimeout(), null);
		b.send(Buffer.from('x'));
		assert.deepEqual(sock.recv(4), Buffer.from('x'));
	});

	test('detects an IPv4 TCP socket', t => {
		const [client] = tcpPair(t);
		const sock = Socket.adoptFd(client.detach());
		closing(t, sock);
		assert.equal(sock.family, AF_INET);
		assert.equal(sock.type, SOCK_STREAM);
		assert.equal(sock.proto, IPPROTO_TCP);
	});

	test('explicit family/type/proto override detection', t => {
		const [a] = pair(t);
		const sock = Socket.adoptFd(a.detach(), AF_UNIX, SOCK_STREAM, 0);
		closing(t, sock);
		assert.equal(sock.proto, 0);
	});

	test('switches a blocking fd to O_NONBLOCK underneath', t => {
		const [a] = pair(t);
		const fd = a.detach();
		os.setBlocking(fd, true);
		const sock = Socket.adoptFd(fd);
		closing(t, sock);
		assert.equal(os.getBlocking(fd), false);
		assert.equal(sock.getblocking(), true);
	});

	test('a negative fd is a ValueError, a non-integer a TypeError', () => {
		assert.throws(() => Socket.adoptFd(-1), ValueError);
		assert.throws(() => Socket.adoptFd('3' as unknown as number), TypeError);
	});

	test('a non-socket fd is ENOTSOCK, a closed fd EBADF; neither is closed or leaked', t => {
		const [r, w] = closingFds(t, ...os.pipe());
		assertOSError(() => Socket.adoptFd(r ?? -1), E.ENOTSOCK);
		assert.equal(os.getBlocking(w ?? -1), false, 'the pipe stays open');
		const s = new Socket();
		const fd = s.fileno();
		s.close();
		assertOSError(() => Socket.adoptFd(fd), E.EBADF);
	});
});

describe('close, detach, dup', () => {
	test('close() sets fileno() to -1; a second close() is a no-op', () => {
		const sock = new Socket();
		const fd = sock.fileno();
		sock.close();
		assert.equal(sock.fileno(), -1);
		sock.close();
		assert.equal(sock.fileno(), -1);
		assertOSError(() => os.getBlocking(fd), E.EBADF);
	});

	test('Symbol.dispose closes (using)', () => {
		let fd: number;
		{
			using sock = new Socket();
			fd = sock.fileno();
			assert.equal(os.getBlocking(fd), false);
		}

		assertOSError(() => os.getBlocking(fd), E.EBADF);
	});

	test('detach() hands the fd over without closing it', t => {
		const sock = new Socket();
		const fd = sock.detach();
		closingFds(t, fd);
		assert.equal(sock.fileno(), -1);
		assert.equal(sock.detach(), -1);
		assert.equal(os.getBlocking(fd), false, 'the fd is still open');
		sock.close(); // no-op: must not close the detached fd
		assert.equal(os.getBlocking(fd), false);
	});

	test('dup() shares the connection, keeps family/type/proto/timeout, new close-on-exec fd', t => {
		const [a, b] = pair(t);
		a.settimeout(1.5);
		const c = a.dup();
		closing(t, c);
		assert.notEqual(c.fileno(), a.fileno());
		assert.equal(c.family, a.family);
		assert.equal(c.type, a.type);
		assert.equal(c.gettimeout(), 1.5);
		assert.equal(c.getInheritable(), false);
		c.send(Buffer.from('dup'));
		assert.deepEqual(b.recv(10), Buffer.from('dup'));
	});
});

describe('a closed socket throws OSError(EBADF) like Python', () => {
	const buf = new Uint8Array(4);
	const calls: Array<[string, (s: Socket) => unknown]> = [
		['bind', s => s.bind(['127.0.0.1', 0])],
		['listen', s => s.listen()],
		['accept', s => s.accept()],
		['connect', s => s.connect(['127.0.0.1', 9])],
		['recv', s => s.recv(4)],
		['recvInto', s => s.recvInto(buf)],
		['recvfrom', s => s.recvfrom(4)],
		['recvfromInto', s => s.recvfromInto(buf)],
		['send', s => s.send(buf)],
		['sendall', s => s.sendall(buf)],
		['sendto', s => s.sendto(buf, ['127.0.0.1', 9])],
		['shutdown', s => s.shutdown(2)],
		['setblocking', s => s.setblocking(false)],
		['settimeout', s => s.settimeout(1)],
		['setsockopt', s => s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)],
		['getsockopt', s => s.getsockopt(SOL_SOCKET, SO_TYPE)],
		['getsockopt(buflen)', s => s.getsockopt(SOL_SOCKET, SO_LINGER, 8)],
		['getsockname', s => s.getsockname()],
		['getpeername', s => s.getpeername()],
		['dup', s => s.dup()],
		['getInheritable', s => s.getInheritable()],
	];
	for (const mode of [null, 0, 0.5] as const) {
		test(`every method, timeout ${String(mode)}`, () => {
			const sock = new Socket();
			sock.settimeout(mode);
			sock.close();
			for (const [name, call] of calls) {
				const error = assertOSError(() => call(sock), E.EBADF);
				assert.equal(error.code, 'EBADF', name);
			}

			assert.equal(sock.connectEx(['127.0.0.1', 9]), E.EBADF, 'connectEx returns the errno');
			assert.equal(sock.fileno(), -1);
			assert.equal(sock.gettimeout(), mode, 'gettimeout still answers');
		});
	}
});

describe('modes', () => {
	test('setblocking / settimeout / gettimeout / getblocking as Python', t => {
		const [sock] = closing(t, new Socket());
		sock.setblocking(false);
		assert.equal(sock.gettimeout(), 0);
		assert.equal(sock.getblocking(), false);
		sock.settimeout(2.5);
		assert.equal(sock.gettimeout(), 2.5);
		assert.equal(sock.getblocking(), true, 'timeout mode counts as blocking (gettimeout() != 0)');
		sock.settimeout(0);
		assert.equal(sock.getblocking(), false);
		sock.setblocking(true);
		assert.equal(sock.gettimeout(), null);
		sock.settimeout(null);
		assert.equal(sock.getblocking(), true);
		sock.setblocking(0 as unknown as boolean);
		assert.equal(sock.gettimeout(), 0);
	});

	test('settimeout argument checks', t => {
		const [sock] = closing(t, new Socket());
		assert.throws(
			() => sock.settimeout(-1),
			e => e instanceof ValueError && e.message === 'Timeout value out of range',
		);
		assert.throws(() => sock.settimeout(Number.NaN), ValueError);
		assert.throws(() => sock.settimeout('1' as unknown as number), TypeError);
		assert.throws(() => sock.settimeout(Number.POSITIVE_INFINITY), RangeError);
		assert.throws(() => sock.setblocking('yes' as unknown as boolean), TypeError);
		assert.equal(sock.gettimeout(), null, 'a rejected value changes nothing');
	});

	test('setdefaulttimeout applies to new, accepted and adopted sockets', t => {
		assert.equal(getdefaulttimeout(), null);
		setdefaulttimeout(3);
		t.after(() => setdefaulttimeout(null));
		const [sock] = closing(t, new Socket());
		assert.equal(sock.gettimeout(), 3);
		const [client, server] = tcpPair(t);
		assert.equal(client.gettimeout(), 3);
		assert.equal(server.gettimeout(), 3, 'accepted socket');
		assert.throws(() => setdefaulttimeout(-1), ValueError);
		setdefaulttimeout(null);
		const [other] = closing(t, new Socket());
		assert.equal(other.gettimeout(), null);
	});
});

describe('options', () => {
	test('int options round-trip; booleans count as 1/0', t => {
		const [client] = tcpPair(t);
		client.setsockopt(IPPROTO_TCP, TCP_NODELAY, true);
		assert.notEqual(client.getsockopt(IPPROTO_TCP, TCP_NODELAY), 0);
		client.setsockopt(IPPROTO_TCP, TCP_NODELAY, 0);
		assert.equal(client.getsockopt(IPPROTO_TCP, TCP_NODELAY), 0);
		assert.equal(client.getsockopt(SOL_SOCKET, SO_TYPE), SOCK_STREAM);
		assert.equal(client.getsockopt(SOL_SOCKET, SO_ERROR), 0);
		client.setsockopt(SOL_SOCKET, SO_RCVBUF, 65_536);
		assert.ok(client.getsockopt(SOL_SOCKET, SO_RCVBUF) >= 65_536);
	});

	test('struct options as bytes (SO_LINGER), getsockopt with buflen returns the bytes written', t => {
		const [client] = tcpPair(t);
		client.setsockopt(SOL_SOCKET, SO_LINGER, new Int32Array([1, 7]));
		const raw = client.getsockopt(SOL_SOCKET, SO_LINGER, 64);
		assert.equal(raw.length, 8, 'struct linger is two ints');
		assert.deepEqual([raw.readInt32LE(0) !== 0, raw.readInt32LE(4)], [true, 7]);
	});

	test('getsockopt buflen out of range; wrong types; kernel errors', t => {
		const [sock] = closing(t, new Socket());
		assertOSError(() => sock.getsockopt(SOL_SOCKET, SO_LINGER, 2000), E.EINVAL);
		assertOSError(() => sock.getsockopt(SOL_SOCKET, SO_LINGER, -1), E.EINVAL);
		assert.throws(() => sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, '1' as unknown as number), TypeError);
		assert.throws(() => sock.setsockopt('1' as unknown as number, SO_REUSEADDR, 1), TypeError);
		assert.throws(() => sock.getsockopt(SOL_SOCKET, 1.5), TypeError);
		assertOSError(() => sock.setsockopt(SOL_SOCKET, 12_345, 1), E.ENOPROTOOPT, 'setsockopt');
		assertOSError(() => sock.getsockopt(SOL_SOCKET, 12_345), E.ENOPROTOOPT, 'getsockopt');
	});
});

describe('names and repr', () => {
	test('getsockname on an unbound socket; getpeername before connecting is ENOTCONN', t => {
		const [sock] = closing(t, new Socket());
		assert.deepEqual(sock.getsockname(), ['0.0.0.0', 0]);
		assertOSError(() => sock.getpeername(), E.ENOTCONN, 'getpeername');
		const [unix] = closing(t, new Socket(AF_UNIX));
		assert.equal(unix.getsockname(), '');
	});

	test('toString shows fd, family, addresses; closed sockets say so', t => {
		const [client] = tcpPair(t);
		const text = client.toString();
		assert.match(
			text,
			/^<Socket fd=\d+, family=\d+, type=1, proto=\d+, laddr=\["127\.0\.0\.1",\d+\], raddr=\["127\.0\.0\.1",\d+\]>$/,
		);
		const sock = new Socket(AF_INET6);
		sock.close();
		assert.match(String(sock), /^<Socket \[closed\] fd=-1, family=/);
	});

	test('bind() errors carry address and port', t => {
		const [a] = closing(t, new Socket());
		a.bind(['127.0.0.1', 0]);
		const [host, port] = a.getsockname() as IPv4Address;
		const [b] = closing(t, new Socket());
		const error = assertOSError(() => b.bind([host, port]), E.EADDRINUSE, 'bind');
		assert.equal(error.address, '127.0.0.1');
		assert.equal(error.port, port);
		assert.match(error.message, /bind EADDRINUSE 127\.0\.0\.1:\d+/);
	});

	test('listen backlog: default, negative, wrong type', t => {
		const [a, b, c] = closing(t, new Socket(), new Socket(), new Socket());
		a.bind(['127.0.0.1', 0]);
		a.listen();
		b.bind(['127.0.0.1', 0]);
		b.listen(-5);
		assert.throws(() => c.listen('1' as unknown as number), TypeError);
		const udp = new Socket(AF_INET, SOCK_DGRAM);
		closing(t, udp);
		assertOSError(() => udp.listen(), E.EOPNOTSUPP, 'listen');
	});
});

test('BlockingIOError is the class of EAGAIN from this module', t => {
	const [a] = pair(t);
	a.setblocking(false);
	assert.throws(
		() => a.recv(1),
		e => e instanceof BlockingIOError && e.errno === E.EAGAIN && e.syscall === 'recv',
	);
});
