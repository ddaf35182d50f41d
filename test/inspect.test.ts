// What a user sees of the library's objects and errors: util.inspect() of a
// selector is a summary (class, fd, registrations, closed), not private
// fields; an error's stack starts where the user's call entered the library,
// not in the helper that validated an argument or turned an errno into an
// exception (as Node's own validators hide theirs).
import assert from 'node:assert/strict';
import {constants} from 'node:os';
import {describe, test} from 'node:test';
import {inspect} from 'node:util';
import {
	BlockingIOError,
	DefaultSelector,
	EpollSelector,
	EVENT_READ,
	OSError,
	PollSelector,
	SelectSelector,
	type SelectorClass,
	ValueError,
} from '../src/index.js';
import {close, pipe, read} from '../src/os.js';
import {checkFdLeaks} from './helpers/fds.js';

checkFdLeaks();

describe('util.inspect(selector)', () => {
	const classes: Array<[string, SelectorClass]> = [
		['SelectSelector', SelectSelector],
		['PollSelector', PollSelector],
	];
	if (EpollSelector.available) {
		classes.push(['EpollSelector', EpollSelector]);
	}

	for (const [name, Class] of classes) {
		test(`${name}: class, registrations and closed; the fd where the backend has one`, () => {
			const sel = new Class();
			const [r, w] = pipe();
			try {
				sel.register(r, EVENT_READ);
				sel.register(w, EVENT_READ);
				const hasFd = typeof (sel as {fileno?: unknown}).fileno === 'function';
				const fd = hasFd ? `fd: ${(sel as unknown as {fileno(): number}).fileno()}, ` : '';
				assert.equal(inspect(sel), `${name} { ${fd}registrations: 2, closed: false }`);
				sel.unregister(w);
				assert.match(inspect(sel), /registrations: 1,/);
				sel.close();
				assert.equal(inspect(sel), `${name} { registrations: 0, closed: true }`);
			} finally {
				sel.close();
				close(r);
				close(w);
			}
		});
	}

	test('no private field shows, nested it is one word, and colors apply', () => {
		using sel = new DefaultSelector();
		const shown = inspect(sel);
		assert.doesNotMatch(shown, /_fdToKey|_ready|_native|Int32Array|Map/);
		assert.equal(inspect({sel}, {depth: 0}), `{ sel: [${sel.constructor.name}] }`);
		assert.match(
			inspect(sel, {colors: true}),
			// eslint-disable-next-line no-control-regex -- the ANSI colour codes are what it checks
			/\u001B\[33m0\u001B\[39m/,
			'the number is styled as util.inspect styles numbers',
		);
	});
});

/** The first "at …" line of `error.stack`. */
function topFrame(error: unknown): string {
	assert.ok(error instanceof Error);
	const frame = error.stack?.split('\n').find(line => line.trimStart().startsWith('at '));
	assert.ok(frame, `a stack: ${error.stack}`);
	return frame.trim();
}

/** Runs `fn`, which must throw, and returns what it threw. */
function thrown(fn: () => unknown): unknown {
	try {
		fn();
	} catch (error) {
		return error;
	}

	assert.fail('did not throw');
}

describe('stack traces start at the library call, not at its helpers', () => {
	test('an errno from the addon (check): the os function the user called is the top frame', () => {
		const error = thrown(() => close(0x7fff_fff0));
		assert.ok(error instanceof OSError);
		assert.equal(error.errno, constants.errno.EBADF);
		assert.match(topFrame(error), /^at close \(/);
	});

	test('OSError.fromErrno: the caller is the top frame', () => {
		const [r, w] = pipe();
		try {
			const error = thrown(() => read(w, 10)); // the write end: EBADF
			assert.ok(error instanceof OSError);
			assert.equal(error.errno, constants.errno.EBADF);
			assert.match(topFrame(error), /^at read \(/);
			const direct = OSError.fromErrno(constants.errno.EPIPE, 'send');
			assert.doesNotMatch(topFrame(direct), /fromErrno|OSError/);
		} finally {
			close(r);
			close(w);
		}
	});

	test('flow control, not failure: "would block" errors carry no stack trace (BlockingIOError, SSLWant*Error)', async () => {
		const [r, w] = pipe();
		try {
			const error = thrown(() => read(r, 10)); // non-blocking, empty: EAGAIN
			assert.ok(error instanceof BlockingIOError);
			assert.equal(error.stack, `BlockingIOError: ${error.message}`);
		} finally {
			close(r);
			close(w);
		}

		let ssl: typeof import('../src/ssl/index.js');
		try {
			ssl = await import('../src/ssl/index.js');
		} catch {
			return; // no TLS in this Node: the ssl tests say why
		}

		const context = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
		context.checkHostname = false;
		context.verifyMode = ssl.CERT_NONE;
		const client = context.wrapBio(new ssl.MemoryBIO(), new ssl.MemoryBIO(), false);
		const want = thrown(() => {
			client.doHandshake(); // nothing from the server yet
		});
		assert.ok(want instanceof ssl.SSLWantReadError, String(want));
		assert.equal(want.stack, `SSLWantReadError: ${want.message}`);
		const other = thrown(() => close(0x7fff_fff0));
		assert.ok(other instanceof OSError);
		assert.match(topFrame(other), /^at close \(/, 'the other errors keep theirs');
	});

	test('argument validators (file object, events, timeout) are not the top frame', () => {
		using sel = new DefaultSelector();
		const [r, w] = pipe();
		try {
			const cases: Array<[string, () => unknown]> = [
				['fileobjToFd', () => sel.register({} as unknown as number, EVENT_READ)],
				['fileobjToFd', () => sel.register(-1, EVENT_READ)],
				['validateEvents', () => sel.register(r, 9)],
				['timeoutToMs', () => sel.select('1' as unknown as number)],
				['timeoutToMs', () => sel.select(Number.NaN)],
			];
			for (const [helper, fn] of cases) {
				const error = thrown(fn);
				assert.ok(error instanceof ValueError || error instanceof TypeError, String(error));
				const frame = topFrame(error);
				assert.doesNotMatch(frame, new RegExp(`\\b${helper}\\b`), `${String(error)}: ${frame}`);
				assert.match(
					frame,
					/Selector\./,
					`${String(error)}: the selector's own method is on top: ${frame}`,
				);
			}
		} finally {
			close(r);
			close(w);
		}
	});
});
