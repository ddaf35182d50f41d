// node-selectors/os: pipes, raw fd read/write, blocking and inheritable flags,
// dup, RLIMIT_NOFILE.
import assert from 'node:assert/strict';
import {constants} from 'node:os';
import {performance} from 'node:perf_hooks';
import {describe, test} from 'node:test';
import * as os from '../src/os.js';
import {BlockingIOError, BrokenPipeError, OSError, ValueError} from '../src/errors.js';
import {checkFdLeaks} from './helpers/fds.js';
import {startPeer} from './helpers/peer.js';
import {closingFds} from './helpers/sockets.js';

checkFdLeaks();

const E = constants.errno;

describe('pipe', () => {
	test('two distinct fds, non-blocking (deliberately unlike Python) and close-on-exec', t => {
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		assert.ok(r >= 0 && w >= 0 && r !== w);
		for (const fd of [r, w]) {
			assert.equal(os.getBlocking(fd), false);
			assert.equal(os.getInheritable(fd), false);
		}
	});

	test('write then read; EOF is an empty Buffer once the writer is closed', t => {
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		assert.equal(os.write(w, Buffer.from('hello pipe')), 10);
		assert.equal(os.read(r, 5).toString(), 'hello');
		assert.equal(os.read(r, 100).toString(), ' pipe');
		os.close(w);
		const eof = os.read(r, 100);
		assert.ok(Buffer.isBuffer(eof));
		assert.equal(eof.length, 0);
	});

	test('read of an empty pipe and write to a full one throw BlockingIOError', t => {
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		assert.throws(
			() => os.read(r, 10),
			e => e instanceof BlockingIOError && e.errno === E.EAGAIN && e.syscall === 'read',
		);
		const chunk = Buffer.alloc(65_536);
		let total = 0;
		assert.throws(
			() => {
				for (let i = 0; i < 10_000; i++) {
					total += os.write(w, chunk);
				}
			},
			e => e instanceof BlockingIOError && e.syscall === 'write',
		);
		assert.ok(total > 0);
	});

	test('write with the reader closed is BrokenPipeError (Node ignores SIGPIPE)', t => {
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		os.close(r);
		assert.throws(
			() => os.write(w, Buffer.from('x')),
			e => e instanceof BrokenPipeError && e.errno === E.EPIPE,
		);
	});

	test('a blocking read end blocks in read() until a concurrent writer writes', async t => {
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		os.setBlocking(r, true);
		await startPeer(t, {op: 'osWrite', fd: w, delayMs: 150, data: Buffer.from('late')});
		const start = performance.now();
		assert.equal(os.read(r, 10).toString(), 'late');
		assert.ok(performance.now() - start >= 100);
	});

	test('read returns exactly the bytes read, not the requested size', t => {
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		os.write(w, Buffer.from('abc'));
		const data = os.read(r, 1024 * 1024);
		assert.equal(data.length, 3);
		assert.ok(data.buffer.byteLength < 1024 * 1024);
	});
});

describe('fd flags and dup', () => {
	test('setBlocking/getBlocking toggle O_NONBLOCK', t => {
		const [r] = closingFds(t, ...os.pipe()) as [number, number];
		os.setBlocking(r, true);
		assert.equal(os.getBlocking(r), true);
		os.setBlocking(r, false);
		assert.equal(os.getBlocking(r), false);
	});

	test('setInheritable/getInheritable toggle FD_CLOEXEC', t => {
		const [r] = closingFds(t, ...os.pipe()) as [number, number];
		os.setInheritable(r, true);
		assert.equal(os.getInheritable(r), true);
		os.setInheritable(r, false);
		assert.equal(os.getInheritable(r), false);
	});

	test('dup gives a new close-on-exec fd on the same pipe', t => {
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		const w2 = os.dup(w);
		closingFds(t, w2);
		assert.notEqual(w2, w);
		assert.equal(os.getInheritable(w2), false);
		os.write(w2, Buffer.from('via dup'));
		assert.equal(os.read(r, 10).toString(), 'via dup');
	});
});

describe('errors and argument checks', () => {
	test('closed fds are EBADF; closing twice fails the second time', t => {
		const [r, w] = os.pipe();
		closingFds(t, w);
		os.close(r);
		for (const call of [
			() => os.close(r),
			() => os.read(r, 1),
			() => os.write(r, Buffer.from('x')),
			() => os.dup(r),
			() => os.getBlocking(r),
			() => os.setBlocking(r, true),
			() => os.getInheritable(r),
			() => os.setInheritable(r, true),
		]) {
			assert.throws(call, e => e instanceof OSError && e.errno === E.EBADF && e.code === 'EBADF');
		}
	});

	test("wrong types are TypeErrors with Node's code, naming the parameter; a negative size is a ValueError", t => {
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		const argType = (name: RegExp) => ({name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: name});
		assert.throws(() => os.read('3' as unknown as number, 1), argType(/\bfd\b/));
		assert.throws(() => os.read(r, 1.5), argType(/buffer size/));
		assert.throws(() => os.read(r, -1), ValueError);
		assert.throws(() => os.write(w, 'text' as unknown as Uint8Array), argType(/bytes-like/));
		assert.throws(() => os.close(null as unknown as number), argType(/\bfd\b/));
		assert.throws(() => os.setBlocking(2 ** 40, true), {
			name: 'RangeError',
			code: 'ERR_OUT_OF_RANGE',
			message: /\bfd\b/,
		});
	});

	test('strerror is the C library text; a bad code is an error naming the parameter', () => {
		assert.equal(os.strerror(E.EBADF), 'Bad file descriptor');
		assert.throws(() => os.strerror(Number.NaN), {
			name: 'RangeError',
			code: 'ERR_OUT_OF_RANGE',
			message: /strerror\(\): code must be an integer/,
		});
		assert.throws(() => os.strerror(1.5), {
			name: 'RangeError',
			code: 'ERR_OUT_OF_RANGE',
			message: /code/,
		});
		assert.throws(() => os.strerror('9' as unknown as number), {
			name: 'TypeError',
			code: 'ERR_INVALID_ARG_TYPE',
			message: /code/,
		});
	});
});

describe('RLIMIT_NOFILE', () => {
	test('getrlimitNofile reports [soft, hard]; setting the same values succeeds', () => {
		const [soft, hard] = os.getrlimitNofile();
		assert.ok(soft === os.RLIM_INFINITY || soft > 0);
		assert.ok(hard === os.RLIM_INFINITY || hard >= soft);
		os.setrlimitNofile(soft, hard);
		assert.deepEqual(os.getrlimitNofile(), [soft, hard]);
	});

	test('the soft limit can be lowered and restored', t => {
		const [soft, hard] = os.getrlimitNofile();
		t.after(() => os.setrlimitNofile(soft, hard));
		const lower = Math.max(256, Math.min(soft === os.RLIM_INFINITY ? 1024 : soft, 1024) - 1);
		os.setrlimitNofile(lower);
		assert.equal(os.getrlimitNofile()[0], lower);
		const previous = os.ensureNofile(lower + 1);
		assert.deepEqual(previous, [lower, hard]);
		assert.ok(os.getrlimitNofile()[0] >= lower + 1);
	});

	test('ensureNofile beyond the hard limit is EMFILE; a non-integer is a TypeError, below -1 a ValueError (as Python); soft > hard is EINVAL', () => {
		const [soft, hard] = os.getrlimitNofile();
		if (hard !== os.RLIM_INFINITY) {
			assert.throws(
				() => os.ensureNofile(hard + 1),
				e => e instanceof OSError && e.errno === E.EMFILE,
			);
			assert.throws(
				() => os.setrlimitNofile(hard + 1, hard),
				e => e instanceof OSError && e.errno === E.EINVAL,
			);
		}

		assert.throws(() => os.setrlimitNofile(1.5), {
			name: 'TypeError',
			code: 'ERR_INVALID_ARG_TYPE',
			message: /soft limit/,
		});
		assert.throws(() => os.setrlimitNofile(soft, 'x' as unknown as number), {
			name: 'TypeError',
			code: 'ERR_INVALID_ARG_TYPE',
			message: /hard limit/,
		});
		assert.throws(
			() => os.setrlimitNofile(-2),
			e => e instanceof ValueError && e.code === 'ERR_OUT_OF_RANGE' && e.message.includes('soft limit'),
		);
		assert.throws(() => os.setrlimitNofile(-5), ValueError);
		assert.throws(
			() => os.setrlimitNofile(soft, -5),
			e => e instanceof ValueError && e.message.includes('hard limit'),
		);
		assert.deepEqual(os.getrlimitNofile(), [soft, hard]);
	});
});
