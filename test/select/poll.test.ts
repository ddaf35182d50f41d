// Ported from CPython's Lib/test/test_poll.py (PollTests), names kept
// (camelCased), plus POLLPRI from TCP urgent data. testPoll2 (a
// subprocess's pipe), testPollThreads and the C-int overflow cases that
// depend on Python's integer types are adapted or left out.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {Worker} from 'node:worker_threads';
import * as select from '../../src/select/index.js';
import {FileNotFoundError, KeyError, ValueError} from '../../src/errors.js';
import {MSG_OOB} from '../../src/socket/index.js';
import * as os from '../../src/os.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {readChildLines} from './child-lines.js';
import {closingFds, tcpPair} from '../helpers/sockets.js';

checkFdLeaks();

const {POLLIN, POLLOUT, POLLPRI, POLLNVAL, POLLHUP} = select;

describe('PollTests', () => {
	test('testPoll1: many pipes, each written then read through poll()', t => {
		// Basic functional test of poll object: create a bunch of pipes and
		// test that poll works with them (test_poll.py).
		const p = select.poll();
		const NUM_PIPES = 12;
		const MSG = Buffer.from(' This is a test.');
		const readers: number[] = [];
		const writers: number[] = [];
		const rToW = new Map<number, number>();
		for (let i = 0; i < NUM_PIPES; i++) {
			const [rd, wr] = closingFds(t, ...os.pipe()) as [number, number];
			p.register(rd);
			p.modify(rd, POLLIN);
			p.register(wr, POLLOUT);
			readers.push(rd);
			writers.push(wr);
			rToW.set(rd, wr);
		}

		let bufs = 0;
		while (writers.length > 0) {
			const ready = p.poll();
			const readyWriters = ready
				.filter(([fd, flags]) => flags & POLLOUT && writers.includes(fd))
				.map(([fd]) => fd);
			assert.ok(readyWriters.length > 0, 'no pipes ready for writing');
			const wr = readyWriters[Math.floor(Math.random() * readyWriters.length)]!;
			os.write(wr, MSG);
			const ready2 = p.poll();
			const readyReaders = ready2
				.filter(([fd, flags]) => flags & POLLIN && readers.includes(fd))
				.map(([fd]) => fd);
			assert.ok(readyReaders.length > 0, 'no pipes ready for reading');
			const rd = readyReaders[0]!;
			assert.deepEqual(os.read(rd, MSG.length), MSG);
			bufs++;
			os.close(rToW.get(rd)!);
			p.unregister(rToW.get(rd)!);
			p.unregister(rd);
			writers.splice(writers.indexOf(rToW.get(rd)!), 1);
		}

		assert.equal(bufs, NUM_PIPES);
	});

	test('testPollUnitTests: POLLNVAL for a closed fd, objects with fileno(), TypeError and KeyError', t => {
		const [r, w] = os.pipe();
		closingFds(t, w);
		os.close(r);
		const p = select.poll();
		p.register({fileno: () => r});
		assert.deepEqual(p.poll(), [[r, POLLNVAL]]);
		// An fd that was never valid at all (test_poll.py: "fd for a closed file").
		const q = select.poll();
		q.register(r);
		assert.deepEqual(q.poll(), [[r, POLLNVAL]]);
		// Bad arguments.
		assert.throws(() => p.register({fileno: () => 'x'}), TypeError);
		assert.throws(() => p.register({}), TypeError);
		assert.throws(() => p.register(p), {name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE'});
		assert.throws(() => p.unregister(p), {name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE'});
		assert.throws(() => p.register(-1), ValueError);
		assert.throws(() => p.unregister(-1), ValueError);
		assert.throws(() => p.unregister(3), KeyError);
	});

	test('testPoll2: a child writing lines, read through poll() until EOF', t => {
		// CPython's timeouts, then at most 200 waits of 100 ms.
		const timeouts = [0, 1000, 2000, 4000, 8000, ...Array<number>(200).fill(100)];
		let p: select.Poll | undefined;
		const text = readChildLines(t, timeouts.length, (fd, i) => {
			if (p === undefined) {
				p = select.poll();
				p.register(fd, POLLIN);
			}

			const ready = p.poll(timeouts[i]);
			for (const [readyFd, flags] of ready) {
				assert.equal(readyFd, fd);
				assert.ok((flags & (POLLIN | POLLHUP)) !== 0, `unexpected revents ${flags}`);
			}

			return ready.length > 0;
		});
		assert.equal(text, 'testing...\n'.repeat(5));
	});

	test('modify of an fd not registered is FileNotFoundError (ENOENT); registering again modifies', t => {
		const [r] = closingFds(t, ...os.pipe()) as [number, number];
		const p = select.poll();
		assert.throws(
			() => p.modify(r, POLLIN),
			(e: unknown) => e instanceof FileNotFoundError && e.errno === 2,
		);
		assert.throws(() => p.unregister(r), KeyError);
		p.register(r, POLLIN);
		p.register(r, POLLIN | POLLPRI); // registering again modifies
		p.unregister(r);
		assert.throws(() => p.unregister(r), KeyError);
	});

	test('testPoll3 and testPollCLimits: masks are unsigned shorts, timeouts C ints (OverflowError → RangeError)', t => {
		const [r] = closingFds(t, ...os.pipe()) as [number, number];
		const p = select.poll();
		assert.throws(() => p.register(r, 0x1_00_00), {name: 'RangeError', code: 'ERR_OUT_OF_RANGE'});
		assert.throws(() => p.register(r, -1), {name: 'ValueError', message: 'value must be positive'});
		assert.throws(() => p.modify(r, 0x1_00_00), RangeError);
		assert.throws(() => p.register(r, 2 ** 64), RangeError);
		assert.throws(() => p.poll(2 ** 64), RangeError);
		p.register(r, POLLIN);
		assert.throws(() => p.modify(r, -1), {name: 'ValueError', message: 'value must be positive'});
		assert.throws(() => p.modify(r, 2 ** 64), RangeError);
		assert.throws(() => p.poll(2 ** 31), {name: 'RangeError', message: 'timeout is too large'});
		assert.throws(() => p.poll(-(2 ** 31) - 1), RangeError);
		assert.throws(() => p.poll('x' as unknown as number), {
			name: 'TypeError',
			message: 'timeout must be an integer or None',
		});
		p.register(r, 0x80_00);
		assert.deepEqual(p.poll(0), []);
	});

	test('a pipe whose writer closed reports POLLHUP', t => {
		const [r, w] = os.pipe();
		closingFds(t, r);
		const p = select.poll();
		p.register(r, POLLIN);
		os.close(w);
		const [[fd, revents]] = p.poll(1000) as [[number, number]];
		assert.equal(fd, r);
		assert.ok((revents & POLLHUP) !== 0);
	});

	test('POLLPRI from TCP urgent data (MSG_OOB)', t => {
		const [client, server] = tcpPair(t);
		const p = select.poll();
		p.register(server, POLLPRI);
		assert.deepEqual(p.poll(0), []);
		client.send(Buffer.from('!'), MSG_OOB);
		const events = p.poll(1000);
		assert.equal(events.length, 1);
		assert.ok((events[0]![1] & POLLPRI) !== 0);
	});

	test('testPollBlocksWithNegativeMs: any negative timeout blocks, even -0.1 and -1e-100', async t => {
		// CPython rounds a poll timeout away from zero (_PyTime_ROUND_TIMEOUT),
		// so every negative value is -1: block until ready. A worker writes the
		// pipe after 100 ms (fds are process-wide) to end each wait.
		for (const timeoutMs of [null, -1000, -1, -1.0, -0.1, -1e-100]) {
			const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
			const p = select.poll();
			p.register(r, POLLIN);
			const writer = new Worker(
				`const {workerData: w} = require('node:worker_threads');
				Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
				require('node:fs').writeSync(w, 'spam');`,
				{eval: true, workerData: w},
			);
			const start = performance.now();
			const ready = p.poll(timeoutMs);
			const ms = performance.now() - start;
			await new Promise(resolve => writer.once('exit', resolve));
			assert.deepEqual(ready, [[r, POLLIN]], `poll(${timeoutMs}) returned before the write`);
			assert.ok(ms >= 50, `poll(${timeoutMs}) blocked only ${ms} ms`);
		}
	});

	test('timeouts in milliseconds: a fraction rounds up, a negative one blocks until ready', t => {
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		const p = select.poll();
		p.register(r, POLLIN);
		const start = performance.now();
		assert.deepEqual(p.poll(20.2), []);
		assert.ok(performance.now() - start >= 20, 'waited at least the timeout');
		os.write(w, Buffer.from('x'));
		assert.deepEqual(p.poll(-1), [[r, POLLIN]]);
		assert.deepEqual(p.poll(null), [[r, POLLIN]]);
	});
});
