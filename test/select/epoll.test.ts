// Ported from CPython's Lib/test/test_epoll.py (TestEPoll), names kept
// (camelCased), plus EPOLLPRI from TCP urgent data and the error texts of
// Modules/selectmodule.c.
import assert from 'node:assert/strict';
import {closeSync, openSync} from 'node:fs';
import {describe, test} from 'node:test';
import * as select from '../../src/select/index.js';
import {FileExistsError, FileNotFoundError, OSError, PermissionError, ValueError} from '../../src/errors.js';
import {MSG_OOB} from '../../src/socket/index.js';
import * as os from '../../src/os.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {closingFds, tcpPair} from '../helpers/sockets.js';

checkFdLeaks();

const skip = process.platform === 'linux' ? false : 'epoll is Linux only';
const E = select as Required<typeof select>;
const IN = E.EPOLLIN!;
const OUT = E.EPOLLOUT!;

describe('TestEPoll', {skip}, () => {
	test('testCreate', () => {
		const ep = select.epoll(16);
		assert.ok(ep.fileno() > 0);
		assert.equal(ep.closed, false);
		ep.close();
		assert.equal(ep.closed, true);
		assert.throws(() => ep.fileno(), ValueError);
		select.epoll(E.EPOLL_CLOEXEC).close();
		assert.throws(
			() => select.epoll(-1, 12356),
			(e: unknown) => e instanceof OSError && e.message === 'invalid flags',
		);
	});

	test('testBadcreate', () => {
		for (const bad of ['foo', null, [], {}]) {
			assert.throws(() => select.epoll(bad as unknown as number), TypeError);
		}
	});

	test('testContextManager (using)', () => {
		let saved: select.Epoll;
		{
			using ep = select.epoll(16);
			saved = ep;
			assert.ok(ep.fileno() > 0);
			assert.equal(ep.closed, false);
		}
		assert.equal(saved.closed, true);
		assert.throws(() => saved.fileno(), ValueError);
	});

	test('testAdd', t => {
		const [client, server] = tcpPair(t);
		using ep = select.epoll(2);
		ep.register(server.fileno(), IN | OUT);
		ep.register(client.fileno(), IN | OUT);
		using ep2 = select.epoll(2);
		ep2.register(server, IN | OUT);
		ep2.register(client, IN | OUT);
		using ep3 = select.epoll(2);
		assert.throws(() => ep3.register({}, IN), TypeError);
		assert.throws(() => ep3.register(null, IN), TypeError);
		assert.throws(() => ep3.register(-1, IN), {
			name: 'ValueError',
			message: 'file descriptor cannot be a negative integer (-1)',
		});
		assert.throws(
			() => ep3.register(10_000, IN),
			(e: unknown) => e instanceof OSError && e.code === 'EBADF',
		);
		ep3.register(server, IN | OUT);
		assert.throws(() => ep3.register(server, IN | OUT), FileExistsError);
	});

	test('testFromfd', t => {
		const [client, server] = tcpPair(t);
		const ep = select.epoll(2);
		const ep2 = select.Epoll.fromfd(ep.fileno());
		ep2.register(server.fileno(), IN | OUT);
		ep2.register(client.fileno(), IN | OUT);
		assert.equal(ep.poll(1, 4).length, 2);
		assert.equal(ep2.poll(0.9, 4).length, 2);
		ep.close();
		assert.throws(
			() => ep2.poll(1, 4),
			(e: unknown) => e instanceof OSError && e.code === 'EBADF',
		);
		// Both objects owned the one fd (as in CPython): the second close
		// finds it gone, and ep2 no longer closes that number when collected.
		assert.throws(
			() => ep2.close(),
			(e: unknown) => e instanceof OSError && e.code === 'EBADF',
		);
		assert.equal(ep2.closed, true);
	});

	test('testControlAndWait', t => {
		const [client, server] = tcpPair(t);
		using ep = select.epoll(16);
		ep.register(server.fileno(), IN | OUT | E.EPOLLET!);
		ep.register(client.fileno(), IN | OUT | E.EPOLLET!);
		const byFd = (a: number[], b: number[]) => a[0]! - b[0]!;
		let events = ep.poll(1, 4).sort(byFd);
		assert.deepEqual(
			events,
			[
				[client.fileno(), OUT],
				[server.fileno(), OUT],
			].sort(byFd),
		);
		// Edge-triggered: nothing new until the state changes.
		assert.deepEqual(ep.poll(0.05, 4), []);
		client.send(Buffer.from('Hello!'));
		server.send(Buffer.from('world!!!'));
		events = ep.poll(1, 4).sort(byFd);
		assert.deepEqual(
			events,
			[
				[client.fileno(), IN | OUT],
				[server.fileno(), IN | OUT],
			].sort(byFd),
		);
		ep.unregister(client.fileno());
		ep.modify(server.fileno(), OUT);
		assert.deepEqual(ep.poll(1, 4), [[server.fileno(), OUT]]);
	});

	test('testErrors', () => {
		assert.throws(() => select.epoll(-2), {name: 'ValueError', message: 'negative sizehint'});
		assert.throws(() => select.epoll(0), {name: 'ValueError', message: 'negative sizehint'});
		using ep = select.epoll();
		assert.throws(() => ep.register(-1, IN), ValueError);
		assert.throws(() => ep.poll(0, 0), {
			name: 'ValueError',
			message: 'maxevents must be greater than 0, got 0',
		});
		assert.throws(() => ep.poll(0, -5), {
			name: 'ValueError',
			message: 'maxevents must be greater than 0, got -5',
		});
		assert.throws(() => ep.poll(Number.NaN), ValueError);
		// A C int (Python's OverflowError), then the kernel's EP_MAX_EVENTS
		// (EINVAL), both without allocating a buffer that size first.
		assert.throws(() => ep.poll(0, 2 ** 31), {name: 'RangeError', code: 'ERR_OUT_OF_RANGE'});
		assert.throws(
			() => ep.poll(0, 2 ** 31 - 1),
			(e: unknown) => e instanceof OSError && e.code === 'EINVAL',
		);
		assert.deepEqual(ep.poll(0, 1_000_000), []);
		assert.throws(() => ep.poll('x' as unknown as number), {
			name: 'TypeError',
			message: 'timeout must be an integer or None',
		});
	});

	test('testUnregisterClosed', t => {
		const [r, w] = os.pipe();
		closingFds(t, w);
		using ep = select.epoll(16);
		ep.register(r);
		os.close(r);
		// Modules/selectmodule.c passes EBADF through (3.x): unregister first.
		assert.throws(
			() => ep.unregister(r),
			(e: unknown) => e instanceof OSError && e.code === 'EBADF',
		);
	});

	test('testClose', () => {
		const ep = select.epoll();
		const fd = ep.fileno();
		ep.close();
		ep.close();
		assert.equal(ep.closed, true);
		for (const call of [
			() => ep.fileno(),
			() => ep.poll(1),
			() => ep.register(fd),
			() => ep.modify(fd, IN),
			() => ep.unregister(fd),
		]) {
			assert.throws(call, {name: 'ValueError', message: 'I/O operation on closed epoll object'});
		}
	});

	test('testFdNonInheritable: the epoll fd is close-on-exec', () => {
		using ep = select.epoll();
		assert.equal(os.getInheritable(ep.fileno()), false);
		using ep2 = select.epoll(-1, E.EPOLL_CLOEXEC);
		assert.equal(os.getInheritable(ep2.fileno()), false);
	});

	test('modify or unregister of an fd not registered: FileNotFoundError', t => {
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		using ep = select.epoll();
		ep.register(r, IN);
		assert.throws(() => ep.modify(w, IN), FileNotFoundError);
		assert.throws(() => ep.unregister(w), FileNotFoundError);
	});

	test('a regular file is refused with PermissionError (EPERM), as CPython', t => {
		const fd = closingFds(t, ...os.pipe())[0]!;
		using ep = select.epoll();
		ep.register(fd);
		const file = openSync(new URL(import.meta.url).pathname, 'r');
		try {
			assert.throws(() => ep.register(file), PermissionError);
		} finally {
			closeSync(file);
		}
	});

	test('EPOLLPRI on TCP urgent data (MSG_OOB), the bits as the kernel sets them', t => {
		const [client, server] = tcpPair(t);
		using ep = select.epoll();
		ep.register(server, E.EPOLLPRI! | E.EPOLLRDHUP!);
		assert.deepEqual(ep.poll(0), []);
		client.send(Buffer.from('!'), MSG_OOB);
		const events = ep.poll(1);
		assert.equal(events.length, 1);
		assert.equal(events[0]![0], server.fileno());
		assert.ok((events[0]![1] & E.EPOLLPRI!) !== 0, `events ${events[0]![1]}`);
		client.shutdown(1);
		const later = ep.poll(1);
		assert.ok((later[0]![1] & E.EPOLLRDHUP!) !== 0, `events ${later[0]![1]}`);
	});

	test('EPOLLONESHOT: reported once, re-armed by modify', t => {
		const w = closingFds(t, ...os.pipe())[1]!;
		using ep = select.epoll();
		ep.register(w, OUT | E.EPOLLONESHOT!);
		assert.deepEqual(ep.poll(0), [[w, OUT]]);
		assert.deepEqual(ep.poll(0), []); // disarmed
		ep.modify(w, OUT);
		assert.deepEqual(ep.poll(0), [[w, OUT]]);
	});
});
