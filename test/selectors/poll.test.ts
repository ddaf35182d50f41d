/** PollSelector: the suite, plus poll's error reporting. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {native} from '../../src/native.js';
import {EVENT_READ, EVENT_WRITE, PollSelector} from '../../src/selectors/index.js';
import {expectEvents, socketpair} from './helpers.js';
import {pollLikeTests} from './poll-like.js';
import {selectorSuite} from './suite.js';

selectorSuite(PollSelector, {scalable: true, kernelChecksRegister: false});
pollLikeTests(PollSelector);

test('PollSelector reports a closed, still registered fd (POLLNVAL) as its registered events', t => {
	const s = new PollSelector();
	t.after(() => {
		s.close();
	});
	const [rd] = socketpair(t);
	const fd = rd.fileno();
	const key = s.register(fd, EVENT_READ);
	rd.close();
	// POLLNVAL counts as readable and writable (CPython), masked to READ.
	const result = expectEvents(s, [[fd, EVENT_READ]]);
	assert.deepEqual(result, [[key, EVENT_READ]]);
	s.unregister(fd);
	assert.equal(native.close(fd) < 0, true, 'fd was closed');
	assert.deepEqual(s.select(0), []);
	assert.equal(EVENT_WRITE, 2);
});
