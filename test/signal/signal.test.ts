// node-selectors/signal. Every scenario runs in a child process of its own
// (test/signal/child.ts): it changes process-wide signal dispositions, which
// must not leak into the test runner. Time bounds are generous: they tell a
// handler that ran inside the wait from one that waited for a timeout.
import assert from 'node:assert/strict';
import {type ChildProcess, spawn} from 'node:child_process';
import {once} from 'node:events';
import {constants as osConstants} from 'node:os';
import {describe, test, type TestContext} from 'node:test';
import {fileURLToPath} from 'node:url';
import {EpollSelector} from '../../src/index.js';

const CHILD = fileURLToPath(new URL('child.js', import.meta.url));
const BACKENDS = ['select', 'poll', ...(EpollSelector.available ? ['epoll'] : [])];
const SIG = osConstants.signals;

interface Run {
	readonly child: ChildProcess;
	readonly lines: string[];
	/** Resolves with [code, signal]; the child is SIGKILLed after `limitMs`. */
	readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
	/** Resolves with the next stdout line that satisfies `match`. */
	next(match: (line: string) => boolean): Promise<string>;
}

function start(t: TestContext, args: string[], limitMs = 10_000): Run {
	const child = spawn(process.execPath, [CHILD, ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	const lines: string[] = [];
	const waiters: Array<{match: (line: string) => boolean; resolve: (line: string) => void}> = [];
	let partial = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		partial += chunk;
		const parts = partial.split('\n');
		partial = parts.pop() ?? '';
		for (const line of parts) {
			lines.push(line);
			const i = waiters.findIndex(w => w.match(line));
			if (i >= 0) {
				waiters.splice(i, 1)[0]!.resolve(line);
			}
		}
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
	});
	const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
	const exited = (once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>).then(result => {
		clearTimeout(timer);
		if (stderr !== '' && result[0] !== 0) {
			t.diagnostic(stderr);
		}

		return result;
	});
	t.after(async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
		}

		await exited;
	});
	return {
		child,
		lines,
		exited,
		async next(match) {
			const found = lines.find(match);
			if (found !== undefined) {
				return found;
			}

			return new Promise(resolve => {
				waiters.push({match, resolve});
			});
		},
	};
}

/** Runs a scenario to its end; returns its JSON lines, parsed. */
async function scenario(t: TestContext, ...args: string[]): Promise<Array<Record<string, unknown>>> {
	const run = start(t, args);
	const [code, signal] = await run.exited;
	assert.deepEqual([code, signal], [0, null], `child ${args.join(' ')} ended with ${code ?? signal}`);
	return run.lines.filter(l => l.startsWith('{')).map(l => JSON.parse(l) as Record<string, unknown>);
}

/** A 'quiet' scenario's report: the handler ran once, inside the 1 s wait, which then lasted its full second with nothing ready. */
function assertQuiet(r: Record<string, unknown>, what: string): void {
	assert.equal(r['count'], 1);
	assert.equal(r['ready'], 0);
	const at = r['at'] as number;
	const ms = r['ms'] as number;
	assert.ok(at >= 150 && at < 900, `handler ran at ${at} ms, inside the 1 s wait`);
	assert.ok(ms >= 990 && ms < 3000, `${what} took ${ms} ms`);
}

describe('signal handlers inside blocking calls', {concurrency: 4}, () => {
	for (const backend of BACKENDS) {
		test(`a throwing handler propagates out of select(null) (${backend})`, async t => {
			const [r] = await scenario(t, 'throw-select', backend);
			assert.equal(r!['threw'], true);
			assert.ok((r!['ms'] as number) < 3000, `took ${String(r!['ms'])} ms`);
		});

		test(`a quiet handler runs and select() resumes for the time left (${backend})`, async t => {
			assertQuiet((await scenario(t, 'quiet', backend))[0]!, 'select(1)');
		});
	}

	for (const wait of ['select', 'poll', ...(EpollSelector.available ? ['epoll'] : [])]) {
		test(`a throwing handler propagates out of the select module's blocking ${wait}`, async t => {
			const [r] = await scenario(t, 'select-module', wait);
			assert.equal(r!['threw'], 'Boom');
			assert.ok((r!['ms'] as number) < 3000, `took ${String(r!['ms'])} ms`);
		});

		test(`a quiet handler runs inside the select module's ${wait} and the wait resumes for the time left`, async t => {
			assertQuiet((await scenario(t, 'select-module-quiet', wait))[0]!, `${wait} with a 1 s timeout`);
		});
	}

	test("a handler's poll() on the Poll object already waiting is RuntimeError, as CPython's concurrent poll()", async t => {
		const [r] = await scenario(t, 'select-module', 'poll-nested');
		assert.equal(r!['threw'], 'RuntimeError:ERR_POLL_RUNNING');
	});

	test(
		'a handler that closes an Epoll ends its resumed poll() with EBADF, not a wait on the reused fd number',
		{skip: !EpollSelector.available},
		async t => {
			const [r] = await scenario(t, 'select-module', 'epoll-close');
			assert.equal(r!['reused'], true, 'a new pipe took the closed epoll fd number');
			assert.equal(r!['threw'], 'OSError:EBADF');
		},
	);

	test('a quiet handler runs inside a timeout-mode recv(), which still times out on time', async t => {
		const [r] = await scenario(t, 'quiet-recv');
		assert.equal(r!['count'], 1);
		assert.equal(r!['timedOut'], true);
		const at = r!['at'] as number;
		const ms = r!['ms'] as number;
		assert.ok(at >= 150 && at < 900, `handler ran at ${at} ms, inside the 1 s wait`);
		assert.ok(ms >= 990 && ms < 3000, `recv() with a 1 s timeout took ${ms} ms`);
	});

	test('pthreadSigmask: a blocked signal waits; unblocking runs its handler', async t => {
		const [r] = await scenario(t, 'sigmask');
		assert.deepEqual(r, {oldHad: false, maskHad: true, whileBlocked: 0, after: 1});
	});

	test('a signal sent by a handler is handled before select(null) blocks again', async t => {
		const [r] = await scenario(t, 'during-handler');
		assert.equal(r!['threw'], true);
		assert.ok((r!['ms'] as number) < 3000, `took ${String(r!['ms'])} ms`);
	});

	test('defaultIntHandler: KeyboardInterrupt out of a blocking recv()', async t => {
		const [r] = await scenario(t, 'throw-recv');
		assert.equal(r!['threw'], true);
	});

	test("a signal landing on another, busy thread still ends the main thread's select(null)", async t => {
		const [r] = await scenario(t, 'other-thread', EpollSelector.available ? 'epoll' : 'poll');
		assert.equal(r!['threw'], true);
		assert.ok((r!['ms'] as number) < 2500, `took ${String(r!['ms'])} ms`);
	});

	test('between library calls, the handler runs on the event loop', async t => {
		const [r] = await scenario(t, 'event-loop');
		assert.equal(r!['ran'], true);
	});

	for (const which of ['alarm', 'setitimer']) {
		test(`${which}() ends a select() loop`, async t => {
			const [r] = await scenario(t, 'alarm', which);
			assert.equal(r!['threw'], true);
			assert.equal(r!['loops'], 0);
			assert.deepEqual(r!['left'], [0, 0]);
			const ms = r!['ms'] as number;
			assert.ok(which === 'alarm' ? ms >= 900 && ms < 3000 : ms >= 150 && ms < 2000, `took ${ms} ms`);
		});
	}
});

describe('no signal is lost', () => {
	test('each acknowledged signal runs its handler once and is written to the wakeup fd', async t => {
		const total = 40;
		const run = start(t, ['no-loss', String(total)]);
		await run.next(line => line === 'ready');
		const sent: number[] = [];
		for (let i = 1; i <= total; i++) {
			const name = i % 2 === 0 ? 'SIGHUP' : 'SIGUSR2';
			sent.push(SIG[name]);
			run.child.kill(name);
			await run.next(line => line === `ack ${i}`);
		}

		const [code] = await run.exited;
		assert.equal(code, 0);
		const result = JSON.parse(run.lines.find(l => l.startsWith('{'))!) as {
			previous: number;
			seen: number[];
			wakeBytes: number[];
		};
		assert.equal(result.previous, -1);
		assert.deepEqual(result.seen, sent);
		assert.deepEqual(result.wakeBytes, sent);
	});
});

describe('wakeup fd', () => {
	test('a full wakeup fd is a process warning, unless warnOnFullBuffer is false; the handler runs either way', async t => {
		const [warn] = await scenario(t, 'wakeup-full', 'warn');
		assert.deepEqual(warn, {ran: 1, warnings: ['ERR_SIGNAL_WAKEUP_FD']});
		const [quiet] = await scenario(t, 'wakeup-full', 'quiet');
		assert.deepEqual(quiet, {ran: 1, warnings: []});
	});
});

describe('coexistence with Node', () => {
	test('process.on listeners added before and after still fire; ours survives their removal', async t => {
		const [r] = await scenario(t, 'listeners');
		assert.equal(r!['oursInSelect'], 1, 'our handler ran inside select()');
		assert.deepEqual(r!['heard'], ['before', 'after']);
		assert.equal(
			r!['ours'],
			2,
			'our handler still caught the signal sent after the listeners were removed',
		);
		assert.equal(r!['caught'], true);
	});

	test('SIGCHLD, which libuv uses for child_process: our handler runs and Node still sees every child exit', async t => {
		const [r] = await scenario(t, 'sigchld');
		assert.deepEqual(r, {
			before: true,
			ranBefore: 1,
			whileRunning: true,
			ranWhileRunning: 1,
			afterDfl: true,
			get: 0,
		});
	});

	test("SIG_DFL puts back Node's handler of SIGTERM: the process then dies by SIGTERM", async t => {
		const run = start(t, ['sig-dfl', 'SIGTERM']);
		const [code, signal] = await run.exited;
		assert.deepEqual([code, signal], [null, 'SIGTERM']);
		const r = JSON.parse(run.lines[0]!) as Record<string, unknown>;
		assert.deepEqual(r, {
			caughtAtStart: true,
			caughtNow: true,
			prevWasFunction: true,
			ignoredOld: 0,
			ignored: true,
			get: 0,
		});
	});

	test('SIG_DFL of a signal Node leaves alone is the kernel default (SIGUSR2 ends the process)', async t => {
		const run = start(t, ['sig-dfl', 'SIGUSR2']);
		const [code, signal] = await run.exited;
		assert.deepEqual([code, signal], [null, 'SIGUSR2']);
		const r = JSON.parse(run.lines[0]!) as Record<string, unknown>;
		assert.equal(r['caughtAtStart'], false);
		assert.equal(r['caughtNow'], false);
		assert.equal(r['get'], 0);
	});
});

describe('API', () => {
	test('errors, the main-thread rule and the simple functions', async t => {
		const [r] = await scenario(t, 'api');
		const errors = r!['errors'] as Record<string, string>;
		assert.match(errors['kill']!, /^OSError:EINVAL:/);
		assert.match(errors['stop']!, /^OSError:EINVAL:/);
		assert.equal(errors['range'], 'ValueError:ERR_SIGNAL_OUT_OF_RANGE:signal number out of range');
		assert.equal(errors['nsig'], 'ValueError:ERR_SIGNAL_OUT_OF_RANGE:signal number out of range');
		// Bad input: a TypeError with Node's code, as every argument error of the library.
		for (const name of [
			'handler',
			'signumType',
			'wakeupType',
			'alarmType',
			'itimerType',
			'sigmaskType',
		]) {
			assert.match(errors[name]!, /^TypeError:ERR_INVALID_ARG_TYPE:/, name);
		}
		assert.match(errors['blocking']!, /^ValueError:.*must be in non-blocking mode/);
		assert.equal(r!['fromWorker'], 'ValueError:signal only works in main thread of the main interpreter');
		assert.equal(r!['strsignal'], 'Interrupt');
		const valid = r!['valid'] as number[];
		assert.ok(valid.includes(SIG.SIGINT) && valid.includes(SIG.SIGKILL) && valid.length > 30);
		assert.deepEqual(r!['alarmPrev'], [0, 100]);
		assert.deepEqual(r!['itimer'], [0, 0]);
		const [value, interval] = r!['itimer2'] as number[];
		assert.ok(value! > 45 && value! <= 50 && interval === 1);
		assert.equal(r!['dfl'], 0);
		assert.equal(r!['ign'], 1, 'Node ignores SIGPIPE');
	});
});
