// Run: npm run build && taskset -c 0 node dist/bench/select-objects.js [--sizes 10,100,1000] [--reps 5]
//      taskset -c 0 python3 bench/select-objects.py [same options]   (CPython's objects, same table)
/**
 * Micro-benchmark of the `node-selectors/select` objects, measured as the
 * kit's select-micro.py measures the selectors (N/2 socketpairs, both ends
 * registered for input, all idle but one):
 *
 * - register+unregister ops/s (Epoll, Poll): 2N ops per pass;
 * - modify ops/s (Epoll, Poll): IN → IN|OUT → IN, 2N ops per pass;
 * - wait calls/s: `epoll.poll(0)`, `poll.poll(0)`, `select(socks, [], [], 0)`
 *   with exactly one fd readable, each call checked.
 *
 * The selector classes (EpollSelector, PollSelector, SelectSelector) are
 * measured the same way in the same run, each beside the object it could
 * sit on. bench/select-objects.py runs the same on CPython's `select` module
 * and `selectors`, so the two tables compare line by line. Each figure is
 * the median of `--reps`.
 *
 * @module
 */
import {parseArgs} from 'node:util';
import {ensureNofile} from '../src/os.js';
import * as selectors from '../src/index.js';
import {epoll, FD_SETSIZE, poll, POLLIN, POLLOUT, select} from '../src/select/index.js';
import {socketpair, type Socket} from '../src/socket/index.js';

const {values} = parseArgs({
	options: {sizes: {type: 'string', default: '10,100,1000'}, reps: {type: 'string', default: '5'}},
});
const sizes = values.sizes.split(',').map(Number);
const reps = Number(values.reps);

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Calls `fn` in growing batches for at least 0.2 s; calls per second. */
function rate(fn: () => unknown): number {
	let calls = 0;
	let batch = 16;
	const t = performance.now();
	for (;;) {
		for (let i = 0; i < batch; i++) {
			fn();
		}

		calls += batch;
		const dt = (performance.now() - t) / 1000;
		if (dt >= 0.2) {
			return calls / dt;
		}

		batch = Math.min(batch * 2, 4096);
	}
}

interface Obj {
	register(fd: unknown, mask: number): void;
	modify(fd: unknown, mask: number): void;
	unregister(fd: unknown): void;
	poll(t: number): unknown[];
	close?(): void;
}

/** A selector class seen as an {@link Obj}: its rows stand next to the objects', measured the same way in the same run. */
function selectorObj(Cls: selectors.SelectorClass): () => Obj {
	return () => {
		const sel = new Cls();
		return {
			register: (fd, mask) => sel.register(fd as number, mask),
			modify: (fd, mask) => sel.modify(fd as number, mask),
			unregister: fd => sel.unregister(fd as number),
			poll: t => sel.select(t),
			close: () => {
				sel.close();
			},
		};
	};
}

function regOps(make: () => Obj, fds: number[], mask: number): number {
	const o = make();
	const out: number[] = [];
	for (let r = 0; r < reps; r++) {
		const t = performance.now();
		for (const fd of fds) {
			o.register(fd, mask);
		}

		for (const fd of fds) {
			o.unregister(fd);
		}

		out.push((2 * fds.length) / ((performance.now() - t) / 1000));
	}

	o.close?.();
	return median(out);
}

function modOps(make: () => Obj, fds: number[], inMask: number, outMask: number): number {
	const o = make();
	for (const fd of fds) {
		o.register(fd, inMask);
	}

	const out: number[] = [];
	for (let r = 0; r < reps; r++) {
		const t = performance.now();
		for (const fd of fds) {
			o.modify(fd, inMask | outMask);
		}

		for (const fd of fds) {
			o.modify(fd, inMask);
		}

		out.push((2 * fds.length) / ((performance.now() - t) / 1000));
	}

	o.close?.();
	return median(out);
}

function waitCalls(make: () => Obj, fds: number[], inMask: number): number {
	const o = make();
	for (const fd of fds) {
		o.register(fd, inMask);
	}

	const out: number[] = [];
	for (let r = 0; r < reps; r++) {
		out.push(
			rate(() => {
				if (o.poll(0).length !== 1) {
					throw new Error('expected one ready fd');
				}
			}),
		);
	}

	o.close?.();
	return median(out);
}

const [limit] = ensureNofile(Math.max(...sizes) + 64);
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const rows: string[] = [];
// Warm up the JIT on every path before measuring.
{
	const warm = pairsFor(10);
	measure(10, warm, false);

	closeAll(warm);
}

function pairsFor(n: number): Array<[Socket, Socket]> {
	return Array.from({length: n / 2}, () => socketpair());
}

function closeAll(pairs: Array<[Socket, Socket]>): void {
	for (const s of pairs.flat()) {
		s.close();
	}
}

for (const n of sizes) {
	if (n + 64 > limit) {
		continue;
	}

	const pairs = pairsFor(n);
	measure(n, pairs, true);
	closeAll(pairs);
}

function measure(n: number, pairs: Array<[Socket, Socket]>, keep: boolean): void {
	const socks = pairs.flat();
	const fds = socks.map(s => s.fileno());
	const [a, b] = pairs[pairs.length >> 1]!;
	b.send(Buffer.from('x'));
	const EIN = 1; // EPOLLIN
	const EOUT = 4; // EPOLLOUT
	rows.push(
		`| epoll | ${n} | ${fmt(regOps(() => epoll(), fds, EIN))} | ${fmt(modOps(() => epoll(), fds, EIN, EOUT))} | ${fmt(waitCalls(() => epoll(), fds, EIN))} |`,
	);
	rows.push(
		`| poll | ${n} | ${fmt(regOps(() => poll(), fds, POLLIN))} | ${fmt(modOps(() => poll(), fds, POLLIN, POLLOUT))} | ${fmt(waitCalls(() => poll(), fds, POLLIN))} |`,
	);
	for (const Cls of [selectors.EpollSelector, selectors.PollSelector, selectors.SelectSelector]) {
		if (Cls.available && (Cls !== selectors.SelectSelector || Math.max(...fds) < FD_SETSIZE)) {
			const make = selectorObj(Cls);
			rows.push(
				`| ${Cls.name} | ${n} | ${fmt(regOps(make, fds, selectors.EVENT_READ))} | ${fmt(modOps(make, fds, selectors.EVENT_READ, selectors.EVENT_WRITE))} | ${fmt(waitCalls(make, fds, selectors.EVENT_READ))} |`,
			);
		}
	}

	if (Math.max(...fds) < FD_SETSIZE) {
		const sel = median(
			Array.from({length: reps}, () =>
				rate(() => {
					if (select(socks, [], [], 0)[0].length !== 1) {
						throw new Error('expected one ready socket');
					}
				}),
			),
		);
		rows.push(`| select() | ${n} | – | – | ${fmt(sel)} |`);
	}

	a.recv(1);
	if (!keep) {
		rows.length = 0;
	}
}

console.log(
	`node-selectors/select on Node ${process.version}, median of ${reps} passes, 1 readable fd, timeout 0`,
);
console.log('| object | fds | register+unregister ops/s | modify ops/s | wait calls/s |');
console.log('|---|---:|---:|---:|---:|');
console.log(rows.join('\n'));
