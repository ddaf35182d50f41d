/**
 * Worker body for workers.test.ts: its own selector, a blocking select()
 * loop over its own socketpairs, echoing what arrives until "quit".
 */
import {parentPort, workerData, threadId} from 'node:worker_threads';
import {
	DefaultSelector,
	EpollSelector,
	EVENT_READ,
	PollSelector,
	SelectSelector,
	type BaseSelector,
} from '../../src/selectors/index.js';
import {socketpair, type TestSocket} from './helpers.js';

/** What the test asks of a worker. */
export interface SelectorWorkerTask {
	readonly backend: 'epoll' | 'poll' | 'select' | 'default';
	readonly pairs: number;
}

/** What a worker reports. */
export type SelectorWorkerMessage =
	| {readonly ready: true; readonly fds: number[]; readonly selector: string}
	| {readonly done: true; readonly echoed: number; readonly selects: number; readonly threadId: number}
	| {readonly error: string};

const task = workerData as SelectorWorkerTask;
const port = parentPort!;

function makeSelector(): BaseSelector<TestSocket> {
	switch (task.backend) {
		case 'epoll': {
			return new EpollSelector<TestSocket>();
		}

		case 'poll': {
			return new PollSelector<TestSocket>();
		}

		case 'select': {
			return new SelectSelector<TestSocket>();
		}

		default: {
			return new DefaultSelector<TestSocket>();
		}
	}
}

const sel = makeSelector();
const ours: TestSocket[] = [];
const peers: number[] = [];
for (let i = 0; i < task.pairs; i++) {
	// The peer ends are the test's to use and close (fds are process-wide).
	const [mine, peer] = socketpair(undefined);
	sel.register(mine, EVENT_READ, mine);
	ours.push(mine);
	peers.push(peer.fileno());
}

port.postMessage({ready: true, fds: peers, selector: sel.constructor.name} satisfies SelectorWorkerMessage);
let echoed = 0;
let selects = 0;
try {
	let running = true;
	while (running) {
		// A blocking wait (bounded, so a broken test cannot hang the worker).
		const ready = sel.select(10);
		selects++;
		if (ready.length === 0) {
			throw new Error('select(10) timed out: the test stopped talking');
		}

		for (const [key] of ready) {
			const text = key.data.recv(1024);
			if (text === '' || text.includes('quit')) {
				running = false;
			} else {
				key.data.send(text);
				echoed++;
			}
		}
	}

	port.postMessage({done: true, echoed, selects, threadId} satisfies SelectorWorkerMessage);
} catch (error) {
	port.postMessage({error: String(error)} satisfies SelectorWorkerMessage);
} finally {
	sel.close();
	for (const sock of ours) {
		sock.close();
	}
}
