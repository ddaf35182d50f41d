/**
 * Runs a scenario that may hang on a broken build in a child Node process
 * with a time limit, so the test itself cannot hang: the child is killed
 * (SIGKILL) when the limit passes, and the test sees `timedOut`.
 */
import {spawn} from 'node:child_process';
import {performance} from 'node:perf_hooks';
import type {TestContext} from 'node:test';

/** Module URLs a scenario imports (the built package's socket and os modules). */
export const SOCKET_URL = new URL('../../src/socket/index.js', import.meta.url).href;
export const OS_URL = new URL('../../src/os.js', import.meta.url).href;

/** What a child run gave. */
export interface ChildRun {
	/** Every line the child printed that parses as JSON, in order. */
	readonly results: unknown[];
	readonly code: number | null;
	readonly signal: NodeJS.Signals | null;
	/** Whether the time limit killed it. */
	readonly timedOut: boolean;
	/** Milliseconds from the child printing `{"mark": …}` to its exit (NaN without a mark). */
	readonly afterMarkMs: number;
	readonly stderr: string;
}

/**
 * Runs `script` (an ES module's text) in `node --input-type=module`, killing it after
 * `limitMs`. The child is killed too if the test ends first.
 */
export async function runChild(t: TestContext, script: string, limitMs = 5000): Promise<ChildRun> {
	const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	t.after(() => {
		child.kill('SIGKILL');
	});
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		child.kill('SIGKILL');
	}, limitMs);
	let stdout = '';
	let stderr = '';
	let markAt = Number.NaN;
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		stdout += chunk;
		if (Number.isNaN(markAt) && stdout.includes('"mark"')) {
			markAt = performance.now();
		}
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
	});
	const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve => {
		// 'close', not 'exit': the stdio pipes are closed too (the fd leak check counts them).
		child.on('close', (c, s) => {
			resolve([c, s]);
		});
	});
	const exitAt = performance.now();
	clearTimeout(timer);
	const results: unknown[] = [];
	for (const line of stdout.split('\n')) {
		if (line.startsWith('{') || line.startsWith('"') || line.startsWith('[')) {
			results.push(JSON.parse(line));
		}
	}

	return {results, code, signal, timedOut, afterMarkMs: exitAt - markAt, stderr};
}
