/**
 * Child process of workers.test.ts. Its main thread never loads the addon;
 * only its worker threads do (dynamic imports below), so Node unloads the
 * addon each time the last of them exits. Each worker leaves reactor
 * watches (an FdWatch, a pending selectAsync, a selector's watch) and the
 * reactor thread for the environment's cleanup to stop and close, then
 * exits by itself or is terminated. Prints one line per worker and exits 0
 * when each one ended as expected; addon code run after the unload (a
 * thread left running, a late callback) would crash it.
 */
import {isMainThread, parentPort, Worker, workerData} from 'node:worker_threads';

const CASES = [
	'idle-watch',
	'unref-watch',
	'unref-poll',
	'unref-select',
	'ref-watch-terminate',
	'ref-poll-terminate',
	'selectors-left-open',
] as const;
type Case = (typeof CASES)[number];

const held: object[] = [];

async function runCase(name: Case): Promise<void> {
	const {FdWatch} = await import('../../src/async/fd-watch.js');
	const {PollSelector, SelectSelector, EVENT_READ} = await import('../../src/selectors/index.js');
	const os = await import('../../src/os.js');
	const [r, w] = os.pipe();
	switch (name) {
		case 'idle-watch': {
			const watch = new FdWatch(r);
			os.write(w, new Uint8Array([1]));
			await watch.wait(); // then left open, idle
			break;
		}

		case 'unref-watch': {
			void new FdWatch(r, {ref: false}).wait();
			break;
		}

		case 'unref-poll': {
			const sel = new PollSelector();
			held.push(sel);
			sel.register(r, EVENT_READ);
			void sel.selectAsync(null, {ref: false});
			break;
		}

		case 'unref-select': {
			const sel = new SelectSelector();
			held.push(sel);
			sel.register(r, EVENT_READ);
			void sel.selectAsync(null, {ref: false});
			break;
		}

		case 'ref-watch-terminate': {
			void new FdWatch(r).wait();
			parentPort!.postMessage('holding');
			break;
		}

		case 'ref-poll-terminate': {
			const sel = new PollSelector();
			sel.register(r, EVENT_READ);
			void sel.selectAsync();
			parentPort!.postMessage('holding');
			break;
		}

		default: {
			const {DefaultSelector} = await import('../../src/selectors/index.js');
			const sel = new DefaultSelector();
			sel.register(r, EVENT_READ);
			await sel.selectAsync(0.01); // its watch (epoll, kqueue) stays open with it
			const poll = new PollSelector();
			poll.register(r, EVENT_READ);
			void poll.selectAsync(null, {ref: false});
		}
	}
}

if (isMainThread) {
	let failed = false;
	for (const name of CASES) {
		const worker = new Worker(new URL(import.meta.url), {workerData: name});
		const terminate = name.endsWith('-terminate');
		if (terminate) {
			worker.once('message', () => {
				void worker.terminate();
			});
		}

		const code = await new Promise<number | string>(resolve => {
			worker.on('exit', resolve);
			worker.on('error', error => {
				resolve(String(error));
			});
		});
		const expected = terminate ? 1 : 0;
		console.log(`${name}: exit ${code}`);
		failed ||= code !== expected;
	}

	process.exitCode = failed ? 1 : 0;
} else if (typeof workerData === 'string') {
	await runCase(workerData as Case);
}
