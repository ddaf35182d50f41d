/**
 * Fixtures for the src/async tests: raw pipes and epoll sets made with the
 * addon (no selector classes), thread counting, and child processes that
 * must exit by themselves. Everything returned is closed by `t.after()`.
 * Imported by the test files; run on its own it does nothing.
 */
import {spawn} from 'node:child_process';
import {existsSync, readdirSync} from 'node:fs';
import type {TestContext} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {check} from '../../src/errors.js';
import {C, constant, native} from '../../src/native.js';

/** Whether the addon has epoll (Linux). */
export const hasEpoll: boolean = typeof native.epollCreate === 'function';

/** URL of the compiled src/async/fd-watch.js, for child scripts and workers. */
export const asyncModuleUrl: string = new URL('../../src/async/fd-watch.js', import.meta.url).href;
/** URL of the compiled src/native.js. */
export const nativeModuleUrl: string = new URL('../../src/native.js', import.meta.url).href;

/** Closes raw fds when the test ends, ignoring ones the test closed itself. */
export function closingFds(t: TestContext, ...fds: number[]): void {
	t.after(() => {
		for (const fd of fds) {
			native.close(fd);
		}
	});
}

/** A non-blocking pipe `[read, write]`, closed after the test. */
export function pipe(t: TestContext): [number, number] {
	const p = new Int32Array(2);
	check(native.pipe(p), 'pipe');
	const rd = p[0]!;
	const wr = p[1]!;
	closingFds(t, rd, wr);
	return [rd, wr];
}

/** Writes one byte (`x`) to fd. */
export function writeByte(fd: number): void {
	check(native.write(fd, new Uint8Array([0x78]), 0, 1), 'write');
}

/** Reads and discards whatever fd has (non-blocking). */
export function drain(fd: number): void {
	const buf = new Uint8Array(256);
	while (native.read(fd, buf, 0, buf.length) > 0) {
		// Keep reading.
	}
}

/** An epoll fd with `fds` registered for EPOLLIN, closed after the test. */
export function epollWith(t: TestContext, ...fds: number[]): number {
	const ep = check(native.epollCreate!(), 'epoll_create1');
	closingFds(t, ep);
	for (const fd of fds) {
		check(native.epollCtl!(ep, constant('EPOLL_CTL_ADD'), fd, constant('EPOLLIN')), 'epoll_ctl');
	}

	return ep;
}

/** The `struct pollfd` events half of an int32 (see src/selectors/poll.ts). */
export const EVENTS_SHIFT = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 16;

/** An Int32Array of `struct pollfd` for (fd, events) pairs. */
export function pollfds(...entries: Array<[fd: number, events: number]>): Int32Array {
	const a = new Int32Array(entries.length * 2);
	for (const [i, [fd, events]] of entries.entries()) {
		a[2 * i] = fd;
		a[2 * i + 1] = events << EVENTS_SHIFT;
	}

	return a;
}

/** POLLIN / POLLOUT. */
export const POLLIN: number = constant('POLLIN');
export const POLLOUT: number = constant('POLLOUT');
/** FD_SETSIZE (1024 on Linux). */
export const FD_SETSIZE: number = C['FD_SETSIZE'] ?? 1024;

const TASK_DIR = '/proc/self/task';
/** Whether threads can be counted (/proc/self/task). */
export const canCountThreads: boolean = existsSync(TASK_DIR);

/** The number of threads of this process; -1 where unknown. */
export function threadCount(): number {
	return canCountThreads ? readdirSync(TASK_DIR).length : -1;
}

/** Waits (up to ~2 s) until the thread count is at most `n`; returns it. */
export async function threadsSettle(n: number): Promise<number> {
	let count = threadCount();
	for (let i = 0; i < 80 && count > n; i++) {
		await sleep(25);
		count = threadCount();
	}

	return count;
}

/** Pairs `[fd, value]` from the first `count` pairs of `out`. */
export function pairs(out: Int32Array, count: number): Array<[number, number]> {
	const result: Array<[number, number]> = [];
	for (let i = 0; i < count; i++) {
		result.push([out[2 * i]!, out[2 * i + 1]!]);
	}

	return result.sort((a, b) => a[0] - b[0]);
}

/** What a child process did. */
export interface ChildResult {
	/** Exit code, or null if killed. */
	readonly code: number | null;
	readonly signal: NodeJS.Signals | null;
	readonly stdout: string;
	readonly stderr: string;
	/** Seconds from spawn to exit. */
	readonly seconds: number;
	/** Whether it had to be killed after `limitMs`. */
	readonly killed: boolean;
}

/**
 * Runs `code` as an ES module in a child `node` (it can `import` from
 * {@link asyncModuleUrl}); kills it after `limitMs`.
 */
export async function runChild(code: string, limitMs = 8000): Promise<ChildResult> {
	const start = performance.now();
	const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (s: string) => {
		stdout += s;
	});
	child.stderr.setEncoding('utf8').on('data', (s: string) => {
		stderr += s;
	});
	let killed = false;
	const timer = setTimeout(() => {
		killed = true;
		child.kill('SIGKILL');
	}, limitMs);
	const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve => {
		child.on('close', (c, s) => {
			resolve([c, s]);
		});
	});
	clearTimeout(timer);
	return {code: exitCode, signal, stdout, stderr, seconds: (performance.now() - start) / 1000, killed};
}

/** Path of a compiled file next to this one (for Worker scripts). */
export function sibling(name: string): URL {
	return new URL(name, import.meta.url);
}

/**
 * Spawns one trivial child: the first spawn of a process makes libuv open
 * a /dev/null fd that it keeps, which a per-file fd leak check would
 * otherwise blame on the test. Call at the top level, before the check.
 */
export async function warmUpSpawn(): Promise<void> {
	await runChild('');
}
