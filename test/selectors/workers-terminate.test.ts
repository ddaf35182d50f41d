/**
 * A worker blocked in a synchronous select() can be stopped: terminate()
 * settles, and process.exit() on the main thread (which stops the workers
 * first) exits, within a second, on every backend — the wait is cut into
 * kernel waits of WORKER_WAIT_SLICE_MS in workers (src/time.ts).
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import {EpollSelector} from '../../src/selectors/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {assertTerminatesWithin1s} from '../helpers/terminate.js';
import type {BlockedWorkerTask} from './workers-blocked.js';

checkFdLeaks();

const script = new URL('./workers-blocked.js', import.meta.url);
const backends: Array<BlockedWorkerTask['backend']> = EpollSelector.available
	? ['epoll', 'poll', 'select']
	: ['poll', 'select'];

for (const backend of backends) {
	for (const timeout of [null, 2.0]) {
		test(`${backend}: terminate() of a worker blocked in select(${String(timeout)}) settles within 1 s`, async () => {
			const worker = new Worker(script, {workerData: {backend, timeout} satisfies BlockedWorkerTask});
			const exited = once(worker, 'exit') as Promise<[number]>;
			const [message] = (await once(worker, 'message')) as [{blocked: number[]}];
			await assertTerminatesWithin1s(worker, exited, message.blocked);
		});
	}

	test(`${backend}: process.exit(0) with a worker blocked in select() exits within 1 s`, async () => {
		const child = spawn(process.execPath, [fileURLToPath(script), '--exit-when-blocked', backend], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.setEncoding('utf8').on('data', (s: string) => {
			output += s;
		});
		child.stderr.setEncoding('utf8').on('data', (s: string) => {
			output += s;
		});
		let exitingAt = 0;
		child.stdout.on('data', () => {
			exitingAt ||= performance.now();
		});
		const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
		const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
		clearTimeout(killer);
		const seconds = (performance.now() - exitingAt) / 1000;
		assert.deepEqual(
			[code, signal],
			[0, null],
			`the child hung in process.exit() and was killed: ${output}`,
		);
		assert.equal(output.trim(), 'exiting');
		assert.ok(seconds < 1, `process.exit() took ${seconds} s`);
	});
}
