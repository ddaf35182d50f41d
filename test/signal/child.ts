// Scenarios of the signal tests, each run in a child process of its own
// (they change process-wide signal state): `node child.js NAME [ARG]`. A
// scenario prints one JSON line with what it saw and exits 0, or fails
// with an uncaught error. Delays are given by a worker thread that sleeps
// and then signals the process (kill(2): the kernel picks the thread).
import {writeSync} from 'node:fs';
import {readFileSync} from 'node:fs';
import {performance} from 'node:perf_hooks';
import {Worker} from 'node:worker_threads';
import {
	EVENT_READ,
	KeyboardInterrupt,
	PollSelector,
	SelectSelector,
	EpollSelector,
	type SelectorClass,
} from '../../src/index.js';
import * as os from '../../src/os.js';
import * as select from '../../src/select/index.js';
import * as S from '../../src/signal/index.js';
import {AF_UNIX, SOCK_STREAM, socketpair} from '../../src/socket/index.js';

const BACKENDS: Record<string, SelectorClass> = {
	select: SelectSelector,
	poll: PollSelector,
	epoll: EpollSelector,
};

function out(value: unknown): void {
	writeSync(1, JSON.stringify(value) + '\n');
}

/** A worker thread that sleeps `ms` then sends `signum` to this process (or, `raise`, to itself). */
function later(signum: number, ms: number, how: 'kill' | 'raise' = 'kill', spinners = 0): Worker {
	const src = `
		const {workerData} = require('node:worker_threads');
		const start = Date.now();
		const sleep = new Int32Array(new SharedArrayBuffer(4));
		if (workerData.how === 'raise') { while (Date.now() - start < workerData.ms) {} }
		else Atomics.wait(sleep, 0, 0, workerData.ms);
		if (workerData.how === 'raise') {
			import(workerData.mod).then(m => { m.raiseSignal(workerData.signum); while (Date.now() - start < 3000) {} });
		} else process.kill(process.pid, workerData.signum);
	`;
	const mod = new URL('../../src/signal/index.js', import.meta.url).href;
	const w = new Worker(src, {eval: true, workerData: {signum, ms, how, mod}});
	w.unref();
	for (let i = 0; i < spinners; i++) {
		new Worker('const s = Date.now(); while (Date.now() - s < 3000) {}', {eval: true}).unref();
	}

	return w;
}

function sigCaught(signum: number): boolean {
	const line =
		readFileSync('/proc/self/status', 'utf8')
			.split('\n')
			.find(l => l.startsWith('SigCgt:')) ?? '';
	return (BigInt('0x' + line.split(/\s+/)[1]) & (1n << BigInt(signum - 1))) !== 0n;
}

/**
 * Installs a SIGUSR2 handler that counts and notes when it ran, and has a
 * worker send SIGUSR2 in 200 ms; the returned function prints that with the
 * time since the call and the scenario's own fields.
 */
function quietSignal(): (fields: Record<string, unknown>) => void {
	let count = 0;
	let at = -1;
	const start = performance.now();
	S.signal(S.SIGUSR2, () => {
		count++;
		at = performance.now() - start;
	});
	later(S.SIGUSR2, 200);
	return fields => {
		out({count, at, ms: performance.now() - start, ...fields});
	};
}

class Boom extends Error {}

/** Blocks in `select(null)` on an idle pipe after `arrange()`; prints whether a {@link Boom} ended it, and when. */
function selectUntilBoom(backend: string, arrange: () => void): void {
	const sel = new BACKENDS[backend]!();
	const [r, w] = os.pipe();
	sel.register(r, EVENT_READ);
	arrange();
	const start = performance.now();
	try {
		sel.select(null);
		out({threw: false});
	} catch (error) {
		out({threw: error instanceof Boom, ms: performance.now() - start});
	} finally {
		sel.close();
		os.close(r);
		os.close(w);
	}
}

const scenarios: Record<string, (arg?: string) => void | Promise<void>> = {
	// A throwing handler ends select(null) with its error.
	'throw-select'(backend = 'poll') {
		selectUntilBoom(backend, () => {
			S.signal(S.SIGUSR2, () => {
				throw new Boom('boom');
			});
			later(S.SIGUSR2, 100);
		});
	},
	// ... and a blocking recv().
	'throw-recv'() {
		const [a, b] = socketpair(AF_UNIX, SOCK_STREAM);
		S.signal(S.SIGINT, S.defaultIntHandler);
		later(S.SIGINT, 100);
		try {
			a.recv(10);
			out({threw: false});
		} catch (error) {
			out({threw: error instanceof KeyboardInterrupt});
		} finally {
			a.close();
			b.close();
		}
	},
	// A quiet handler runs inside select(1.0), which resumes for the time left.
	quiet(backend = 'poll') {
		const sel = new BACKENDS[backend]!();
		const [r, w] = os.pipe();
		sel.register(r, EVENT_READ);
		const report = quietSignal();
		const ready = sel.select(1);
		report({ready: ready.length});
		sel.close();
		os.close(r);
		os.close(w);
	},
	// ... and so does a timeout-mode recv(), which then times out on time.
	'quiet-recv'() {
		const [a, b] = socketpair(AF_UNIX, SOCK_STREAM);
		a.settimeout(1);
		const report = quietSignal();
		let timedOut = false;
		try {
			a.recv(10);
		} catch (error) {
			timedOut = (error as Error).message === 'timed out';
		}

		report({timedOut});
		a.close();
		b.close();
	},
	// A blocked signal waits; pthreadSigmask(SIG_UNBLOCK) runs its handler before returning.
	sigmask() {
		let count = 0;
		S.signal(S.SIGUSR2, () => {
			count++;
		});
		const old = S.pthreadSigmask(S.SIG_BLOCK, [S.SIGUSR2]);
		S.raiseSignal(S.SIGUSR2);
		const whileBlocked = count;
		const mask = S.pthreadSigmask(S.SIG_UNBLOCK, [S.SIGUSR2]);
		out({oldHad: old.has(S.SIGUSR2), maskHad: mask.has(S.SIGUSR2), whileBlocked, after: count});
	},
	// The parent sends SIGUSR2/SIGHUP one at a time, waiting for each "ack";
	// the wakeup fd receives each number. Ends after `n` signals.
	'no-loss'(n = '40') {
		const total = Number(n);
		const sel = new PollSelector();
		const [r, w] = os.pipe();
		sel.register(r, EVENT_READ);
		const seen: number[] = [];
		const wakeBytes: number[] = [];
		const handler = (signum: number): void => {
			seen.push(signum);
			writeSync(1, `ack ${seen.length}\n`);
		};

		S.signal(S.SIGUSR2, handler);
		S.signal(S.SIGHUP, handler);
		const previous = S.setWakeupFd(w);
		writeSync(1, 'ready\n');
		while (seen.length < total) {
			for (const [key] of sel.select(5)) {
				for (const byte of os.read(key.fd, 4096)) {
					wakeBytes.push(byte);
				}
			}
		}

		for (const [key] of sel.select(0)) {
			for (const byte of os.read(key.fd, 4096)) {
				wakeBytes.push(byte);
			}
		}

		out({previous, seen, wakeBytes});
		sel.close();
	},
	// process.on listeners, added before and after, still fire; after the
	// last is removed (libuv resets the disposition) ours is still there.
	async listeners() {
		const heard: string[] = [];
		const before = (): void => {
			heard.push('before');
		};

		process.on('SIGUSR2', before);
		let ours = 0;
		S.signal(S.SIGUSR2, () => {
			ours++;
		});
		const after = (): void => {
			heard.push('after');
		};

		process.on('SIGUSR2', after);
		const sel = new PollSelector();
		const [r, w] = os.pipe();
		sel.register(r, EVENT_READ);
		later(S.SIGUSR2, 50);
		sel.select(0.5);
		const oursInSelect = ours;
		await new Promise(resolve => setTimeout(resolve, 100));
		process.off('SIGUSR2', before);
		process.off('SIGUSR2', after);
		// No listener left: the kernel default of SIGUSR2 would end the process.
		process.kill(process.pid, 'SIGUSR2');
		await new Promise(resolve => setTimeout(resolve, 100));
		out({
			oursInSelect,
			ours,
			heard,
			caught: sigCaught(S.SIGUSR2),
			get: S.getsignal(S.SIGUSR2) !== S.SIG_DFL,
		});
		sel.close();
		os.close(r);
		os.close(w);
	},
	// SIG_DFL puts back Node's handling; then the signal acts as without this module.
	'sig-dfl'(name = 'SIGTERM') {
		const signum = S[name as 'SIGTERM'];
		const caughtAtStart = sigCaught(signum);
		S.signal(signum, () => {});
		const prev = S.signal(signum, S.SIG_DFL);
		const ignoredOld = S.signal(signum, S.SIG_IGN);
		const ignored = S.getsignal(signum) === S.SIG_IGN;
		S.signal(signum, S.SIG_DFL);
		out({
			caughtAtStart,
			caughtNow: sigCaught(signum),
			prevWasFunction: typeof prev === 'function',
			ignoredOld,
			ignored,
			get: S.getsignal(signum),
		});
		process.kill(process.pid, signum);
		setTimeout(() => {
			out({survived: true});
		}, 500);
	},
	// alarm()/setitimer() end a select() loop.
	alarm(which = 'alarm') {
		const sel = new PollSelector();
		const [r, w] = os.pipe();
		sel.register(r, EVENT_READ);
		S.signal(S.SIGALRM, () => {
			throw new Boom('alarm');
		});
		const start = performance.now();
		if (which === 'alarm') {
			S.alarm(1);
		} else {
			S.setitimer(S.ITIMER_REAL, 0.2);
		}

		let loops = 0;
		try {
			for (;;) {
				sel.select();
				loops++;
			}
		} catch (error) {
			out({
				threw: error instanceof Boom,
				ms: performance.now() - start,
				loops,
				left: S.getitimer(S.ITIMER_REAL),
			});
		}

		sel.close();
		os.close(r);
		os.close(w);
	},
	// A signal that lands on another (busy) thread still ends the main thread's select(null).
	'other-thread'(backend = 'epoll') {
		selectUntilBoom(backend, () => {
			S.signal(S.SIGUSR2, () => {
				throw new Boom('forwarded');
			});
			later(S.SIGUSR2, 300, 'raise', 2);
		});
		process.exit(0); // the spinning workers
	},
	// The select module's own waits, blocking on an idle pipe: a throwing
	// handler ends select(), Poll.poll() and Epoll.poll() with its error.
	// 'epoll-close': the handler closes the Epoll and a new pipe takes its fd
	// number; the resumed wait must see the object closed (EBADF, as CPython's
	// re-read of self->epfd), never wait on the pipe.
	'select-module'(wait = 'select') {
		const [r, w] = os.pipe();
		const ep = select.epoll();
		const epfd = ep.fileno();
		const taken: number[] = [];
		const nested = select.poll();
		nested.register(r, select.POLLIN);
		S.signal(S.SIGUSR2, () => {
			if (wait === 'poll-nested') {
				nested.poll(0); // CPython: RuntimeError('concurrent poll() invocation')
				throw new Boom(wait);
			}

			if (wait !== 'epoll-close') {
				throw new Boom(wait);
			}

			ep.close();
			// Bounded: the lowest free numbers go first, so epfd comes back at once.
			for (let i = 0; i < 8 && !taken.includes(epfd); i++) {
				taken.push(...os.pipe());
			}
		});
		later(S.SIGUSR2, 100);
		const start = performance.now();
		let threw = '';
		try {
			if (wait === 'select') {
				select.select([r], [], [], null);
			} else if (wait === 'poll') {
				const p = select.poll();
				p.register(r, select.POLLIN);
				p.poll();
			} else if (wait === 'poll-nested') {
				nested.poll();
			} else {
				ep.register(r, select.EPOLLIN);
				ep.poll();
			}
		} catch (error) {
			threw =
				error instanceof Boom
					? 'Boom'
					: `${(error as Error).name}:${(error as {code?: string}).code}`;
		}

		out({threw, reused: taken.includes(epfd), ms: performance.now() - start});
		ep.close();
		for (const fd of [r, w, ...taken]) {
			os.close(fd);
		}
	},
	// A quiet handler runs inside the select module's timed waits, which
	// resume for the time left (PEP 475): select(), Poll.poll(), Epoll.poll().
	'select-module-quiet'(wait = 'select') {
		const [r, w] = os.pipe();
		const report = quietSignal();
		let ready: number;
		if (wait === 'select') {
			ready = select.select([r], [], [], 1)[0].length;
		} else if (wait === 'poll') {
			const p = select.poll();
			p.register(r, select.POLLIN);
			ready = p.poll(1000).length;
		} else {
			using ep = select.epoll();
			ep.register(r, select.EPOLLIN);
			ready = ep.poll(1).length;
		}

		report({ready});
		os.close(r);
		os.close(w);
	},
	// A full wakeup fd: a process warning ERR_SIGNAL_WAKEUP_FD, unless
	// setWakeupFd(fd, {warnOnFullBuffer: false}) (Python's warn_on_full_buffer).
	async 'wakeup-full'(mode = 'warn') {
		const warnings: string[] = [];
		process.removeAllListeners('warning'); // keep stderr quiet
		process.on('warning', warning => {
			warnings.push((warning as Error & {code?: string}).code ?? warning.name);
		});
		const [r, w] = os.pipe();
		try {
			for (let i = 0; i < 1000; i++) {
				os.write(w, Buffer.alloc(65_536));
			}
		} catch {
			// Full: EAGAIN.
		}

		let ran = 0;
		S.signal(S.SIGUSR2, () => {
			ran++;
		});
		S.setWakeupFd(w, {warnOnFullBuffer: mode === 'warn'});
		S.raiseSignal(S.SIGUSR2);
		await new Promise(resolve => setTimeout(resolve, 100));
		out({ran, warnings});
		S.setWakeupFd(-1);
		os.close(r);
		os.close(w);
	},
	// SIGCHLD, which libuv uses for child_process: a handler taken before a
	// spawn still runs, one taken while a child runs does not hide its exit
	// from Node, and after SIG_DFL children are still seen to exit.
	async sigchld() {
		const {spawn} = await import('node:child_process');
		const exits = async (): Promise<boolean> => {
			const child = spawn('sleep', ['0.2'], {stdio: 'ignore'});
			return new Promise(resolve => {
				const timer = setTimeout(() => {
					child.kill('SIGKILL');
					resolve(false);
				}, 3000);
				child.on('exit', () => {
					clearTimeout(timer);
					resolve(true);
				});
			});
		};

		const settle = async (): Promise<void> => new Promise(resolve => setTimeout(resolve, 200));
		let ran = 0;
		S.signal(S.SIGCHLD, () => {
			ran++;
		});
		const before = await exits();
		await settle();
		const ranBefore = ran;
		S.signal(S.SIGCHLD, S.SIG_DFL);
		const whileRunning = await (async () => {
			const exited = exits();
			await new Promise(resolve => setTimeout(resolve, 50));
			S.signal(S.SIGCHLD, () => {
				ran++;
			});
			return exited;
		})();
		await settle();
		const ranWhileRunning = ran - ranBefore;
		S.signal(S.SIGCHLD, S.SIG_DFL);
		const afterDfl = await exits();
		out({before, ranBefore, whileRunning, ranWhileRunning, afterDfl, get: S.getsignal(S.SIGCHLD)});
	},
	// A signal that arrives while a handler runs (here: sent by it) is handled before select() blocks again.
	'during-handler'(backend = 'poll') {
		selectUntilBoom(backend, () => {
			S.signal(S.SIGUSR2, () => {
				process.kill(process.pid, 'SIGHUP');
			});
			S.signal(S.SIGHUP, () => {
				throw new Boom('second');
			});
			later(S.SIGUSR2, 100);
		});
	},
	// Between two library calls: the event loop runs the handler.
	'event-loop'() {
		const start = performance.now();
		const timer = setTimeout(() => {
			out({ran: false});
		}, 3000);
		S.signal(S.SIGUSR2, () => {
			clearTimeout(timer);
			out({ran: true, ms: performance.now() - start});
		});
		later(S.SIGUSR2, 100);
	},
	// Argument errors, the worker-thread rule and the simple functions.
	async api() {
		const errors: Record<string, string> = {};
		const grab = (name: string, fn: () => unknown): void => {
			try {
				fn();
				errors[name] = 'none';
			} catch (error) {
				errors[name] =
					`${(error as Error).name}:${(error as {code?: string}).code}:${(error as Error).message}`;
			}
		};

		grab('kill', () => S.signal(S.SIGKILL, () => {}));
		grab('stop', () => S.signal(S.SIGSTOP, S.SIG_IGN));
		grab('range', () => S.signal(0, S.SIG_IGN));
		grab('nsig', () => S.getsignal(S.NSIG));
		grab('handler', () => S.signal(S.SIGUSR2, 'x' as unknown as typeof S.SIG_DFL));
		grab('signumType', () => S.signal(1.5, S.SIG_IGN));
		grab('wakeupType', () => S.setWakeupFd(1.5));
		grab('alarmType', () => S.alarm(-1));
		grab('itimerType', () => S.setitimer(S.ITIMER_REAL, '1' as unknown as number));
		grab('sigmaskType', () => S.pthreadSigmask(S.SIG_BLOCK, 5 as unknown as number[]));
		const [r, w] = os.pipe();
		os.setBlocking(w, true);
		grab('blocking', () => S.setWakeupFd(w));
		os.close(r);
		os.close(w);
		const worker = new Worker(
			`
			const {parentPort, workerData} = require('node:worker_threads');
			import(workerData).then(m => {
				try { m.signal(m.SIGUSR2, () => {}); parentPort.postMessage('none'); }
				catch (e) { parentPort.postMessage(e.name + ':' + e.message); }
			});`,
			{eval: true, workerData: new URL('../../src/signal/index.js', import.meta.url).href},
		);
		const [fromWorker] = await new Promise<unknown[]>(resolve => {
			worker.once('message', m => {
				resolve([m]);
			});
		});
		await worker.terminate();
		out({
			errors,
			fromWorker,
			strsignal: S.strsignal(S.SIGINT),
			valid: [...S.validSignals()],
			alarmPrev: [S.alarm(100), S.alarm(0)],
			itimer: S.setitimer(S.ITIMER_REAL, 50, 1),
			itimer2: S.setitimer(S.ITIMER_REAL, 0),
			dfl: S.getsignal(S.SIGUSR2),
			ign: S.getsignal(S.SIGPIPE),
		});
	},
};

const [name, arg] = process.argv.slice(2);
const run = scenarios[name ?? ''];
if (run === undefined) {
	throw new Error(`unknown scenario ${String(name)}`);
}

await run(arg);
