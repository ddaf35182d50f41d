// Each blocking-capable method in each of Python's three modes: blocking
// (a worker-thread peer unblocks the main thread), non-blocking
// (BlockingIOError) and timeout (TimeoutError('timed out'), wide windows).
import assert from 'node:assert/strict';
import {constants} from 'node:os';
import {performance} from 'node:perf_hooks';
import {describe, test, type TestContext} from 'node:test';
import {
	AF_INET,
	AF_UNIX,
	BlockingIOError,
	ConnectionRefusedError,
	type IPv4Address,
	OSError,
	SHUT_WR,
	SO_ERROR,
	SOCK_DGRAM,
	SOCK_STREAM,
	SOL_SOCKET,
	Socket,
	TimeoutError,
} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {startPeer} from '../helpers/peer.js';
import {closing, pair, tcpPair} from '../helpers/sockets.js';

checkFdLeaks();

const E = constants.errno;
/** Short socket timeout for these tests, and the window a wait of that length must fall in. */
const TIMEOUT = 0.3;
const MIN_WAIT = 0.25;
const MAX_WAIT = 2;
/** How long a peer waits before unblocking the main thread. */
const PEER_DELAY_MS = 150;

function seconds(start: number): number {
	return (performance.now() - start) / 1000;
}

function assertTimesOut(fn: () => unknown, syscall: string): void {
	const start = performance.now();
	assert.throws(fn, error => {
		assert.ok(error instanceof TimeoutError, `expected TimeoutError, got ${String(error)}`);
		assert.equal(error.message, 'timed out');
		assert.equal(error.errno, E.ETIMEDOUT);
		assert.equal(error.syscall, syscall);
		return true;
	});
	const dt = seconds(start);
	assert.ok(
		dt >= MIN_WAIT && dt <= MAX_WAIT,
		`timed out after ${dt.toFixed(3)} s, expected about ${TIMEOUT} s`,
	);
}

function assertWouldBlock(fn: () => unknown, syscall: string, errno: number = E.EAGAIN): void {
	const start = performance.now();
	assert.throws(fn, error => {
		assert.ok(error instanceof BlockingIOError, `expected BlockingIOError, got ${String(error)}`);
		assert.equal(error.errno, errno);
		assert.equal(error.syscall, syscall);
		return true;
	});
	assert.ok(seconds(start) < 0.2, 'a non-blocking call must not wait');
}

/** Fills a's send path until it would block; returns the bytes queued. */
function fill(a: Socket): number {
	const chunk = Buffer.alloc(64 * 1024, 0x61);
	const timeout = a.gettimeout();
	a.setblocking(false);
	let total = 0;
	try {
		for (let i = 0; i < 10_000; i++) {
			total += a.send(chunk);
		}

		assert.fail('send buffer never filled');
	} catch (error) {
		if (!(error instanceof BlockingIOError)) {
			throw error;
		}
	} finally {
		a.settimeout(timeout);
	}

	return total;
}

/** Fills a Unix datagram receiver's queue from `sender`; returns datagrams queued. */
function fillDatagrams(sender: Socket, address: string): number {
	const timeout = sender.gettimeout();
	sender.setblocking(false);
	let count = 0;
	try {
		for (let i = 0; i < 100_000; i++) {
			sender.sendto(Buffer.from('d'), address);
			count++;
		}

		assert.fail('datagram queue never filled');
	} catch (error) {
		if (!(error instanceof BlockingIOError)) {
			throw error;
		}
	} finally {
		sender.settimeout(timeout);
	}

	return count;
}

function abstractPair(t: TestContext): [receiver: Socket, sender: Socket, address: string] {
	const address = `\0selectors-modes-${process.pid}-${Math.random().toString(36).slice(2)}`;
	const [receiver, sender] = closing(t, new Socket(AF_UNIX, SOCK_DGRAM), new Socket(AF_UNIX, SOCK_DGRAM));
	receiver.bind(address);
	return [receiver, sender, address];
}

const linuxOnly = process.platform === 'linux' ? false : 'abstract Unix sockets are Linux-only';

describe('recv / recvInto / recvfrom / recvfromInto', () => {
	const readers: Array<[string, (s: Socket) => Buffer, string]> = [
		['recv', s => s.recv(100), 'recv'],
		[
			'recvInto',
			s => {
				const buf = Buffer.alloc(100);
				return buf.subarray(0, s.recvInto(buf));
			},
			'recv',
		],
		['recvfrom', s => s.recvfrom(100)[0], 'recvfrom'],
		[
			'recvfromInto',
			s => {
				const buf = new Uint8Array(100);
				return Buffer.from(buf.subarray(0, s.recvfromInto(buf)[0]));
			},
			'recvfrom',
		],
	];
	for (const [name, read, syscall] of readers) {
		test(`${name}: blocking waits for a concurrent writer`, async t => {
			const [a, b] = pair(t);
			assert.equal(a.gettimeout(), null);
			await startPeer(t, {
				op: 'write',
				fd: b.fileno(),
				delayMs: PEER_DELAY_MS,
				data: Buffer.from('late data'),
			});
			const start = performance.now();
			const data = read(a);
			const dt = seconds(start);
			assert.equal(data.toString(), 'late data');
			assert.ok(dt >= 0.1 && dt <= MAX_WAIT, `blocked ${dt.toFixed(3)} s`);
		});

		test(`${name}: non-blocking throws BlockingIOError, then reads what is there`, t => {
			const [a, b] = pair(t);
			a.setblocking(false);
			assertWouldBlock(() => read(a), syscall);
			b.send(Buffer.from('now'));
			assert.equal(read(a).toString(), 'now');
		});

		test(`${name}: timeout throws TimeoutError('timed out'); data already there returns at once`, t => {
			const [a, b] = pair(t);
			a.settimeout(TIMEOUT);
			assertTimesOut(() => read(a), syscall);
			b.send(Buffer.from('ready'));
			const start = performance.now();
			assert.equal(read(a).toString(), 'ready');
			assert.ok(seconds(start) < 0.2);
		});

		test(`${name}: EOF is an empty result in every mode`, t => {
			for (const mode of [null, 0, TIMEOUT]) {
				const [a, b] = pair(t);
				a.settimeout(mode);
				b.close();
				assert.equal(read(a).length, 0, `mode ${String(mode)}`);
			}
		});
	}

	test('recv returns exactly the bytes received, in a buffer of that size', t => {
		const [a, b] = pair(t);
		b.send(Buffer.from('abc'));
		const small = a.recv(65_536);
		assert.equal(small.length, 3);
		assert.ok(small.buffer.byteLength < 65_536, 'a 3-byte result must not keep a 64 KiB store alive');
		b.send(Buffer.alloc(10, 1));
		const big = a.recv(1024 * 1024);
		assert.equal(big.length, 10);
		assert.ok(big.buffer.byteLength < 1024 * 1024, 'a 10-byte result must not keep 1 MiB alive');
		const first = (b.send(Buffer.from('x')), a.recv(10));
		const second = (b.send(Buffer.from('y')), a.recv(10));
		assert.equal(first.toString() + second.toString(), 'xy', 'results do not share memory');
	});

	test('recv argument checks', t => {
		const [a] = pair(t);
		a.setblocking(false);
		assert.throws(
			() => a.recv(-1),
			e => e instanceof Error && e.name === 'ValueError' && e.message.includes('negative buffersize'),
		);
		assert.throws(() => a.recv('1' as unknown as number), TypeError);
		assert.throws(() => a.recv(1.5), TypeError);
		assert.throws(() => a.recv(1, 'x' as unknown as number), TypeError);
		assert.throws(() => a.recvInto('buf' as unknown as Uint8Array), TypeError);
		assert.throws(
			() => a.recvInto(new Uint8Array(4), 5),
			e => e instanceof Error && e.name === 'ValueError',
		);
		assert.throws(
			() => a.recvInto(new Uint8Array(4), -1),
			e => e instanceof Error && e.name === 'ValueError',
		);
	});

	test('recvInto fills the view at its offset, nbytes limits the read', t => {
		const [a, b] = pair(t);
		b.send(Buffer.from('0123456789'));
		const backing = new Uint8Array(16).fill(0x2e);
		const view = new Uint8Array(backing.buffer, 4, 8);
		assert.equal(a.recvInto(view, 3), 3);
		assert.equal(Buffer.from(backing).toString(), '....012.........');
		const dv = new DataView(backing.buffer, 10, 6);
		assert.equal(a.recvInto(dv), 6);
		assert.equal(Buffer.from(backing).toString(), '....012...345678');
	});
});

describe('send / sendall / sendto', () => {
	test('send: blocking waits for room while a concurrent reader drains', async t => {
		const [a, b] = pair(t);
		const queued = fill(a);
		const peer = await startPeer(t, {op: 'drain', fd: b.fileno()});
		const sent = a.send(Buffer.alloc(64 * 1024, 0x62));
		assert.ok(sent > 0);
		a.shutdown(SHUT_WR);
		const result = await peer.done;
		assert.equal(result.bytes, queued + sent);
	});

	test('send: non-blocking throws BlockingIOError when full', t => {
		const [a] = pair(t);
		fill(a);
		a.setblocking(false);
		assertWouldBlock(() => a.send(Buffer.from('x')), 'send');
	});

	test('send: timeout throws TimeoutError when full', t => {
		const [a] = pair(t);
		fill(a);
		a.settimeout(TIMEOUT);
		assertTimesOut(() => a.send(Buffer.from('x')), 'send');
	});

	test('send accepts every bytes-like type and rejects strings', t => {
		const [a, b] = pair(t);
		const u8 = new Uint8Array([1, 2]);
		assert.equal(a.send(u8), 2);
		assert.equal(a.send(new Uint16Array([0x0403])), 2);
		assert.equal(a.send(new DataView(new Uint8Array([9, 5, 6]).buffer, 1)), 2);
		assert.equal(a.send(new Uint8Array([7, 8]).buffer), 2);
		assert.equal(a.send(new Uint8Array(0)), 0);
		const got = b.recv(100);
		assert.deepEqual([...got], [1, 2, 3, 4, 5, 6, 7, 8]);
		assert.throws(() => a.send('text' as unknown as Uint8Array), TypeError);
		assert.throws(() => a.sendall(42 as unknown as Uint8Array), TypeError);
	});

	test('sendall: non-blocking sends what fits, then BlockingIOError with bytesSent', t => {
		const [a, b] = pair(t);
		a.setblocking(false);
		const data = Buffer.alloc(8 * 1024 * 1024, 0x63);
		let error: unknown;
		try {
			a.sendall(data);
		} catch (caught) {
			error = caught;
		}

		assert.ok(error instanceof BlockingIOError, `expected BlockingIOError, got ${String(error)}`);
		assert.ok(error.bytesSent > 0 && error.bytesSent < data.length, `bytesSent ${error.bytesSent}`);
		b.setblocking(false);
		let received = 0;
		for (;;) {
			try {
				received += b.recv(1024 * 1024).length;
			} catch (caught) {
				assert.ok(caught instanceof BlockingIOError);
				break;
			}
		}

		assert.equal(received, error.bytesSent, 'bytesSent is exactly what the peer can read');
	});

	test('sendall: non-blocking on a full socket reports bytesSent 0', t => {
		const [a] = pair(t);
		fill(a);
		a.setblocking(false);
		assert.throws(
			() => a.sendall(Buffer.from('x')),
			e => e instanceof BlockingIOError && e.bytesSent === 0,
		);
	});

	test('sendall: the timeout bounds the whole call, not each send (Python 3.5+)', async t => {
		// What a socketpair holds before a send blocks.
		const [c] = pair(t);
		const capacity = fill(c);
		const [a, b] = pair(t);
		// The reader keeps making room (about 3 MB/s), so every wait ends in
		// progress and a per-send timeout would never fire: only a deadline for
		// the whole call stops an 8 MiB sendall after TIMEOUT seconds.
		const peer = await startPeer(t, {
			op: 'slowDrain',
			fd: b.fileno(),
			chunk: 16 * 1024,
			intervalMs: 5,
			maxMs: 20_000,
		});
		a.settimeout(TIMEOUT);
		assertTimesOut(() => a.sendall(Buffer.alloc(8 * 1024 * 1024, 0x64)), 'send');
		a.shutdown(SHUT_WR);
		const result = await peer.done;
		// Everything sent is eventually read: more than the pair holds means the
		// sender woke up and sent again, many times, under one deadline.
		assert.ok(
			result.bytes > capacity,
			`sent ${result.bytes} bytes, capacity ${capacity}: the sender made progress`,
		);
	});

	test('sendall: timeout mode completes when the data fits in time', t => {
		const [a, b] = pair(t);
		a.settimeout(5);
		a.sendall(Buffer.from('fits'));
		assert.equal(b.recv(10).toString(), 'fits');
	});

	test('sendto: blocking waits for a concurrent reader to make room', {skip: linuxOnly}, async t => {
		const [receiver, sender, address] = abstractPair(t);
		const queued = fillDatagrams(sender, address);
		const peer = await startPeer(t, {op: 'drain', fd: receiver.fileno()});
		assert.equal(sender.sendto(Buffer.from('e'), address), 1);
		sender.sendto(Buffer.alloc(0), address); // an empty datagram ends the drain
		const result = await peer.done;
		assert.equal(result.bytes, queued + 1);
	});

	test('sendto: non-blocking throws BlockingIOError when the receiver is full', {skip: linuxOnly}, t => {
		const [, sender, address] = abstractPair(t);
		fillDatagrams(sender, address);
		sender.setblocking(false);
		assertWouldBlock(() => sender.sendto(Buffer.from('x'), address), 'sendto');
	});

	test('sendto: timeout throws TimeoutError when the receiver is full', {skip: linuxOnly}, t => {
		const [, sender, address] = abstractPair(t);
		fillDatagrams(sender, address);
		sender.settimeout(TIMEOUT);
		assertTimesOut(() => sender.sendto(Buffer.from('x'), 0, address), 'sendto');
	});
});

describe('accept', () => {
	test('blocking waits for a concurrent client', async t => {
		const [listener] = closing(t, new Socket());
		listener.bind(['127.0.0.1', 0]);
		listener.listen();
		const address = listener.getsockname() as IPv4Address;
		const peer = await startPeer(t, {
			op: 'connect',
			family: AF_INET,
			address,
			delayMs: PEER_DELAY_MS,
			data: Buffer.from('hi'),
		});
		const start = performance.now();
		const [conn, peerAddress] = listener.accept();
		closing(t, conn);
		assert.ok(seconds(start) >= 0.1);
		assert.equal((peerAddress as IPv4Address)[0], '127.0.0.1');
		await peer.done;
		assert.equal(conn.recv(10).toString(), 'hi');
		assert.equal(conn.gettimeout(), null, 'accepted sockets start in the default (blocking) mode');
	});

	test('non-blocking throws BlockingIOError; the accepted socket is blocking by default', t => {
		const [listener] = closing(t, new Socket());
		listener.bind(['127.0.0.1', 0]);
		listener.listen();
		listener.setblocking(false);
		assertWouldBlock(() => listener.accept(), 'accept');
		const [client] = closing(t, new Socket());
		client.connect(listener.getsockname());
		const [conn] = listener.accept();
		closing(t, conn);
		assert.equal(conn.gettimeout(), null, 'as Python: not inherited from a non-blocking listener');
		assert.deepEqual(conn.getpeername(), client.getsockname());
	});

	test('timeout throws TimeoutError', t => {
		const [listener] = closing(t, new Socket());
		listener.bind(['127.0.0.1', 0]);
		listener.listen();
		listener.settimeout(TIMEOUT);
		assertTimesOut(() => listener.accept(), 'accept');
	});

	test('accept on a socket that is not listening is EINVAL', t => {
		const [sock] = closing(t, new Socket());
		assert.throws(
			() => sock.accept(),
			e => e instanceof OSError && e.errno === E.EINVAL && e.syscall === 'accept',
		);
	});
});

describe('connect / connectEx', () => {
	function listening(t: TestContext, backlog?: number): [Socket, IPv4Address] {
		const [listener] = closing(t, new Socket());
		listener.bind(['127.0.0.1', 0]);
		listener.listen(backlog);
		return [listener, listener.getsockname() as IPv4Address];
	}

	/** A port with nothing listening (bound, never listened: connections are refused). */
	function refusingPort(t: TestContext): IPv4Address {
		const [holder] = closing(t, new Socket());
		holder.bind(['127.0.0.1', 0]);
		return holder.getsockname() as IPv4Address;
	}

	/**
	 * An address whose SYNs go unanswered: a listener with a full accept
	 * queue drops them (Linux), so a connect waits until its timeout.
	 */
	function blackhole(t: TestContext): IPv4Address {
		const [, address] = listening(t, 0);
		for (let i = 0; i < 8; i++) {
			const [filler] = closing(t, new Socket());
			filler.setblocking(false);
			filler.connectEx(address);
		}

		return address;
	}

	test('blocking: connects, and waits for the handshake', t => {
		const [listener, address] = listening(t);
		const [client] = closing(t, new Socket());
		client.connect(address);
		assert.deepEqual(client.getpeername(), address);
		const [conn] = listener.accept();
		closing(t, conn);
	});

	test('blocking: a refused connection is ConnectionRefusedError with address and port', t => {
		const address = refusingPort(t);
		const [client] = closing(t, new Socket());
		assert.throws(
			() => client.connect(address),
			e => {
				assert.ok(e instanceof ConnectionRefusedError, String(e));
				assert.equal(e.errno, E.ECONNREFUSED);
				assert.equal(e.syscall, 'connect');
				assert.equal(e.address, '127.0.0.1');
				assert.equal(e.port, address[1]);
				return true;
			},
		);
	});

	test('connectEx: 0 on success, ECONNREFUSED as a number', t => {
		const [listener, address] = listening(t);
		const [client, other] = closing(t, new Socket(), new Socket());
		assert.equal(client.connectEx(address), 0);
		closing(t, listener.accept()[0]);
		assert.equal(other.connectEx(refusingPort(t)), E.ECONNREFUSED);
	});

	test('non-blocking: connect throws BlockingIOError(EINPROGRESS), connectEx returns it; SO_ERROR then 0', t => {
		const [listener, address] = listening(t);
		const [a, b] = closing(t, new Socket(), new Socket());
		a.setblocking(false);
		b.setblocking(false);
		assertWouldBlock(() => a.connect(address), 'connect', E.EINPROGRESS);
		assert.equal(b.connectEx(address), E.EINPROGRESS);
		for (const sock of [a, b]) {
			closing(t, listener.accept()[0]);
			sock.settimeout(2);
			sock.getpeername(); // connected once accepted
			assert.equal(sock.getsockopt(SOL_SOCKET, SO_ERROR), 0);
		}
	});

	test(
		'timeout: connect throws TimeoutError, connectEx returns EAGAIN (Python: SOCK_TIMEOUT_ERR)',
		{skip: process.platform === 'linux' ? false : 'relies on Linux dropping SYNs to a full accept queue'},
		t => {
			const address = blackhole(t);
			const [a, b] = closing(t, new Socket(), new Socket());
			a.settimeout(TIMEOUT);
			assertTimesOut(() => a.connect(address), 'connect');
			b.settimeout(TIMEOUT);
			const start = performance.now();
			assert.equal(b.connectEx(address), E.EAGAIN);
			const dt = seconds(start);
			assert.ok(dt >= MIN_WAIT && dt <= MAX_WAIT, `connectEx waited ${dt.toFixed(3)} s`);
		},
	);

	test('timeout: connect that completes in time', t => {
		const [listener, address] = listening(t);
		const [client] = closing(t, new Socket());
		client.settimeout(5);
		client.connect(address);
		closing(t, listener.accept()[0]);
		assert.deepEqual(client.getpeername(), address);
	});

	test('Unix stream connect in each mode', t => {
		const path = `\0selectors-connect-${process.pid}-${Math.random().toString(36).slice(2)}`;
		if (process.platform !== 'linux') {
			t.skip('abstract Unix sockets are Linux-only');
			return;
		}

		const [listener] = closing(t, new Socket(AF_UNIX, SOCK_STREAM));
		listener.bind(path);
		listener.listen();
		for (const mode of [null, 0, TIMEOUT]) {
			const [client] = closing(t, new Socket(AF_UNIX, SOCK_STREAM));
			client.settimeout(mode);
			client.connect(path);
			const [conn] = listener.accept();
			closing(t, conn);
			client.send(Buffer.from('u'));
			assert.equal(conn.recv(1).toString(), 'u');
		}
	});
});

test('tcpPair fixture sanity: the fixture connects client and server', t => {
	const [client, server] = tcpPair(t);
	client.sendall(Buffer.from('ping'));
	assert.equal(server.recv(10).toString(), 'ping');
});
