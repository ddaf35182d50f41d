// Run: npm run build && node --expose-gc --max-semi-space-size=64 dist/bench/select-into.js
/**
 * Micro-benchmark: `select(0)` against `selectInto(keys, events, 0)` with 1,
 * 10 and 100 ready file descriptors (write ends of socketpairs registered
 * for EVENT_WRITE, always ready), on EpollSelector and PollSelector.
 *
 * Prints, per case, the time per call (median of 5 rounds) and the heap
 * growth per call: the growth of `heapUsed` over a round of calls made right
 * after a full GC, with a young generation large enough (64 MiB semi-space)
 * that no collection runs during the round — i.e. the bytes the call
 * allocates. Needs `--expose-gc`.
 */
import {EpollSelector, EVENT_WRITE, PollSelector, type BaseSelector, type SelectorKey} from '../src/index.js';
import {socketpair, type Socket} from '../src/socket/index.js';

const gc = (globalThis as {gc?: () => void}).gc;
if (gc === undefined) {
	console.error('run with node --expose-gc --max-semi-space-size=64');
	process.exit(2);
}

const ROUNDS = 5;
const CALLS: Readonly<Record<number, number>> = {1: 200_000, 10: 100_000, 100: 20_000};
/** Calls per heap-growth measurement: few enough (about 1 MB of garbage) to stay inside the young generation. */
const HEAP_CALLS: Readonly<Record<number, number>> = {1: 2000, 10: 1000, 100: 100};

interface Case {
	readonly run: () => number;
}

function measure(
	work: Case,
	calls: number,
	heapCalls: number,
): {nsPerCall: number; bytesPerCall: number; checksum: number} {
	let checksum = 0;
	for (let i = 0; i < Math.min(calls, 10_000); i++) {
		checksum += work.run(); // Warm-up (JIT).
	}

	const times: number[] = [];
	for (let r = 0; r < ROUNDS; r++) {
		const start = process.hrtime.bigint();
		for (let i = 0; i < calls; i++) {
			checksum += work.run();
		}

		times.push(Number(process.hrtime.bigint() - start) / calls);
	}

	times.sort((a, b) => a - b);
	const growth: number[] = [];
	for (let r = 0; r < ROUNDS; r++) {
		gc!();
		const before = process.memoryUsage().heapUsed;
		for (let i = 0; i < heapCalls; i++) {
			checksum += work.run();
		}

		growth.push((process.memoryUsage().heapUsed - before) / heapCalls);
	}

	growth.sort((a, b) => a - b);
	return {nsPerCall: times[ROUNDS >> 1]!, bytesPerCall: growth[ROUNDS >> 1]!, checksum};
}

function bench(name: string, sel: BaseSelector, ready: number): void {
	const sockets: Socket[] = [];
	for (let i = 0; i < ready; i++) {
		const [a, b] = socketpair();
		sockets.push(a, b);
		sel.register(a, EVENT_WRITE, i);
	}

	const keys = new Array<SelectorKey | undefined>(128).fill(undefined);
	const events = new Int32Array(128);
	const calls = CALLS[ready] ?? 10_000;
	const heapCalls = HEAP_CALLS[ready] ?? 100;
	const viaSelect = measure({run: () => sel.select(0).length}, calls, heapCalls);
	const viaInto = measure({run: () => sel.selectInto(keys, events, 0)}, calls, heapCalls);
	if (viaSelect.checksum === 0 || viaInto.checksum === 0) {
		throw new Error('nothing was ready');
	}

	const row = (method: string, m: {nsPerCall: number; bytesPerCall: number}): string =>
		`${name.padEnd(6)} ${String(ready).padStart(5)} ${method.padEnd(11)} ${m.nsPerCall.toFixed(0).padStart(9)} ${m.bytesPerCall.toFixed(1).padStart(12)}`;
	console.log(row('select', viaSelect));
	console.log(row('selectInto', viaInto));
	sel.close();
	for (const s of sockets) {
		s.close();
	}
}

console.log(`# node ${process.version}, ${process.platform}/${process.arch}; median of ${ROUNDS} rounds`);
console.log('# backend ready method        ns/call  bytes/call');
for (const ready of [1, 10, 100]) {
	if (EpollSelector.available) {
		bench('epoll', new EpollSelector(), ready);
	}

	bench('poll', new PollSelector(), ready);
}
