// Run: npm run build && taskset -c 0 node dist/bench/select-micro.js [--sizes 10,100,1000,10000] [--reps 5]
/**
 * Micro-benchmark of the selector classes, measured the way the bench kit's
 * `select-micro.py` measures Python's `selectors` (../shared/bench), so the
 * two tables compare line by line:
 *
 * - register+unregister ops/s: register all N sockets (N/2 socketpairs,
 *   both ends, EVENT_READ), then unregister all N; 2N ops per pass;
 * - modify ops/s: READ → READ|WRITE → READ for every registered socket;
 *   2N ops per pass;
 * - select() calls/s: exactly one fd readable, `select(0)` in a loop
 *   (passes of at least 0.2 s), each call checked to return that one pair.
 *
 * Each figure is the median of `--reps` passes. SelectSelector is skipped
 * once an fd reaches FD_SETSIZE. Before its timed passes, each
 * register/modify figure runs untimed passes for at least 100 ms (and 20,000
 * operations): a server registers and modifies all day, so its steady state
 * is the optimized code, not the interpreter's first passes (at 10 fds a
 * timed pass is 20 operations, over before V8 has optimized anything).
 * CPython has no JIT to warm up; its script runs no warm-up.
 *
 * @module
 */
import {parseArgs} from 'node:util';
import {
	EpollSelector,
	EVENT_READ,
	EVENT_WRITE,
	PollSelector,
	SelectSelector,
	type SelectorClass,
} from '../src/index.js';
import {C} from '../src/native.js';
import {type Socket} from '../src/socket/index.js';
import {fmt, median, withSocketpairs} from './common.js';

const {values} = parseArgs({
	options: {
		sizes: {type: 'string', default: '10,100,1000,10000'},
		reps: {type: 'string', default: '5'},
	},
});
const sizes = values.sizes.split(',').map(Number);
const reps = Number(values.reps);
const FD_SETSIZE = C['FD_SETSIZE'] ?? 1024;

/** Runs `pass` (which makes `ops` operations) untimed until 100 ms and 20,000 operations have gone by. */
function warmUp(pass: () => void, ops: number): void {
	const start = performance.now();
	for (let done = 0; done < 20_000 || performance.now() - start < 100; done += ops) {
		pass();
	}
}

function registerOps(Cls: SelectorClass, socks: Socket[]): number {
	const sel = new Cls();
	const pass = (): void => {
		for (const s of socks) {
			sel.register(s, EVENT_READ);
		}

		for (const s of socks) {
			sel.unregister(s);
		}
	};
	warmUp(pass, 2 * socks.length);
	const out: number[] = [];
	for (let r = 0; r < reps; r++) {
		const t = performance.now();
		pass();
		out.push((2 * socks.length) / ((performance.now() - t) / 1000));
	}

	sel.close();
	return median(out);
}

function modifyOps(Cls: SelectorClass, socks: Socket[]): number {
	const sel = new Cls();
	for (const s of socks) {
		sel.register(s, EVENT_READ);
	}

	const pass = (): void => {
		for (const s of socks) {
			sel.modify(s, EVENT_READ | EVENT_WRITE);
		}

		for (const s of socks) {
			sel.modify(s, EVENT_READ);
		}
	};
	warmUp(pass, 2 * socks.length);
	const out: number[] = [];
	for (let r = 0; r < reps; r++) {
		const t = performance.now();
		pass();
		out.push((2 * socks.length) / ((performance.now() - t) / 1000));
	}

	sel.close();
	return median(out);
}

function selectCalls(Cls: SelectorClass, pairs: Array<[Socket, Socket]>, socks: Socket[]): number {
	const sel = new Cls();
	for (const s of socks) {
		sel.register(s, EVENT_READ);
	}

	const [a, b] = pairs[pairs.length >> 1] ?? [];
	if (a === undefined || b === undefined) {
		throw new Error('no pairs');
	}

	b.send(Buffer.from('x')); // makes `a` readable; nothing else is
	const check = (ready: ReturnType<typeof sel.select>): void => {
		const [first] = ready;
		if (ready.length !== 1 || first?.[0].fileobj !== a || first[1] !== EVENT_READ) {
			throw new Error(`unexpected select() result: ${ready.length} entries`);
		}
	};

	check(sel.select(0));
	const out: number[] = [];
	for (let r = 0; r < reps; r++) {
		let calls = 0;
		let batch = 16;
		let ready = sel.select(0);
		const t = performance.now();
		let dt: number;
		for (;;) {
			for (let i = 0; i < batch; i++) {
				ready = sel.select(0);
			}

			calls += batch;
			dt = (performance.now() - t) / 1000;
			if (dt >= 0.2) {
				break;
			}

			if (batch < 4096) {
				batch *= 2;
			}
		}

		check(ready);
		out.push(calls / dt);
	}

	a.recv(1);
	sel.close();
	return median(out);
}

const classes: SelectorClass[] = [EpollSelector, PollSelector, SelectSelector].filter(Cls => Cls.available);
const rows: string[] = [];
withSocketpairs(sizes, (pairs, socks) => {
	const maxFd = Math.max(...socks.map(s => s.fileno()));
	for (const Cls of classes) {
		if (Cls === SelectSelector && maxFd >= FD_SETSIZE - 8) {
			rows.push(`| ${Cls.name} | ${fmt(socks.length)} | – | – | – | n/a (fd ${maxFd} >= FD_SETSIZE) |`);
			continue;
		}

		const reg = registerOps(Cls, socks);
		const mod = modifyOps(Cls, socks);
		const sel = selectCalls(Cls, pairs, socks);
		console.error(
			`# ${Cls.name.padEnd(15)} N=${String(socks.length).padStart(6)} reg+unreg=${fmt(reg).padStart(12)}/s ` +
				`modify=${fmt(mod).padStart(12)}/s select()=${fmt(sel).padStart(12)}/s`,
		);
		rows.push(
			`| ${Cls.name} | ${fmt(socks.length)} | ${fmt(reg)} | ${fmt(mod)} | ${fmt(sel)} | ${(1e6 / sel).toFixed(2)} |`,
		);
	}
});

console.log(
	`Node ${process.version} on ${process.platform}, median of ${reps} passes, 1 readable fd, select(0)`,
);
console.log();
console.log(
	'| selector | registered fds | register+unregister ops/s | modify ops/s | select() calls/s | µs per select() |',
);
console.log('|---|---:|---:|---:|---:|---:|');
for (const row of rows) {
	console.log(row);
}
