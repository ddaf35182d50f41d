// Differential test: the same random op sequences through CPython's
// select objects and selectors (driver.py, in python3) and through ours;
// every result and exception class must match, up to the divergences listed
// in divergences.json. fds are compared by name; the results of waits
// without regard to order. A failing run prints its seed: replay it with
// DIFF_SEED=<seed>.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {describe, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {DefaultSelector, PollSelector, SelectSelector, type BaseSelector} from '../../src/index.js';
import * as select from '../../src/select/index.js';
import {socketpair, type Socket} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';

checkFdLeaks();

const here = fileURLToPath(new URL('.', import.meta.url));
const sourceDir = here.replace(/\/dist\/test\/differential\/?$/, '/test/differential/');
const driver = `${sourceDir}driver.py`;
/** divergences.json: the one list of allowed differences. */
interface Divergences {
	exceptionClasses: Record<string, string>;
	selectorZeroEvents: {dropFromCPython: boolean};
	notDriven: Array<{op: string; objs?: string[]; invalidMask?: boolean; targets?: string[]}>;
}
const divergences = JSON.parse(readFileSync(`${sourceDir}divergences.json`, 'utf8')) as Divergences;
const SELECTORS = new Set(['sel', 'psel', 'ssel']);

/** Whether divergences.json keeps the generator from producing `op`. */
function notDriven(op: Op): boolean {
	const invalid = SELECTORS.has(op.obj ?? '') && (op.mask === 0 || ((op.mask ?? 0) & ~3) !== 0);
	return divergences.notDriven.some(
		d => d.op === op.op && (d.objs ?? []).includes(op.obj ?? '') && d.invalidMask === invalid,
	);
}

const python = spawnSync('python3', ['-c', 'import select; select.epoll'], {encoding: 'utf8'});
const skip =
	process.platform !== 'linux'
		? 'the op mix uses epoll: Linux only'
		: python.error || python.status !== 0
			? `python3 with select.epoll is missing (${python.error?.message ?? python.stderr.trim()})`
			: false;
if (skip) {
	console.log(`# test/differential: skipped: ${skip}`);
}

interface Op {
	op: string;
	obj?: string;
	target?: string;
	mask?: number;
	n?: number;
	how?: number;
	r?: string[];
	w?: string[];
	x?: string[];
	/** A wait's timeout (seconds; milliseconds for poll), judged and rounded as each side does. */
	timeout?: number;
}
type Result = ['ok', unknown] | ['err', string];

const PAIRS = 3;
/** An fd number neither process has open (below FD_SETSIZE, so select() takes it). */
const UNOPENED = 1000;
const OPS_PER_RUN = 400;

/** mulberry32: a small seeded PRNG, so a seed replays a run. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d_2b_79_f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

function generate(seed: number): Op[] {
	const rand = prng(seed);
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
	const names = Array.from({length: PAIRS}, (_, i) => [`p${i}a`, `p${i}b`]).flat();
	/** Socket names plus, now and then, a negative fd and one never opened. */
	const target = (): string => (rand() < 0.06 ? pick(['neg', 'unopened']) : pick(names));
	const {POLLIN, POLLOUT, POLLPRI} = select;
	const pollBits = [POLLIN, POLLOUT, POLLPRI, select.POLLRDHUP ?? 0];
	const epollBits = [
		select.EPOLLIN!,
		select.EPOLLOUT!,
		select.EPOLLPRI!,
		select.EPOLLRDHUP!,
		select.EPOLLET!,
		select.EPOLLONESHOT!,
	];
	const mask = (obj: string): number => {
		if (obj === 'sel' || obj === 'psel' || obj === 'ssel') {
			return pick([1, 2, 3, 1, 2, 3, 0, 4]);
		}

		const bits = obj === 'poll' ? pollBits : epollBits;
		let m = 0;
		for (const b of bits) {
			if (rand() < 0.4) {
				m |= b;
			}
		}

		return m >>> 0;
	};

	const selectable = [...names, 'neg', 'unopened'].filter(
		name => !divergences.notDriven.some(d => d.op === 'select' && d.targets?.includes(name)),
	);
	const subset = (): string[] => selectable.filter(name => rand() < (name.startsWith('p') ? 0.3 : 0.03));
	const ops: Op[] = [];
	for (let i = 0; i < OPS_PER_RUN; i++) {
		const r = rand();
		const obj = pick(['sel', 'psel', 'ssel', 'poll', 'ep']);
		// SelectSelector waits with select(2): the fds the select quirk entry
		// keeps out of select() are kept out of its registrations too.
		let fdName = target();
		if (obj === 'ssel' && !selectable.includes(fdName) && fdName !== 'neg') {
			fdName = pick(names);
		}
		const sockName = pick(names);
		if (r < 0.2) {
			ops.push({op: 'register', obj, target: fdName, mask: mask(obj)});
		} else if (r < 0.3) {
			const op = {op: 'modify', obj, target: fdName, mask: mask(obj)};
			ops.push(notDriven(op) ? {...op, mask: pick([1, 2, 3])} : op);
		} else if (r < 0.38) {
			ops.push({op: 'unregister', obj, target: fdName});
		} else if (r < 0.6) {
			// Only timeouts that end at once or within a millisecond: poll() and
			// epoll.poll() given -1 would block (the selectors poll for any
			// value <= 0; select() refuses a negative one).
			const timeout =
				obj === 'poll'
					? pick([0, 0, 0.5])
					: obj === 'ep'
						? pick([0, 0, -1e-100, -0.0005, 0.0001])
						: pick([0, 0, 0, -1, -1e-100, -0.0005, 0.0001]);
			ops.push({op: 'wait', obj, timeout});
		} else if (r < 0.68) {
			ops.push({
				op: 'select',
				r: subset(),
				w: subset(),
				x: subset(),
				timeout: pick([0, 0, 0, -1, -1e-100, 0.0001]),
			});
		} else if (r < 0.8) {
			ops.push({op: 'send', target: sockName, n: 1 + Math.floor(rand() * 50)});
		} else if (r < 0.92) {
			ops.push({op: 'recv', target: sockName, n: 1 + Math.floor(rand() * 50)});
		} else if (r < 0.97) {
			ops.push({op: 'shutdown', target: sockName, how: pick([0, 1, 2])});
		} else if (r < 0.995) {
			ops.push({op: 'close', target: sockName});
		} else {
			ops.push({op: 'closeobj', obj: 'ep'});
		}
	}

	return ops;
}

/** Our side of driver.py, op for op. */
function runOurs(ops: readonly Op[]): Result[] {
	const fds = new Map<string, number>();
	const socks = new Map<string, Socket>();
	for (let i = 0; i < PAIRS; i++) {
		const [a, b] = socketpair();
		for (const [name, s] of [
			[`p${i}a`, a],
			[`p${i}b`, b],
		] as const) {
			s.setblocking(false);
			socks.set(name, s);
			fds.set(name, s.fileno());
		}
	}

	const names = new Map([...fds].map(([n, fd]) => [fd, n]));
	fds.set('neg', -1);
	fds.set('unopened', UNOPENED);
	names.set(UNOPENED, 'unopened');
	const nameOf = (fd: number): string => names.get(fd) ?? `fd${fd}`;
	const selectors: Record<string, BaseSelector> = {
		sel: new DefaultSelector(),
		psel: new PollSelector(),
		ssel: new SelectSelector(),
	};
	const raw = {poll: select.poll(), ep: select.epoll()};
	const fd = (name: string | undefined): number => fds.get(name!)!;
	const byName = (a: [string, number], b: [string, number]): number =>
		a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1];
	const run = (op: Op): unknown => {
		const sel = op.obj === undefined ? undefined : selectors[op.obj];
		const rawObj = op.obj === 'poll' ? raw.poll : raw.ep;
		switch (op.op) {
			case 'register': {
				if (sel) {
					sel.register(fd(op.target), op.mask!);
				} else {
					rawObj.register(fd(op.target), op.mask);
				}

				return null;
			}

			case 'modify': {
				if (sel) {
					sel.modify(fd(op.target), op.mask!);
				} else {
					rawObj.modify(fd(op.target), op.mask!);
				}

				return null;
			}

			case 'unregister': {
				(sel ?? rawObj).unregister(fd(op.target));
				return null;
			}

			case 'wait': {
				const pairs: Array<[string, number]> = sel
					? sel.select(op.timeout).map(([key, ev]) => [nameOf(key.fd), ev])
					: rawObj.poll(op.timeout).map(([f, ev]) => [nameOf(f), ev]);
				return pairs.sort(byName);
			}

			case 'select': {
				const lists = [op.r!, op.w!, op.x!].map(list => list.map(n => fd(n)));
				return select
					.select(lists[0]!, lists[1]!, lists[2]!, op.timeout)
					.map(list => list.map(f => nameOf(f)).sort());
			}

			case 'send': {
				return socks.get(op.target!)!.send(Buffer.alloc(op.n!, 'x'));
			}

			case 'recv': {
				return socks.get(op.target!)!.recv(op.n!).length;
			}

			case 'shutdown': {
				socks.get(op.target!)!.shutdown(op.how!);
				return null;
			}

			case 'close': {
				socks.get(op.target!)!.close();
				return null;
			}

			case 'closeobj': {
				raw.ep.close();
				return null;
			}

			default: {
				throw new Error(`unknown op ${op.op}`);
			}
		}
	};

	const out: Result[] = [];
	try {
		for (const op of ops) {
			try {
				out.push(['ok', run(op)]);
			} catch (error) {
				const name = (error as Error).name;
				out.push(['err', name]);
			}
		}
	} finally {
		for (const s of socks.values()) {
			s.close();
		}

		for (const s of Object.values(selectors)) {
			s.close();
		}

		raw.ep.close();
	}

	return out;
}

function runPython(ops: readonly Op[]): Result[] {
	const r = spawnSync('python3', [driver], {
		input: JSON.stringify({pairs: PAIRS, unopened: UNOPENED, ops}),
		encoding: 'utf8',
		timeout: 20_000,
	});
	assert.equal(r.status, 0, `driver.py failed: ${r.stderr}`);
	return JSON.parse(r.stdout) as Result[];
}

/** CPython's result as we expect to see it, after the allowed divergences. */
function expected(op: Op, result: Result): Result {
	if (result[0] === 'err') {
		return ['err', divergences.exceptionClasses[result[1]] ?? result[1]];
	}

	if (op.op === 'wait' && SELECTORS.has(op.obj!) && divergences.selectorZeroEvents.dropFromCPython) {
		return ['ok', (result[1] as Array<[string, number]>).filter(([, ev]) => ev !== 0)];
	}

	return result;
}

describe('differential: CPython select/selectors vs node-selectors', {skip}, () => {
	const seeds = process.env['DIFF_SEED']
		? [Number(process.env['DIFF_SEED'])]
		: [1, 2, 3].map(() => Math.floor(Math.random() * 2 ** 31));
	for (const seed of seeds) {
		test(`seed ${seed}: ${OPS_PER_RUN} ops compared`, t => {
			const ops = generate(seed);
			const theirs = runPython(ops);
			const ours = runOurs(ops);
			assert.equal(theirs.length, ops.length);
			const errors = new Map<string, number>();
			for (const r of theirs) {
				if (r[0] === 'err') {
					errors.set(r[1], (errors.get(r[1]) ?? 0) + 1);
				}
			}

			t.diagnostic(
				`${ops.length} ops, CPython's exceptions among them: ${JSON.stringify(Object.fromEntries(errors))}`,
			);
			for (let i = 0; i < ops.length; i++) {
				const want = expected(ops[i]!, theirs[i]!);
				try {
					assert.deepEqual(ours[i], want);
				} catch {
					assert.fail(
						`seed ${seed} (replay: DIFF_SEED=${seed}), op #${i} ${JSON.stringify(ops[i])}: ` +
							`CPython ${JSON.stringify(theirs[i])}, ours ${JSON.stringify(ours[i])}\n` +
							`ops before it: ${JSON.stringify(ops.slice(Math.max(0, i - 8), i))}`,
					);
				}
			}
		});
	}
});
