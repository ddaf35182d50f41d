// sendall of 8 MiB with a concurrent reader in a worker thread (sendall
// blocks the main thread), every byte verified by SHA-256 and count.
import assert from 'node:assert/strict';
import {createHash, randomFillSync} from 'node:crypto';
import {describe, test} from 'node:test';
import {AF_INET, AF_UNIX, SHUT_WR, SOCK_STREAM} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {startPeer} from '../helpers/peer.js';
import {pair, tcpPair} from '../helpers/sockets.js';

checkFdLeaks();

const SIZE = 8 * 1024 * 1024;

function payload(): Buffer {
	// Random bytes: a dropped, duplicated or reordered chunk changes the hash.
	return randomFillSync(Buffer.allocUnsafe(SIZE));
}

describe('sendall 8 MiB', () => {
	for (const mode of [null, 30] as const) {
		test(`through a socketpair, ${mode === null ? 'blocking' : `timeout ${mode} s`}`, async t => {
			const [a, b] = pair(t, AF_UNIX, SOCK_STREAM);
			const data = payload();
			const peer = await startPeer(t, {op: 'drain', fd: b.fileno()});
			a.settimeout(mode);
			a.sendall(data);
			a.shutdown(SHUT_WR);
			const result = await peer.done;
			assert.equal(result.bytes, SIZE);
			assert.equal(result.sha256, createHash('sha256').update(data).digest('hex'));
		});
	}

	test('over TCP loopback, from a subarray view', async t => {
		const [client, server] = tcpPair(t, AF_INET);
		const backing = payload();
		const view = backing.subarray(3, SIZE - 5);
		const peer = await startPeer(t, {op: 'drain', fd: server.fileno()});
		client.sendall(view);
		client.shutdown(SHUT_WR);
		const result = await peer.done;
		assert.equal(result.bytes, view.length);
		assert.equal(result.sha256, createHash('sha256').update(view).digest('hex'));
	});
});
