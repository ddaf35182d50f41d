/**
 * ReactorWait (src/async/wait.ts) and the reactor it waits through: one
 * helper thread per environment whatever the number of pending waits, the
 * event loop and libuv's threadpool free meanwhile, unref'd waits that let
 * the process exit, and an fd range select(2) could not take.
 */
import assert from 'node:assert/strict';
import {lookup} from 'node:dns/promises';
import {setMaxListeners} from 'node:events';
import {readFile} from 'node:fs/promises';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {EVENT_READ, EVENT_WRITE} from '../../src/constants.js';
import {ReactorWait} from '../../src/async/wait.js';
import {boundTokens} from '../../src/async/reactor.js';
import {native} from '../../src/native.js';
import {SelectSelector} from '../../src/selectors/select.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {
	canCountThreads,
	drain,
	FD_SETSIZE,
	pipe,
	runChild,
	threadCount,
	warmUpSpawn,
	writeByte,
} from './helpers.js';

await warmUpSpawn();
checkFdLeaks();

const never = new AbortController().signal;

test('a wait on registrations resolves when one is ready; the others are disarmed and closed', async t => {
	const [r1, w1] = pipe(t);
	const [r2] = pipe(t);
	const [, w3] = pipe(t);
	// w3 is writable at once; wait for reading on r1/r2 only.
	const wait = new ReactorWait();
	t.after(() => {
		wait.close();
	});
	setTimeout(() => {
		writeByte(w1);
	}, 20);
	await wait.wait(
		{
			interest: [
				[r1, EVENT_READ],
				[r2, EVENT_READ],
			],
		},
		5000,
		never,
		true,
	);
	assert.equal(boundTokens(), 0, 'no token left bound');
	drain(r1);
	// A writable fd resolves at once.
	const start = performance.now();
	await wait.wait({interest: [[w3, EVENT_WRITE]]}, 5000, never, true);
	assert.ok(performance.now() - start < 2000);
});

test('timeout, abort and restart() end a wait; an empty interest list waits for them only', async t => {
	const [rd] = pipe(t);
	const wait = new ReactorWait();
	t.after(() => {
		wait.close();
	});
	const start = performance.now();
	await wait.wait({interest: []}, 50, never, true);
	assert.ok(performance.now() - start >= 45);
	const ac = new AbortController();
	const reason = new Error('stop');
	setTimeout(() => {
		ac.abort(reason);
	}, 20);
	await assert.rejects(
		wait.wait({interest: [[rd, EVENT_READ]]}, -1, ac.signal, true),
		error => error === reason,
	);
	setTimeout(() => {
		wait.restart();
	}, 20);
	await wait.wait({fd: rd}, -1, never, true);
	assert.equal(boundTokens(), 0);
});

test("many pending waits share the one reactor thread: libuv's threadpool stays free (fs, dns)", async t => {
	const fds = Array.from({length: 16}, () => pipe(t));
	// Start the reactor first (the first watch does), then count.
	const first = new ReactorWait();
	const ac = new AbortController();
	// One signal for sixteen concurrent waits: each listens on it, as Node's own APIs would.
	setMaxListeners(fds.length, ac.signal);
	const waits = [first.wait({interest: [[fds[0]![0], EVENT_READ]]}, -1, ac.signal, true)];
	const before = threadCount();
	const waiters = [first];
	for (const [rd] of fds.slice(1)) {
		const w = new ReactorWait();
		waiters.push(w);
		waits.push(w.wait({interest: [[rd, EVENT_READ]]}, -1, ac.signal, true));
	}

	if (canCountThreads) {
		assert.equal(threadCount(), before, 'no thread per wait');
	}

	const source = await readFile(fileURLToPath(import.meta.url), 'utf8');
	assert.ok(source.length > 0);
	const addr = await lookup('localhost');
	assert.ok(addr.address.length > 0);
	for (const [, wr] of fds.slice(0, 8)) {
		writeByte(wr);
	}

	ac.abort(new Error('done'));
	const results = await Promise.allSettled(waits);
	assert.equal(results.length, 16);
	for (const w of waiters) {
		w.close();
	}

	for (const [rd] of fds) {
		drain(rd);
	}
});

test('fds at and above FD_SETSIZE can be waited for (the reactor does not use select(2))', async t => {
	const [rd, wr] = pipe(t);
	const high: number[] = [];
	t.after(() => {
		for (const fd of high) {
			native.close(fd);
		}
	});
	// Fill the table up to FD_SETSIZE so the next dup lands above it.
	while (high.length === 0 || high.at(-1)! < FD_SETSIZE) {
		const fd = native.dup(rd);
		assert.ok(fd >= 0, `dup: ${fd}`);
		high.push(fd);
	}

	const wait = new ReactorWait();
	t.after(() => {
		wait.close();
	});
	setTimeout(() => {
		writeByte(wr);
	}, 20);
	await wait.wait({interest: [[high.at(-1)!, EVENT_READ]]}, 5000, never, true);
	drain(rd);
});

test('SelectSelector.selectAsync() works with 1,024 fds or more open (it used to need a wake-up fd below FD_SETSIZE)', async t => {
	const [rd, wr] = pipe(t);
	const high: number[] = [];
	t.after(() => {
		for (const fd of high) {
			native.close(fd);
		}
	});
	while (high.length === 0 || high.at(-1)! < FD_SETSIZE) {
		const fd = native.dup(rd);
		assert.ok(fd >= 0, `dup: ${fd}`);
		high.push(fd);
	}

	const sel = new SelectSelector();
	t.after(() => {
		sel.close();
	});
	sel.register(rd, EVENT_READ);
	setTimeout(() => {
		writeByte(wr);
	}, 20);
	const ready = await sel.selectAsync(5);
	assert.deepEqual(
		ready.map(([key, events]) => [key.fd, events]),
		[[rd, EVENT_READ]],
	);
	drain(rd);
});

test("an unref'd pending wait lets the process exit; a ref'd one keeps it alive until ready", async () => {
	const setup = `
		import {ReactorWait} from ${JSON.stringify(new URL('../../src/async/wait.js', import.meta.url).href)};
		import {native} from ${JSON.stringify(new URL('../../src/native.js', import.meta.url).href)};
		const p = new Int32Array(2); native.pipe(p);
		const never = new AbortController().signal;
	`;
	const [unrefd, refd] = await Promise.all([
		runChild(
			`${setup}
			globalThis.keep = new ReactorWait();
			keep.wait({interest: [[p[0], 1]]}, -1, never, false).then(() => console.log('resolved'));
			setTimeout(() => native.write(p[1], new Uint8Array([1]), 0, 1), 6000).unref();
			console.log('waiting');
		`,
			10_000,
		),
		runChild(`${setup}
			const w = new ReactorWait();
			w.wait({interest: [[p[0], 1]]}, -1, never, true).then(() => { console.log('resolved'); w.close(); });
			setTimeout(() => native.write(p[1], new Uint8Array([1]), 0, 1), 300).unref();
			console.log('waiting');
		`),
	]);
	assert.equal(unrefd.killed, false, "the unref'd wait kept the process alive");
	assert.equal(unrefd.code, 0, unrefd.stderr);
	assert.equal(unrefd.stdout.trim(), 'waiting');
	assert.ok(unrefd.seconds < 5.5, `exit took ${unrefd.seconds} s: kept alive until the unref'd timer`);
	assert.equal(refd.killed, false, refd.stderr);
	assert.equal(refd.code, 0, refd.stderr);
	assert.equal(refd.stdout.trim(), 'waiting\nresolved');
	assert.ok(refd.seconds >= 0.25, `exited after ${refd.seconds} s, before the write`);
});

test('a wait on more than ten registrations prints no MaxListenersExceededWarning', async t => {
	// Each registration's watch listens on the wait's one AbortSignal: with
	// eleven or more, Node warned of a "possible EventTarget memory leak" on
	// every selectAsync() of a select/poll selector that size.
	const warnings: string[] = [];
	const onWarning = (warning: Error): void => {
		warnings.push(warning.name);
	};

	process.on('warning', onWarning);
	t.after(() => {
		process.off('warning', onWarning);
	});
	const pipes = Array.from({length: 16}, () => pipe(t));
	const wait = new ReactorWait();
	t.after(() => {
		wait.close();
	});
	setTimeout(() => {
		writeByte(pipes[15]![1]);
	}, 20);
	await wait.wait({interest: pipes.map(([r]) => [r, EVENT_READ] as const)}, 5000, never, true);
	drain(pipes[15]![0]);
	await new Promise(resolve => setImmediate(resolve)); // warnings are emitted on the next tick
	assert.deepEqual(
		warnings.filter(name => name === 'MaxListenersExceededWarning'),
		[],
	);
});
