// Run: npm run build && node dist/bench/signal-latency.js [--signals 1000] [--idle 10] [--before OLD/dist/examples/echo-server.js]
/**
 * Figures for `node-selectors/signal` (not a test):
 *
 * 1. Kill-to-handler latency: a child process blocks its main thread in
 *    `select(null)` (one idle pipe registered) with a SIGUSR2 handler that
 *    writes `process.hrtime.bigint()` to stdout; this process sends
 *    `--signals` signals one at a time (the next after the child's report)
 *    and takes, per signal, the child's handler time minus the time just
 *    before kill(2) (CLOCK_MONOTONIC, the same clock in both processes).
 *    p50/p99/max per backend.
 * 2. The idle echo server (examples/echo-server.js, `--port 0`, no client)
 *    over `--idle` seconds: CPU time (utime + stime of /proc/PID/stat, all
 *    threads) and context switches (voluntary + involuntary, summed over
 *    /proc/PID/task/*), then SIGTERM-to-exit time and exit status. With
 *    `--before PATH`, the same for another build's server (e.g. one whose
 *    main-thread loop still ticks every 0.1 s).
 *
 * Linux only (/proc).
 *
 * @module
 */
import {type ChildProcess, spawn} from 'node:child_process';
import {once} from 'node:events';
import {readdirSync, readFileSync, writeSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {EpollSelector, EVENT_READ, PollSelector, SelectSelector, type SelectorClass} from '../src/index.js';
import * as os from '../src/os.js';
import {signal, SIGUSR2} from '../src/signal/index.js';

const BACKENDS: Record<string, SelectorClass> = {
	select: SelectSelector,
	poll: PollSelector,
	epoll: EpollSelector,
};

const {values} = parseArgs({
	options: {
		signals: {type: 'string', default: '1000'},
		idle: {type: 'string', default: '10'},
		before: {type: 'string'},
		child: {type: 'string'},
	},
});

/** The child of part 1: blocks in select(null), reports each SIGUSR2's handler time. */
function child(backend: string): void {
	const sel = new BACKENDS[backend]!();
	const [r] = os.pipe();
	sel.register(r, EVENT_READ);
	signal(SIGUSR2, () => {
		writeSync(1, `${process.hrtime.bigint()}\n`);
	});
	writeSync(1, 'ready\n');
	for (;;) {
		sel.select(null);
	}
}

/** Lines of a child's stdout, one promise at a time. */
function lineReader(proc: ChildProcess): () => Promise<string> {
	const lines: string[] = [];
	let wake: (() => void) | undefined;
	let partial = '';
	proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
		partial += chunk;
		const parts = partial.split('\n');
		partial = parts.pop() ?? '';
		lines.push(...parts);
		wake?.();
	});
	return async () => {
		while (lines.length === 0) {
			await new Promise<void>(resolve => {
				wake = resolve;
			});
		}

		return lines.shift()!;
	};
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function latency(backend: string, count: number): Promise<void> {
	const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', backend], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const next = lineReader(proc);
	await next(); // ready
	await new Promise(resolve => setTimeout(resolve, 50)); // in select() by now
	const samples: number[] = [];
	for (let i = 0; i < count; i++) {
		const sent = process.hrtime.bigint();
		proc.kill('SIGUSR2');
		const ran = BigInt(await next());
		samples.push(Number(ran - sent) / 1e6);
	}

	proc.kill('SIGKILL');
	await once(proc, 'exit');
	samples.sort((a, b) => a - b);
	console.log(
		`${backend.padEnd(7)} ${count} signals: p50 ${percentile(samples, 0.5).toFixed(3)} ms, ` +
			`p99 ${percentile(samples, 0.99).toFixed(3)} ms, max ${samples.at(-1)!.toFixed(3)} ms`,
	);
}

/** CPU ticks (utime + stime, all threads) and context switches (all threads) of `pid`. */
function usage(pid: number): {ticks: number; voluntary: number; involuntary: number; threads: number} {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
	let voluntary = 0;
	let involuntary = 0;
	const tasks = readdirSync(`/proc/${pid}/task`);
	for (const tid of tasks) {
		try {
			const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
			voluntary += Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
			involuntary += Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
		} catch {
			// the thread ended meanwhile
		}
	}

	return {ticks, voluntary, involuntary, threads: tasks.length};
}

async function idle(label: string, script: string, seconds: number): Promise<void> {
	const proc = spawn(process.execPath, [script, '--port', '0'], {stdio: ['ignore', 'pipe', 'inherit']});
	const next = lineReader(proc);
	await next(); // listening on …
	await new Promise(resolve => setTimeout(resolve, 1000)); // start-up settles
	const a = usage(proc.pid!);
	await new Promise(resolve => setTimeout(resolve, seconds * 1000));
	const b = usage(proc.pid!);
	const start = performance.now();
	proc.kill('SIGTERM');
	const [code, sig] = (await once(proc, 'exit')) as [number | null, string | null];
	const stopMs = performance.now() - start;
	const cpu = (b.ticks - a.ticks) / 100; // USER_HZ is 100 on Linux
	const switches = b.voluntary - a.voluntary + (b.involuntary - a.involuntary);
	console.log(
		`${label}: idle ${seconds} s: CPU ${(cpu * 1000).toFixed(0)} ms (${((100 * cpu) / seconds).toFixed(2)} %), ` +
			`${switches} context switches (${(switches / seconds).toFixed(1)}/s; ${b.threads} threads); ` +
			`SIGTERM to exit ${stopMs.toFixed(1)} ms, status ${code ?? sig}`,
	);
}

if (values.child !== undefined) {
	child(values.child);
} else {
	const count = Number(values.signals);
	for (const backend of ['select', 'poll', 'epoll']) {
		if (BACKENDS[backend]!.available) {
			await latency(backend, count);
		}
	}

	const seconds = Number(values.idle);
	if (values.before !== undefined) {
		await idle('before', values.before, seconds);
	}

	await idle('after ', fileURLToPath(new URL('../examples/echo-server.js', import.meta.url)), seconds);
}
