/** EpollSelector: the suite, plus what only epoll does. */
import assert from 'node:assert/strict';
import {closeSync, openSync} from 'node:fs';
import {constants as osConstants} from 'node:os';
import {test} from 'node:test';
import {KeyError, OSError, PermissionError} from '../../src/errors.js';
import {constant, native} from '../../src/native.js';
import {EpollSelector, EVENT_READ, EVENT_WRITE} from '../../src/selectors/index.js';
import {expectEvents, socketpair} from './helpers.js';
import {pollLikeTests} from './poll-like.js';
import {selectorSuite} from './suite.js';

const reason = 'epoll(7) is Linux-only';
const skip = EpollSelector.available ? false : reason;

selectorSuite(EpollSelector, {scalable: true, kernelChecksRegister: true, unavailableReason: reason});
pollLikeTests(EpollSelector);

test('EpollSelector register file (epoll refuses a regular file)', {skip}, t => {
	// epoll(7) returns EPERM when given a regular file to watch.
	const s = new EpollSelector();
	t.after(() => {
		s.close();
	});
	const fd = openSync(process.execPath, 'r');
	t.after(() => {
		closeSync(fd);
	});
	const file = {fileno: () => fd};
	assert.throws(
		() => s.register(file, EVENT_READ),
		error =>
			error instanceof PermissionError &&
			error.errno === osConstants.errno.EPERM &&
			error.syscall === 'epoll_ctl',
	);
	// the SelectorKey has been removed
	assert.throws(() => s.getKey(file), KeyError);
	assert.equal(s.getMap().size, 0);
});

test('EpollSelector modify refused by the kernel unregisters the file object', {skip}, t => {
	const s = new EpollSelector();
	t.after(() => {
		s.close();
	});
	const [rd] = socketpair(t);
	const fd = rd.fileno();
	s.register(fd, EVENT_READ);
	rd.close(); // closing removes it from the epoll set behind the selector's back
	assert.throws(
		() => s.modify(fd, EVENT_WRITE),
		error => error instanceof OSError && error.code === 'EBADF',
	);
	assert.throws(() => s.getKey(fd), KeyError);
	assert.equal(s.getMap().size, 0);
});

test('EpollSelector fileno() is the epoll fd, released by close()', {skip}, t => {
	const s = new EpollSelector();
	const fd = s.fileno();
	const F_GETFD = constant('F_GETFD');
	const flags = native.fcntl(fd, F_GETFD, 0);
	assert.ok(flags >= 0);
	assert.ok((flags & constant('FD_CLOEXEC')) !== 0, 'close-on-exec');
	const [rd, wr] = socketpair(t);
	s.register(rd, EVENT_READ);
	s.register(wr, EVENT_WRITE);
	s.close();
	assert.equal(native.fcntl(fd, F_GETFD, 0), -osConstants.errno.EBADF);
	s.close();
});

test('EpollSelector event buffer grows with the registrations', {skip}, t => {
	const s = new EpollSelector();
	t.after(() => {
		s.close();
	});
	const writers = [];
	for (let i = 0; i < 100; i++) {
		const [, wr] = socketpair(t);
		s.register(wr, EVENT_WRITE);
		writers.push([wr, EVENT_WRITE] as const);
	}

	const ready = expectEvents(s, writers);
	assert.equal(ready.length, 100);
});
