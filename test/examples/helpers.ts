/**
 * Helpers for the example programs' integration tests: start a program as a
 * child process (port 0, its `listening on HOST:PORT` line read from
 * stdout), run one to completion, and node:net clients. Every child is
 * killed and every socket destroyed by the test's `t.after()`; every wait
 * is bounded.
 */
import {type ChildProcess, spawn} from 'node:child_process';
import {once} from 'node:events';
import {existsSync, readdirSync, readFileSync, readlinkSync} from 'node:fs';
import net from 'node:net';
import type {TestContext} from 'node:test';
import {fileURLToPath} from 'node:url';

/** The compiled example programs (dist/examples). */
export const EXAMPLES_DIR: string = fileURLToPath(new URL('../../examples/', import.meta.url));

/** How long a program gets to print its `listening on` line (ms). */
const START_TIMEOUT_MS = 10_000;

/** A running program. */
export interface Program {
	readonly child: ChildProcess;
	readonly pid: number;
	/** From the `listening on HOST:PORT` line. */
	readonly host: string;
	readonly port: number;
	/** Every stdout line so far (kept up to date). */
	readonly lines: string[];
	/** stderr so far. */
	stderr(): string;
	/** Resolves with `[code, signal]` when the process has exited. */
	readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
	/**
	 * Sends `signal` and waits for the exit, at most `timeoutMs`.
	 *
	 * @returns `[code, signal]`, or `undefined` if it is still running at the deadline
	 */
	stop(
		signal?: NodeJS.Signals,
		timeoutMs?: number,
	): Promise<[number | null, NodeJS.Signals | null] | undefined>;
}

/** `promise`, or `undefined` after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<undefined>(resolve => {
		timer = setTimeout(resolve, ms, undefined);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/**
 * Starts `dist/examples/<name>.js` with `args` (add `--port 0` yourself)
 * and waits for its `listening on HOST:PORT` line. Killed (SIGKILL) after
 * the test if still running.
 *
 * @param t - the test, for cleanup
 * @param name - the program, e.g. `echo-server`
 * @param args - its arguments
 * @returns the running program
 * @throws if it exits or stays silent for 10 s
 */
export async function startProgram(t: TestContext, name: string, args: readonly string[]): Promise<Program> {
	const child = spawn(process.execPath, [`${EXAMPLES_DIR}${name}.js`, ...args], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
	let done = false;
	void exited.then(() => {
		done = true;
	});
	t.after(async () => {
		if (!done) {
			child.kill('SIGKILL');
			await exited;
		}
	});
	const lines: string[] = [];
	let partial = '';
	let stderr = '';
	let onLine: (() => void) | undefined;
	child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
		const parts = (partial + chunk).split('\n');
		partial = parts.pop() ?? '';
		lines.push(...parts);
		onLine?.();
	});
	child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
	});

	const listening = new Promise<RegExpExecArray>((resolve, reject) => {
		const check = (): void => {
			for (const line of lines) {
				const match = /^listening on \[?([^\]]+?)\]?:(\d+)$/.exec(line);
				if (match !== null) {
					resolve(match);
					return;
				}
			}
		};

		onLine = check;
		void exited.then(([code, signal]) => {
			reject(new Error(`${name} exited (${code ?? signal}) before listening; stderr: ${stderr}`));
		});
	});
	const match = await within(listening, START_TIMEOUT_MS);
	if (match === undefined) {
		throw new Error(
			`${name} printed no "listening on" line in ${START_TIMEOUT_MS} ms; stdout: ${lines.join('|')}`,
		);
	}

	onLine = undefined;
	return {
		child,
		pid: child.pid ?? -1,
		host: match[1] ?? '',
		port: Number(match[2]),
		lines,
		stderr: () => stderr,
		exited,
		async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 5000) {
			if (!done) {
				child.kill(signal);
			}

			return within(exited, timeoutMs);
		},
	};
}

/** What {@link runProgram} returns. */
export interface RunResult {
	readonly code: number | null;
	readonly signal: NodeJS.Signals | null;
	readonly stdout: string;
	readonly stderr: string;
}

/**
 * Runs `dist/examples/<name>.js` to completion (SIGKILL after `timeoutMs`).
 *
 * @param name - the program
 * @param args - its arguments
 * @param timeoutMs - the longest run
 * @returns its status and output
 */
export async function runProgram(
	name: string,
	args: readonly string[],
	timeoutMs = 20_000,
): Promise<RunResult> {
	const child = spawn(process.execPath, [`${EXAMPLES_DIR}${name}.js`, ...args], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		stdout += chunk;
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
	});
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
	clearTimeout(timer);
	return {code, signal, stdout, stderr};
}

/**
 * A node:net connection to `port` on 127.0.0.1 (destroyed after the test).
 *
 * @param t - the test, for cleanup
 * @param port - the port
 * @param host - the host
 * @returns the connected socket
 */
export async function connect(t: TestContext, port: number, host = '127.0.0.1'): Promise<net.Socket> {
	const sock = net.connect({port, host, noDelay: true});
	t.after(() => {
		sock.destroy();
	});
	await once(sock, 'connect');
	return sock;
}

/**
 * Reads exactly `n` bytes (fewer if the stream ends first) within `timeoutMs`.
 *
 * @param sock - a flowing or paused node:net socket
 * @param n - how many bytes
 * @param timeoutMs - the longest wait
 * @returns the bytes
 */
export async function readExactly(sock: net.Socket, n: number, timeoutMs = 10_000): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let got = 0;
	const done = new Promise<void>(resolve => {
		const onData = (chunk: Buffer): void => {
			chunks.push(chunk);
			got += chunk.length;
			if (got >= n) {
				finish();
			}
		};

		const finish = (): void => {
			sock.off('data', onData);
			sock.off('end', finish);
			sock.off('close', finish);
			sock.pause();
			resolve();
		};

		sock.on('data', onData);
		sock.on('end', finish);
		sock.on('close', finish);
		sock.resume();
	});
	await within(done, timeoutMs);
	return Buffer.concat(chunks);
}

/**
 * Whether the stream ends (EOF or close) within `timeoutMs`, ignoring data.
 *
 * @param sock - the socket
 * @param timeoutMs - the longest wait
 * @returns `true` if it ended
 */
export async function endsWithin(sock: net.Socket, timeoutMs: number): Promise<boolean> {
	if (sock.readableEnded || sock.destroyed) {
		return true;
	}

	const ended = new Promise<boolean>(resolve => {
		sock.once('end', () => {
			resolve(true);
		});
		sock.once('close', () => {
			resolve(true);
		});
		sock.once('error', () => {
			resolve(true);
		});
	});
	sock.resume();
	return (await within(ended, timeoutMs)) ?? false;
}

/**
 * `n` bytes of a pattern that differs by `seed` (so connections carry different bytes).
 *
 * @param n - length
 * @param seed - any integer
 * @returns the bytes
 */
export function patternBytes(n: number, seed: number): Buffer {
	const buf = Buffer.allocUnsafe(n);
	for (let i = 0; i < n; i++) {
		buf[i] = (i + seed * 7) % 251;
	}

	return buf;
}

/**
 * The targets of a process's open fds (`socket:[123]`, `pipe:[4]`, paths), from /proc; `undefined` without /proc.
 *
 * @param pid - the process
 * @returns the targets
 */
export function fdTargets(pid: number): string[] | undefined {
	const dir = `/proc/${pid}/fd`;
	if (!existsSync(dir)) {
		return undefined;
	}

	const targets: string[] = [];
	for (const name of readdirSync(dir)) {
		try {
			targets.push(readlinkSync(`${dir}/${name}`));
		} catch {
			// Closed meanwhile.
		}
	}

	return targets;
}

/**
 * CPU time (user + system) a process has used so far, in ms (Linux /proc; `undefined` elsewhere).
 *
 * @param pid - the process
 * @returns milliseconds
 */
export function cpuMs(pid: number): number | undefined {
	const file = `/proc/${pid}/stat`;
	if (!existsSync(file)) {
		return undefined;
	}

	// Fields after the ")" that ends the command name: state is field 3; utime, stime are fields 14, 15.
	const text = readFileSync(file, 'utf8');
	const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
	const ticks = Number(fields[11]) + Number(fields[12]);
	return ticks * 10; // USER_HZ is 100 on Linux
}

/** Resolves after `ms`. */
export async function sleep(ms: number): Promise<void> {
	return new Promise(resolve => {
		setTimeout(resolve, ms);
	});
}
