/**
 * A concurrent peer in a worker thread, for tests whose main thread blocks
 * (a blocking recv, accept, or an 8 MiB sendall through a socketpair).
 */
import type {TestContext} from 'node:test';
import {Worker} from 'node:worker_threads';
import type {PeerResult, PeerTask} from './peer-worker.js';

export type {PeerResult, PeerTask};

/** A running peer: `done` settles with its report. */
export interface Peer {
	readonly done: Promise<PeerResult>;
}

/**
 * Starts `task` in a worker thread and resolves once the worker is running
 * it (so the caller may block right after). The worker is terminated when
 * the test ends.
 */
export async function startPeer(t: TestContext, task: PeerTask): Promise<Peer> {
	const worker = new Worker(new URL('peer-worker.js', import.meta.url), {workerData: task});
	t.after(async () => {
		await worker.terminate();
	});
	let ready!: () => void;
	let failedToStart!: (error: Error) => void;
	// Rejects if the worker dies before running the task: the caller must not
	// go on into a blocking call nobody will end.
	const started = new Promise<void>((resolve, reject) => {
		ready = resolve;
		failedToStart = reject;
	});
	const done = new Promise<PeerResult>((resolve, reject) => {
		const fail = (error: Error): void => {
			failedToStart(error);
			reject(error);
		};

		worker.on('message', (message: {ready?: true; result?: PeerResult; error?: string}) => {
			if (message.ready === true) {
				ready();
			} else if (message.result === undefined) {
				fail(new Error(`peer failed: ${message.error ?? 'unknown error'}`));
			} else {
				resolve(message.result);
			}
		});
		worker.on('error', fail);
		worker.on('exit', code => {
			fail(new Error(`peer exited (${code}) without a result`));
		});
	});
	done.catch(() => undefined); // observed by the test through `done`
	await started;
	return {done};
}
