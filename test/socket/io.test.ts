// The socket I/O loop (src/socket/io.ts) on its own, with scripted steps on
// a real socketpair: EINTR retried, EAGAIN final in non-blocking mode and
// waited on otherwise, the step's own wait direction (what TLS's want-read /
// want-write will use), waiting first, and the deadline.
import assert from 'node:assert/strict';
import {constants} from 'node:os';
import {performance} from 'node:perf_hooks';
import {describe, test} from 'node:test';
import {Worker} from 'node:worker_threads';
import {once} from 'node:events';
import {ConnectionResetError, TimeoutError} from '../../src/errors.js';
import {
	ioErrno,
	ioError,
	isWouldBlock,
	sockCall,
	TIMED_OUT,
	WAIT_FIRST,
	WAIT_READ,
	WAIT_WRITE,
	waitSliceMs,
	WORKER_WAIT_SLICE_MS,
} from '../../src/socket/io.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {pair} from '../helpers/sockets.js';

checkFdLeaks();

const E = constants.errno;

/** A step that returns `script`'s values in turn (the last one from then on), counting its calls. */
function scripted(...script: number[]): {step: (fd: number) => number; calls: () => number} {
	let count = 0;
	return {
		step: () => script[Math.min(count++, script.length - 1)] ?? 0,
		calls: () => count,
	};
}

describe('sockCall', () => {
	test('EINTR is retried at once in every mode; the result comes back as is', t => {
		const [a] = pair(t);
		for (const mode of [-1, 0, 50]) {
			const {step, calls} = scripted(-E.EINTR, -E.EINTR, 7);
			assert.equal(sockCall(a.fileno(), mode, WAIT_READ, step, 0, 0, 0, 0), 7);
			assert.equal(calls(), 3);
		}
	});

	test('non-blocking mode: EAGAIN goes back to the caller after one call, as BlockingIOError', t => {
		const [a] = pair(t);
		const {step, calls} = scripted(-E.EAGAIN);
		const ret = sockCall(a.fileno(), 0, WAIT_READ, step, 0, 0, 0, 0);
		assert.equal(ret, -E.EAGAIN);
		assert.equal(calls(), 1);
		assert.ok(isWouldBlock(ret));
		assert.equal(ioError(ret, 'recv').name, 'BlockingIOError');
	});

	test('other errors go back at once in every mode', t => {
		const [a] = pair(t);
		for (const mode of [-1, 0, 50]) {
			const {step, calls} = scripted(-E.ECONNRESET);
			const ret = sockCall(a.fileno(), mode, WAIT_READ, step, 0, 0, 0, 0);
			assert.equal(ioErrno(ret), E.ECONNRESET);
			assert.equal(calls(), 1);
			assert.ok(ioError(ret, 'recv') instanceof ConnectionResetError);
		}
	});

	test('blocking mode: EAGAIN waits in the default direction, then retries', t => {
		const [a] = pair(t);
		// A socketpair end is writable at once: the wait ends and the step runs again.
		const {step, calls} = scripted(-E.EAGAIN, -E.EAGAIN, 5);
		assert.equal(sockCall(a.fileno(), -1, WAIT_WRITE, step, 0, 0, 0, 0), 5);
		assert.equal(calls(), 3);
	});

	test('timeout mode: EAGAIN on a socket that never becomes ready ends in TIMED_OUT after the timeout', t => {
		const [a] = pair(t);
		const {step, calls} = scripted(-E.EAGAIN);
		const start = performance.now();
		const ret = sockCall(a.fileno(), 100, WAIT_READ, step, 0, 0, 0, 0);
		const ms = performance.now() - start;
		assert.equal(ret, TIMED_OUT);
		assert.equal(calls(), 1);
		assert.ok(ms >= 95 && ms < 2000, `waited ${ms} ms`);
		const error = ioError(ret, 'recv');
		assert.ok(error instanceof TimeoutError);
		assert.equal(error.message, 'timed out');
		assert.equal(ioErrno(ret), E.ETIMEDOUT);
	});

	test('a step chooses its own wait direction (TLS want-read during a write)', t => {
		const [a] = pair(t);
		// Default direction WRITE (ready at once), but the step asks for READ: the wait times out.
		const wantRead = scripted(-(E.EAGAIN | WAIT_READ));
		assert.equal(sockCall(a.fileno(), 100, WAIT_WRITE, wantRead.step, 0, 0, 0, 0), TIMED_OUT);
		// Default direction READ (never ready), but the step asks for WRITE: it runs again at once.
		const wantWrite = scripted(-(E.EAGAIN | WAIT_WRITE), 3);
		assert.equal(sockCall(a.fileno(), 100, WAIT_READ, wantWrite.step, 0, 0, 0, 0), 3);
		assert.equal(wantWrite.calls(), 2);
		// In non-blocking mode the code, wait bits included, goes back to the caller, errno intact.
		const nonBlocking = sockCall(a.fileno(), 0, WAIT_READ, wantRead.step, 0, 0, 0, 0);
		assert.equal(ioErrno(nonBlocking), E.EAGAIN);
		assert.ok(isWouldBlock(nonBlocking));
	});

	test('a step asking to wait for a non-EAGAIN errno waits too', t => {
		const [a] = pair(t);
		const {step, calls} = scripted(-(E.EINPROGRESS | WAIT_WRITE), 0);
		assert.equal(sockCall(a.fileno(), -1, 0, step, 0, 0, 0, 0), 0);
		assert.equal(calls(), 2);
	});

	test('WAIT_FIRST waits before the first call: no call at all when the socket never becomes ready', t => {
		const [a, b] = pair(t);
		const never = scripted(1);
		assert.equal(sockCall(a.fileno(), 50, WAIT_FIRST | WAIT_READ, never.step, 0, 0, 0, 0), TIMED_OUT);
		assert.equal(never.calls(), 0);
		b.send(Buffer.from('x'));
		const ready = scripted(1);
		assert.equal(sockCall(a.fileno(), 50, WAIT_FIRST | WAIT_READ, ready.step, 0, 0, 0, 0), 1);
		assert.equal(ready.calls(), 1);
	});

	test('the step gets the fd and the four values, and may return any non-number as a result', t => {
		const [a] = pair(t);
		const seen: unknown[] = [];
		const result = sockCall(
			a.fileno(),
			-1,
			WAIT_READ,
			(fd: number, w: string, x: number, y: boolean, z: null) => {
				seen.push(fd, w, x, y, z);
				return ['done'] as const;
			},
			'w',
			1,
			true,
			null,
		);
		assert.deepEqual(result, ['done']);
		assert.deepEqual(seen, [a.fileno(), 'w', 1, true, null]);
	});
});

describe('waitSliceMs', () => {
	test('the main thread waits for the whole time; a worker for at most WORKER_WAIT_SLICE_MS at once', async () => {
		assert.equal(waitSliceMs(-1), -1);
		assert.equal(waitSliceMs(10_000), 10_000);
		const worker = new Worker(
			`
			import {parentPort} from 'node:worker_threads';
			const io = await import(${JSON.stringify(new URL('../../src/socket/io.js', import.meta.url).href)});
			parentPort.postMessage([io.waitSliceMs(-1), io.waitSliceMs(10_000), io.waitSliceMs(20)]);
		`,
			{eval: true, execArgv: ['--input-type=module']},
		);
		const [slices] = (await once(worker, 'message')) as [number[]];
		await worker.terminate();
		assert.deepEqual(slices, [WORKER_WAIT_SLICE_MS, WORKER_WAIT_SLICE_MS, 20]);
	});
});
