// Run: npm run build && node dist/bench/uring-micro.js [--sizes 10,1000] [--reps 5]
/**
 * IoUringSelector against EpollSelector, in the same run, by CPU time
 * (process.cpuUsage(): user + system of this process), not wall clock, so a
 * loaded machine distorts the ratio less. The operations of
 * bench/select-micro.ts, plus one that makes the kernel see the changes:
 *
 * - register+unregister ops/s: register all N sockets, then unregister all;
 * - modify ops/s: READ → READ|WRITE → READ for every registered socket
 *   (after one select(0), so every io_uring poll request is in flight);
 * - select(0) calls/s with exactly one fd readable;
 * - modify+select round trips/s: one always-writable fd, modify(WRITE),
 *   select(0), modify(READ|WRITE), select(0) — the read⇄write switching
 *   server's pattern, where io_uring submits the change with the wait.
 *
 * io_uring's register/modify/unregister only queue the change (no system
 * call): its first two figures are the cost of that bookkeeping, which
 * the next select() pays for (fourth figure).
 *
 * @module
 */
import {parseArgs} from 'node:util';
import {EpollSelector, EVENT_READ, EVENT_WRITE, IoUringSelector, type SelectorClass} from '../src/index.js';
import {type Socket} from '../src/socket/index.js';
import {fmt, median, withSocketpairs} from './common.js';

const {values} = parseArgs({
	options: {
		sizes: {type: 'string', default: '10,1000'},
		reps: {type: 'string', default: '5'},
	},
});
const sizes = values.sizes.split(',').map(Number);
const reps = Number(values.reps);

/** CPU seconds (user + system) `fn` takes. */
function cpu(fn: () => void): number {
	const start = process.cpuUsage();
	fn();
	const used = process.cpuUsage(start);
	return (used.user + used.system) / 1e6;
}

/** Repeats `fn` (doing `ops` operations) until 0.2 s of CPU; ops per CPU second. */
function rate(ops: number, fn: () => void): number {
	let total = 0;
	let n = 0;
	let batch = 1;
	while (total < 0.2) {
		total += cpu(() => {
			for (let i = 0; i < batch; i++) {
				fn();
			}
		});
		n += batch;
		batch *= 2;
	}

	return (n * ops) / total;
}

function measure(Cls: SelectorClass, pairs: Array<[Socket, Socket]>, socks: Socket[]): number[] {
	const figures: number[][] = [[], [], [], []];
	for (let r = 0; r < reps; r++) {
		const sel = new Cls();
		figures[0]!.push(
			rate(2 * socks.length, () => {
				for (const s of socks) {
					sel.register(s, EVENT_READ);
				}

				for (const s of socks) {
					sel.unregister(s);
				}
			}),
		);
		for (const s of socks) {
			sel.register(s, EVENT_READ);
		}

		sel.select(0);
		figures[1]!.push(
			rate(2 * socks.length, () => {
				for (const s of socks) {
					sel.modify(s, EVENT_READ | EVENT_WRITE);
				}

				for (const s of socks) {
					sel.modify(s, EVENT_READ);
				}
			}),
		);
		sel.select(0);
		const [a, b] = pairs[pairs.length >> 1]!;
		b.send(Buffer.from('x'));
		figures[2]!.push(
			rate(1, () => {
				if (sel.select(0).length !== 1) {
					throw new Error('expected one ready fd');
				}
			}),
		);
		a.recv(1);
		sel.modify(b, EVENT_READ | EVENT_WRITE);
		sel.select(0);
		figures[3]!.push(
			rate(1, () => {
				sel.modify(b, EVENT_WRITE);
				sel.select(0);
				sel.modify(b, EVENT_READ | EVENT_WRITE);
				if (sel.select(0).length !== 1) {
					throw new Error('expected b writable');
				}
			}),
		);
		sel.close();
	}

	return figures.map(median);
}

console.log(`Node ${process.version}, median of ${reps} passes, operations per CPU second (user + system)`);
console.log();
console.log(
	'| selector | registered fds | register+unregister ops/s | modify ops/s | select(0) calls/s (1 ready) | modify+select rounds/s |',
);
console.log('|---|---:|---:|---:|---:|---:|');
withSocketpairs(sizes, (pairs, socks) => {
	const results = new Map<string, number[]>();
	for (const Cls of [EpollSelector, IoUringSelector]) {
		results.set(Cls.name, measure(Cls, pairs, socks));
	}

	for (const [name, f] of results) {
		console.log(`| ${name} | ${fmt(socks.length)} | ${f.map(fmt).join(' | ')} |`);
	}

	const e = results.get('EpollSelector')!;
	const u = results.get('IoUringSelector')!;
	console.log(
		`| ratio io_uring / epoll | ${fmt(socks.length)} | ${u.map((x, i) => `${(x / e[i]!).toFixed(2)}×`).join(' | ')} |`,
	);
});
