/**
 * Worker body for workers-terminate.test.ts: one selector of the asked
 * backend, a pipe's read end registered, nothing ever written; posts the
 * pipe's fds (the test closes them: fds are process-wide), then blocks in
 * select(timeout). Run as the main script with `--exit-when-blocked
 * BACKEND`, it starts such a worker and calls process.exit(0) once the
 * worker is blocked. Run by the test runner as a plain file, it does nothing.
 */
import {isMainThread, parentPort, Worker, workerData} from 'node:worker_threads';
import {check} from '../../src/errors.js';
import {native} from '../../src/native.js';
import {
	EpollSelector,
	EVENT_READ,
	PollSelector,
	SelectSelector,
	type BaseSelector,
} from '../../src/selectors/index.js';

/** What the test asks of a worker. */
export interface BlockedWorkerTask {
	readonly backend: 'epoll' | 'poll' | 'select';
	/** Seconds, or null: wait forever. */
	readonly timeout: number | null;
}

function makeSelector(backend: BlockedWorkerTask['backend']): BaseSelector {
	if (backend === 'epoll') {
		return new EpollSelector();
	}

	return backend === 'poll' ? new PollSelector() : new SelectSelector();
}

if (!isMainThread && parentPort !== null) {
	const task = workerData as BlockedWorkerTask;
	const p = new Int32Array(2);
	check(native.pipe(p), 'pipe');
	const sel = makeSelector(task.backend);
	sel.register(p[0]!, EVENT_READ);
	const fds = [p[0]!, p[1]!];
	if (sel instanceof EpollSelector) {
		fds.push(sel.fileno());
	}

	parentPort.postMessage({blocked: fds});
	const ready = sel.select(task.timeout);
	parentPort.postMessage({returned: ready.length});
} else if (process.argv[2] === '--exit-when-blocked') {
	const worker = new Worker(new URL(import.meta.url), {
		workerData: {
			backend: process.argv[3] as BlockedWorkerTask['backend'],
			timeout: null,
		} satisfies BlockedWorkerTask,
	});
	worker.once('message', () => {
		// Give the worker time to enter the kernel wait.
		setTimeout(() => {
			console.log('exiting');
			process.exit(0);
		}, 100);
	});
}
