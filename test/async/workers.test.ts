/**
 * The addon in worker threads: loaded by several at once, blocking waits in
 * workers, and workers that exit (terminate(), process.exit(), or by
 * themselves when unref'd) with a watch or a selectAsync() pending.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {Worker} from 'node:worker_threads';
import {native} from '../../src/native.js';
import {checkFdLeaks, openFdCount} from '../helpers/fds.js';
import {canCountThreads, threadCount, threadsSettle, sibling} from './helpers.js';
import type {WorkerMessage, WorkerTask} from './worker-task.js';

checkFdLeaks();

const script = sibling('./worker-task.js');

/** Starts a worker; resolves each message through `onMessage`; `exited` gives the exit code. */
function startWorker(
	task: WorkerTask,
	onMessage: (m: WorkerMessage) => void,
): {worker: Worker; exited: Promise<number>} {
	const worker = new Worker(script, {workerData: task});
	worker.on('message', onMessage);
	const exited = new Promise<number>((resolve, reject) => {
		worker.on('error', reject);
		worker.on('exit', resolve);
	});
	return {worker, exited};
}

function nextMessage(worker: Worker): Promise<WorkerMessage> {
	return new Promise(resolve => {
		worker.once('message', resolve);
	});
}

/** Closes fds a worker left behind (they belong to the process). */
function closeAll(fds: readonly number[]): void {
	for (const fd of fds) {
		native.close(fd);
	}
}

test('4 workers load the addon at once, block in a native wait, use FdWatch and a PollSelector selectAsync, and exit cleanly', async () => {
	const fdsBefore = openFdCount();
	const threadsBefore = threadCount();
	const workers = Array.from({length: 4}, () => {
		const messages: WorkerMessage[] = [];
		const w = startWorker({op: 'roundtrip'}, m => messages.push(m));
		return {...w, messages, ready: nextMessage(w.worker)};
	});
	// Every worker is (about to be) blocked in epoll_wait: wake each one.
	const readies = await Promise.all(workers.map(async w => w.ready));
	await new Promise(resolve => setTimeout(resolve, 50));
	for (const m of readies) {
		assert.ok('ready' in m);
		assert.equal(native.write(m.fds[1]!, new Uint8Array([1]), 0, 1), 1);
	}

	const codes = await Promise.all(workers.map(async w => w.exited));
	assert.deepEqual(codes, [0, 0, 0, 0], 'every worker exited by itself with code 0');
	for (const w of workers) {
		const done = w.messages.find(m => 'done' in m);
		assert.ok(done && 'done' in done, JSON.stringify(w.messages));
		assert.equal(done.blockingResult, 1);
		assert.ok(done.watchEvents & 1, `watch events ${done.watchEvents}`);
		assert.equal(done.pollCount, 1);
	}

	if (canCountThreads) {
		const n = await threadsSettle(threadsBefore);
		assert.ok(n <= threadsBefore, `threads: ${n} now, ${threadsBefore} before`);
		let fds = openFdCount();
		for (let i = 0; i < 20 && fds > fdsBefore; i++) {
			await new Promise(resolve => setTimeout(resolve, 25));
			fds = openFdCount();
		}

		assert.equal(fds, fdsBefore, 'no fd leaked by the workers');
	}
});

const holdCases: Array<{name: string; task: WorkerTask; end: 'terminate' | 'self' | 'natural'}> = [
	{
		name: 'terminate() with a watch pending',
		end: 'terminate',
		task: {op: 'hold', watch: true, poll: false, select: false, unref: false, selfExit: false},
	},
	{
		name: 'terminate() with a PollSelector and a SelectSelector selectAsync pending',
		end: 'terminate',
		task: {op: 'hold', watch: false, poll: true, select: true, unref: false, selfExit: false},
	},
	{
		name: 'process.exit() with a watch and a PollSelector selectAsync pending',
		end: 'self',
		task: {op: 'hold', watch: true, poll: true, select: false, unref: false, selfExit: true},
	},
	{
		name: "exiting by itself with an unref'd watch and PollSelector/SelectSelector selectAsync pending",
		end: 'natural',
		task: {op: 'hold', watch: true, poll: true, select: true, unref: true, selfExit: false},
	},
];

for (const {name, task, end} of holdCases) {
	test(`a worker ${name}: no crash, its reactor thread is joined, no fd leaks`, async () => {
		const fdsBefore = openFdCount();
		const threadsBefore = threadCount();
		const {worker, exited} = startWorker(task, () => undefined);
		const holding = await nextMessage(worker);
		assert.ok('holding' in holding);
		if (end === 'terminate') {
			await new Promise(resolve => setTimeout(resolve, 50));
			await worker.terminate();
		}

		const code = await Promise.race([
			exited,
			new Promise<string>(resolve =>
				setTimeout(() => resolve('still running after 5 s'), 5000).unref(),
			),
		]);
		if (code === 'still running after 5 s') {
			await worker.terminate();
		}

		assert.equal(code, end === 'terminate' ? 1 : 0);
		// The pipe/epoll fds were the worker's JS's to close; the reactor's
		// fds and watch duplicates were the addon's.
		closeAll(holding.fds);
		if (canCountThreads) {
			const n = await threadsSettle(threadsBefore);
			assert.ok(n <= threadsBefore, `threads: ${n} now, ${threadsBefore} before`);
			let fds = openFdCount();
			for (let i = 0; i < 20 && fds > fdsBefore; i++) {
				await new Promise(resolve => setTimeout(resolve, 25));
				fds = openFdCount();
			}

			assert.equal(fds, fdsBefore, 'an fd leaked');
		}
	});
}
