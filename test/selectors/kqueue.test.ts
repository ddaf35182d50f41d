/** KqueueSelector: the suite, plus what only kqueue does. */
import assert from 'node:assert/strict';
import {constants as osConstants} from 'node:os';
import {test} from 'node:test';
import {KeyError, OSError} from '../../src/errors.js';
import {EVENT_READ, EVENT_WRITE, KqueueSelector} from '../../src/selectors/index.js';
import {native} from '../../src/native.js';
import {closeLater, makeBadFd, socketpair} from './helpers.js';
import {selectorSuite} from './suite.js';

const reason = 'kqueue(2) exists on macOS and the BSDs only';
const skip = KqueueSelector.available ? false : reason;

selectorSuite(KqueueSelector, {scalable: true, kernelChecksRegister: true, unavailableReason: reason});

test('KqueueSelector register bad fd', {skip}, t => {
	// a file descriptor that has been closed raises OSError EBADF
	const s = new KqueueSelector();
	t.after(() => {
		s.close();
	});
	const badFd = makeBadFd();
	assert.throws(
		() => s.register(badFd, EVENT_READ | EVENT_WRITE),
		error => error instanceof OSError && error.errno === osConstants.errno.EBADF,
	);
	// the SelectorKey has been removed
	assert.throws(() => s.getKey(badFd), KeyError);
});

test('KqueueSelector modify refused by the kernel unregisters the file object', {skip}, t => {
	const s = new KqueueSelector();
	t.after(() => {
		s.close();
	});
	const [rd] = socketpair(t);
	const fd = rd.fileno();
	s.register(fd, EVENT_READ);
	rd.close();
	assert.throws(() => s.modify(fd, EVENT_WRITE), OSError);
	assert.throws(() => s.getKey(fd), KeyError);
});

test(
	'KqueueSelector: the write end of a pipe whose reader is gone registers and is reported writable, as epoll and poll report it',
	{skip},
	t => {
		const s = new KqueueSelector();
		t.after(() => {
			s.close();
		});
		const fds = new Int32Array(2);
		assert.equal(native.pipe(fds), 0);
		const [reader, writer] = [fds[0]!, fds[1]!];
		closeLater(t, writer);
		native.close(reader);
		const key = s.register(writer, EVENT_WRITE, 'orphan');
		// Reported at once, every time, whatever the timeout.
		assert.deepEqual(s.select(5), [[key, EVENT_WRITE]]);
		assert.deepEqual(s.select(null), [[key, EVENT_WRITE]]);
		assert.equal(native.write(writer, new Uint8Array(1), 0, 1), -osConstants.errno.EPIPE);
		// Registered also for reading: the write side is still reported.
		const both = s.modify(writer, EVENT_READ | EVENT_WRITE);
		assert.ok(s.select(0).some(([k, events]) => k === both && (events & EVENT_WRITE) !== 0));
		s.unregister(writer);
		assert.deepEqual(s.select(0), []);
	},
);

test(
	'KqueueSelector: unregister of a closed socket leaves no filter behind; a new socket under the number is not reported',
	{skip},
	t => {
		const s = new KqueueSelector();
		t.after(() => {
			s.close();
		});
		const [a, b] = socketpair(t);
		const fd = a.fileno();
		s.register(a, EVENT_READ | EVENT_WRITE);
		b.send('x');
		a.close();
		s.unregister(a); // the kernel refuses both deletions: not an error
		assert.deepEqual(s.select(0), []);
		const [c] = socketpair(t);
		if (c.fileno() === fd) {
			const key = s.register(c, EVENT_READ);
			assert.deepEqual(s.select(0), []);
			s.unregister(key.fileobj);
		}
	},
);

test(
	'KqueueSelector is unavailable off macOS/BSD',
	{skip: KqueueSelector.available ? 'kqueue is available here' : false},
	() => {
		assert.throws(
			() => new KqueueSelector(),
			error =>
				error instanceof OSError &&
				error.errno === osConstants.errno.ENOSYS &&
				error.message.includes('KqueueSelector is not available'),
		);
	},
);
