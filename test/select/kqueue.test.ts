// Ported from CPython's Lib/test/test_kqueue.py (TestKQueue): testCreate,
// testCreateEvent (the KEvent fields), testQueueEvent (a connected pair),
// testIssue30058 … They need kqueue(2): on Linux the suite is skipped with
// that reason, and only the KEvent value object (pure TypeScript) is checked.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import * as select from '../../src/select/index.js';
import {OSError, ValueError} from '../../src/errors.js';
import {tcpPair} from '../helpers/sockets.js';

const hasKqueue = select.KQ_FILTER_READ !== undefined;
const skip = hasKqueue ? false : `kqueue(2) does not exist on ${process.platform}`;
if (skip) {
	console.log(`# test/select/kqueue: skipped: ${skip}`);
}

describe('KEvent (everywhere)', () => {
	test('testCreateEvent: defaults and fields', () => {
		const fd = {fileno: () => 7};
		const ev = select.kevent(fd);
		assert.equal(ev.ident, 7);
		assert.equal(ev.fflags, 0);
		assert.equal(ev.data, 0);
		assert.equal(ev.udata, 0);
		assert.throws(() => select.kevent({}), TypeError);
		assert.throws(() => select.kevent(1, 'x' as unknown as number), TypeError);
	});

	test(
		'kqueue() where the platform lacks it throws OSError',
		{skip: hasKqueue ? 'kqueue exists here' : false},
		() => {
			assert.throws(() => select.kqueue(), OSError);
		},
	);
});

describe('TestKQueue', {skip}, () => {
	test('testCreate', () => {
		const kq = select.kqueue();
		assert.ok(kq.fileno() > 0);
		assert.equal(kq.closed, false);
		kq.close();
		assert.equal(kq.closed, true);
		assert.throws(() => kq.fileno(), ValueError);
	});

	test('testQueueEvent', t => {
		const [client, server] = tcpPair(t);
		using kq = select.kqueue();
		const R = select.KQ_FILTER_READ!;
		const W = select.KQ_FILTER_WRITE!;
		const ADD = select.KQ_EV_ADD! | select.KQ_EV_ENABLE!;
		kq.control(
			[
				select.kevent(client, R, ADD),
				select.kevent(client, W, ADD),
				select.kevent(server, R, ADD),
				select.kevent(server, W, ADD),
			],
			0,
		);
		let events = kq.control(null, 4, 1).map(e => [e.ident, e.filter]);
		events.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
		assert.deepEqual(
			events,
			[
				[client.fileno(), W],
				[server.fileno(), W],
			].sort((a, b) => a[0]! - b[0]!),
		);
		client.send(Buffer.from('Hello!'));
		server.send(Buffer.from('world!!!'));
		events = kq.control(null, 4, 1).map(e => [e.ident, e.filter]);
		assert.equal(events.length, 4);
		assert.throws(() => kq.control(null, -1), ValueError);
		assert.throws(() => kq.control(null, 1, -1), ValueError);
	});
});
