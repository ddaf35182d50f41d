/**
 * selectInto(): select() into caller-owned arrays, per backend; bounded by
 * the room, with no ready event lost or starved beyond it.
 */
import assert from 'node:assert/strict';
import {describe, test, type TestContext} from 'node:test';
import {RuntimeError, ValueError} from '../../src/errors.js';
import {
	type BaseSelector,
	EpollSelector,
	EVENT_READ,
	EVENT_WRITE,
	KqueueSelector,
	PollSelector,
	SelectSelector,
	type SelectorKey,
} from '../../src/selectors/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {expectEvents, fdEvents, now, socketpair, type TestSocket} from './helpers.js';
import type {SelectorClassUnderTest} from './suite.js';

checkFdLeaks();

const BACKENDS: readonly SelectorClassUnderTest[] = [
	EpollSelector,
	KqueueSelector,
	PollSelector,
	SelectSelector,
];

/** The first `n` entries as sorted `[fd, events]` pairs. */
function filled(
	keys: Array<SelectorKey | undefined>,
	events: ArrayLike<number>,
	n: number,
): Array<[number, number]> {
	const pairs: Array<[number, number]> = [];
	for (let i = 0; i < n; i++) {
		const key = keys[i];
		assert.ok(key !== undefined, `keys[${i}] is filled`);
		pairs.push([key.fd, events[i]!]);
	}

	return pairs.sort((a, b) => a[0] - b[0]);
}

function intoSuite(Cls: SelectorClassUnderTest): void {
	const skip = Cls.available ? false : `${Cls.name} is not available on ${process.platform}`;

	function make(t: TestContext): BaseSelector {
		const sel = new Cls();
		t.after(() => {
			sel.close();
		});
		return sel;
	}

	/** `count` socketpairs with data waiting on the read end, registered for reading. */
	function readyReaders(t: TestContext, s: BaseSelector, count: number): TestSocket[] {
		const readers: TestSocket[] = [];
		for (let i = 0; i < count; i++) {
			const [rd, wr] = socketpair(t);
			s.register(rd, EVENT_READ, i);
			wr.send('x');
			readers.push(rd);
		}

		expectEvents(
			s,
			readers.map(rd => [rd, EVENT_READ] as const),
		);
		return readers;
	}

	describe(`${Cls.name} selectInto`, {skip}, () => {
		test('fills the arrays with what select() returns; entries past the count are left alone', t => {
			const s = make(t);
			const [rd, wr] = socketpair(t);
			s.register(rd, EVENT_READ);
			s.register(wr, EVENT_READ | EVENT_WRITE);
			wr.send('x');
			expectEvents(s, [
				[rd, EVENT_READ],
				[wr, EVENT_WRITE],
			]);
			const keys = new Array<SelectorKey | undefined>(8);
			const sentinel = s.getKey(rd);
			keys[7] = sentinel;
			const events = new Int32Array(8).fill(-1);
			const n = s.selectInto(keys, events, 0);
			assert.deepEqual(filled(keys, events, n), fdEvents(s.select(0)));
			assert.equal(keys[7], sentinel);
			assert.equal(events[7], -1);
			for (let i = 0; i < n; i++) {
				assert.equal(keys[i], s.getKey(keys[i]!.fd), 'the stored key');
			}

			// A number[] works as well.
			const plain: number[] = [0, 0, 0, 0];
			const n2 = s.selectInto(keys, plain, 0);
			assert.deepEqual(filled(keys, plain, n2), fdEvents(s.select(0)));
		});

		test('bounded by the room; the ready events beyond it are reported by the next calls', t => {
			const s = make(t);
			const readers = readyReaders(t, s, 5);
			const keys: Array<SelectorKey | undefined> = [undefined, undefined, undefined];
			const events = new Int32Array(2); // Room: 2.
			const seen = new Set<unknown>();
			for (let call = 0; call < 3; call++) {
				const n = s.selectInto(keys, events, 0);
				assert.equal(n, 2, `call ${call}: the room is full`);
				for (let i = 0; i < n; i++) {
					assert.equal(events[i], EVENT_READ);
					seen.add(keys[i]!.fileobj);
				}
			}

			assert.equal(seen.size, 5, 'no fd starved or lost after three calls of two');
			assert.ok(readers.every(rd => seen.has(rd)));
		});

		test('timeout in seconds; returns 0 when nothing is ready', t => {
			const s = make(t);
			const [rd] = socketpair(t);
			s.register(rd, EVENT_READ);
			const keys = new Array<SelectorKey | undefined>(4);
			const events = new Int32Array(4);
			assert.equal(s.selectInto(keys, events, 0), 0);
			const start = now();
			assert.equal(s.selectInto(keys, events, 0.2), 0);
			const dt = now() - start;
			assert.ok(dt >= 0.15 && dt <= 2.0, `waited ${dt} s for 0.2 s`);
		});

		test('invalid arguments and a closed selector throw', t => {
			const s = make(t);
			const keys = new Array<SelectorKey | undefined>(4);
			const events = new Int32Array(4);
			assert.throws(() => s.selectInto({} as unknown as SelectorKey[], events, 0), TypeError);
			assert.throws(
				() => s.selectInto(keys, new Float64Array(4) as unknown as Int32Array, 0),
				TypeError,
			);
			assert.throws(() => s.selectInto([], events, 0), RangeError);
			assert.throws(() => s.selectInto(keys, new Int32Array(0), 0), RangeError);
			assert.throws(() => s.selectInto(keys, events, '1' as unknown as number), TypeError);
			assert.throws(() => s.selectInto(keys, events, Number.NaN), ValueError);
			s.close();
			assert.throws(
				() => s.selectInto(keys, events, 0),
				error => error instanceof RuntimeError && error.code === 'ERR_SELECTOR_CLOSED',
			);
		});
	});
}

for (const Cls of BACKENDS) {
	intoSuite(Cls);
}

test(
	'EpollSelector selectInto: edge-triggered events beyond the room stay in the kernel for the next call',
	{skip: EpollSelector.available ? false : 'epoll(7) is Linux-only'},
	t => {
		const s = new EpollSelector();
		t.after(() => {
			s.close();
		});
		const readers: TestSocket[] = [];
		for (let i = 0; i < 3; i++) {
			const [rd, wr] = socketpair(t);
			s.register(rd, EVENT_READ, i, {flags: EpollSelector.EPOLLET});
			wr.send('x');
			readers.push(rd);
		}

		const keys: Array<SelectorKey | undefined> = [undefined];
		const events = new Int32Array(1);
		const seen = new Set<unknown>();
		for (let call = 0; call < 3; call++) {
			// Each edge is reported once: losing one here would lose it for good.
			assert.equal(s.selectInto(keys, events, 1), 1, `call ${call}`);
			seen.add(keys[0]?.fileobj);
		}

		assert.equal(seen.size, 3);
		assert.equal(s.selectInto(keys, events, 0), 0, 'every edge was reported once');
	},
);
