/** node-selectors/watch: FdWatch's promise and async-iterator forms on pipes and sockets. */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {
	closeSync,
	constants as fsConstants,
	mkdtempSync,
	openSync,
	readSync,
	rmSync,
	writeSync,
} from 'node:fs';
import {
	createConnection,
	createServer,
	type AddressInfo,
	type ServerOpts,
	type Socket as NetSocket,
} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {
	FdWatch,
	WATCH_DISCONNECT,
	WATCH_PRIORITIZED,
	WATCH_READABLE,
	WATCH_WRITABLE,
} from '../../src/watch/index.js';
import {boundTokens} from '../../src/async/reactor.js';
import {RuntimeError} from '../../src/errors.js';
import {MSG_OOB, SHUT_WR} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {pair, tcpPair} from '../helpers/sockets.js';
import {drain, pipe, runChild, warmUpSpawn, writeByte} from '../async/helpers.js';

await warmUpSpawn();
checkFdLeaks();

const linux = process.platform === 'linux' ? false : 'EPOLLPRI and /proc are Linux only';
const watchUrl = new URL('../../src/watch/index.js', import.meta.url).href;

/**
 * Steps through `it`: each call resolves with the next value, or `'none'` if
 * none comes within `ms` (the step then stays pending for the next call).
 */
function stepper(it: AsyncIterator<number>): (ms: number) => Promise<number | 'none'> {
	let pending: Promise<IteratorResult<number>> | undefined;
	return async ms => {
		pending ??= it.next();
		const ac = new AbortController();
		const timer = sleep(ms, 'none' as const, {signal: ac.signal}).catch(() => 'none' as const);
		const result = await Promise.race([pending, timer]);
		ac.abort();
		if (result === 'none') {
			return 'none';
		}

		pending = undefined;
		return result.done === true ? -1 : result.value;
	};
}

function watching(t: {after(fn: () => void): void}, fd: number): FdWatch {
	const watch = new FdWatch(fd);
	t.after(() => {
		watch.close();
	});
	return watch;
}

test('bad arguments are typed errors with a code', async t => {
	const [rd] = pipe(t);
	assert.throws(() => new FdWatch(1.5), {name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE'});
	const watch = new FdWatch(rd);
	t.after(() => {
		watch.close();
	});
	await assert.rejects(watch.wait({events: 0}), {name: 'RangeError', code: 'ERR_OUT_OF_RANGE'});
	await assert.rejects(watch.wait({timeoutMs: Number.NaN}), {
		name: 'TypeError',
		code: 'ERR_INVALID_ARG_TYPE',
	});
	const iterate = async (): Promise<void> => {
		for await (const _ of watch.events({events: 0})) {
			break;
		}
	};

	await assert.rejects(iterate(), {name: 'RangeError', code: 'ERR_OUT_OF_RANGE'});
});

test('wait() resolves with the raw bits when a pipe is written, 0 on timeout', async t => {
	const [rd, wr] = pipe(t);
	const watch = watching(t, rd);
	assert.equal(await watch.wait({timeoutMs: 20}), 0);
	setTimeout(() => {
		writeByte(wr);
	}, 20);
	assert.equal(await watch.wait(), WATCH_READABLE);
	const out = watching(t, wr);
	assert.equal(await out.wait({events: WATCH_WRITABLE}), WATCH_WRITABLE);
});

test('events(), level-triggered: reported again while the data stays unread', async t => {
	const [rd, wr] = pipe(t);
	const watch = watching(t, rd);
	writeByte(wr);
	const it = watch.events();
	const next = stepper(it);
	assert.equal(await next(2000), WATCH_READABLE);
	assert.equal(await next(2000), WATCH_READABLE, 'unread data reported again');
	drain(rd);
	assert.equal(await next(100), 'none', 'nothing once drained');
	writeByte(wr);
	assert.equal(await next(2000), WATCH_READABLE);
	await it.return?.();
});

test('events(), edge-triggered: not reported again while the data stays unread; reported on new data', async t => {
	const [rd, wr] = pipe(t);
	const watch = watching(t, rd);
	writeByte(wr);
	const it = watch.events({edge: true});
	const next = stepper(it);
	assert.equal(await next(2000), WATCH_READABLE);
	assert.equal(await next(150), 'none', 'unread data not reported again');
	writeByte(wr);
	assert.equal(await next(2000), WATCH_READABLE, 'new data reported');
	await it.return?.();
	assert.equal(watch.pending, false);
});

test('events(): break disarms and releases: wait() works after, no token stays bound', async t => {
	const before = boundTokens();
	const [rd, wr] = pipe(t);
	const watch = watching(t, rd);
	for (const edge of [false, true]) {
		writeByte(wr);
		for await (const events of watch.events({edge})) {
			assert.equal(events, WATCH_READABLE);
			break;
		}

		assert.equal(boundTokens(), before, `edge ${edge}: tokens bound after break`);
		drain(rd);
	}

	// An edge iteration in progress refuses a concurrent wait().
	const it = watch.events({edge: true});
	const step = it.next();
	await assert.rejects(
		watch.wait({timeoutMs: 0}),
		(e: unknown) => e instanceof RuntimeError && e.code === 'ERR_WAIT_PENDING',
	);
	writeByte(wr);
	assert.deepEqual(await step, {value: WATCH_READABLE, done: false});
	await it.return?.();
	drain(rd);
	assert.equal(await watch.wait({timeoutMs: 10}), 0);
	assert.equal(boundTokens(), before);
});

test('events(): AbortSignal ends the iteration with signal.reason (level and edge)', async t => {
	const [rd] = pipe(t);
	const watch = watching(t, rd);
	const before = boundTokens();
	for (const edge of [false, true]) {
		const ac = new AbortController();
		setTimeout(() => {
			ac.abort(new Error(`stop ${edge}`));
		}, 30);
		await assert.rejects(
			async () => {
				for await (const events of watch.events({edge, signal: ac.signal})) {
					assert.fail(`no event expected, got ${events}`);
				}
			},
			{message: `stop ${edge}`},
		);
		assert.equal(boundTokens(), before);
	}

	await assert.rejects(watch.events({signal: AbortSignal.abort(new Error('early'))}).next(), {
		message: 'early',
	});
});

test('close() during a pending step ends the iteration; during a pending wait() rejects ERR_WATCH_CLOSED', async t => {
	const before = boundTokens();
	for (const edge of [false, true]) {
		const [rd] = pipe(t);
		const watch = new FdWatch(rd);
		setTimeout(() => {
			watch.close();
		}, 30);
		const seen: number[] = [];
		for await (const events of watch.events({edge})) {
			seen.push(events);
		}

		assert.deepEqual(seen, []);
		assert.equal(watch.closed, true);
	}

	const [rd] = pipe(t);
	const watch = new FdWatch(rd);
	const waiting = watch.wait();
	watch.close();
	await assert.rejects(waiting, (e: unknown) => e instanceof RuntimeError && e.code === 'ERR_WATCH_CLOSED');
	assert.equal(boundTokens(), before);
});

test(
	'WATCH_PRIORITIZED (EPOLLPRI) on TCP urgent data, as a GPIO sysfs value file raises it',
	{skip: linux},
	async t => {
		const [client, server] = tcpPair(t);
		const watch = watching(t, server.fileno());
		const it = watch.events({events: WATCH_PRIORITIZED, edge: true});
		const next = stepper(it);
		setTimeout(() => {
			client.send(Buffer.from('!'), MSG_OOB);
		}, 20);
		const events = await next(2000);
		assert.equal(typeof events, 'number');
		assert.ok(((events as number) & WATCH_PRIORITIZED) !== 0, `events ${events}`);
		await it.return?.();
		// Level-triggered: the urgent byte is still unread.
		const again = await watch.wait({events: WATCH_PRIORITIZED, timeoutMs: 2000});
		assert.ok((again & WATCH_PRIORITIZED) !== 0, `events ${again}`);
	},
);

test('WATCH_DISCONNECT (RDHUP) when the peer shuts down writing', async t => {
	const [a, b] = pair(t);
	const watch = watching(t, a.fileno());
	const waiting = watch.wait({events: WATCH_DISCONNECT, timeoutMs: 5000});
	setTimeout(() => {
		b.shutdown(SHUT_WR);
	}, 20);
	const events = await waiting;
	assert.ok((events & WATCH_DISCONNECT) !== 0, `events ${events}`);
});

test('many watches: 300 pipes, each wait resolves when its pipe is written', async t => {
	const pipes = Array.from({length: 300}, () => pipe(t));
	const watches = pipes.map(([rd]) => watching(t, rd));
	const waits = watches.map(async w => w.wait({timeoutMs: 10_000}));
	for (const [, wr] of pipes) {
		writeByte(wr);
	}

	const results = await Promise.all(waits);
	assert.deepEqual(
		results,
		results.map(() => WATCH_READABLE),
	);
});

test("an fd Node watches too (a net.Socket's): the watch reports, Node still receives the data", async t => {
	// pauseOnCreate: Node must not read the bytes before the watch has seen them. Both sides watch
	// one socket, and the kernel drops a readiness event whose data is gone by the time epoll_wait
	// looks (Node reading first made this test time out under load).
	// (A documented net.createServer option that @types/node does not declare.)
	const options: ServerOpts & {pauseOnCreate: boolean} = {pauseOnCreate: true};
	const server = createServer(options);
	t.after(() => {
		server.close();
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const accepted = new Promise<NetSocket>(resolve => server.once('connection', resolve));
	const client = createConnection((server.address() as AddressInfo).port, '127.0.0.1');
	t.after(() => {
		client.destroy();
	});
	const peer = await accepted;
	t.after(() => {
		peer.destroy();
	});
	const {fd} = (peer as unknown as {_handle: {fd: number}})._handle;
	assert.ok(Number.isInteger(fd) && fd >= 0, `fd ${fd}`);
	const received = new Promise<string>(resolve => peer.setEncoding('utf8').once('data', resolve));
	const watch = watching(t, fd);
	const waiting = watch.wait({timeoutMs: 5000});
	client.write('hello');
	assert.equal(await waiting, WATCH_READABLE);
	peer.resume();
	assert.equal(await received, 'hello', "Node's own reads are unaffected");
	watch.close();
	// Node's registration is intact after the watch is gone.
	const again = new Promise<string>(resolve => peer.once('data', resolve));
	client.write('again');
	assert.equal(await again, 'again');
});

test(
	"a FIFO that Node's fs holds: watched, read with fs, the watch outlives fs closing its fd",
	{skip: linux},
	async t => {
		const dir = mkdtempSync(join(tmpdir(), 'watch-'));
		t.after(() => {
			rmSync(dir, {recursive: true, force: true});
		});
		const path = join(dir, 'fifo');
		try {
			execFileSync('mkfifo', [path]);
		} catch (error) {
			t.skip(`mkfifo unavailable: ${String(error)}`);
			return;
		}

		const rd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
		const wr = openSync(path, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK);
		t.after(() => {
			closeSync(wr);
		});
		const watch = watching(t, rd);
		writeSync(wr, 'x');
		assert.equal(await watch.wait({timeoutMs: 5000}), WATCH_READABLE);
		const buf = Buffer.alloc(4);
		assert.equal(readSync(rd, buf, 0, 4, null), 1, "consuming is the caller's business");
		assert.equal(await watch.wait({timeoutMs: 30}), 0, 'consumed: not ready');
		closeSync(rd);
		writeSync(wr, 'y');
		assert.equal(
			await watch.wait({timeoutMs: 5000}),
			WATCH_READABLE,
			'the watch holds its own duplicate',
		);
	},
);

test('unref: a pending wait and a pending edge iteration let the process exit; ref keeps it until the event', async () => {
	const [unrefd, iter, refd] = await Promise.all([
		runChild(`
			import {FdWatch} from ${JSON.stringify(watchUrl)};
			import {native} from ${JSON.stringify(new URL('../../src/native.js', import.meta.url).href)};
			const p = new Int32Array(2); native.pipe(p);
			const w = new FdWatch(p[0]).unref();
			w.wait().then(() => console.log('resolved'));
			setTimeout(() => native.write(p[1], new Uint8Array([1]), 0, 1), 3000).unref();
			console.log('waiting');
		`),
		runChild(`
			import {FdWatch} from ${JSON.stringify(watchUrl)};
			import {native} from ${JSON.stringify(new URL('../../src/native.js', import.meta.url).href)};
			const p = new Int32Array(2); native.pipe(p);
			globalThis.w = new FdWatch(p[0], {ref: false});
			setTimeout(() => native.write(p[1], new Uint8Array([1]), 0, 1), 3000).unref();
			console.log('waiting');
			(async () => { for await (const e of globalThis.w.events({edge: true})) console.log('event', e); })();
		`),
		runChild(`
			import {FdWatch} from ${JSON.stringify(watchUrl)};
			import {native} from ${JSON.stringify(new URL('../../src/native.js', import.meta.url).href)};
			const p = new Int32Array(2); native.pipe(p);
			const w = new FdWatch(p[0]).unref().ref();
			setTimeout(() => native.write(p[1], new Uint8Array([1]), 0, 1), 300).unref();
			for await (const e of w.events({edge: true})) { console.log('event', e); break; }
		`),
	]);
	for (const [name, r] of [
		["unref'd wait", unrefd],
		["unref'd iteration", iter],
	] as const) {
		assert.equal(r.killed, false, `${name} kept the process alive`);
		assert.equal(r.code, 0, r.stderr);
		assert.equal(r.stdout.trim(), 'waiting');
		assert.ok(r.seconds < 2.5, `${name}: exited after ${r.seconds} s`);
	}

	assert.equal(refd.code, 0, refd.stderr);
	assert.equal(
		refd.stdout.trim(),
		`event ${WATCH_READABLE}`,
		"the ref'd iteration kept the process alive until the event",
	);
});
