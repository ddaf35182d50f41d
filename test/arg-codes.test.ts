// Bad input to the selectors, the fd watcher and npm epoll's API: a
// TypeError or RangeError that carries Node's `code` (ERR_INVALID_ARG_TYPE,
// ERR_OUT_OF_RANGE) and names the parameter, as the socket and os modules'
// errors do (src/args.ts) — never a bare TypeError a caller cannot tell
// from a bug.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {DefaultSelector, EpollSelector, EVENT_READ} from '../src/index.js';
import {close, pipe} from '../src/os.js';
import {Epoll, FdWatch} from '../src/watch/index.js';
import {checkFdLeaks} from './helpers/fds.js';

checkFdLeaks();

type Expected = readonly [Class: typeof TypeError | typeof RangeError, code: string, names: RegExp];

/** `fn` throws (or rejects with) an error of `Class` with `code`, its message matching `names`. */
async function assertCoded(label: string, fn: () => unknown, [Class, code, names]: Expected): Promise<void> {
	let error: unknown;
	try {
		await fn();
	} catch (caught) {
		error = caught;
	}

	assert.ok(error instanceof Class, `${label}: ${Class.name} expected, got ${String(error)}`);
	assert.equal((error as {code?: unknown}).code, code, `${label}: code of "${error.message}"`);
	assert.match(error.message, names, `${label}: the message names the parameter`);
}

const argType = (names: RegExp): Expected => [TypeError, 'ERR_INVALID_ARG_TYPE', names];
const outOfRange = (names: RegExp): Expected => [RangeError, 'ERR_OUT_OF_RANGE', names];

test('selectors: wrong-typed timeout, options and selectInto() arguments', async () => {
	using sel = new DefaultSelector();
	const epoll = EpollSelector.available ? new EpollSelector() : undefined;
	const [r, w] = pipe();
	try {
		sel.register(r, EVENT_READ);
		const cases: Array<[string, () => unknown, Expected]> = [
			['select("1")', () => sel.select('1' as never), argType(/timeout/)],
			[
				'selectInto(keys, events, "1")',
				() => sel.selectInto([undefined], [0], '1' as never),
				argType(/timeout/),
			],
			['selectInto("k")', () => sel.selectInto('k' as never, [0]), argType(/keys/)],
			['selectInto(keys, "e")', () => sel.selectInto([undefined], 'e' as never), argType(/events/)],
			['selectInto([], [])', () => sel.selectInto([], []), outOfRange(/keys and events/)],
			['selectAsync("1")', () => sel.selectAsync('1' as never), argType(/timeout/)],
			['selectAsync(0, 3)', () => sel.selectAsync(0, 3 as never), argType(/options/)],
			[
				'selectAsync(0, {signal: 3})',
				() => sel.selectAsync(0, {signal: 3 as never}),
				argType(/signal/),
			],
			['selectAsync(0, {ref: 3})', () => sel.selectAsync(0, {ref: 3 as never}), argType(/ref/)],
			['events({ref: "x"})', () => sel.events({ref: 'x' as never}).next(), argType(/ref/)],
		];
		if (epoll !== undefined) {
			cases.push([
				'EpollSelector.register(fd, READ, data, 3)',
				() => epoll.register(w, EVENT_READ, undefined, 3 as never),
				argType(/options/),
			]);
		}

		for (const [label, fn, expected] of cases) {
			await assertCoded(label, fn, expected);
		}
	} finally {
		epoll?.close();
		close(r);
		close(w);
	}
});

test('FdWatch and Epoll (node-selectors/watch): wrong-typed fd, events, timeoutMs, callback', async () => {
	const [r, w] = pipe();
	const watch = new FdWatch(r, {ref: false});
	const epoll = new Epoll(() => {});
	try {
		const cases: Array<[string, () => unknown, Expected]> = [
			['new FdWatch("3")', () => new FdWatch('3' as never), argType(/fd/)],
			['wait({events: "1"})', () => watch.wait({events: '1' as never}), argType(/events/)],
			['wait({events: 1 << 20})', () => watch.wait({events: 1 << 20}), outOfRange(/events/)],
			['wait({timeoutMs: "5"})', () => watch.wait({timeoutMs: '5' as never}), argType(/timeoutMs/)],
			['new Epoll(3)', () => new Epoll(3 as never), argType(/callback/)],
			['Epoll.add("3", IN)', () => epoll.add('3' as never, Epoll.EPOLLIN), argType(/fd/)],
			['Epoll.add(r, "1")', () => epoll.add(r, '1' as never), argType(/events/)],
			['Epoll.add(r, 1 << 40)', () => epoll.add(r, 2 ** 40), outOfRange(/events/)],
			['Epoll.remove("3")', () => epoll.remove('3' as never), argType(/fd/)],
		];
		for (const [label, fn, expected] of cases) {
			await assertCoded(label, fn, expected);
		}
	} finally {
		watch.close();
		epoll.close();
		close(r);
		close(w);
	}
});
