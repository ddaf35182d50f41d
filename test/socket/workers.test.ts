// A worker thread blocked in a blocking-mode socket call can be stopped:
// `worker.terminate()` settles and `process.exit()` exits within a second.
// Node tells an addon nothing on terminate, so the I/O loop's poll() lasts at
// most WORKER_WAIT_SLICE_MS in a worker and the thread comes back to
// JavaScript between slices. Each scenario runs in a child process with a
// time limit, since the failure is a hang.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {runChild, SOCKET_URL} from './child.js';
import {checkFdLeaks} from '../helpers/fds.js';

checkFdLeaks();

const skip = process.platform === 'win32' ? 'POSIX fds' : false;

/**
 * A child script whose worker blocks in `call` (a statement using `s`, the
 * socket module) after saying so. The worker's source is an ES module (the
 * child runs with --input-type=module, which its eval'd workers inherit).
 */
function blockedWorker(setup: string, call: string): string {
	const source = `
		import {parentPort} from 'node:worker_threads';
		const s = await import(${JSON.stringify(SOCKET_URL)});
		${setup}
		parentPort.postMessage('blocking');
		${call}
		parentPort.postMessage('returned');
	`;
	return `
		import {Worker} from 'node:worker_threads';
		import {once} from 'node:events';
		import {performance} from 'node:perf_hooks';
		import {setTimeout as sleep} from 'node:timers/promises';
		const worker = new Worker(${JSON.stringify(source)}, {eval: true});
		const [first] = await once(worker, 'message');
		if (first !== 'blocking') throw new Error('worker: ' + first);
		worker.on('message', (m) => { console.log(JSON.stringify({unexpected: m})); });
		await sleep(300); // well inside the blocking call
	`;
}

const TERMINATE = `
	const start = performance.now();
	await worker.terminate();
	console.log(JSON.stringify({terminateMs: performance.now() - start}));
`;

describe('a worker blocked in a socket call can be stopped', {skip}, () => {
	for (const [name, setup, call] of [
		['recv (blocking mode)', 'const [a, b] = s.socketpair();', 'a.recv(10);'],
		['recv (timeout mode, 30 s)', 'const [a, b] = s.socketpair(); a.settimeout(30);', 'a.recv(10);'],
		['accept (blocking mode)', `const server = s.createServer(['127.0.0.1', 0]);`, 'server.accept();'],
		['sendall into a full buffer', 'const [a, b] = s.socketpair();', 'a.sendall(Buffer.alloc(8 << 20));'],
	] as const) {
		test(`terminate() settles within 1 s: ${name}`, async t => {
			const run = await runChild(t, blockedWorker(setup, call) + TERMINATE);
			assert.equal(run.timedOut, false, 'terminate() did not settle (the child was killed after 5 s)');
			assert.equal(run.code, 0, run.stderr);
			const [result] = run.results as [{terminateMs: number}];
			assert.ok(result.terminateMs < 1000, `terminate() took ${result.terminateMs} ms`);
		});
	}

	test('process.exit(0) exits within 1 s while a worker is blocked in recv', async t => {
		const run = await runChild(
			t,
			blockedWorker('const [a, b] = s.socketpair();', 'a.recv(10);') +
				`
			console.log(JSON.stringify({mark: 'exiting'}));
			process.exit(0);
		`,
		);
		assert.equal(run.timedOut, false, 'process.exit() hung (the child was killed after 5 s)');
		assert.equal(run.code, 0, run.stderr);
		assert.deepEqual(run.results, [{mark: 'exiting'}]);
		assert.ok(run.afterMarkMs < 1000, `exit took ${run.afterMarkMs} ms after process.exit()`);
	});
});
