/** KqueueSelector: the suite, plus what only kqueue does. */
import assert from 'node:assert/strict';
import {constants as osConstants} from 'node:os';
import {test} from 'node:test';
import {KeyError, OSError} from '../../src/errors.js';
import {EVENT_READ, EVENT_WRITE, KqueueSelector} from '../../src/selectors/index.js';
import {makeBadFd, socketpair} from './helpers.js';
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
	assert.throws(() => s.register(badFd, EVENT_READ | EVENT_WRITE), error => error instanceof OSError
		&& error.errno === osConstants.errno.EBADF);
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

test('KqueueSelector is unavailable off macOS/BSD', {skip: KqueueSelector.available ? 'kqueue is available here' : false}, () => {
	assert.throws(() => new KqueueSelector(), error => error instanceof OSError
		&& error.errno === osConstants.errno.ENOSYS && /KqueueSelector is not available/.test(error.message));
});
