/**
 * A worker blocked in one of the select module's waits can be stopped:
 * terminate() settles within a second, as for the selectors (the wait is
 * cut into WORKER_WAIT_SLICE_MS kernel waits in workers, src/time.ts).
 */
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {test} from 'node:test';
import {Worker} from 'node:worker_threads';
import {native} from '../../src/native.js';
import {EpollSelector} from '../../src/selectors/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import type {BlockedWait} from './workers-blocked.js';

checkFdLeaks();

const script = new URL('./workers-blocked.js', import.meta.url);
const waits: BlockedWait[] = EpollSelector.available ? ['select', 'poll', 'epoll'] : ['select', 'poll'];

for (const wait of waits) {
	test(`terminate() of a worker blocked in the select module's ${wait} settles within 1 s`, async () => {
		const worker = new Worker(script, {workerData: wait satisfies BlockedWait});
		const exited = once(worker, 'exit');
		const [message] = (await once(worker, 'message')) as [{blocked: number[]}];
		const fds = message.blocked;
		try {
			// Let it enter the kernel wait.
			await new Promise(resolve => setTimeout(resolve, 100));
			const start = performance.now();
			let timer: ReturnType<typeof setTimeout> | undefined;
			const late = new Promise<'late'>(resolve => {
				timer = setTimeout(() => {
					resolve('late');
				}, 3000);
			});
			const outcome = await Promise.race([worker.terminate(), late]);
			clearTimeout(timer);
			const seconds = (performance.now() - start) / 1000;
			if (outcome === 'late') {
				// Unblock it so the test fails instead of hanging.
				native.write(fds[1]!, new Uint8Array([1]), 0, 1);
				await exited;
			}

			assert.notEqual(outcome, 'late', 'terminate() did not settle within 3 s');
			assert.ok(seconds < 1, `terminate() took ${seconds} s`);
		} finally {
			for (const fd of fds) {
				native.close(fd);
			}
		}
	});
}
