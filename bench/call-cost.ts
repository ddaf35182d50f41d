// Run: npm run build && cc -O2 -pthread -o /tmp/call-floor bench/call-floor.c && taskset -c 0 /tmp/call-floor && taskset -c 0 node dist/bench/call-cost.js
/**
 * CPU time per call through this library, to set against bench/call-floor.c
 * (the same calls in C): what Node-API, the addon's argument checks and the
 * `Socket` methods add to each system call of an echo round trip
 * (BENCHMARKS.md, "Where the CPU goes").
 *
 * - an addon call with no argument and no system call (the Node-API floor);
 * - `send(-1)` through the addon (EBADF: system call entry and exit only);
 * - 64 bytes through an AF_UNIX socketpair and back: the addon's send and
 *   recv, then `Socket.send()` and `Socket.recvInto()`.
 *
 * CPU time (user + system) of the process; median of `--reps` passes.
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {parseArgs} from 'node:util';
import {C, native} from '../src/native.js';
import {socketpair} from '../src/socket/index.js';
import {median} from './common.js';

const {values} = parseArgs({
	options: {reps: {type: 'string', default: '5'}, n: {type: 'string', default: '1000000'}},
});
const reps = Number(values.reps);
const n = Number(values.n);
const DONTWAIT = C['MSG_DONTWAIT'] ?? 0;
const NOSIGNAL = C['MSG_NOSIGNAL'] ?? 0;

function cpuNs(): number {
	const {user, system} = process.cpuUsage();
	return (user + system) * 1000;
}

/** Median CPU ns per call of `body`, which makes `calls` calls per invocation. */
function measure(body: (count: number) => void, calls: number): number {
	body(Math.max(10_000, n / 20)); // warm-up: optimized code before timing
	const out: number[] = [];
	for (let r = 0; r < reps; r++) {
		const t = cpuNs();
		body(n);
		out.push((cpuNs() - t) / (n * calls));
	}

	return median(out);
}

const buf = Buffer.allocUnsafe(64).fill(1);
const noop = native.reactorCount;
if (noop === undefined) {
	throw new Error('no reactorCount in this build');
}

const [a, b] = socketpair();
const fa = a.fileno();
const fb = b.fileno();
const rows: Array<[string, number]> = [
	[
		'addon call, no argument, no system call',
		measure(count => {
			for (let i = 0; i < count; i++) {
				noop();
			}
		}, 1),
	],
	[
		'addon send(-1)',
		measure(count => {
			for (let i = 0; i < count; i++) {
				native.send(-1, buf, 0, 64, DONTWAIT | NOSIGNAL);
			}
		}, 1),
	],
	[
		'pair send+recv 64 B, addon',
		measure(count => {
			for (let i = 0; i < count; i++) {
				native.send(fa, buf, 0, 64, DONTWAIT | NOSIGNAL);
				native.recv(fb, buf, 0, 64, DONTWAIT);
			}
		}, 1),
	],
	[
		'pair send+recv 64 B, Socket.send + Socket.recvInto',
		measure(count => {
			a.setblocking(false);
			b.setblocking(false);
			for (let i = 0; i < count; i++) {
				a.send(buf);
				b.recvInto(buf);
			}
		}, 1),
	],
];
a.close();
b.close();
console.log(
	`# node ${process.version}, ${process.platform}/${process.arch}; median of ${reps} passes of ${n}`,
);
console.log('| call | CPU ns per call |\n|---|---:|');
for (const [name, ns] of rows) {
	console.log(`| ${name} | ${ns.toFixed(0)} |`);
}
