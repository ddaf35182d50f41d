// PEP 475: a signal interrupting the private poll() (EINTR) is retried with
// the remaining time recomputed, in blocking and timeout mode alike; the
// caller never sees InterruptedError. A worker thread signals this process
// while the main thread waits (the main thread's poll() gets the EINTR: the
// signal handler Node installs for a 'SIGUSR2' listener runs there).
import assert from 'node:assert/strict';
import {performance} from 'node:perf_hooks';
import {describe, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {AF_INET, type IPv4Address, Socket, TimeoutError} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {startPeer} from '../helpers/peer.js';
import {closing, pair} from '../helpers/sockets.js';

checkFdLeaks();

const skip = process.platform === 'win32' ? 'no SIGUSR2' : false;

function onSignal(t: {after: (fn: () => void) => void}): {count: number} {
	const seen = {count: 0};
	const listener = (): void => {
		seen.count++;
	};

	process.on('SIGUSR2', listener);
	t.after(() => process.off('SIGUSR2', listener));
	return seen;
}

describe('EINTR during a wait', {skip}, () => {
	test('timeout mode: signals do not end the wait early or escape as InterruptedError', async t => {
		const seen = onSignal(t);
		const [a] = pair(t);
		a.settimeout(0.6);
		await startPeer(t, {op: 'signals', signal: 'SIGUSR2', count: 5, intervalMs: 40});
		const start = performance.now();
		assert.throws(
			() => a.recv(10),
			e => e instanceof TimeoutError && e.message === 'timed out',
		);
		const dt = (performance.now() - start) / 1000;
		assert.ok(dt >= 0.5 && dt <= 2, `waited ${dt.toFixed(3)} s for a 0.6 s timeout`);
		for (let i = 0; i < 50 && seen.count === 0; i++) {
			await sleep(20); // the listener runs from the event loop, after the wait
		}

		assert.ok(seen.count > 0, 'the signals were delivered');
	});

	test('blocking mode: keeps waiting through signals until data arrives', async t => {
		onSignal(t);
		const [a, b] = pair(t);
		await startPeer(t, {
			op: 'signals',
			signal: 'SIGUSR2',
			count: 5,
			intervalMs: 30,
			fd: b.fileno(),
			data: Buffer.from('after signals'),
		});
		assert.equal(a.recv(100).toString(), 'after signals');
	});

	test('blocking accept keeps waiting through signals until a client connects', async t => {
		onSignal(t);
		const [listener] = closing(t, new Socket(AF_INET));
		listener.bind(['127.0.0.1', 0]);
		listener.listen();
		const address = listener.getsockname() as IPv4Address;
		const peer = await startPeer(t, {
			op: 'signals',
			signal: 'SIGUSR2',
			count: 3,
			intervalMs: 30,
			family: AF_INET,
			address,
		});
		const [conn] = listener.accept();
		closing(t, conn);
		await peer.done;
		assert.equal(conn.recv(10).length, 0, 'the peer connected and closed');
	});
});
