// O_NONBLOCK lives on the file description, which every holder of the fd
// shares: a child process started with the socket as its stdin clears it
// (libuv makes a child's stdio blocking). Non-blocking and timeout-mode calls
// must still never block longer than asked, and setblocking()/settimeout()
// set the flag again (CPython calls fcntl every time). Each scenario runs in
// a child process with a time limit, since the failure is a hang.
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {describe, test} from 'node:test';
import * as os from '../../src/os.js';
import {socketpair} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {closing} from '../helpers/sockets.js';
import {OS_URL, runChild, SOCKET_URL} from './child.js';

checkFdLeaks();

const skip = process.platform === 'win32' ? 'POSIX fds' : false;

/** Module text shared by the scenarios: imports and `clear(fd)`, which lets a child process clear O_NONBLOCK. */
const PRELUDE = `
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {performance} from 'node:perf_hooks';
import * as s from ${JSON.stringify(SOCKET_URL)};
import * as os from ${JSON.stringify(OS_URL)};
async function clear(fd) {
	const child = spawn('true', {stdio: [fd, 'ignore', 'ignore']});
	await once(child, 'exit');
	if (!os.getBlocking(fd)) throw new Error('the child did not clear O_NONBLOCK');
}
function report(value) { console.log(JSON.stringify(value)); }
function outcome(fn) {
	const start = performance.now();
	try {
		fn();
		return {error: null, ms: performance.now() - start};
	} catch (error) {
		return {error: error.name, errno: error.errno ?? null, ms: performance.now() - start};
	}
}
`;

interface Outcome {
	readonly error: string | null;
	readonly errno: number | null;
	readonly ms: number;
}

async function scenario(t: Parameters<typeof runChild>[0], body: string): Promise<Outcome> {
	const run = await runChild(t, PRELUDE + body);
	assert.equal(run.timedOut, false, 'the call blocked (the child was killed after 5 s)');
	assert.equal(run.code, 0, run.stderr);
	assert.equal(run.results.length, 1, run.stderr);
	return run.results[0] as Outcome;
}

describe('another holder clears O_NONBLOCK', {skip}, () => {
	test('setblocking()/settimeout() set it again, with an fcntl every time', async t => {
		const [a, b] = closing(t, ...socketpair());
		for (const set of [() => a.setblocking(false), () => a.setblocking(true), () => a.settimeout(0.5)]) {
			const child = spawn('true', {stdio: [a.fileno(), 'ignore', 'ignore']});
			await once(child, 'exit');
			assert.equal(os.getBlocking(a.fileno()), true, 'the child cleared O_NONBLOCK');
			set();
			assert.equal(os.getBlocking(a.fileno()), false);
		}

		assert.equal(os.getBlocking(b.fileno()), false);
	});

	test('recv after clear + setblocking(false): BlockingIOError, no hang', async t => {
		const result = await scenario(
			t,
			`
			const [a, b] = s.socketpair();
			await clear(a.fileno());
			a.setblocking(false);
			report(outcome(() => a.recv(10)));
		`,
		);
		assert.equal(result.error, 'BlockingIOError');
	});

	test('recv in non-blocking mode, flag cleared afterwards: BlockingIOError (MSG_DONTWAIT), no hang', async t => {
		const result = await scenario(
			t,
			`
			const [a, b] = s.socketpair();
			a.setblocking(false);
			await clear(a.fileno());
			report(outcome(() => a.recv(10)));
		`,
		);
		assert.equal(result.error, 'BlockingIOError');
	});

	test('recvfrom and recvInto in non-blocking mode, flag cleared afterwards: BlockingIOError', async t => {
		const result = await scenario(
			t,
			`
			const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_DGRAM);
			a.setblocking(false);
			await clear(a.fileno());
			const first = outcome(() => a.recvfrom(10));
			const second = outcome(() => a.recvInto(new Uint8Array(10)));
			report({error: first.error === second.error ? first.error : first.error + '/' + second.error, ms: 0});
		`,
		);
		assert.equal(result.error, 'BlockingIOError');
	});

	test('send in non-blocking mode, flag cleared afterwards: fills the buffer, then BlockingIOError', async t => {
		const result = await scenario(
			t,
			`
			const [a, b] = s.socketpair();
			a.setblocking(false);
			await clear(a.fileno());
			const chunk = Buffer.alloc(65536);
			let last = {error: null, ms: 0};
			for (let i = 0; i < 10000 && last.error === null; i++) {
				last = outcome(() => a.send(chunk));
			}
			report(last);
		`,
		);
		assert.equal(result.error, 'BlockingIOError');
	});

	test('accept in non-blocking mode, flag cleared afterwards: BlockingIOError', async t => {
		const result = await scenario(
			t,
			`
			const server = s.createServer(['127.0.0.1', 0]);
			server.setblocking(false);
			await clear(server.fileno());
			report(outcome(() => server.accept()));
		`,
		);
		assert.equal(result.error, 'BlockingIOError');
	});

	test('accept in timeout mode, flag cleared afterwards: TimeoutError in time', async t => {
		const result = await scenario(
			t,
			`
			const server = s.createServer(['127.0.0.1', 0]);
			server.settimeout(0.2);
			await clear(server.fileno());
			report(outcome(() => server.accept()));
		`,
		);
		assert.equal(result.error, 'TimeoutError');
		assert.ok(result.ms >= 150 && result.ms < 2000, `waited ${result.ms} ms for a 0.2 s timeout`);
	});

	test('recv in timeout mode, flag cleared afterwards: TimeoutError in time, not a hang', async t => {
		const result = await scenario(
			t,
			`
			const [a, b] = s.socketpair();
			a.settimeout(0.2);
			await clear(a.fileno());
			report(outcome(() => a.recv(10)));
		`,
		);
		assert.equal(result.error, 'TimeoutError');
		assert.ok(result.ms >= 150 && result.ms < 2000, `waited ${result.ms} ms for a 0.2 s timeout`);
	});

	test(
		'connect in non-blocking mode to a full AF_UNIX backlog, flag cleared afterwards: EAGAIN, no hang',
		{
			skip: process.platform === 'linux' ? false : 'the full-backlog EAGAIN is Linux behaviour',
		},
		async t => {
			const result = await scenario(
				t,
				`
			const name = '\\0selectors-shared-' + process.pid;
			const server = new s.Socket(s.AF_UNIX, s.SOCK_STREAM);
			server.bind(name);
			server.listen(0);
			const clients = [];
			for (let i = 0; i < 1000; i++) {
				const c = new s.Socket(s.AF_UNIX, s.SOCK_STREAM);
				c.setblocking(false);
				clients.push(c);
				if (c.connectEx(name) !== 0) break;
			}
			const last = new s.Socket(s.AF_UNIX, s.SOCK_STREAM);
			last.setblocking(false);
			await clear(last.fileno());
			report(outcome(() => last.connect(name)));
		`,
			);
			assert.equal(result.error, 'BlockingIOError');
		},
	);
});
