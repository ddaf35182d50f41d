// Run: npm run build && node dist/bench/watch-latency.js [--rounds 1000]
/**
 * Figure for `node-selectors/watch` (not a test): wait-to-callback latency
 * of a write from another thread. A worker thread writes one byte to a pipe
 * when told to (through a SharedArrayBuffer and `Atomics.wait`, so the
 * telling does not go through either event loop), recording
 * `process.hrtime.bigint()` just before write(2); the main thread, with the
 * read end armed, takes its own `process.hrtime.bigint()` on entry to the
 * callback (or when the awaited promise or iteration step resumes) and
 * keeps the difference (both clocks are CLOCK_MONOTONIC). It then reads the
 * byte and tells the worker to write the next one. `--rounds` rounds per
 * form: `Epoll` (npm epoll's callback form, level-triggered), `FdWatch.wait()`
 * and `FdWatch.events({edge: true})`. Prints p50/p99/max in microseconds.
 *
 * @module
 */
import {readSync, writeSync} from 'node:fs';
import {parseArgs} from 'node:util';
import {isMainThread, Worker, workerData} from 'node:worker_threads';
import {Epoll, FdWatch} from '../src/watch/index.js';
import * as os from '../src/os.js';

/** Shared layout: [0] go counter (int32), [1] stop flag; bigint [1]: write time. */
interface Shared {
	readonly sab: SharedArrayBuffer;
	readonly fd: number;
}

function workerMain({sab, fd}: Shared): void {
	const ctl = new Int32Array(sab, 0, 2);
	const when = new BigInt64Array(sab, 8, 1);
	const one = new Uint8Array([1]);
	let seen = 0;
	for (;;) {
		Atomics.wait(ctl, 0, seen);
		if (Atomics.load(ctl, 1) !== 0) {
			return;
		}

		seen = Atomics.load(ctl, 0);
		Atomics.store(when, 0, process.hrtime.bigint());
		writeSync(fd, one);
	}
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function main(): Promise<void> {
	const {values} = parseArgs({options: {rounds: {type: 'string', default: '1000'}}});
	const rounds = Number(values.rounds);
	const [rd, wr] = os.pipe();
	os.setBlocking(rd, false);
	const sab = new SharedArrayBuffer(16);
	const ctl = new Int32Array(sab, 0, 2);
	const when = new BigInt64Array(sab, 8, 1);
	const worker = new Worker(new URL(import.meta.url), {workerData: {sab, fd: wr} satisfies Shared});
	const buf = Buffer.alloc(16);
	const go = (): void => {
		Atomics.add(ctl, 0, 1);
		Atomics.notify(ctl, 0);
	};

	const lapse = (): number => Number(process.hrtime.bigint() - Atomics.load(when, 0)) / 1000;
	const results: Record<string, number[]> = {};

	// 1. Epoll callback, level-triggered.
	results['Epoll callback'] = await new Promise<number[]>(resolve => {
		const samples: number[] = [];
		const ep = new Epoll((error, fd) => {
			const us = lapse();
			if (error !== null) {
				throw error;
			}

			readSync(fd!, buf);
			samples.push(us);
			if (samples.length === rounds) {
				ep.close();
				resolve(samples);
			} else {
				go();
			}
		});
		ep.add(rd, Epoll.EPOLLIN);
		go();
	});

	// 2. FdWatch.wait(), one arming per round.
	const watch = new FdWatch(rd);
	{
		const samples: number[] = [];
		for (let i = 0; i < rounds; i++) {
			const waiting = watch.wait();
			go();

			await waiting;
			samples.push(lapse());
			readSync(rd, buf);
		}

		results['FdWatch.wait()'] = samples;
	}

	// 3. FdWatch.events({edge: true}): armed once.
	{
		const samples: number[] = [];
		const it = watch.events({edge: true});
		const first = it.next();
		go();
		await first;
		samples.push(lapse());
		readSync(rd, buf);
		while (samples.length < rounds) {
			const step = it.next();
			go();

			await step;
			samples.push(lapse());
			readSync(rd, buf);
		}

		await it.return();
		results['FdWatch.events({edge})'] = samples;
	}

	watch.close();
	Atomics.store(ctl, 1, 1);
	go();
	await new Promise(resolve => worker.once('exit', resolve));
	os.close(rd);
	os.close(wr);

	console.log(`wait-to-callback, write(2) from a worker thread, ${rounds} rounds each (microseconds)`);
	for (const [name, samples] of Object.entries(results)) {
		const sorted = [...samples].sort((a, b) => a - b);
		console.log(
			`${name.padEnd(24)} p50 ${percentile(sorted, 0.5).toFixed(1).padStart(7)}  p99 ${percentile(sorted, 0.99).toFixed(1).padStart(7)}  max ${sorted.at(-1)!.toFixed(1).padStart(8)}`,
		);
	}
}

if (isMainThread) {
	await main();
} else {
	workerMain(workerData as Shared);
}
