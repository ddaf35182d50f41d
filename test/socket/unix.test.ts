// Unix domain sockets: stream and datagram over filesystem paths, abstract
// names and autobind (Linux), socketpair, EPIPE.
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {constants} from 'node:os';
import {describe, test} from 'node:test';
import {
	AF_INET,
	AF_UNIX,
	BrokenPipeError,
	ConnectionRefusedError,
	FileNotFoundError,
	OSError,
	SOCK_DGRAM,
	SOCK_SEQPACKET,
	SOCK_STREAM,
	Socket,
	socketpair,
} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {closing, hasAbstractSockets, pair, unixPath} from '../helpers/sockets.js';

checkFdLeaks();

const E = constants.errno;
const linuxOnly = hasAbstractSockets ? false : 'abstract Unix sockets are Linux-only';

describe('Unix stream', () => {
	test('bind/listen/connect/accept over a path; addresses are path strings', t => {
		const path = unixPath(t);
		const [listener] = closing(t, new Socket(AF_UNIX, SOCK_STREAM));
		listener.bind(path);
		assert.ok(existsSync(path));
		listener.listen();
		assert.equal(listener.getsockname(), path);
		const [client] = closing(t, new Socket(AF_UNIX, SOCK_STREAM));
		client.connect(path);
		const [conn, address] = listener.accept();
		closing(t, conn);
		assert.equal(address, '', 'an unbound client has the empty address');
		assert.equal(client.getpeername(), path);
		assert.equal(conn.getsockname(), path);
		client.sendall(Buffer.from('over unix'));
		assert.equal(conn.recv(100).toString(), 'over unix');
		conn.shutdown(1);
		assert.equal(client.recv(100).length, 0, 'EOF');
	});

	test('errors: missing path ENOENT, path in use EADDRINUSE, stale path ECONNREFUSED, too long', t => {
		const path = unixPath(t);
		const [a, b, c] = closing(t, new Socket(AF_UNIX), new Socket(AF_UNIX), new Socket(AF_UNIX));
		assert.throws(
			() => a.connect(path),
			e => e instanceof FileNotFoundError && e.address === path && e.port === undefined,
		);
		b.bind(path);
		assert.throws(
			() => c.bind(path),
			e => e instanceof OSError && e.errno === E.EADDRINUSE,
		);
		assert.throws(() => a.connect(path), ConnectionRefusedError, 'bound but not listening');
		assert.throws(
			() => a.bind(`/tmp/${'x'.repeat(200)}`),
			e => e instanceof OSError && e.errno === E.ENAMETOOLONG,
		);
		assert.throws(() => a.bind(['/tmp/x', 0] as unknown as string), TypeError);
		assert.throws(() => a.bind(42 as unknown as string), TypeError);
	});

	test('send to a closed peer is BrokenPipeError (EPIPE), never SIGPIPE', t => {
		const [a, b] = pair(t);
		b.close();
		assert.throws(
			() => a.send(Buffer.from('x')),
			e => e instanceof BrokenPipeError && e.errno === E.EPIPE && e.syscall === 'send',
		);
		assert.throws(() => a.sendall(Buffer.from('x')), BrokenPipeError);
	});
});

describe('Unix datagram', () => {
	test('sendto/recvfrom between bound paths', t => {
		const pathA = unixPath(t, 'a');
		const pathB = unixPath(t, 'b');
		const [a, b] = closing(t, new Socket(AF_UNIX, SOCK_DGRAM), new Socket(AF_UNIX, SOCK_DGRAM));
		a.bind(pathA);
		b.bind(pathB);
		assert.equal(a.sendto(Buffer.from('one'), pathB), 3);
		assert.deepEqual(b.recvfrom(10), [Buffer.from('one'), pathA]);
		b.sendto(Buffer.from('two'), pathA);
		assert.deepEqual(a.recvfrom(10), [Buffer.from('two'), pathB]);
	});

	test('from an unbound sender the address is empty', t => {
		const path = unixPath(t);
		const [receiver, sender] = closing(
			t,
			new Socket(AF_UNIX, SOCK_DGRAM),
			new Socket(AF_UNIX, SOCK_DGRAM),
		);
		receiver.bind(path);
		sender.sendto(Buffer.from('anon'), path);
		const [data, from] = receiver.recvfrom(10);
		assert.equal(data.toString(), 'anon');
		assert.ok(from === '' || from === null, `got ${JSON.stringify(from)}`);
	});

	test('message boundaries are kept', t => {
		const [a, b] = pair(t, AF_UNIX, SOCK_DGRAM);
		a.send(Buffer.from('first'));
		a.send(Buffer.from('second'));
		assert.equal(b.recv(100).toString(), 'first');
		assert.equal(b.recv(100).toString(), 'second');
	});
});

describe('abstract namespace (Linux)', {skip: linuxOnly}, () => {
	test('a leading NUL names an abstract socket, no file is created', t => {
		const name = `\0selectors-abstract-${process.pid}`;
		const [listener] = closing(t, new Socket(AF_UNIX, SOCK_STREAM));
		listener.bind(name);
		listener.listen();
		assert.equal(listener.getsockname(), name);
		const [client] = closing(t, new Socket(AF_UNIX, SOCK_STREAM));
		client.connect(name);
		assert.equal(client.getpeername(), name);
		const [conn] = listener.accept();
		closing(t, conn);
		conn.sendall(Buffer.from('abstract'));
		assert.equal(client.recv(20).toString(), 'abstract');
	});

	test('names with embedded NULs are exact: a prefix does not match', t => {
		const name = `\0selectors-nul-${process.pid}\0tail`;
		const [listener] = closing(t, new Socket(AF_UNIX, SOCK_STREAM));
		listener.bind(name);
		listener.listen();
		assert.equal(listener.getsockname(), name);
		const [client] = closing(t, new Socket(AF_UNIX, SOCK_STREAM));
		assert.throws(() => client.connect(`\0selectors-nul-${process.pid}`), ConnectionRefusedError);
	});

	test("binding '' autobinds to a kernel-chosen abstract name (as Python)", t => {
		const [a, b] = closing(t, new Socket(AF_UNIX, SOCK_DGRAM), new Socket(AF_UNIX, SOCK_DGRAM));
		a.bind('');
		b.bind('');
		const nameA = a.getsockname() as string;
		assert.ok(nameA.startsWith('\0') && nameA.length > 1, JSON.stringify(nameA));
		assert.notEqual(b.getsockname(), nameA);
		b.sendto(Buffer.from('auto'), nameA);
		assert.deepEqual(a.recvfrom(10), [Buffer.from('auto'), b.getsockname()]);
	});

	test('datagrams between abstract names', t => {
		const [a, b] = closing(t, new Socket(AF_UNIX, SOCK_DGRAM), new Socket(AF_UNIX, SOCK_DGRAM));
		const nameA = `\0selectors-dgram-a-${process.pid}`;
		a.bind(nameA);
		b.sendto(Buffer.from('to abstract'), nameA);
		assert.equal(a.recv(100).toString(), 'to abstract');
	});
});

describe('socketpair', () => {
	test('defaults to AF_UNIX SOCK_STREAM, blocking mode, non-blocking fds', t => {
		const [a, b] = socketpair();
		closing(t, a, b);
		for (const sock of [a, b]) {
			assert.equal(sock.family, AF_UNIX);
			assert.equal(sock.type, SOCK_STREAM);
			assert.equal(sock.gettimeout(), null);
			assert.equal(sock.getInheritable(), false);
		}

		a.sendall(Buffer.from('pair'));
		assert.equal(b.recv(10).toString(), 'pair');
	});

	test('datagram and seqpacket pairs', t => {
		const [d1, d2] = pair(t, AF_UNIX, SOCK_DGRAM);
		assert.equal(d1.type, SOCK_DGRAM);
		d2.send(Buffer.from('d'));
		assert.equal(d1.recv(1).toString(), 'd');
		const [s1, s2] = pair(t, AF_UNIX, SOCK_SEQPACKET);
		s1.send(Buffer.from('seq'));
		assert.equal(s2.recv(10).toString(), 'seq');
	});

	test('argument checks and kernel refusal', () => {
		assert.throws(() => socketpair('1' as unknown as number), TypeError);
		assert.throws(() => socketpair(AF_UNIX, 1.5), TypeError);
		assert.throws(
			() => socketpair(AF_INET),
			e => e instanceof OSError && e.syscall === 'socketpair',
		);
	});
});
