/** node-selectors/watch: Epoll, npm epoll's callback API over the reactor. */
import assert from 'node:assert/strict';
import {closeSync, openSync} from 'node:fs';
import {test, type TestContext} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {Epoll} from '../../src/watch/index.js';
import {boundTokens, watchCount} from '../../src/async/reactor.js';
import {FileExistsError, FileNotFoundError, PermissionError, RuntimeError} from '../../src/errors.js';
import {MSG_OOB, SHUT_WR} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {pair, tcpPair} from '../helpers/sockets.js';
import {drain, pipe, runChild, warmUpSpawn, writeByte} from '../async/helpers.js';

await warmUpSpawn();
checkFdLeaks();

const linux = process.platform === 'linux' ? false : 'EPOLLPRI and regular-file EPERM are Linux only';
const watchUrl = new URL('../../src/watch/index.js', import.meta.url).href;
const nativeUrl = new URL('../../src/native.js', import.meta.url).href;

type Event = [error: Error | null, fd: number | undefined, events: number | undefined];

/** An Epoll recording its callbacks, closed after the test. */
function recording(t: TestContext, onEvent?: (ev: Event, ep: Epoll) => void): {ep: Epoll; seen: Event[]} {
	const seen: Event[] = [];
	const ep = new Epoll((error, fd, events) => {
		seen.push([error, fd, events]);
		onEvent?.([error, fd, events], ep);
	});
	t.after(() => {
		ep.close();
	});
	return {ep, seen};
}

/** Waits until `seen` has `n` entries (or 3 s pass). */
async function until(seen: unknown[], n: number): Promise<void> {
	for (let i = 0; i < 300 && seen.length < n; i++) {
		await sleep(10);
	}
}

test("the constants are epoll's, as npm epoll exports them on Epoll", () => {
	assert.equal(Epoll.EPOLLIN, 0x001);
	assert.equal(Epoll.EPOLLPRI, 0x002);
	assert.equal(Epoll.EPOLLOUT, 0x004);
	assert.equal(Epoll.EPOLLERR, 0x008);
	assert.equal(Epoll.EPOLLHUP, 0x010);
	assert.equal(Epoll.EPOLLRDHUP, 0x2000);
	assert.equal(Epoll.EPOLLONESHOT, 2 ** 30);
	assert.equal(Epoll.EPOLLET, 2 ** 31);
});

test('level-triggered: the callback comes again while the data stays unread, stops once read', async t => {
	const [rd, wr] = pipe(t);
	const {ep, seen} = recording(t);
	assert.equal(ep.add(rd, Epoll.EPOLLIN), ep, 'chainable');
	writeByte(wr);
	await until(seen, 3);
	assert.ok(seen.length >= 3, `only ${seen.length} callbacks for unread data`);
	assert.deepEqual(seen[0], [null, rd, Epoll.EPOLLIN]);
	drain(rd);
	await sleep(30);
	const count = seen.length;
	await sleep(100);
	assert.equal(seen.length, count, 'no callback once drained');
});

test('EPOLLET: one callback per write, none while the data stays unread', async t => {
	const [rd, wr] = pipe(t);
	const {ep, seen} = recording(t);
	ep.add(rd, Epoll.EPOLLIN | Epoll.EPOLLET);
	writeByte(wr);
	await until(seen, 1);
	await sleep(100);
	assert.deepEqual(seen, [[null, rd, Epoll.EPOLLIN]]);
	writeByte(wr);
	await until(seen, 2);
	await sleep(50);
	assert.equal(seen.length, 2);
});

test('EPOLLONESHOT: once, then nothing until modify() re-arms', async t => {
	const [rd, wr] = pipe(t);
	const {ep, seen} = recording(t);
	ep.add(rd, Epoll.EPOLLIN | Epoll.EPOLLONESHOT);
	writeByte(wr);
	await until(seen, 1);
	await sleep(80);
	assert.equal(seen.length, 1);
	ep.modify(rd, Epoll.EPOLLIN | Epoll.EPOLLONESHOT);
	await until(seen, 2);
	await sleep(50);
	assert.equal(seen.length, 2);
	assert.deepEqual(seen[1], [null, rd, Epoll.EPOLLIN]);
});

test('modify() changes the interest; remove() stops the callbacks; several fds report their own numbers', async t => {
	const [rd, wr] = pipe(t);
	const [rd2, wr2] = pipe(t);
	const {ep, seen} = recording(t, ([, fd], poller) => {
		if (fd === rd2) {
			drain(rd2);
		}

		if (fd === wr) {
			poller.modify(wr, Epoll.EPOLLIN); // a pipe's write end never reads: quiet
		}
	});
	ep.add(rd, Epoll.EPOLLIN | Epoll.EPOLLET)
		.add(wr, Epoll.EPOLLOUT)
		.add(rd2, Epoll.EPOLLIN);
	writeByte(wr2);
	await until(seen, 2);
	await sleep(50);
	assert.deepEqual(
		new Set(seen.map(e => `${e[1]}:${e[2]}`)),
		new Set([`${wr}:${Epoll.EPOLLOUT}`, `${rd2}:${Epoll.EPOLLIN}`]),
	);
	ep.remove(rd2);
	const count = seen.length;
	writeByte(wr2);
	await sleep(80);
	assert.equal(seen.length, count, 'no callback for a removed fd');
	ep.remove(rd).remove(wr);
});

test('EPOLLPRI on TCP urgent data and EPOLLRDHUP on peer shutdown, raw bits', {skip: linux}, async t => {
	const [client, server] = tcpPair(t);
	const {ep, seen} = recording(t);
	ep.add(server.fileno(), Epoll.EPOLLPRI | Epoll.EPOLLRDHUP | Epoll.EPOLLET);
	client.send(Buffer.from('!'), MSG_OOB);
	await until(seen, 1);
	assert.equal(seen[0]![1], server.fileno());
	assert.ok((seen[0]![2]! & Epoll.EPOLLPRI) !== 0, `events ${seen[0]![2]}`);
	client.shutdown(SHUT_WR);
	await until(seen, 2);
	assert.ok((seen.at(-1)![2]! & Epoll.EPOLLRDHUP) !== 0, `events ${seen.at(-1)![2]}`);
});

test('errors: EEXIST, ENOENT, EPERM for a regular file, EBADF, bad events, after close', {skip: linux}, t => {
	const [rd] = pipe(t);
	const {ep} = recording(t);
	ep.add(rd, Epoll.EPOLLIN);
	assert.throws(() => ep.add(rd, Epoll.EPOLLIN), FileExistsError);
	assert.throws(() => ep.modify(rd + 1000, Epoll.EPOLLIN), FileNotFoundError);
	assert.throws(() => ep.remove(rd + 1000), FileNotFoundError);
	const file = openSync(new URL(import.meta.url), 'r');
	try {
		assert.throws(() => ep.add(file, Epoll.EPOLLIN), PermissionError);
	} finally {
		closeSync(file);
	}

	assert.throws(() => ep.add(100_000, Epoll.EPOLLIN), {code: 'EBADF'});
	assert.throws(() => ep.add(rd, 1 << 20), {name: 'RangeError', code: 'ERR_OUT_OF_RANGE'});
	assert.throws(() => ep.add(1.5, Epoll.EPOLLIN), {name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE'});
	assert.throws(() => new Epoll(undefined as unknown as () => void), {
		name: 'TypeError',
		code: 'ERR_INVALID_ARG_TYPE',
	});
	ep.close();
	ep.close();
	assert.equal(ep.closed, true);
	for (const call of [
		() => ep.add(rd, Epoll.EPOLLIN),
		() => ep.modify(rd, Epoll.EPOLLIN),
		() => ep.remove(rd),
	]) {
		assert.throws(call, (e: unknown) => e instanceof RuntimeError && e.code === 'ERR_EPOLL_CLOSED');
	}
});

test('no callback after close(), even for events already on their way; nothing stays bound', async t => {
	const tokens = boundTokens();
	const watches = watchCount();
	const [rd, wr] = pipe(t);
	const [rd2, wr2] = pipe(t);
	const {ep, seen} = recording(t, (_ev, poller) => {
		poller.close(); // the other fd's event of the same batch must not be delivered
	});
	ep.add(rd, Epoll.EPOLLIN).add(rd2, Epoll.EPOLLIN);
	writeByte(wr);
	writeByte(wr2);
	await until(seen, 1);
	await sleep(100);
	assert.equal(seen.length, 1);
	assert.equal(boundTokens(), tokens);
	assert.equal(watchCount(), watches);
});

test('a throwing callback becomes an uncaught exception; the rest of the batch is delivered', async () => {
	// In a child: the test runner treats any uncaught exception as a failure.
	const r = await runChild(`
		import {Epoll} from ${JSON.stringify(watchUrl)};
		import {native} from ${JSON.stringify(nativeUrl)};
		const pipes = [0, 1].map(() => { const p = new Int32Array(2); native.pipe(p); return p; });
		const seen = [];
		process.on('uncaughtException', e => console.log('uncaught', e.message));
		const ep = new Epoll((err, fd) => {
			seen.push(fd);
			ep.remove(fd);
			if (seen.length === 2) setTimeout(() => ep.close(), 50);
			throw new Error('boom ' + (fd === pipes[0][0] ? 'a' : 'b'));
		});
		for (const p of pipes) ep.add(p[0], Epoll.EPOLLIN);
		for (const p of pipes) native.write(p[1], new Uint8Array([1]), 0, 1);
	`);
	assert.equal(r.code, 0, r.stderr);
	assert.deepEqual(r.stdout.trim().split('\n').sort(), ['uncaught boom a', 'uncaught boom b']);
});

test("watching a pair and a socket's write side: EPOLLOUT reported with the fd number passed", async t => {
	const [a] = pair(t);
	const {ep, seen} = recording(t, (_ev, poller) => {
		poller.remove(a.fileno());
	});
	ep.add(a.fileno(), Epoll.EPOLLOUT);
	await until(seen, 1);
	assert.deepEqual(seen, [[null, a.fileno(), Epoll.EPOLLOUT]]);
});

test('added fds keep the process alive (as npm epoll); unref() lets it exit; remove/close release it', async () => {
	const prelude = `
		import {Epoll} from ${JSON.stringify(watchUrl)};
		import {native} from ${JSON.stringify(nativeUrl)};
		const p = new Int32Array(2); native.pipe(p);
		const write = () => native.write(p[1], new Uint8Array([1]), 0, 1);
	`;
	const [kept, unrefd, removed] = await Promise.all([
		runChild(`${prelude}
			const ep = new Epoll((err, fd, events) => { console.log('event', fd === p[0], events); ep.close(); });
			ep.add(p[0], Epoll.EPOLLIN);
			setTimeout(write, 300).unref();
		`),
		runChild(`${prelude}
			const ep = new Epoll(() => console.log('event'));
			ep.add(p[0], Epoll.EPOLLIN).unref();
			setTimeout(write, 3000).unref();
			console.log('waiting');
		`),
		runChild(`${prelude}
			const ep = new Epoll(() => console.log('event'));
			ep.add(p[0], Epoll.EPOLLIN).remove(p[0]);
			new Epoll(() => {}).add(p[0], Epoll.EPOLLIN).close();
			setTimeout(write, 3000).unref();
			console.log('waiting');
		`),
	]);
	assert.equal(kept.code, 0, kept.stderr);
	assert.equal(
		kept.stdout.trim(),
		`event true ${Epoll.EPOLLIN}`,
		'the added fd kept the process alive until its event',
	);
	for (const [name, r] of [
		["unref'd", unrefd],
		['removed/closed', removed],
	] as const) {
		assert.equal(r.killed, false, `${name}: kept the process alive`);
		assert.equal(r.code, 0, r.stderr);
		assert.equal(r.stdout.trim(), 'waiting');
		assert.ok(r.seconds < 2.5, `${name}: exited after ${r.seconds} s`);
	}
});
