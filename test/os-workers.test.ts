// A worker thread blocked in node-selectors/os on a *blocking* fd (read on
// an empty pipe, write into a full one, sendfile into a full pipe, eventfd
// reads and writes) can be
// stopped: `worker.terminate()` settles
// and `process.exit()` exits within a second, as for the selectors and
// socket calls (issue 10, defect 1: "whatever the worker is blocked in").
// Node tells an addon nothing on terminate, so in a worker these calls first
// wait in poll(2) slices of WORKER_WAIT_SLICE_MS for a blocking fd to be
// ready. Each scenario runs in a child process with a time limit, since the
// failure is a hang.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {OS_URL, runChild} from './socket/child.js';
import {checkFdLeaks} from './helpers/fds.js';

checkFdLeaks();

/**
 * A child script whose worker runs `setup`, says so, then `call` (`os` is
 * node-selectors/os), then says what it returned; `main` follows in the
 * child's main thread once the worker is blocked.
 */
function scenario(setup: string, call: string, main: string): string {
	const source = `
		import {parentPort} from 'node:worker_threads';
		const os = await import(${JSON.stringify(OS_URL)});
		${setup}
		parentPort.postMessage({blocking: [r, w]});
		const got = ${call};
		parentPort.postMessage({returned: String(got)});
	`;
	return `
		import {Worker} from 'node:worker_threads';
		import {once} from 'node:events';
		import {performance} from 'node:perf_hooks';
		import {setTimeout as sleep} from 'node:timers/promises';
		const os = await import(${JSON.stringify(OS_URL)});
		const worker = new Worker(${JSON.stringify(source)}, {eval: true});
		const [first] = await once(worker, 'message');
		if (first.blocking === undefined) throw new Error('worker: ' + JSON.stringify(first));
		const [r, w] = first.blocking;
		worker.on('message', (m) => { console.log(JSON.stringify(m)); });
		await sleep(300); // well inside the blocking call
		${main}
	`;
}

/** A pipe whose ends are blocking (Python's os.pipe()), `w` filled up where `full`. */
function blockingPipe(full: boolean): string {
	return `
		const [r, w] = os.pipe();
		${full ? 'try { for (;;) os.write(w, Buffer.alloc(65536)); } catch (e) { if (e.code !== "EAGAIN") throw e; }' : ''}
		os.setBlocking(r, true);
		os.setBlocking(w, true);
	`;
}

const blocked: ReadonlyArray<readonly [name: string, setup: string, call: string]> = [
	['read on an empty blocking pipe', blockingPipe(false), 'os.read(r, 10)'],
	['write into a full blocking pipe', blockingPipe(true), 'os.write(w, Buffer.alloc(10))'],
	[
		'a loop of 1 MiB writes into an empty blocking pipe',
		blockingPipe(false),
		'(() => { for (;;) os.write(w, Buffer.alloc(1 << 20)); })()',
	],
	[
		'sendfile into a full blocking pipe',
		blockingPipe(true) +
			`
		const {openSync, writeFileSync} = await import('node:fs');
		const file = (await import('node:os')).tmpdir() + '/selectors-sendfile-' + process.pid;
		writeFileSync(file, Buffer.alloc(4096));
		const input = openSync(file, 'r');
		(await import('node:fs')).unlinkSync(file);
	`,
		'os.sendfile(w, input, 0, 4096)',
	],
	[
		'eventfdRead on a blocking eventfd at zero',
		'const r = os.eventfd(0); os.setBlocking(r, true); const w = r;',
		'os.eventfdRead(r)',
	],
	[
		'eventfdWrite on a blocking eventfd at its maximum',
		'const r = os.eventfd(0); os.eventfdWrite(r, 2n ** 64n - 2n); os.setBlocking(r, true); const w = r;',
		'os.eventfdWrite(w, 1)',
	],
];

describe('a worker blocked in an os call on a blocking fd can be stopped', () => {
	for (const [name, setup, call] of blocked) {
		test(`terminate() settles within 1 s: ${name}`, async t => {
			const run = await runChild(
				t,
				scenario(
					setup,
					call,
					`
				const start = performance.now();
				await worker.terminate();
				console.log(JSON.stringify({terminateMs: performance.now() - start}));
			`,
				),
			);
			assert.equal(run.timedOut, false, 'terminate() did not settle (the child was killed after 5 s)');
			assert.equal(run.code, 0, run.stderr);
			const [result] = run.results as [{terminateMs: number}];
			assert.ok(result.terminateMs < 1000, `terminate() took ${result.terminateMs} ms`);
		});
	}

	test('process.exit(0) exits within 1 s while a worker is blocked in os.read', async t => {
		const [, setup, call] = blocked[0]!;
		const run = await runChild(
			t,
			scenario(setup, call, `console.log(JSON.stringify({mark: 'exiting'})); process.exit(0);`),
		);
		assert.equal(run.timedOut, false, 'process.exit() hung (the child was killed after 5 s)');
		assert.equal(run.code, 0, run.stderr);
		assert.deepEqual(run.results, [{mark: 'exiting'}]);
		assert.ok(run.afterMarkMs < 1000, `exit took ${run.afterMarkMs} ms after process.exit()`);
	});

	test('a blocking os.read in a worker still waits for the data and returns it', async t => {
		const [, setup, call] = blocked[0]!;
		const run = await runChild(
			t,
			scenario(
				setup,
				call,
				`
				await sleep(400); // more than one wait slice in all
				os.write(w, Buffer.from('late'));
				const [reply] = await once(worker, 'message');
				await worker.terminate();
				os.close(r); os.close(w);
			`,
			),
		);
		assert.equal(run.timedOut, false);
		assert.equal(run.code, 0, run.stderr);
		assert.deepEqual(run.results, [{returned: 'late'}]);
	});
});
