/**
 * Worker body for workers-terminate.test.ts: a pipe's read end, nothing
 * ever written, and one of the select module's waits on it (select(),
 * Poll.poll(), Epoll.poll()) without a timeout. Posts the pipe's fds first
 * (the test closes them: fds are process-wide). Run by the test runner as a
 * plain file, it does nothing.
 */
import {isMainThread, parentPort, workerData} from 'node:worker_threads';
import {check} from '../../src/errors.js';
import {native} from '../../src/native.js';
import {epoll, EPOLLIN, poll, POLLIN, select} from '../../src/select/index.js';

/** Which wait the worker blocks in. */
export type BlockedWait = 'select' | 'poll' | 'epoll';

if (!isMainThread && parentPort !== null) {
	const wait = workerData as BlockedWait;
	const p = new Int32Array(2);
	check(native.pipe(p), 'pipe');
	const fds = [p[0]!, p[1]!];
	if (wait === 'select') {
		parentPort.postMessage({blocked: fds});
		select([p[0]!], [], [], null);
	} else if (wait === 'poll') {
		const pollObject = poll();
		pollObject.register(p[0]!, POLLIN);
		parentPort.postMessage({blocked: fds});
		pollObject.poll();
	} else {
		const ep = epoll();
		ep.register(p[0]!, EPOLLIN);
		fds.push(ep.fileno());
		parentPort.postMessage({blocked: fds});
		ep.poll(-1);
	}

	parentPort.postMessage({returned: true});
}
