// MSG_* flags whose meaning depends on the mode, where an always
// non-blocking fd must still behave as Python's blocking socket does
// (MSG_DONTWAIT, MSG_WAITALL), MSG_TRUNC's length, and the waits that poll()
// cannot end (a full AF_UNIX listen backlog or datagram receiver).
import assert from 'node:assert/strict';
import {constants} from 'node:os';
import {performance} from 'node:perf_hooks';
import {describe, test, type TestContext} from 'node:test';
import {
	AF_UNIX,
	BlockingIOError,
	MSG_DONTWAIT,
	MSG_PEEK,
	MSG_TRUNC,
	MSG_WAITALL,
	SHUT_WR,
	SOCK_DGRAM,
	SOCK_STREAM,
	Socket,
	TimeoutError,
} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {startPeer} from '../helpers/peer.js';
import {closing, pair} from '../helpers/sockets.js';

checkFdLeaks();

const E = constants.errno;
const linuxOnly =
	process.platform === 'linux' ? false : 'abstract Unix sockets and MSG_TRUNC on recv are Linux behaviour';
const noDontwait = MSG_DONTWAIT === undefined ? 'no MSG_DONTWAIT on this platform' : false;
const DONTWAIT = MSG_DONTWAIT ?? 0;

function seconds(start: number): number {
	return (performance.now() - start) / 1000;
}

function isBlockingIOError(error: unknown): boolean {
	assert.ok(error instanceof BlockingIOError, `expected BlockingIOError, got ${String(error)}`);
	assert.equal(error.errno, E.EAGAIN);
	return true;
}

function abstractName(): string {
	return `\0selectors-flags-${process.pid}-${Math.random().toString(36).slice(2)}`;
}

/** Puts `count` bytes of a known pattern into the shared receive scratch buffer. */
function dirtyScratch(t: TestContext, count: number): void {
	const [a, b] = pair(t);
	a.sendall(Buffer.alloc(count, 'S'));
	assert.equal(b.recv(count).length, count);
}

describe('MSG_TRUNC', {skip: linuxOnly}, () => {
	test('recv and recvfrom return at most bufsize bytes though the kernel reports the whole datagram', t => {
		const [a, b] = pair(t, AF_UNIX, SOCK_DGRAM);
		dirtyScratch(t, 60_000);
		b.send(Buffer.from('0123456789'));
		assert.equal(a.recv(2, MSG_TRUNC).toString(), '01');
		b.send(Buffer.from('abcdefghij'));
		const [data] = a.recvfrom(3, MSG_TRUNC);
		assert.equal(data.toString(), 'abc');
	});

	test("recvInto returns the kernel's count (the datagram length) and writes only nbytes, as Python", t => {
		const [a, b] = pair(t, AF_UNIX, SOCK_DGRAM);
		b.send(Buffer.from('0123456789'));
		const buf = Buffer.alloc(4, '.');
		assert.equal(a.recvInto(buf, 2, MSG_TRUNC), 10);
		assert.equal(buf.toString(), '01..');
	});
});

describe('MSG_DONTWAIT', {skip: noDontwait}, () => {
	test('blocking mode: recv/recvInto/recvfrom throw BlockingIOError at once (the blocking fd of CPython)', async t => {
		const [a, b] = pair(t);
		assert.equal(a.gettimeout(), null);
		// Should a call wait after all, this peer ends it and the test fails
		// on its timing instead of hanging.
		const guard = await startPeer(t, {
			op: 'write',
			fd: b.fileno(),
			delayMs: 1000,
			data: Buffer.from('xyz'),
		});
		const start = performance.now();
		assert.throws(() => a.recv(1, DONTWAIT | MSG_PEEK), isBlockingIOError);
		assert.throws(() => a.recvInto(Buffer.alloc(1), 0, DONTWAIT), isBlockingIOError);
		assert.throws(() => a.recvfrom(1, DONTWAIT), isBlockingIOError);
		assert.ok(seconds(start) < 0.5, 'must not wait');
		assert.equal(a.gettimeout(), null, 'the mode is unchanged');
		await guard.done;
	});

	test('blocking mode: send and sendall throw BlockingIOError when full; sendall says how much went out', async t => {
		const [a, b] = pair(t);
		a.setblocking(false);
		let sent = 0;
		assert.throws(() => {
			for (let i = 0; i < 1000; i++) {
				sent += a.send(Buffer.alloc(1 << 16, 'x'));
			}
		}, isBlockingIOError);
		a.setblocking(true);
		// Should a send wait after all, this peer makes room after a while
		// and the send completes, failing the test instead of hanging it.
		const guard = await startPeer(t, {
			op: 'slowDrain',
			fd: b.fileno(),
			chunk: 1 << 24,
			intervalMs: 1200,
			maxMs: 1000,
		});
		const start = performance.now();
		assert.throws(() => a.send(Buffer.from('y'), DONTWAIT), isBlockingIOError);
		assert.throws(
			() => {
				a.sendall(Buffer.alloc(10, 'z'), DONTWAIT);
			},
			error => isBlockingIOError(error) && (error as BlockingIOError).bytesSent === 0,
		);
		assert.ok(seconds(start) < 0.5, 'must not wait');
		// The data queued before is intact, and nothing else was added.
		b.setblocking(false);
		let drained = 0;
		for (;;) {
			try {
				drained += b.recv(1 << 20).length;
			} catch (error) {
				assert.ok(error instanceof BlockingIOError);
				break;
			}
		}

		assert.equal(drained, sent);
		assert.equal((await guard.done).bytes, 0, 'the guard had nothing to read');
	});

	test('timeout mode waits for the timeout as CPython does (it polls before each call)', t => {
		const [a] = pair(t);
		a.settimeout(0.2);
		const start = performance.now();
		assert.throws(() => a.recv(1, DONTWAIT), TimeoutError);
		assert.ok(seconds(start) >= 0.15, 'waited');
	});
});

describe('MSG_WAITALL', () => {
	test('blocking recv and recvInto wait for all the bytes across separate sends', async t => {
		const [a, b] = pair(t);
		b.send(Buffer.from('ab'));
		await startPeer(t, {op: 'write', fd: b.fileno(), delayMs: 150, data: Buffer.from('cd')});
		assert.equal(a.recv(4, MSG_WAITALL).toString(), 'abcd');

		b.send(Buffer.from('12'));
		await startPeer(t, {op: 'write', fd: b.fileno(), delayMs: 150, data: Buffer.from('345678')});
		const buf = Buffer.alloc(8);
		assert.equal(a.recvInto(buf, 6, MSG_WAITALL), 6);
		assert.equal(buf.subarray(0, 6).toString(), '123456');
		assert.equal(a.recv(10).toString(), '78');
	});

	test('blocking recv returns what came before end of stream', t => {
		const [a, b] = pair(t);
		b.send(Buffer.from('ab'));
		b.shutdown(SHUT_WR);
		assert.equal(a.recv(100, MSG_WAITALL).toString(), 'ab');
		assert.equal(a.recv(100, MSG_WAITALL).length, 0);
	});

	test('timeout and non-blocking mode return what is there (the fd is non-blocking, as in CPython)', t => {
		const [a, b] = pair(t);
		a.settimeout(5);
		b.send(Buffer.from('ab'));
		assert.equal(a.recv(4, MSG_WAITALL).toString(), 'ab');
		a.setblocking(false);
		b.send(Buffer.from('cd'));
		assert.equal(a.recv(4, MSG_WAITALL).toString(), 'cd');
	});
});

describe('waits poll() cannot end', {skip: linuxOnly}, () => {
	/** A listener whose backlog is full: the next non-blocking connect fails with EAGAIN. */
	function fullListener(t: TestContext): [Socket, string] {
		const name = abstractName();
		const [listener] = closing(t, new Socket(AF_UNIX, SOCK_STREAM));
		listener.bind(name);
		listener.listen(0);
		for (let i = 0; i < 100; i++) {
			const [client] = closing(t, new Socket(AF_UNIX, SOCK_STREAM));
			client.setblocking(false);
			if (client.connectEx(name) === E.EAGAIN) {
				return [listener, name];
			}
		}

		assert.fail('the backlog never filled');
	}

	test('blocking AF_UNIX connect to a full backlog waits until the listener accepts', async t => {
		const [listener, name] = fullListener(t);
		const [client] = closing(t, new Socket(AF_UNIX, SOCK_STREAM));
		const peer = await startPeer(t, {op: 'accept', fd: listener.fileno(), delayMs: 150, count: 1});
		const cpuStart = process.cpuUsage();
		const start = performance.now();
		client.connect(name);
		const wall = seconds(start);
		const cpu = process.cpuUsage(cpuStart);
		// The peer closes the connection it accepted: let it finish before the
		// test ends (terminating it first would leave that fd open).
		await peer.done;
		assert.ok(wall >= 0.1, `connected after ${wall.toFixed(3)} s, before the peer accepted`);
		const cpuSeconds = (cpu.user + cpu.system) / 1e6;
		assert.ok(cpuSeconds < 0.6 * wall, `spun: ${cpuSeconds.toFixed(3)} s CPU in ${wall.toFixed(3)} s`);
	});

	test('timeout-mode AF_UNIX connect to a full backlog raises BlockingIOError, as CPython', t => {
		const [, name] = fullListener(t);
		const [client] = closing(t, new Socket(AF_UNIX, SOCK_STREAM));
		client.settimeout(1);
		assert.throws(() => {
			client.connect(name);
		}, isBlockingIOError);
		assert.equal(client.connectEx(name), E.EAGAIN);
	});

	test('sendto a full AF_UNIX datagram receiver sleeps instead of spinning until the timeout', t => {
		const name = abstractName();
		const [receiver, sender] = closing(
			t,
			new Socket(AF_UNIX, SOCK_DGRAM),
			new Socket(AF_UNIX, SOCK_DGRAM),
		);
		receiver.bind(name);
		sender.setblocking(false);
		assert.throws(() => {
			for (let i = 0; i < 100_000; i++) {
				sender.sendto(Buffer.from('d'), name);
			}
		}, BlockingIOError);
		sender.settimeout(0.4);
		const cpuStart = process.cpuUsage();
		const start = performance.now();
		assert.throws(() => sender.sendto(Buffer.from('x'), name), TimeoutError);
		const wall = seconds(start);
		const cpu = process.cpuUsage(cpuStart);
		const cpuSeconds = (cpu.user + cpu.system) / 1e6;
		assert.ok(wall >= 0.35, `timed out after ${wall.toFixed(3)} s`);
		assert.ok(cpuSeconds < 0.6 * wall, `spun: ${cpuSeconds.toFixed(3)} s CPU in ${wall.toFixed(3)} s`);
	});
});
