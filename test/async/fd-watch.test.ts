/** FdWatch (src/async/fd-watch.ts) over the environment's reactor (native/reactor.c). */
import assert from 'node:assert/strict';
import {closeSync, openSync} from 'node:fs';
import {createConnection, createServer, type AddressInfo} from 'node:net';
import {test} from 'node:test';
import {setImmediate as immediate, setTimeout as sleep} from 'node:timers/promises';
import {runInNewContext} from 'node:vm';
import {setFlagsFromString} from 'node:v8';
import {FdWatch, WATCH_READABLE, WATCH_WRITABLE} from '../../src/async/fd-watch.js';
import {OSError, PermissionError, RuntimeError} from '../../src/errors.js';
import {native} from '../../src/native.js';
import {checkFdLeaks, openFdCount} from '../helpers/fds.js';
import {
	asyncModuleUrl,
	drain,
	epollWith,
	hasEpoll,
	nativeModuleUrl,
	pipe,
	runChild,
	warmUpSpawn,
	writeByte,
} from './helpers.js';

await warmUpSpawn();
checkFdLeaks();

const skip = hasEpoll ? false : 'the epoll-fd tests need epoll(7) (Linux)';

/** An echo server on 127.0.0.1:0 and one round trip through it. */
async function netRoundTrip(t: {after(fn: () => void): void}): Promise<string> {
	const server = createServer(sock => sock.pipe(sock));
	t.after(() => {
		server.close();
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return new Promise<string>((resolve, reject) => {
		const client = createConnection(port, '127.0.0.1', () => {
			client.end('ping');
		});
		let data = '';
		client
			.setEncoding('utf8')
			.on('data', (s: string) => {
				data += s;
			})
			.on('end', () => {
				resolve(data);
			})
			.on('error', reject);
	});
}

test(
	'FdWatch on an epoll fd resolves when a registered pipe is written; timers and a net server keep running',
	{skip},
	async t => {
		const [rd, wr] = pipe(t);
		const ep = epollWith(t, rd);
		const watch = new FdWatch(ep);
		t.after(() => {
			watch.close();
		});
		let ticks = 0;
		const interval = setInterval(() => {
			ticks++;
		}, 10);
		t.after(() => {
			clearInterval(interval);
		});
		let echoed = '';
		setTimeout(() => {
			void netRoundTrip(t).then(s => {
				echoed = s;
			});
		}, 20);
		setTimeout(() => {
			writeByte(wr);
		}, 300);
		const start = performance.now();
		const events = await watch.wait();
		const dt = (performance.now() - start) / 1000;
		assert.ok(events & WATCH_READABLE, `events ${events}`);
		assert.ok(dt >= 0.2 && dt <= 2.5, `resolved after ${dt} s`);
		assert.ok(ticks >= 5, `only ${ticks} timer ticks while waiting`);
		assert.equal(echoed, 'ping', 'the net round trip completed while waiting');
		assert.equal(watch.pending, false);
		// The epoll set has the pipe ready: a zero-timeout epoll_wait collects it.
		const buf = new Int32Array(16);
		assert.equal(native.epollWait!(ep, buf, 4, 0), 1);
		assert.equal(buf[0], rd);
	},
);

test('FdWatch is one-shot: a level-triggered ready fd is reported once per wait(), without spinning', async t => {
	const [rd, wr] = pipe(t);
	const watch = new FdWatch(rd);
	t.after(() => {
		watch.close();
	});
	writeByte(wr);
	let calls = 0;
	for (let i = 0; i < 3; i++) {
		// Still readable (never drained): each wait resolves.
		assert.ok((await watch.wait()) & WATCH_READABLE);
		calls++;
	}

	assert.equal(calls, 3);
	// Nothing armed now: let the loop turn a few times; no callback may arrive
	// (an unexpected one would find no pending wait, and a spin would starve
	// this timer).
	const before = performance.now();
	await sleep(50);
	assert.ok(performance.now() - before < 2000);
	assert.equal(watch.pending, false);
	drain(rd);
});

test('FdWatch waits for writability', async t => {
	const [, wr] = pipe(t);
	const watch = new FdWatch(wr);
	t.after(() => {
		watch.close();
	});
	assert.ok((await watch.wait({events: WATCH_WRITABLE})) & WATCH_WRITABLE);
});

test('FdWatch timeoutMs resolves 0 and clears its timer', async t => {
	const [rd] = pipe(t);
	const watch = new FdWatch(rd);
	t.after(() => {
		watch.close();
	});
	const timeouts = countTimeouts();
	const start = performance.now();
	assert.equal(await watch.wait({timeoutMs: 200}), 0);
	const dt = (performance.now() - start) / 1000;
	assert.ok(dt >= 0.15 && dt <= 2.0, `timed out after ${dt} s`);
	assert.equal(watch.pending, false);
	assert.equal(countTimeouts(), timeouts);
});

test('FdWatch abort rejects with signal.reason, disarms and releases the timer and listener', async t => {
	const [rd, wr] = pipe(t);
	const watch = new FdWatch(rd);
	t.after(() => {
		watch.close();
	});
	const timeouts = countTimeouts();
	const ac = new AbortController();
	const reason = new Error('stop waiting');
	setTimeout(() => {
		ac.abort(reason);
	}, 50);
	await assert.rejects(watch.wait({signal: ac.signal, timeoutMs: 10_000}), error => error === reason);
	assert.equal(watch.pending, false);
	assert.equal(countTimeouts(), timeouts, 'the timeout timer was cleared');
	// The watch is reusable after an abort.
	writeByte(wr);
	assert.ok((await watch.wait()) & WATCH_READABLE);
	drain(rd);
	// An already-aborted signal rejects without arming.
	const aborted = AbortSignal.abort(reason);
	await assert.rejects(watch.wait({signal: aborted}), error => error === reason);
	assert.equal(watch.pending, false);
	// A signal that settles normally loses its listener: aborting later is harmless.
	const ac2 = new AbortController();
	writeByte(wr);
	assert.ok((await watch.wait({signal: ac2.signal})) & WATCH_READABLE);
	ac2.abort();
	assert.equal(watch.pending, false);
	drain(rd);
});

test('FdWatch close while waiting rejects ERR_WATCH_CLOSED; close is idempotent; the fd may be closed at once', async t => {
	const [rd] = pipe(t);
	const fd = native.dup(rd);
	const watch = new FdWatch(fd);
	const waiting = watch.wait();
	setTimeout(() => {
		watch.close();
		watch.close();
		assert.equal(native.close(fd), 0);
	}, 30);
	await assert.rejects(
		waiting,
		error => error instanceof RuntimeError && error.code === 'ERR_WATCH_CLOSED',
	);
	assert.equal(watch.closed, true);
	await assert.rejects(
		watch.wait(),
		error => error instanceof RuntimeError && error.code === 'ERR_WATCH_CLOSED',
	);
	// The fd number, reused at once, can get a new watch.
	const fd2 = native.dup(rd);
	try {
		new FdWatch(fd2).close();
	} finally {
		native.close(fd2);
	}
});

test('FdWatch misuse: concurrent wait, bad options, bad fds, closed or reused fd', async t => {
	const [rd] = pipe(t);
	const watch = new FdWatch(rd);
	t.after(() => {
		watch.close();
	});
	const first = watch.wait();
	await assert.rejects(
		watch.wait(),
		error => error instanceof RuntimeError && error.code === 'ERR_WAIT_PENDING',
	);
	await assert.rejects(watch.wait({events: 0}), RangeError);
	await assert.rejects(watch.wait({events: 64}), RangeError);
	await assert.rejects(watch.wait({events: 2 ** 32}), RangeError); // low 32 bits: 0
	watch.close();
	await assert.rejects(first, error => error instanceof RuntimeError && error.code === 'ERR_WATCH_CLOSED');

	assert.throws(() => new FdWatch(1.5), TypeError);
	assert.throws(
		() => new FdWatch(-1),
		error => error instanceof OSError && error.code === 'EBADF',
	);
	// A regular file: epoll refuses it.
	if (hasEpoll) {
		const file = openSync(process.execPath, 'r');
		t.after(() => {
			closeSync(file);
		});
		assert.throws(
			() => new FdWatch(file),
			error => error instanceof PermissionError && error.code === 'EPERM',
		);
	}
});

test('FdWatch polls its own duplicate fd: the caller may close (and the process reuse) its fd; close() releases the duplicate', async t => {
	const [rd, wr] = pipe(t);
	const before = openFdCount();
	const fd = native.dup(rd);
	const watch = new FdWatch(fd);
	t.after(() => {
		watch.close();
	});
	if (before >= 0) {
		assert.equal(openFdCount(), before + 2, "dup + the watch's own duplicate");
	}

	native.close(fd);
	// The number is reused by another file: the watch still watches the pipe.
	const file = openSync(process.execPath, 'r');
	let fileOpen = true;
	t.after(() => {
		if (fileOpen) {
			closeSync(file);
		}
	});
	setTimeout(() => {
		writeByte(wr);
	}, 20);
	assert.ok((await watch.wait({timeoutMs: 5000})) & WATCH_READABLE);
	drain(rd);
	// Two watches on one fd are independent.
	const other = new FdWatch(rd);
	t.after(() => {
		other.close();
	});
	writeByte(wr);
	const [a, b] = await Promise.all([watch.wait({timeoutMs: 5000}), other.wait({timeoutMs: 5000})]);
	assert.ok(a & WATCH_READABLE && b & WATCH_READABLE);
	drain(rd);
	watch.close();
	other.close();
	closeSync(file);
	fileOpen = false;
	if (before >= 0) {
		assert.equal(openFdCount(), before, 'close() closed the duplicates');
	}
});

test('an FdWatch dropped without close() is collected and its duplicate fd closed', async t => {
	setFlagsFromString('--expose-gc');
	const gc = runInNewContext('gc') as () => void;
	const [rd] = pipe(t);
	new FdWatch(rd).close(); // The reactor is started.
	const before = openFdCount();
	let collected = 0;
	const registry = new FinalizationRegistry(() => {
		collected++;
	});
	// Idle watches, and watches with an unref'd wait pending (held weakly by
	// the reactor's token table). Made in a plain function: a suspended async
	// function may keep its last local values alive.
	const make = (): void => {
		for (let i = 0; i < 5; i++) {
			registry.register(new FdWatch(rd), i);
			const pending = new FdWatch(rd, {ref: false});
			void pending.wait();
			registry.register(pending, 100 + i);
		}
	};

	make();

	if (before >= 0) {
		assert.equal(openFdCount(), before + 10);
	}

	for (
		let attempt = 0;
		attempt < 50 && (collected < 10 || (before >= 0 && openFdCount() > before));
		attempt++
	) {
		gc();
		await immediate();
		await immediate();
	}

	assert.equal(collected, 10, 'every dropped watch was collected');
	if (before >= 0) {
		assert.equal(openFdCount(), before, 'their finalizers closed the duplicate fds');
	}
});

test(
	"an unref'd pending wait lets the process exit; a ref'd one keeps it alive until resolved",
	{skip},
	async () => {
		const setup = `
		import {FdWatch} from ${JSON.stringify(asyncModuleUrl)};
		import {native} from ${JSON.stringify(nativeModuleUrl)};
		const p = new Int32Array(2); native.pipe(p);
		const ep = native.epollCreate();
		native.epollCtl(ep, native.constants.EPOLL_CTL_ADD, p[0], native.constants.EPOLLIN);
	`;
		const [unrefd, refd, unrefLater] = await Promise.all([
			runChild(`${setup}
			const w = new FdWatch(ep, {ref: false});
			w.wait().then(() => console.log('resolved'));
			// An unref'd timer does not keep the process alive either.
			setTimeout(() => native.write(p[1], new Uint8Array([1]), 0, 1), 3000).unref();
			console.log('waiting');
		`),
			runChild(`${setup}
			const w = new FdWatch(ep);
			w.wait().then(ev => { console.log('resolved', ev); w.close(); native.close(ep); native.close(p[0]); native.close(p[1]); });
			// Unref'd: only the watch keeps the process alive until this fires.
			setTimeout(() => native.write(p[1], new Uint8Array([1]), 0, 1), 300).unref();
			console.log('waiting');
		`),
			runChild(`${setup}
			const w = new FdWatch(ep);
			w.wait().then(() => console.log('resolved'));
			setTimeout(() => { w.unref(); console.log('unref'); }, 100);
		`),
		]);
		assert.equal(unrefd.killed, false, "the unref'd watch kept the process alive");
		assert.equal(unrefd.code, 0, unrefd.stderr);
		assert.equal(unrefd.stdout.trim(), 'waiting');
		assert.ok(unrefd.seconds < 2.5, `exit took ${unrefd.seconds} s`);

		assert.equal(refd.killed, false, refd.stderr);
		assert.equal(refd.code, 0, refd.stderr);
		assert.equal(refd.stdout.trim(), 'waiting\nresolved 1');
		assert.ok(refd.seconds >= 0.25, `exited after ${refd.seconds} s, before the write`);

		assert.equal(unrefLater.killed, false, 'unref() on a pending wait did not let the process exit');
		assert.equal(unrefLater.code, 0, unrefLater.stderr);
		assert.equal(unrefLater.stdout.trim(), 'unref');
	},
);

/** The number of active `Timeout` resources. */
function countTimeouts(): number {
	return process.getActiveResourcesInfo().filter(name => name === 'Timeout').length;
}
