/** IoUringSelector: the suite, plus what only the io_uring backend does. */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {closeSync, openSync} from 'node:fs';
import {constants as osConstants} from 'node:os';
import {test, type TestContext} from 'node:test';
import {OSError} from '../../src/errors.js';
import {constant, native} from '../../src/native.js';
import {EVENT_READ, EVENT_WRITE, IoUringSelector} from '../../src/selectors/index.js';
import {expectEvents, socketpair} from './helpers.js';
import {pollLikeTests} from './poll-like.js';
import {selectorSuite} from './suite.js';

/** Probe, never assume: containers and seccomp profiles forbid io_uring. */
function probe(): string | false {
	if (!IoUringSelector.available) {
		return 'io_uring(7) is Linux-only (not in this build of the addon)';
	}

	try {
		new IoUringSelector().close();
		return false;
	} catch (error) {
		if (error instanceof OSError) {
			return `io_uring refused here: ${error.message}`;
		}

		throw error;
	}
}

const reason = probe();
if (reason !== false) {
	console.log(`# skipping IoUringSelector tests: ${reason}`);
}

const skip = reason;
/** The class as the suite sees it: available only where the probe passed. */
const Probed = {
	IoUringSelector: class extends IoUringSelector {
		static override readonly available: boolean = reason === false;
	},
}.IoUringSelector;

selectorSuite(Probed, {
	scalable: true,
	kernelChecksRegister: false,
	...(reason === false ? {} : {unavailableReason: reason}),
});
pollLikeTests(Probed);

function make(t: TestContext): IoUringSelector {
	const s = new IoUringSelector();
	t.after(() => {
		s.close();
	});
	return s;
}

/** Reads from `fd` until EOF, for at most `ms`: whether EOF came. */
function eofWithin(fd: number, ms: number): boolean {
	const buf = new Uint8Array(16);
	const end = performance.now() + ms;
	const pollfds = new Int32Array([fd, constant('POLLIN')]);
	const out = new Int32Array(2);
	while (performance.now() < end) {
		if (native.poll(pollfds, 1, Math.max(1, Math.ceil(end - performance.now())), out) > 0) {
			const n = native.read(fd, buf, 0, buf.length);
			if (n === 0) {
				return true;
			}
		}
	}

	return false;
}

test('IoUringSelector unregister then close sends the FIN at once', {skip}, t => {
	const s = make(t);
	const [a, b] = socketpair(t);
	s.register(a, EVENT_READ);
	// The poll request is submitted, and stays in flight: nothing is readable.
	assert.deepEqual(s.select(0), []);
	s.unregister(a);
	a.close();
	// No select() after: the peer sees EOF promptly all the same.
	assert.equal(eofWithin(b.fileno(), 2000), true, 'peer saw EOF');
});

test(
	'IoUringSelector unregister of an fd reported by the last select makes no system call and still closes',
	{skip},
	t => {
		const s = make(t);
		const [a, b] = socketpair(t);
		s.register(a, EVENT_WRITE);
		expectEvents(s, [[a, EVENT_WRITE]]);
		s.unregister(a);
		a.close();
		assert.equal(eofWithin(b.fileno(), 2000), true, 'peer saw EOF');
	},
);

test('IoUringSelector re-arms: a still-ready fd is reported by every select (level-triggered)', {skip}, t => {
	const s = make(t);
	const [rd, wr] = socketpair(t);
	s.register(rd, EVENT_READ);
	assert.deepEqual(s.select(0), []);
	wr.send('abc');
	for (let i = 0; i < 5; i++) {
		const ready = s.select(1);
		assert.equal(ready.length, 1, `select ${i}`);
		assert.equal(ready[0]![1], EVENT_READ);
	}

	// Drained: no longer reported.
	rd.recv(16);
	assert.deepEqual(s.select(0), []);
	// Modify while a request is in flight: the new interest is polled.
	s.modify(rd, EVENT_WRITE);
	expectEvents(s, [[rd, EVENT_WRITE]]);
	s.modify(rd, EVENT_READ);
	assert.deepEqual(s.select(0), []);
});

test(
	'IoUringSelector register makes no system call; a bad fd is reported by select (as POLLNVAL)',
	{skip},
	t => {
		const s = make(t);
		const fds = new Int32Array(2);
		assert.equal(native.pipe(fds), 0);
		const [r, w] = [fds[0]!, fds[1]!];
		native.close(w);
		native.close(r);
		// A closed fd: register() cannot know without a system call.
		const key = s.register(r, EVENT_READ);
		assert.deepEqual(s.select(0), [[key, EVENT_READ]]);
		s.unregister(r);
		assert.deepEqual(s.select(0), []);
	},
);

test('IoUringSelector: a regular file is always ready (no EPERM, as PollSelector)', {skip}, t => {
	const s = make(t);
	const fd = openSync(process.execPath, 'r');
	t.after(() => {
		closeSync(fd);
	});
	const key = s.register(fd, EVENT_READ | EVENT_WRITE);
	assert.deepEqual(s.select(0), [[key, EVENT_READ | EVENT_WRITE]]);
});

test('IoUringSelector fileno() is the ring fd, close-on-exec, released by close()', {skip}, () => {
	const s = new IoUringSelector();
	const fd = s.fileno();
	const flags = native.fcntl(fd, constant('F_GETFD'), 0);
	assert.ok(flags >= 0 && (flags & constant('FD_CLOEXEC')) !== 0, 'close-on-exec');
	s.close();
	assert.equal(native.fcntl(fd, constant('F_GETFD'), 0), -osConstants.errno.EBADF);
});

test('IoUringSelector selectAsync sees a registration made while it waits', {skip}, async t => {
	const s = make(t);
	const [rd, wr] = socketpair(t);
	const start = performance.now();
	const pending = s.selectAsync(20);
	setTimeout(() => {
		s.register(rd, EVENT_READ);
		wr.send('x');
	}, 20);
	const ready = await pending;
	// Not at the end of the timeout: the wait saw the new registration.
	assert.ok(performance.now() - start < 10_000, `took ${Math.round(performance.now() - start)} ms`);
	assert.equal(ready.length, 1);
	assert.equal(ready[0]![0].fd, rd.fileno());
});

test(
	'IoUringSelector: a closed-but-registered fd does not keep its connection open; expired requests are re-armed',
	{skip},
	t => {
		const s = make(t);
		const [a, b] = socketpair(t);
		const [c, d] = socketpair(t);
		s.register(a, EVENT_READ);
		const keyC = s.register(c, EVENT_READ);
		assert.deepEqual(s.select(0), []);
		const fdA = a.fileno();
		a.close(); // Misuse: still registered, its poll request in flight.
		// No select() runs: the request's lifetime ends and the kernel drops the file.
		assert.equal(eofWithin(b.fileno(), 5000), true, 'peer saw EOF without unregister()');
		// The next select re-arms: the closed fd is reported (POLLNVAL, as poll(2)),
		// and the live one is polled again.
		d.send('x');
		const ready = expectEvents(s, [[c, EVENT_READ]]);
		assert.ok(ready.some(([key]) => key === keyC));
		assert.ok(
			ready.some(([key]) => key.fd === fdA),
			'closed fd reported as ready',
		);
		s.unregister(fdA);
	},
);

test('SELECTORS_BACKEND=io_uring forces IoUringSelector; unset, Linux keeps EpollSelector', {skip}, () => {
	const index = new URL('../../src/index.js', import.meta.url).href;
	const script = `
		const {DefaultSelector, EVENT_WRITE} = await import(${JSON.stringify(index)});
		const sel = new DefaultSelector();
		const fds = new Int32Array(2);
		const {native, constant} = await import(${JSON.stringify(new URL('../../src/native.js', import.meta.url).href)});
		native.socketpair(constant('AF_UNIX'), constant('SOCK_STREAM'), 0, fds);
		sel.register(fds[1], EVENT_WRITE);
		const ready = sel.select(1).map(([key, events]) => [key.fd === fds[1], events]);
		sel.close();
		native.close(fds[0]);
		native.close(fds[1]);
		console.log(JSON.stringify({name: DefaultSelector.name, ready}));
	`;
	const run = (value: string): unknown => {
		const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
			env: {...process.env, SELECTORS_BACKEND: value},
			encoding: 'utf8',
			timeout: 30_000,
		});
		assert.equal(result.status, 0, result.stderr);
		return JSON.parse(result.stdout);
	};

	assert.deepEqual(run('io_uring'), {name: 'IoUringSelector', ready: [[true, EVENT_WRITE]]});
	assert.deepEqual(run(''), {name: 'EpollSelector', ready: [[true, EVENT_WRITE]]});
});
