// Waker: registrable in any selector and Epoll, wakes a blocked select()
// from this thread or a worker, harmless after close.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {Worker} from 'node:worker_threads';
import {DefaultSelector, EVENT_READ, PollSelector, SelectSelector, Waker} from '../src/index.js';
import {epoll, select} from '../src/select/index.js';
import * as os from '../src/os.js';
import {ValueError} from '../src/errors.js';
import {checkFdLeaks} from './helpers/fds.js';

checkFdLeaks();

const workerUrl = new URL('waker-worker.js', import.meta.url);

/** Runs the worker with `data`; resolves when it exits (and fails on its error). */
async function runWorker(t: import('node:test').TestContext, data: unknown): Promise<void> {
	const worker = new Worker(workerUrl, {workerData: data});
	t.after(async () => worker.terminate());
	await new Promise<void>((resolve, reject) => {
		worker.on('error', reject);
		worker.on('exit', code => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
	});
}

describe('Waker', () => {
	for (const Sel of [DefaultSelector, SelectSelector, PollSelector]) {
		test(`wake() makes it readable in ${Sel.name}; drain() consumes coalesced wakes`, () => {
			using waker = new Waker();
			using sel = new Sel();
			sel.register(waker, EVENT_READ);
			assert.deepEqual(sel.select(0), []);
			assert.equal(waker.wake(), true);
			assert.equal(waker.wake(), true);
			const ready = sel.select(0);
			assert.equal(ready.length, 1);
			assert.equal(ready[0]![0].fileobj, waker);
			assert.equal(waker.drain(), true);
			assert.deepEqual(sel.select(0), []);
			assert.equal(waker.drain(), false);
			sel.unregister(waker);
		});
	}

	test(
		'registrable in Epoll and select()',
		{skip: process.platform === 'linux' ? false : 'epoll is Linux only'},
		() => {
			using waker = new Waker();
			using ep = epoll();
			ep.register(waker);
			waker.wake();
			assert.equal(ep.poll(0).length, 1);
			assert.deepEqual(select([waker], [], [], 0)[0], [waker]);
			ep.unregister(waker);
		},
	);

	test('a worker ends a blocked select() through Waker.fromHandle(handle).wake()', async t => {
		using waker = new Waker();
		using sel = new DefaultSelector();
		sel.register(waker, EVENT_READ);
		const done = runWorker(t, {handle: waker.handle, delayMs: 100, after: 'wake'});
		// The select blocks the main thread until the worker's wake (bounded
		// by 10 s should the wake never come).
		await new Promise(resolve => setTimeout(resolve, 20));
		const ready = sel.select(10);
		assert.equal(ready.length, 1);
		await done;
		sel.unregister(waker);
	});

	test('after close(), a handle wake() does nothing, even when the fd number is reused', async t => {
		const waker = new Waker();
		const {handle} = waker;
		const fd = waker.fileno();
		waker.close();
		assert.equal(waker.closed, true);
		assert.equal(waker.wake(), false);
		// Reuse the number: a pipe whose ends are probably `fd` and the next.
		const [r, w] = os.pipe();
		t.after(() => {
			os.close(r);
			os.close(w);
		});
		assert.ok(r === fd || w === fd, `the pipe reuses fd ${fd} (got ${r}, ${w})`);
		await runWorker(t, {handle, delayMs: 0, after: 'wake-expect-false'});
		assert.equal(Waker.fromHandle(handle).wake(), false);
		assert.deepEqual(select([r], [], [], 0), [[], [], []], 'nothing was written into the reused fd');
	});

	test('the owner only: a handle Waker cannot fileno(), drain() or close(); bad handles are TypeErrors', () => {
		using waker = new Waker();
		const other = Waker.fromHandle(waker.handle);
		assert.throws(() => other.fileno(), ValueError);
		assert.throws(() => other.drain(), ValueError);
		assert.throws(() => other.close(), ValueError);
		assert.throws(() => Waker.fromHandle({fd: 1} as never), TypeError);
		assert.throws(() => Waker.fromHandle(null as never), TypeError);
		waker.close();
		assert.throws(() => waker.fileno(), ValueError);
	});

	test('many wakes from several workers at once end in one readable Waker', async t => {
		using waker = new Waker();
		await Promise.all(
			[0, 1, 2].map(async () => runWorker(t, {handle: waker.handle, delayMs: 0, after: 'wake-many'})),
		);
		assert.deepEqual(select([waker], [], [], 0)[0], [waker]);
		assert.equal(waker.drain(), true);
		assert.deepEqual(select([waker], [], [], 0)[0], []);
	});
});
