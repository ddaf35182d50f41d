/**
 * selectAsync() and events(), run once per backend: the event loop keeps
 * running while they wait, the result is select()'s, and close, abort, a
 * concurrent call, registration changes and ref/unref behave as documented.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {existsSync} from 'node:fs';
import {createServer, connect, type AddressInfo, type Socket as NetSocket} from 'node:net';
import {describe, test, type TestContext} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {RuntimeError, ValueError} from '../../src/errors.js';
import {
	BaseSelector,
	EpollSelector,
	EVENT_READ,
	EVENT_WRITE,
	KqueueSelector,
	PollSelector,
	SelectSelector,
	type SelectorKey,
} from '../../src/selectors/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {expectEvents, fdEvents, now, socketpair} from './helpers.js';
import type {SelectorClassUnderTest} from './suite.js';

checkFdLeaks();

const BACKENDS: readonly SelectorClassUnderTest[] = [
	EpollSelector,
	KqueueSelector,
	PollSelector,
	SelectSelector,
];

/** Rejects if `promise` has not settled within `ms` (a test must fail, not hang). */
async function within<V>(promise: Promise<V>, ms = 5000, what = 'the call'): Promise<V> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => {
			reject(new Error(`${what} did not settle within ${ms} ms`));
		}, ms);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** Whether `promise` is still pending after the event loop turned a few times. */
async function isPending(promise: Promise<unknown>): Promise<boolean> {
	let settled = false;
	promise.then(
		() => {
			settled = true;
		},
		() => {
			settled = true;
		},
	);
	await sleep(20);
	return !settled;
}

/** The hook selectAsync waits through (src/selectors/base-impl.ts), seen from a test. */
interface AsyncHooks {
	_waitReady(timeoutMs: number, signal: AbortSignal, ref: boolean): Promise<void>;
}

/** Records the timeouts selectAsync waits with. */
function spyWaits(sel: BaseSelector): number[] {
	const hooks = sel as unknown as AsyncHooks;
	const waitReady = hooks._waitReady.bind(hooks);
	const waits: number[] = [];
	hooks._waitReady = async (timeoutMs, signal, ref) => {
		waits.push(timeoutMs);
		return waitReady(timeoutMs, signal, ref);
	};
	return waits;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs a child `node` whose only work is a pending selectAsync() (ref'd or
 * not) on a socketpair made readable by an unref'd timer after 300 ms.
 */
async function childWithPendingWait(
	className: string,
	ref: boolean,
): Promise<{code: number | null; out: string; seconds: number}> {
	const script = `
		const {${className}, EVENT_READ} = await import(${JSON.stringify(`${root}src/index.js`)});
		const {socketpair} = await import(${JSON.stringify(`${root}src/socket/index.js`)});
		const [a, b] = socketpair();
		const sel = new ${className}();
		sel.register(a, EVENT_READ);
		sel.selectAsync(null, {ref: ${String(ref)}}).then(ready => {
			console.log('ready', ready.length);
			sel.close(); a.close(); b.close();
		});
		setTimeout(() => b.send(Buffer.from('x')), 300).unref();
	`;
	const start = now();
	const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let out = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		out += chunk;
	});
	const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
	try {
		const [code] = (await once(child, 'exit')) as [number | null];
		return {code, out, seconds: now() - start};
	} finally {
		clearTimeout(killer);
	}
}

/**
 * Runs a child `node --expose-gc` that drops 200 selectors, each with a
 * `{ref: false}` selectAsync() pending on one pipe, then collects garbage;
 * reports the reactor's watch count, open fds and threads before, at the
 * peak and after.
 */
async function childDroppingSelectors(className: string): Promise<{code: number | null; out: string}> {
	const script = `
		const {${className}, EVENT_READ} = await import(${JSON.stringify(`${root}src/index.js`)});
		const {native} = await import(${JSON.stringify(`${root}src/native.js`)});
		const {readdirSync} = await import('node:fs');
		const count = dir => readdirSync(dir).length;
		const sample = () => ({watches: native.reactorCount?.() ?? 0, fds: count('/proc/self/fd'), threads: count('/proc/self/task')});
		const tick = () => new Promise(resolve => setImmediate(resolve));
		const p = new Int32Array(2); native.pipe(p);
		{ // Start the reactor (and its thread) first.
			const s = new ${className}(); s.register(p[0], EVENT_READ); await s.selectAsync(0.001); s.close();
		}
		const before = sample();
		const drop = () => {
			for (let i = 0; i < 200; i++) {
				const s = new ${className}(); s.register(p[0], EVENT_READ);
				s.selectAsync(null, {ref: false}).then(() => console.log('settled'));
			}
		};
		drop();
		for (let i = 0; i < 5; i++) await tick();
		const peak = sample();
		for (let i = 0; i < 30; i++) { gc(); await tick(); await new Promise(r => setTimeout(r, 5)); }
		const after = sample();
		console.log(JSON.stringify({before, peak, after}));
	`;
	const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let out = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		out += chunk;
	});
	const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
	try {
		const [code] = (await once(child, 'exit')) as [number | null];
		return {code, out};
	} finally {
		clearTimeout(killer);
	}
}

function asyncSuite(Cls: SelectorClassUnderTest): void {
	const skip = Cls.available ? false : `${Cls.name} is not available on ${process.platform}`;

	function make(t: TestContext): BaseSelector {
		const sel = new Cls();
		t.after(() => {
			sel.close();
		});
		return sel;
	}

	describe(`${Cls.name} selectAsync`, {skip}, () => {
		test('result equals select() on the same state', async t => {
			const s = make(t);
			const [rd, wr] = socketpair(t);
			const [rd2] = socketpair(t);
			s.register(rd, EVENT_READ, 'r');
			s.register(wr, EVENT_WRITE | EVENT_READ, 'w');
			s.register(rd2, EVENT_READ, 'idle');
			wr.send('x');
			expectEvents(s, [
				[rd, EVENT_READ],
				[wr, EVENT_WRITE],
			]);
			for (const timeout of [0, 1, null]) {
				const sync = fdEvents(s.select(0));
				const result = await within(s.selectAsync(timeout));
				assert.deepEqual(fdEvents(result), sync, `timeout ${String(timeout)}`);
				for (const [key] of result) {
					assert.equal(key, s.getKey(key.fileobj), 'the stored key');
				}
			}
		});

		test('waits without blocking timers and a node:net server, then reports what became ready', async t => {
			const s = make(t);
			const [rd, wr] = socketpair(t);
			const key = s.register(rd, EVENT_READ);
			let ticks = 0;
			const interval = setInterval(() => {
				ticks++;
			}, 5);
			t.after(() => {
				clearInterval(interval);
			});
			const server = createServer(conn => {
				conn.on('data', data => conn.end(`pong ${data.toString()}`));
			});
			t.after(() => {
				server.close();
			});
			server.listen(0, '127.0.0.1');
			await once(server, 'listening');
			const pending = s.selectAsync(10);
			let settledEarly = false;
			pending.then(
				() => {
					settledEarly = true;
				},
				() => {
					settledEarly = true;
				},
			);
			// A whole TCP exchange and several timer ticks while it waits.
			const client: NetSocket = connect((server.address() as AddressInfo).port, '127.0.0.1');
			t.after(() => {
				client.destroy();
			});
			client.end('ping');
			let reply = '';
			client.on('data', data => {
				reply += data.toString();
			});
			await within(once(client, 'end'), 5000, 'the TCP exchange');
			assert.equal(reply, 'pong ping');
			await sleep(30);
			assert.ok(ticks >= 3, `timer ticks while waiting: ${ticks}`);
			assert.equal(settledEarly, false, 'still waiting: nothing was ready');
			wr.send('x');
			const ready = await within(pending);
			assert.deepEqual(ready, [[key, EVENT_READ]]);
		});

		test('timeout: [] after at least the timeout; <= 0 polls; rounding up; invalid timeouts reject', async t => {
			const s = make(t);
			const [rd] = socketpair(t);
			s.register(rd, EVENT_READ);
			const waits = spyWaits(s);
			const start = now();
			assert.deepEqual(await within(s.selectAsync(0.5)), []);
			const dt = now() - start;
			assert.ok(dt >= 0.5 && dt <= 2.0, `waited ${dt} s for 0.5 s`);
			assert.ok(waits.length >= 1 && waits[0]! <= 500 && waits[0]! > 400, `waits ${waits.join()}`);
			waits.length = 0;
			assert.deepEqual(await s.selectAsync(0), []);
			assert.deepEqual(await s.selectAsync(-1), []);
			assert.deepEqual(waits, [], 'a timeout <= 0 never waits');
			// 0.1 ms rounds up to 1 ms (a wait, not a poll) as in select().
			assert.deepEqual(await within(s.selectAsync(0.0001)), []);
			assert.ok(
				waits.every(ms => ms === 1),
				`waits ${waits.join()}`,
			);
			await assert.rejects(s.selectAsync('1' as unknown as number), TypeError);
			await assert.rejects(s.selectAsync(Number.NaN), ValueError);
			await assert.rejects(s.selectAsync(0, {ref: 1} as unknown as {ref: boolean}), TypeError);
			await assert.rejects(
				s.selectAsync(0, {signal: {}} as unknown as {signal: AbortSignal}),
				TypeError,
			);
		});

		test('abort rejects with the reason, releases the wait, consumes nothing', async t => {
			const s = make(t);
			const [rd, wr] = socketpair(t);
			const key = s.register(rd, EVENT_READ);
			const controller = new AbortController();
			const pending = s.selectAsync(null, {signal: controller.signal});
			assert.ok(await isPending(pending));
			const reason = new Error('stop');
			controller.abort(reason);
			await assert.rejects(within(pending), error => error === reason);
			// Already aborted: rejects at once, without waiting.
			await assert.rejects(
				s.selectAsync(null, {signal: AbortSignal.abort('why')}),
				error => error === 'why',
			);
			// Nothing is left pending: a new call works and sees new data.
			wr.send('x');
			assert.deepEqual(await within(s.selectAsync(5, {signal: new AbortController().signal})), [
				[key, EVENT_READ],
			]);
			// An abort after data was ready does not consume it.
			const c2 = new AbortController();
			c2.abort();
			await assert.rejects(s.selectAsync(5, {signal: c2.signal}), {name: 'AbortError'});
			assert.deepEqual(s.select(0), [[key, EVENT_READ]]);
		});

		test('close() while waiting rejects with ERR_SELECTOR_CLOSED; later calls too', async t => {
			const s = make(t);
			const [rd] = socketpair(t);
			s.register(rd, EVENT_READ);
			const pending = s.selectAsync(null);
			assert.ok(await isPending(pending));
			s.close();
			await assert.rejects(
				within(pending),
				error =>
					error instanceof RuntimeError &&
					error.code === 'ERR_SELECTOR_CLOSED' &&
					error.message === 'Selector is closed',
			);
			await assert.rejects(s.selectAsync(0), {code: 'ERR_SELECTOR_CLOSED'});
			// Closed during the first event-loop yield.
			const s2 = make(t);
			const early = s2.selectAsync(0);
			s2.close();
			await assert.rejects(early, {code: 'ERR_SELECTOR_CLOSED'});
		});

		test('a second concurrent call rejects at once with ERR_SELECT_PENDING; the first carries on', async t => {
			const s = make(t);
			const [rd, wr] = socketpair(t);
			const key = s.register(rd, EVENT_READ);
			const first = s.selectAsync(5);
			await assert.rejects(
				s.selectAsync(0),
				error => error instanceof RuntimeError && error.code === 'ERR_SELECT_PENDING',
			);
			assert.ok(await isPending(first));
			wr.send('x');
			assert.deepEqual(await within(first), [[key, EVENT_READ]]);
			// Settled: a new call is accepted.
			assert.deepEqual(await within(s.selectAsync(0)), [[key, EVENT_READ]]);
		});

		test('right after an abort a new call is accepted (it waits for the aborted one to let go)', async t => {
			const s = make(t);
			const [rd, wr] = socketpair(t);
			const key = s.register(rd, EVENT_READ);
			for (let round = 0; round < 5; round++) {
				const controller = new AbortController();
				const aborted = s.selectAsync(null, {signal: controller.signal});
				assert.ok(await isPending(aborted));
				controller.abort();
				// Not awaited: the next call starts at once.
				const next = s.selectAsync(5);
				await assert.rejects(aborted, {name: 'AbortError'});
				// While the new call waits, it is the pending one.
				await assert.rejects(s.selectAsync(0), {code: 'ERR_SELECT_PENDING'});
				wr.send('x');
				assert.deepEqual(await within(next), [[key, EVENT_READ]]);
				assert.equal(rd.recv(10).toString(), 'x');
			}
		});

		test('select() while a call is pending is allowed; both report the level-triggered readiness', async t => {
			const s = make(t);
			const [rd, wr] = socketpair(t);
			const key = s.register(rd, EVENT_READ);
			const pending = s.selectAsync(5);
			assert.ok(await isPending(pending));
			assert.deepEqual(s.select(0), []);
			wr.send('x');
			assert.deepEqual(expectEvents(s, [[rd, EVENT_READ]]), [[key, EVENT_READ]]);
			assert.deepEqual(await within(pending), [[key, EVENT_READ]]);
		});

		test('registrations changed while waiting take effect: new, unregistered and modified keys', async t => {
			const s = make(t);
			const [rd1, wr1] = socketpair(t);
			const [rd2, wr2] = socketpair(t);
			const [rd3, wr3] = socketpair(t);
			s.register(rd1, EVENT_READ, 'one');
			const pending = s.selectAsync(5);
			assert.ok(await isPending(pending));
			// Registered after the wait started (poll/select restart their thread).
			const key2 = s.register(rd2, EVENT_READ, 'two');
			wr2.send('x');
			assert.deepEqual(await within(pending), [[key2, EVENT_READ]]);
			rd2.recv(10);
			// Unregistered while waiting: its readiness is dropped, the wait goes on.
			s.register(rd3, EVENT_READ, 'three');
			const second = s.selectAsync(5);
			assert.ok(await isPending(second));
			s.unregister(rd1);
			wr1.send('x');
			assert.ok(await isPending(second), 'an unregistered fd does not end the wait');
			// Modified while waiting: reported with the current key.
			const key3 = s.modify(rd3, EVENT_READ, 'three again');
			wr3.send('x');
			assert.deepEqual(await within(second), [[key3, EVENT_READ]]);
		});

		test('events(): for await yields the pairs; close() ends the loop; break leaves nothing pending', async t => {
			const s = make(t);
			const [rd, wr] = socketpair(t);
			const key = s.register(rd, EVENT_READ);
			wr.send('x');
			const seen: Array<[SelectorKey, number]> = [];
			for await (const pair of s.events()) {
				seen.push(pair);
				break;
			}

			assert.deepEqual(seen, [[key, EVENT_READ]]);
			assert.deepEqual(await within(s.selectAsync(0)), [[key, EVENT_READ]], 'no call left pending');
			rd.recv(10);
			const loop = (async () => {
				const got: string[] = [];
				for await (const [k] of s.events()) {
					got.push(k.fileobj === rd ? rd.recv(10) : '?');
					if (got.length === 2) {
						s.close(); // Ends the loop at its next step.
					}
				}

				return got;
			})();
			wr.send('a');
			await sleep(30);
			wr.send('b');
			assert.deepEqual(await within(loop), ['a', 'b']);
			await assert.rejects(
				(async () => {
					for await (const _ of s.events()) {
						// Never reached: the selector is closed.
					}
				})(),
				{code: 'ERR_SELECTOR_CLOSED'},
			);
		});

		test('events(): aborting the signal throws its reason from the loop', async t => {
			const s = make(t);
			const [rd] = socketpair(t);
			s.register(rd, EVENT_READ);
			const controller = new AbortController();
			setTimeout(() => {
				controller.abort(new Error('cancelled'));
			}, 30);
			await assert.rejects(
				within(
					(async () => {
						for await (const _ of s.events({signal: controller.signal})) {
							assert.fail('nothing is ready');
						}
					})(),
				),
				{message: 'cancelled'},
			);
			assert.deepEqual(await within(s.selectAsync(0)), []);
		});

		test('a pending call keeps a process alive by default; {ref: false} lets it exit', async () => {
			const [kept, unref] = await Promise.all([
				childWithPendingWait(Cls.name, true),
				childWithPendingWait(Cls.name, false),
			]);
			assert.equal(kept.code, 0);
			assert.equal(kept.out, 'ready 1\n', 'ref: the process waited for the data');
			assert.equal(unref.code, 0);
			assert.equal(unref.out, '', 'unref: the process exited with the call pending');
		});

		test(
			'200 selectors dropped with a {ref: false} call pending are collected with their watches (no fd, thread or watch each)',
			{
				skip: existsSync('/proc/self/task') ? false : 'needs /proc/self/{fd,task}',
			},
			async () => {
				const {code, out} = await childDroppingSelectors(Cls.name);
				assert.equal(code, 0, out);
				interface Sample {
					watches: number;
					fds: number;
					threads: number;
				}
				const {before, peak, after} = JSON.parse(out) as {
					before: Sample;
					peak: Sample;
					after: Sample;
				};
				// The pending calls did wait (the test is not vacuous) …
				assert.ok(peak.fds >= before.fds + 200, `fds ${JSON.stringify({before, peak})}`);
				// … and nothing of them is left once collected.
				assert.ok(after.fds < before.fds + 20, `fds ${JSON.stringify({before, after})}`);
				assert.ok(after.threads < before.threads + 20, `threads ${JSON.stringify({before, after})}`);
				assert.ok(after.watches < before.watches + 20, `watches ${JSON.stringify({before, after})}`);
			},
		);
	});
}

for (const Cls of BACKENDS) {
	asyncSuite(Cls);
}
