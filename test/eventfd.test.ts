// os.eventfd / eventfdRead / eventfdWrite (Python 3.10+, Linux), as
// CPython's Lib/test/test_os.py EventfdTests: test_eventfd_initval,
// test_eventfd_semaphore, test_eventfd_select.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import * as os from '../src/os.js';
import {select} from '../src/select/index.js';
import {BlockingIOError} from '../src/errors.js';
import {checkFdLeaks} from './helpers/fds.js';
import {closingFds} from './helpers/sockets.js';

checkFdLeaks();

const skip = process.platform === 'linux' ? false : 'eventfd is Linux only';

describe('EventfdTests', {skip}, () => {
	test('testEventfdInitval', t => {
		const fd = closingFds(t, os.eventfd(0))[0]!;
		assert.equal(os.getBlocking(fd), false, 'non-blocking, deliberately unlike Python');
		assert.equal(os.getInheritable(fd), false);
		assert.throws(() => os.eventfdRead(fd), BlockingIOError);
		os.eventfdWrite(fd, 20);
		os.eventfdWrite(fd, 3n);
		assert.equal(os.eventfdRead(fd), 23n);
		const fd2 = closingFds(t, os.eventfd(42))[0]!;
		assert.equal(os.eventfdRead(fd2), 42n);
		assert.throws(() => os.eventfd(-1), RangeError);
		assert.throws(() => os.eventfdWrite(fd, -1), RangeError);
		assert.throws(() => os.eventfdWrite(fd, 2n ** 64n), RangeError);
	});

	test('testEventfdSemaphore', t => {
		const fd = closingFds(t, os.eventfd(2, os.EFD_SEMAPHORE))[0]!;
		assert.equal(os.eventfdRead(fd), 1n);
		assert.equal(os.eventfdRead(fd), 1n);
		assert.throws(() => os.eventfdRead(fd), BlockingIOError);
	});

	test('testEventfdSelect: readable while the counter is non-zero; full at 2**64 - 2', t => {
		const fd = closingFds(t, os.eventfd(0))[0]!;
		assert.deepEqual(select([fd], [fd], [fd], 0), [[], [fd], []]);
		os.eventfdWrite(fd, 1);
		assert.deepEqual(select([fd], [fd], [fd], 0), [[fd], [fd], []]);
		os.eventfdRead(fd);
		os.eventfdWrite(fd, 2n ** 64n - 2n);
		assert.deepEqual(select([fd], [fd], [fd], 0), [[fd], [], []]);
		assert.throws(() => os.eventfdWrite(fd, 1), BlockingIOError);
	});

	test('EFD_* constants are numbers', () => {
		for (const c of [os.EFD_CLOEXEC, os.EFD_NONBLOCK, os.EFD_SEMAPHORE]) {
			assert.equal(typeof c, 'number');
		}
	});
});
