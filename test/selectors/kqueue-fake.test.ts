/**
 * KqueueSelector's TypeScript on Linux: test/selectors/kqueue.test.ts, suite
 * included, run in a child process whose addon gets the stand-in kqueue of
 * test/kqueue-harness/fake-kqueue.cjs (an epoll instance playing kevent(2)
 * at the addon's interface). Where a real kqueue exists, kqueue.test.ts
 * runs on it directly and this file has nothing to add.
 */
import assert from 'node:assert/strict';
import {spawnSync, type SpawnSyncReturns} from 'node:child_process';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {EpollSelector, KqueueSelector} from '../../src/selectors/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const skip = KqueueSelector.available
	? 'a real kqueue is available: kqueue.test.ts runs on it'
	: EpollSelector.available
		? false
		: 'the stand-in kqueue is made of epoll (Linux)';

/** Runs kqueue.test.js (the tests matching `pattern`) in a child with the stand-in kqueue. */
function runWithFake(pattern?: string, pipeError?: string): SpawnSyncReturns<string> {
	const env = {...process.env};
	delete env['SELECTORS_BACKEND'];
	delete env['NODE_TEST_CONTEXT']; // a test runner of its own, not a subtest of this one
	if (pipeError !== undefined) {
		env['FAKE_KQUEUE_PIPE_ERROR'] = pipeError;
	}

	return spawnSync(
		process.execPath,
		[
			'--require',
			`${root}test/kqueue-harness/fake-kqueue.cjs`,
			'--test',
			'--test-reporter=tap',
			...(pattern === undefined ? [] : [`--test-name-pattern=${pattern}`]),
			fileURLToPath(new URL('kqueue.test.js', import.meta.url)),
		],
		{env, encoding: 'utf8', timeout: 120_000},
	);
}

test('kqueue.test.ts passes against the stand-in kqueue', {skip}, () => {
	const run = runWithFake();
	assert.equal(run.status, 0, run.stdout + run.stderr);
	const passed = Number(/^# pass (\d+)$/m.exec(run.stdout)?.[1]);
	// The suite ran on KqueueSelector, not skipped as unavailable.
	assert.ok(passed >= 30, `only ${passed} tests passed:\n${run.stdout}`);
	assert.doesNotMatch(run.stdout, /# SKIP kqueue\(2\) exists/);
});

test('a pipe whose reader is gone, refused with EBADF as NetBSD does, registers too', {skip}, () => {
	const run = runWithFake('pipe whose reader is gone', 'EBADF');
	assert.equal(run.status, 0, run.stdout + run.stderr);
	assert.match(run.stdout, /^# pass 1$/m);
});
