/** DevpollSelector: exported everywhere, available nowhere this package builds. */
import assert from 'node:assert/strict';
import {constants as osConstants} from 'node:os';
import {test} from 'node:test';
import {OSError} from '../../src/errors.js';
import {BaseSelector, DevpollSelector} from '../../src/selectors/index.js';
import {pollLikeTests} from './poll-like.js';
import {selectorSuite} from './suite.js';

const reason = '/dev/poll exists on Solaris and illumos only';

selectorSuite(DevpollSelector, {scalable: true, kernelChecksRegister: true, unavailableReason: reason});
pollLikeTests(DevpollSelector);

test('DevpollSelector throws OSError ENOSYS with a clear message', () => {
	assert.equal(DevpollSelector.available, false);
	assert.ok(DevpollSelector.prototype instanceof BaseSelector);
	assert.throws(
		() => new DevpollSelector(),
		error =>
			error instanceof OSError &&
			error.errno === osConstants.errno.ENOSYS &&
			error.code === 'ENOSYS' &&
			error.message.includes('DevpollSelector is not available on this platform'),
	);
});
