/** The package's main entry: what it exports, and the shape of the API. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import * as errors from '../../src/errors.js';
import * as main from '../../src/index.js';
import {
	BaseSelector,
	EVENT_READ,
	EVENT_WRITE,
	fileobjToFd,
	PollSelector,
	SelectorKey,
	SelectSelector,
	type SelectorMapping,
} from '../../src/index.js';
import {socketpair} from './helpers.js';

test("EVENT_READ and EVENT_WRITE are Python's values", () => {
	assert.equal(EVENT_READ, 1);
	assert.equal(EVENT_WRITE, 2);
});

test('every selector class is exported, with a static available flag', () => {
	const names = [
		'SelectSelector',
		'PollSelector',
		'EpollSelector',
		'KqueueSelector',
		'DevpollSelector',
	] as const;
	for (const name of names) {
		const Class = main[name];
		assert.equal(typeof Class, 'function', name);
		assert.equal(typeof Class.available, 'boolean', name);
		assert.ok(Class.prototype instanceof BaseSelector, name);
	}

	assert.equal(SelectSelector.available, true);
	assert.equal(PollSelector.available, true);
	assert.ok(
		names.some(name => main[name] === main.DefaultSelector) ||
			process.env['SELECTORS_BACKEND'] !== undefined,
	);
});

test('every error class of src/errors.ts is exported from the main entry', () => {
	const classes = Object.entries(errors).filter(
		([, value]) =>
			typeof value === 'function' && (value as {prototype?: unknown}).prototype instanceof Error,
	);
	assert.ok(classes.length >= 20, `found ${classes.length}`);
	for (const [name, Class] of classes) {
		assert.equal((main as Record<string, unknown>)[name], Class, name);
	}
});

test('the socket module is not part of the main entry', () => {
	for (const name of ['Socket', 'socketpair', 'createConnection', 'socket']) {
		assert.equal(name in main, false, name);
	}
});

test('SelectorKey is frozen', () => {
	const key = new SelectorKey(3, 3, EVENT_READ, 'x');
	assert.ok(Object.isFrozen(key));
	assert.deepEqual({...key}, {fileobj: 3, fd: 3, events: EVENT_READ, data: 'x'});
	assert.throws(() => {
		(key as {events: number}).events = 2;
	}, TypeError);
});

test('fileobjToFd', () => {
	assert.equal(fileobjToFd(0), 0);
	assert.equal(fileobjToFd({fileno: () => 7}), 7);
	assert.throws(() => fileobjToFd(-1), {
		name: 'ValueError',
		code: 'ERR_INVALID_FD',
		message: 'Invalid file descriptor: -1',
	});
	assert.throws(() => fileobjToFd(1.5), {code: 'ERR_INVALID_FD'});
	assert.throws(() => fileobjToFd({fileno: () => -1}), {code: 'ERR_INVALID_FD'});
	assert.throws(() => fileobjToFd({}), {
		name: 'ValueError',
		code: 'ERR_INVALID_FILEOBJ',
		message: 'Invalid file object: {}',
	});
	assert.throws(() => fileobjToFd('3'), {code: 'ERR_INVALID_FILEOBJ'});
	assert.throws(
		() =>
			fileobjToFd({
				fileno() {
					throw new errors.ValueError('I/O operation on closed file');
				},
			}),
		{code: 'ERR_INVALID_FILEOBJ'},
	);
});

test('types: data is typed by the selector, optional only if undefined is allowed', t => {
	const strict = new PollSelector<string>();
	const loose = new SelectSelector();
	const [a, b] = socketpair(t);
	try {
		const compileTimeOnly = (): void => {
			// @ts-expect-error: data is required when T excludes undefined
			strict.register(a, EVENT_READ);
		};
		assert.equal(typeof compileTimeOnly, 'function');
		const key = strict.register(a, EVENT_WRITE, 'a');
		const data: string = key.data;
		assert.equal(data, 'a');
		loose.register(b, EVENT_WRITE);
		const map: SelectorMapping = loose.getMap();
		const readonly: ReadonlyMap<number, SelectorKey> = map;
		assert.equal(readonly.size, 1);
	} finally {
		strict.close();
		loose.close();
	}
});
