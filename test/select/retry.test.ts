// The select module's one wait loop (src/select/common.ts, waitWithRetry):
// EINTR retried with the time left (PEP 475), waits beyond the kernel's int
// of milliseconds split, other errors thrown as their OSError class.
// Driven by a fake kernel call, so every branch is seen.
import assert from 'node:assert/strict';
import {constants} from 'node:os';
import {describe, test} from 'node:test';
import {waitWithRetry} from '../../src/select/common.js';
import {MAX_WAIT_MS} from '../../src/time.js';
import {OSError} from '../../src/errors.js';

const {EINTR, EBADF} = constants.errno;

/** A fake kernel call answering `results` in turn; records the ms it was given. */
function fake(results: number[]): {call: (ms: number) => number; seen: number[]} {
	const seen: number[] = [];
	return {
		seen,
		call: ms => {
			seen.push(ms);
			return results[seen.length - 1] ?? 0;
		},
	};
}

describe('waitWithRetry', () => {
	test('EINTR on a blocking wait is retried blocking', () => {
		const f = fake([-EINTR, -EINTR, 3]);
		assert.equal(waitWithRetry(-1, 'poll', f.call), 3);
		assert.deepEqual(f.seen, [-1, -1, -1]);
	});

	test('EINTR on a zero-timeout poll is retried with 0', () => {
		const f = fake([-EINTR, 0]);
		assert.equal(waitWithRetry(0, 'poll', f.call), 0);
		assert.deepEqual(f.seen, [0, 0]);
	});

	test('EINTR on a timed wait is retried with the time left, never more', () => {
		const f = fake([-EINTR, 0]);
		assert.equal(waitWithRetry(5000, 'select', f.call), 0);
		assert.equal(f.seen.length, 2);
		assert.equal(f.seen[0], 5000);
		assert.ok(f.seen[1]! <= 5000 && f.seen[1]! > 4000, `retried with ${f.seen[1]}`);
	});

	test('a wait beyond the kernel limit is split: a capped piece that times out waits again', () => {
		// The fake returns at once, so the time left stays above the cap.
		const f = fake([0, 0, 1]);
		assert.equal(waitWithRetry(MAX_WAIT_MS + 10, 'poll', f.call), 1);
		assert.deepEqual(f.seen, [MAX_WAIT_MS, MAX_WAIT_MS, MAX_WAIT_MS]);
	});

	test('a capped piece that times out with no time left ends the wait', () => {
		const f = fake([0, 0]);
		assert.equal(waitWithRetry(5, 'poll', f.call), 0);
		assert.deepEqual(f.seen, [5], 'an uncapped timeout is final');
	});

	test('another errno throws its OSError; a positive count returns at once', () => {
		assert.throws(
			() => waitWithRetry(100, 'epoll_wait', fake([-EBADF]).call),
			(e: unknown) => e instanceof OSError && e.code === 'EBADF' && e.syscall === 'epoll_wait',
		);
		const f = fake([2]);
		assert.equal(waitWithRetry(100, 'poll', f.call), 2);
		assert.deepEqual(f.seen, [100]);
	});
});
