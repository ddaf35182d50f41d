/**
 * EpollSelector's opt-in kernel flags (EPOLLET, EPOLLONESHOT,
 * EPOLLEXCLUSIVE) through the fourth argument of register()/modify(), and
 * the proof that Python-style calls are unaffected.
 */
import assert from 'node:assert/strict';
import {closeSync, openSync} from 'node:fs';
import {describe, test, type TestContext} from 'node:test';
import {KeyError, OSError, PermissionError, ValueError} from '../../src/errors.js';
import {C} from '../../src/native.js';
import {EpollSelector, EVENT_READ, EVENT_WRITE} from '../../src/selectors/index.js';
import {createServer} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {expectEvents, socketpair} from './helpers.js';

checkFdLeaks();

const skip = EpollSelector.available
	? false
	: `epoll(7) is Linux-only; nothing to test on ${process.platform}`;
if (skip !== false) {
	console.log(`# epoll extras skipped: ${skip}`);
}

const {EPOLLET, EPOLLONESHOT, EPOLLEXCLUSIVE} = EpollSelector;

function make(t: TestContext): EpollSelector<string | undefined> {
	const sel = new EpollSelector<string | undefined>();
	t.after(() => {
		sel.close();
	});
	return sel;
}

/** Counts the kernel modifications a selector makes. */
function countModifies(sel: EpollSelector<string | undefined>): {count: number} {
	const hooks = sel as unknown as {
		_kernelModify(fd: number, oldEvents: number, newEvents: number, flags: number): void;
	};
	const modify = hooks._kernelModify.bind(hooks);
	const counter = {count: 0};
	hooks._kernelModify = (fd, oldEvents, newEvents, flags) => {
		counter.count++;
		modify(fd, oldEvents, newEvents, flags);
	};
	return counter;
}

describe('EpollSelector extra flags', {skip}, () => {
	test("the flags are epoll's constants", () => {
		assert.equal(EPOLLET, C['EPOLLET']);
		assert.equal(EPOLLONESHOT, C['EPOLLONESHOT']);
		assert.equal(EPOLLEXCLUSIVE, C['EPOLLEXCLUSIVE'] ?? 0);
	});

	test('EPOLLET: one report per edge; data left unread is not reported again until new data arrives', t => {
		const s = make(t);
		const [rd, wr] = socketpair(t);
		const key = s.register(rd, EVENT_READ, 'et', {flags: EPOLLET});
		assert.equal(key.events, EVENT_READ);
		assert.equal(key.data, 'et');
		wr.send('a');
		assert.deepEqual(expectEvents(s, [[rd, EVENT_READ]]), [[key, EVENT_READ]]);
		// Level-triggered would report it again: the data is still unread.
		assert.deepEqual(s.select(0.05), []);
		assert.deepEqual(s.select(0), []);
		wr.send('b'); // A new edge.
		assert.deepEqual(expectEvents(s, [[rd, EVENT_READ]]), [[key, EVENT_READ]]);
		assert.deepEqual(s.select(0), []);
		assert.equal(rd.recv(10), 'ab');
	});

	test('EPOLLONESHOT: disarmed after one report; modify() re-arms, even with the same events and data', t => {
		const s = make(t);
		const modifies = countModifies(s);
		const [rd, wr] = socketpair(t);
		const key = s.register(rd, EVENT_READ, 'once', {flags: EPOLLONESHOT});
		wr.send('a');
		assert.deepEqual(expectEvents(s, [[rd, EVENT_READ]]), [[key, EVENT_READ]]);
		assert.deepEqual(s.select(0), [], 'disarmed although the data is unread');
		wr.send('b');
		assert.deepEqual(s.select(0.05), [], 'still disarmed after new data');
		// Same events, same data: the base modify() would skip the kernel; one-shot must not.
		const again = s.modify(rd, EVENT_READ, 'once', {flags: EPOLLONESHOT});
		assert.equal(again, key, 'nothing changed in the key');
		assert.equal(modifies.count, 1);
		assert.deepEqual(expectEvents(s, [[rd, EVENT_READ]]), [[key, EVENT_READ]]);
		assert.deepEqual(s.select(0), []);
		// A Python-style modify() keeps the flags and re-arms too.
		const key2 = s.modify(rd, EVENT_READ, 'data');
		assert.equal(modifies.count, 2);
		assert.deepEqual(expectEvents(s, [[rd, EVENT_READ]]), [[key2, EVENT_READ]]);
		assert.deepEqual(s.select(0), [], 'still one-shot');
		// {} clears the flags: level-triggered again.
		s.modify(rd, EVENT_READ, 'data', {});
		expectEvents(s, [[rd, EVENT_READ]]);
		expectEvents(s, [[rd, EVENT_READ]]);
	});

	test(
		'EPOLLEXCLUSIVE: accepted by register() on a listening socket, refused by modify() with a typed error',
		{skip: EPOLLEXCLUSIVE === 0 ? 'EPOLLEXCLUSIVE is not defined by this C library' : false},
		t => {
			const listener = createServer(['127.0.0.1', 0]);
			t.after(() => {
				listener.close();
			});
			const s1 = make(t);
			const s2 = make(t);
			const key = s1.register(listener, EVENT_READ, 'a', {flags: EPOLLEXCLUSIVE});
			s2.register(listener, EVENT_READ, 'b', {flags: EPOLLEXCLUSIVE | EPOLLET});
			// Changing the events (or the flags) would need EPOLL_CTL_MOD: refused, nothing changes.
			const refused = (error: unknown): boolean =>
				error instanceof ValueError &&
				error.code === 'ERR_EPOLL_EXCLUSIVE' &&
				error.message.includes('EPOLLEXCLUSIVE') &&
				error.message.includes('unregister and register again');
			assert.throws(() => s1.modify(listener, EVENT_READ | EVENT_WRITE, 'a'), refused);
			assert.throws(
				() => s1.modify(listener, EVENT_READ, 'a', {flags: EPOLLEXCLUSIVE | EPOLLET}),
				refused,
			);
			assert.throws(() => s1.modify(listener, EVENT_READ, 'a', {}), refused);
			assert.equal(s1.getKey(listener), key, 'still registered, unchanged');
			// The data alone needs no kernel call: allowed.
			const key2 = s1.modify(listener, EVENT_READ, 'new data');
			assert.equal(key2.data, 'new data');
			// Adding the flag to an ordinary registration is refused the same way.
			const [rd] = socketpair(t);
			s1.register(rd, EVENT_READ);
			assert.throws(() => s1.modify(rd, EVENT_READ, undefined, {flags: EPOLLEXCLUSIVE}), refused);
			assert.equal(s1.getKey(rd).events, EVENT_READ);
			// EPOLLEXCLUSIVE with EPOLLONESHOT is EINVAL in epoll_ctl(2): refused up front.
			s1.unregister(rd);
			assert.throws(
				() => s1.register(rd, EVENT_READ, undefined, {flags: EPOLLEXCLUSIVE | EPOLLONESHOT}),
				{name: 'ValueError', code: 'ERR_INVALID_FLAGS'},
			);
			assert.equal(s1.getMap().has(rd), false);
			// Unregister and register again is the way to change it.
			s1.unregister(listener);
			s1.register(listener, EVENT_READ | EVENT_WRITE);
		},
	);

	test('invalid flags or options throw before anything changes', t => {
		const s = make(t);
		const [rd] = socketpair(t);
		for (const flags of [1, C['EPOLLRDHUP'] ?? 0x2000, 0.5, Number.NaN, 2 ** 33]) {
			assert.throws(() => s.register(rd, EVENT_READ, undefined, {flags}), {
				name: 'ValueError',
				code: 'ERR_INVALID_FLAGS',
			});
		}

		assert.throws(
			() => s.register(rd, EVENT_READ, undefined, {flags: '1'} as unknown as {flags: number}),
			ValueError,
		);
		assert.throws(
			() => s.register(rd, EVENT_READ, undefined, 5 as unknown as {flags: number}),
			TypeError,
		);
		assert.equal(s.getMap().size, 0);
		s.register(rd, EVENT_READ, 'x', {flags: EPOLLET | EPOLLONESHOT});
		assert.throws(() => s.modify(rd, EVENT_WRITE, 'y', {flags: 7}), {code: 'ERR_INVALID_FLAGS'});
		assert.equal(s.getKey(rd).data, 'x');
		assert.throws(() => s.modify(99_999, EVENT_READ, undefined, {flags: EPOLLET}), KeyError);
	});

	test('rollback: a refused register leaves nothing; a refused modify unregisters (bpo-30014)', t => {
		const s = make(t);
		const fd = openSync(process.execPath, 'r');
		t.after(() => {
			closeSync(fd);
		});
		assert.throws(() => s.register(fd, EVENT_READ, undefined, {flags: EPOLLET}), PermissionError);
		assert.equal(s.getMap().size, 0);
		const [rd] = socketpair(t);
		const rfd = rd.fileno();
		s.register(rfd, EVENT_READ, undefined, {flags: EPOLLET});
		rd.close();
		assert.throws(
			() => s.modify(rfd, EVENT_WRITE, undefined, {flags: EPOLLONESHOT}),
			error => error instanceof OSError && error.code === 'EBADF',
		);
		assert.equal(s.getMap().size, 0);
	});

	test('Python-style calls are unaffected: level-triggered, and modify() with the same events makes no kernel call', t => {
		const s = make(t);
		const modifies = countModifies(s);
		const [rd, wr] = socketpair(t);
		const key = s.register(rd, EVENT_READ, 'py');
		const key4 = s.register(wr, EVENT_WRITE, undefined, undefined);
		wr.send('a');
		expectEvents(s, [
			[rd, EVENT_READ],
			[wr, EVENT_WRITE],
		]);
		expectEvents(s, [
			[rd, EVENT_READ],
			[wr, EVENT_WRITE],
		]); // Reported again: level-triggered.
		assert.equal(s.modify(rd, EVENT_READ, 'py'), key);
		assert.equal(s.modify(wr, EVENT_WRITE), key4);
		assert.equal(modifies.count, 0);
		s.modify(rd, EVENT_READ | EVENT_WRITE, 'py');
		assert.equal(modifies.count, 1);
		// A flagged registration on the same selector changes nothing for the others.
		const [rd2] = socketpair(t);
		s.register(rd2, EVENT_READ, 'et', {flags: EPOLLET});
		assert.equal(s.modify(wr, EVENT_WRITE), key4);
		assert.equal(modifies.count, 1);
		expectEvents(s, [[rd, EVENT_READ]]);
		expectEvents(s, [[rd, EVENT_READ]]);
	});

	test("flags travel as arguments: a register() re-entered from fileno() neither takes nor clears the outer call's flags", t => {
		const s = make(t);
		const [rdOuter, wrOuter] = socketpair(t);
		const [rdInner, wrInner] = socketpair(t);
		let innerKey: ReturnType<typeof s.register> | undefined;
		// A file object whose fileno() registers another one, Python-style
		// (no flags), while the outer EPOLLET register() is in progress.
		const outer = {
			fileno(): number {
				innerKey ??= s.register(rdInner, EVENT_READ, 'inner');
				return rdOuter.fileno();
			},
		};
		const outerKey = s.register(outer, EVENT_READ, 'outer', {flags: EPOLLET});
		assert.ok(innerKey);
		wrOuter.send('a');
		wrInner.send('b');
		expectEvents(s, [
			[outer, EVENT_READ],
			[rdInner, EVENT_READ],
		]);
		// Neither is read: the inner one is level-triggered and reported
		// again, the outer one is edge-triggered and is not.
		assert.deepEqual(s.select(0.05), [[innerKey, EVENT_READ]]);
		assert.deepEqual(s.select(0), [[innerKey, EVENT_READ]]);
		wrOuter.send('c');
		assert.deepEqual(
			new Set(s.select(0.05)),
			new Set([
				[outerKey, EVENT_READ],
				[innerKey, EVENT_READ],
			]),
		);
		assert.equal(rdOuter.recv(10), 'ac');
		assert.equal(rdInner.recv(10), 'b');
	});

	test('edge-triggered with selectAsync(): one report per edge', async t => {
		const s = make(t);
		const [rd, wr] = socketpair(t);
		const key = s.register(rd, EVENT_READ, undefined, {flags: EPOLLET});
		wr.send('a');
		assert.deepEqual(await s.selectAsync(2), [[key, EVENT_READ]]);
		assert.deepEqual(await s.selectAsync(0.05), []);
		wr.send('b');
		assert.deepEqual(await s.selectAsync(2), [[key, EVENT_READ]]);
	});
});
