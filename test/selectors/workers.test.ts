/**
 * One selector per worker thread: several workers load the addon at once,
 * each runs a blocking select() loop over its own socketpairs, and all of
 * them finish cleanly with no fd left open.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {Worker} from 'node:worker_threads';
import {native} from '../../src/native.js';
import {DefaultSelector, EVENT_READ} from '../../src/selectors/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {TestSocket} from './helpers.js';
import type {SelectorWorkerMessage, SelectorWorkerTask} from './workers-task.js';

checkFdLeaks();

const script = new URL('./workers-task.js', import.meta.url);
const ROUNDS = 20;

interface Running {
	readonly worker: Worker;
	readonly messages: SelectorWorkerMessage[];
	readonly exited: Promise<number>;
	readonly ready: Promise<SelectorWorkerMessage>;
}

function start(task: SelectorWorkerTask): Running {
	const worker = new Worker(script, {workerData: task});
	const messages: SelectorWorkerMessage[] = [];
	const ready = new Promise<SelectorWorkerMessage>(resolve => {
		worker.once('message', resolve);
	});
	worker.on('message', (m: SelectorWorkerMessage) => messages.push(m));
	const exited = new Promise<number>((resolve, reject) => {
		worker.on('error', reject);
		worker.on('exit', resolve);
	});
	return {worker, messages, exited, ready};
}

test(
	'4 workers, each with its own selector and a blocking select() loop, echo concurrently and exit cleanly',
	{timeout: 30_000},
	async t => {
		const backends: Array<SelectorWorkerTask['backend']> = ['epoll', 'poll', 'select', 'default'];
		const tasks = backends.map(
			backend =>
				({
					backend: backend === 'epoll' && process.platform !== 'linux' ? 'default' : backend,
					pairs: 2,
				}) as const,
		);
		const workers = tasks.map(task => start(task));
		const peers: TestSocket[] = [];
		t.after(async () => {
			for (const w of workers) {
				await w.worker.terminate();
			}

			for (const peer of peers) {
				peer.close();
			}
		});
		const readies = await Promise.all(workers.map(async w => w.ready));
		const selectors = readies.map(m => ('ready' in m ? m.selector : assert.fail(JSON.stringify(m))));
		assert.equal(new Set(selectors.slice(0, 3)).size, 3, `three different backends: ${selectors.join()}`);
		// The test's side: every peer end, all workers at once, through selectAsync.
		const sel = new DefaultSelector<TestSocket>();
		t.after(() => {
			sel.close();
		});
		for (const m of readies) {
			assert.ok('ready' in m);
			for (const fd of m.fds) {
				const peer = new TestSocket(fd);
				peers.push(peer);
				sel.register(peer, EVENT_READ, peer);
			}
		}

		for (let round = 0; round < ROUNDS; round++) {
			const expected = new Map<TestSocket, string>();
			for (const [i, peer] of peers.entries()) {
				const text = `r${round}p${i};`;
				peer.send(text);
				expected.set(peer, text);
			}

			// Every worker echoes; collect until all answers are in (bounded).
			const got = new Map<TestSocket, string>();
			for (
				let waits = 0;
				got.size < peers.length || [...got].some(([p, s]) => s !== expected.get(p));
				waits++
			) {
				assert.ok(waits < 200, `round ${round}: echoes missing`);
				for (const [key] of await sel.selectAsync(5)) {
					got.set(key.data, (got.get(key.data) ?? '') + key.data.recv(1024));
				}
			}
		}

		for (const m of readies) {
			assert.ok('ready' in m);
			native.send(m.fds[0]!, Buffer.from('quit'), 0, 4, 0);
		}

		const codes = await Promise.all(workers.map(async w => w.exited));
		assert.deepEqual(codes, [0, 0, 0, 0], 'every worker finished by itself');
		const threadIds = new Set<number>();
		for (const w of workers) {
			const done = w.messages.find(m => 'done' in m || 'error' in m);
			assert.ok(done !== undefined && 'done' in done, JSON.stringify(w.messages));
			assert.equal(done.echoed, ROUNDS * 2, 'every message echoed');
			assert.ok(done.selects >= ROUNDS, `blocking selects: ${done.selects}`);
			threadIds.add(done.threadId);
		}

		assert.equal(threadIds.size, 4);
	},
);
