/**
 * The check shared by the tests of workers blocked in a kernel wait: once
 * the worker has had time to enter its wait, `terminate()` must settle
 * within 1 s. If it has not settled after 3 s, the worker is woken through
 * `fds[1]` (the write end of the pipe it waits on) so the test fails
 * instead of hanging. `fds` are closed in every case.
 */
import assert from 'node:assert/strict';
import type {Worker} from 'node:worker_threads';
import {native} from '../../src/native.js';

export async function assertTerminatesWithin1s(
	worker: Worker,
	exited: Promise<unknown>,
	fds: readonly number[],
): Promise<void> {
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
}
