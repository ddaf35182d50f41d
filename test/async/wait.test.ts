/** startPoll/startSelect/asyncPoll/asyncSelect (src/async/wait.ts) and the native pollAsync/selectAsync. */
import assert from 'node:assert/strict';
import {lookup} from 'node:dns/promises';
import {readFile} from 'node:fs/promises';
import {createConnection, createServer, type AddressInfo} from 'node:net';
import {after, before, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {asyncPoll, asyncSelect, PendingWait, startPoll, startSelect} from '../../src/async/index.js';
import {OSError} from '../../src/errors.js';
import {constant, native, type NativeWait} from '../../src/native.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {
	asyncModuleUrl, canCountThreads, FD_SETSIZE, nativeModuleUrl, pairs, pipe, pollfds, POLLIN, POLLOUT, runChild,
	threadCount, threadsSettle, warmUpSpawn, writeByte,
} from './helpers.js';

await warmUpSpawn();
checkFdLeaks();

// Every helper thread started by this file is joined by its end.
let baselineThreads = -1;
before(() => {
	baselineThreads = threadCount();
});
after(async () => {
	if (canCountThreads) {
		const n = await threadsSettle(baselineThreads);
		assert.ok(n <= baselineThreads, `threads: ${n} now, ${baselineThreads} before`);
	}
});

test('asyncPoll resolves with the ready pairs; the event loop (timers, a net server) runs meanwhile', async t => {
	const [rd, wr] = pipe(t);
	const [rd2] = pipe(t);
	const server = createServer(sock => sock.pipe(sock));
	t.after(() => {
		server.close();
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	let ticks = 0;
	const interval = setInterval(() => {
		ticks++;
	}, 10);
	t.after(() => {
		clearInterval(interval);
	});
	let echoed = '';
	setTimeout(() => {
		const client = createConnection(port, '127.0.0.1', () => client.end('ping'));
		client.setEncoding('utf8').on('data', (s: string) => {
			echoed += s;
		});
	}, 20);
	setTimeout(() => {
		writeByte(wr);
	}, 300);
	const out = new Int32Array(4);
	const start = performance.now();
	const count = await asyncPoll(pollfds([rd2, POLLIN], [rd, POLLIN]), 2, -1, out);
	const dt = (performance.now() - start) / 1000;
	assert.equal(count, 1);
	assert.deepEqual(pairs(out, count), [[rd, POLLIN]]);
	assert.ok(dt >= 0.2 && dt <= 2.5, `resolved after ${dt} s`);
	assert.ok(ticks >= 5, `only ${ticks} timer ticks while waiting`);
	assert.equal(echoed, 'ping');
});

test('asyncSelect resolves with the ready (fd, mask) pairs', async t => {
	const [rd, wr] = pipe(t);
	setTimeout(() => {
		writeByte(wr);
	}, 50);
	const out = new Int32Array(4);
	const count = await asyncSelect(new Int32Array([rd, 1, wr, 1]), 2, 5000, out);
	assert.equal(count, 1);
	assert.deepEqual(pairs(out, count), [[rd, 1]]);
});

test('the result equals the synchronous native.poll / native.select result on the same state', async t => {
	const [r1, w1] = pipe(t);
	const [r2] = pipe(t);
	const [r3, w3] = pipe(t);
	writeByte(w1);
	writeByte(w3);
	const pf = pollfds([r1, POLLIN], [r2, POLLIN], [w1, POLLOUT], [r3, POLLIN | POLLOUT], [w3, POLLIN]);
	const syncOut = new Int32Array(10);
	const asyncOut = new Int32Array(10);
	const syncCount = native.poll(pf, 5, 0, syncOut);
	const asyncCount = await asyncPoll(pf, 5, 1000, asyncOut);
	assert.equal(asyncCount, syncCount);
	assert.equal(syncCount, 3);
	assert.deepEqual(pairs(asyncOut, asyncCount), pairs(syncOut, syncCount));

	const fds = new Int32Array([r1, 1, r2, 1, w1, 2, r3, 3, w3, 3]);
	const syncSel = new Int32Array(10);
	const asyncSel = new Int32Array(10);
	const selCount = native.select(fds, 5, 0, syncSel);
	const asyncSelCount = await asyncSelect(fds, 5, 1000, asyncSel);
	assert.equal(asyncSelCount, selCount);
	assert.equal(selCount, 4);
	assert.deepEqual(pairs(asyncSel, asyncSelCount), pairs(syncSel, selCount));

	// A closed fd: poll reports POLLNVAL for it, as synchronously. (A high
	// number: a just-closed low one would be reused by the wait's wake fd.)
	const closed = FD_SETSIZE - 3;
	assert.ok(native.fcntl(closed, constant('F_GETFD'), 0) < 0, `fd ${closed} is open`);
	const pfBad = pollfds([closed, POLLIN]);
	const a = new Int32Array(2);
	const b = new Int32Array(2);
	assert.equal(await asyncPoll(pfBad, 1, 1000, a), native.poll(pfBad, 1, 0, b));
	assert.deepEqual(a, b);
});

test('cancel() wakes the thread: the promise rejects with the reason once the thread has finished', async t => {
	const [rd] = pipe(t);
	const out = new Int32Array(2);
	const wait = startPoll(pollfds([rd, POLLIN]), 1, -1, out);
	assert.ok(wait instanceof PendingWait);
	assert.equal(wait.done, false);
	const reason = new Error('selector closed');
	const start = performance.now();
	setTimeout(() => {
		wait.cancel(reason);
		wait.cancel(new Error('second reason loses'));
	}, 50);
	await assert.rejects(wait.promise, error => error === reason);
	assert.ok((performance.now() - start) / 1000 < 2);
	assert.equal(wait.done, true);
	wait.cancel(); // no-op once done
	wait.unref().ref();

	// Default reason: an AbortError.
	const w2 = startSelect(new Int32Array([rd, 1]), 1, -1, out);
	w2.cancel();
	await assert.rejects(w2.promise, error => error instanceof DOMException && error.name === 'AbortError');
});

test('an AbortSignal cancels; an already-aborted one rejects without starting a thread', async t => {
	const [rd] = pipe(t);
	const out = new Int32Array(2);
	const ac = new AbortController();
	const reason = new Error('aborted');
	setTimeout(() => {
		ac.abort(reason);
	}, 50);
	await assert.rejects(asyncPoll(pollfds([rd, POLLIN]), 1, -1, out, {signal: ac.signal}), error => error === reason);
	await assert.rejects(asyncSelect(new Int32Array([rd, 1]), 1, -1, out, {signal: AbortSignal.abort(reason)}),
		error => error === reason);
	assert.throws(() => startPoll(pollfds([rd, POLLIN]), 1, -1, out, {signal: AbortSignal.abort(reason)}),
		error => error === reason);
	// A signal outliving its wait: aborting later is harmless.
	const late = new AbortController();
	assert.equal(await asyncPoll(pollfds([rd, POLLIN]), 1, 0, out, {signal: late.signal}), 0);
	late.abort();
});

test('timeoutMs: resolves 0 after the timeout; 0 polls', async t => {
	const [rd] = pipe(t);
	const out = new Int32Array(2);
	let start = performance.now();
	assert.equal(await asyncPoll(pollfds([rd, POLLIN]), 1, 200, out), 0);
	let dt = (performance.now() - start) / 1000;
	assert.ok(dt >= 0.15 && dt <= 2.0, `poll timed out after ${dt} s`);
	start = performance.now();
	assert.equal(await asyncSelect(new Int32Array([rd, 1]), 1, 200, out), 0);
	dt = (performance.now() - start) / 1000;
	assert.ok(dt >= 0.15 && dt <= 2.0, `select timed out after ${dt} s`);
	assert.equal(await asyncPoll(pollfds([rd, POLLIN]), 1, 0, out), 0);
	assert.equal(await asyncPoll(new Int32Array(0), 0, 10, out), 0, 'no fds: a sleep');
});

test('errors: select fd range checks before any thread, argument types, ranges', async t => {
	const [rd] = pipe(t);
	const out = new Int32Array(2);
	await assert.rejects(asyncSelect(new Int32Array([FD_SETSIZE, 1]), 1, 0, out),
		error => error instanceof OSError && error.code === 'EINVAL' && error.syscall === 'select');
	await assert.rejects(asyncSelect(new Int32Array([-1, 1]), 1, 0, out),
		error => error instanceof OSError && error.code === 'EBADF');
	assert.throws(() => startSelect(new Int32Array([FD_SETSIZE + 5, 1]), 1, 0, out), OSError);
	await assert.rejects(asyncPoll(pollfds([rd, POLLIN]), 2, 0, out), RangeError, 'n larger than the arrays');
	await assert.rejects(asyncPoll(pollfds([rd, POLLIN]), 1, 0, new Int32Array(1)), RangeError, 'out too small');
	await assert.rejects(asyncPoll(pollfds([rd, POLLIN]), -1, 0, out), RangeError);
	await assert.rejects(asyncPoll(pollfds([rd, POLLIN]), 1, 0.5, out), TypeError);
	await assert.rejects(asyncPoll(new Uint32Array(2) as unknown as Int32Array, 1, 0, out), TypeError);
	// Native surface.
	const noop = (): void => undefined;
	assert.throws(() => native.pollAsync(new Int32Array(2), 1, 0, out, 'x' as unknown as () => void), TypeError);
	assert.throws(() => native.selectAsync([rd, 1] as unknown as Int32Array, 1, 0, out, noop), TypeError);
	assert.throws(() => native.waitCancel({} as NativeWait), TypeError);
	assert.throws(() => native.waitRef(7 as unknown as NativeWait, true), TypeError);
	const h = native.pollAsync(pollfds([rd, POLLIN]), 1, 0, out, noop);
	assert.notEqual(typeof h, 'number');
	assert.throws(() => native.waitRef(h as NativeWait, 'yes' as unknown as boolean), TypeError);
	assert.equal(native.waitRef(h as NativeWait, true), 0);
	await new Promise(resolve => setTimeout(resolve, 20));
	assert.equal(native.waitCancel(h as NativeWait), 0, 'cancel after completion: no-op');
	assert.equal(native.waitRef(h as NativeWait, false), 0);
});

test('the out buffer is written only at completion; pollfds may change at once', async t => {
	const [rd, wr] = pipe(t);
	const pf = pollfds([rd, POLLIN]);
	const out = new Int32Array([-7, -7]);
	const wait = startPoll(pf, 1, 5000, out);
	pf[0] = 12_345; // The running wait copied the array.
	await new Promise(resolve => setTimeout(resolve, 30));
	assert.deepEqual([...out], [-7, -7]);
	writeByte(wr);
	assert.equal(await wait.promise, 1);
	assert.deepEqual(pairs(out, 1), [[rd, POLLIN]]);
});

test('many pending waits use their own threads, not libuv\'s pool: fs and dns still work; all threads are joined', async t => {
	const [rd] = pipe(t);
	const before = threadCount();
	const waits = Array.from({length: 8}, () => startPoll(pollfds([rd, POLLIN]), 1, -1, new Int32Array(2)));
	if (canCountThreads) {
		assert.ok(threadCount() >= before + 8, `${threadCount()} threads, ${before} before`);
	}

	// Both go through libuv's threadpool (4 threads): eight blocked waits
	// there would starve them.
	const source = await readFile(fileURLToPath(import.meta.url), 'utf8');
	assert.ok(source.length > 0);
	const addr = await lookup('localhost');
	assert.ok(addr.address.length > 0);
	for (const w of waits) {
		w.cancel(new Error('done'));
	}

	const results = await Promise.allSettled(waits.map(async w => w.promise));
	assert.ok(results.every(r => r.status === 'rejected'));
	if (canCountThreads) {
		assert.ok(threadCount() <= before, `${threadCount()} threads after, ${before} before`);
	}
});

test('an unref\'d pending wait lets the process exit (its thread is joined); a ref\'d one keeps it alive', async () => {
	const setup = `
		import {startPoll, startSelect} from ${JSON.stringify(asyncModuleUrl)};
		import {native} from ${JSON.stringify(nativeModuleUrl)};
		const p = new Int32Array(2); native.pipe(p);
		const pf = new Int32Array([p[0], native.constants.POLLIN]);
	`;
	const [unrefd, refd, unrefLater] = await Promise.all([
		runChild(`${setup}
			startPoll(pf, 1, -1, new Int32Array(2), {ref: false}).promise.then(() => console.log('resolved'));
			startSelect(new Int32Array([p[0], 1]), 1, -1, new Int32Array(2), {ref: false});
			console.log('waiting');
		`),
		runChild(`${setup}
			startPoll(pf, 1, -1, new Int32Array(2)).promise.then(n => {
				console.log('resolved', n); native.close(p[0]); native.close(p[1]);
			});
			setTimeout(() => native.write(p[1], new Uint8Array([1]), 0, 1), 300).unref();
			console.log('waiting');
		`),
		runChild(`${setup}
			const w = startPoll(pf, 1, -1, new Int32Array(2));
			setTimeout(() => { w.unref(); console.log('unref'); }, 100);
		`),
	]);
	assert.equal(unrefd.killed, false, 'the unref\'d wait kept the process alive');
	assert.equal(unrefd.code, 0, unrefd.stderr);
	assert.equal(unrefd.stdout.trim(), 'waiting');
	assert.ok(unrefd.seconds < 2.5, `exit took ${unrefd.seconds} s`);
	assert.equal(refd.killed, false, refd.stderr);
	assert.equal(refd.code, 0, refd.stderr);
	assert.equal(refd.stdout.trim(), 'waiting\nresolved 1');
	assert.ok(refd.seconds >= 0.25, `exited after ${refd.seconds} s, before the write`);
	assert.equal(unrefLater.killed, false);
	assert.equal(unrefLater.code, 0, unrefLater.stderr);
	assert.equal(unrefLater.stdout.trim(), 'unref');
});
