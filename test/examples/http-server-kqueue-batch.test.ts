/**
 * http-server with kqueue-style batches (test/examples/kqueue-like-preload.ts):
 * a connection ready for reading and writing comes as an EVENT_READ entry
 * and then an EVENT_WRITE entry of the same batch. A reset connection with
 * unsent output is closed by the first; the second must leave it alone
 * (flushing it would send on the closed socket, and unregistering it again
 * throws, which stopped the server).
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {AF_INET, SO_LINGER, SO_RCVBUF, SOCK_STREAM, Socket, SOL_SOCKET} from '../../src/socket/index.js';
import {type Program, startProgram} from './helpers.js';

const REQ = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
const PRELOAD = new URL('kqueue-like-preload.js', import.meta.url).href;

/** Starts http-server on port 0 with the preload. */
async function startServer(t: Parameters<typeof startProgram>[0]): Promise<Program> {
	const saved = process.env['NODE_OPTIONS'];
	process.env['NODE_OPTIONS'] = `${saved ?? ''} --import=${PRELOAD}`.trim();
	try {
		return await startProgram(t, 'http-server', ['--port', '0']);
	} finally {
		if (saved === undefined) {
			delete process.env['NODE_OPTIONS'];
		} else {
			process.env['NODE_OPTIONS'] = saved;
		}
	}
}

test(
	'http-server survives a reset connection with queued output in a kqueue-style batch',
	{timeout: 30_000},
	async t => {
		const server = await startServer(t);
		for (let round = 0; round < 3; round++) {
			const sock = new Socket(AF_INET, SOCK_STREAM);
			t.after(() => {
				sock.close();
			});
			sock.setsockopt(SOL_SOCKET, SO_RCVBUF, 1); // the kernel's minimum: responses back up in the server
			sock.settimeout(5);
			sock.connect(['127.0.0.1', server.port]);
			// About 160 KB of responses in one server read: most of it stays queued,
			// and the connection waits for EVENT_READ | EVENT_WRITE.
			sock.sendall(Buffer.from(REQ.repeat(2000)));
			await sleep(200);
			// Reset (SO_LINGER 0): the server's next batch has READ (ECONNRESET) then WRITE for it.
			sock.setsockopt(SOL_SOCKET, SO_LINGER, new Int32Array([1, 0]));
			sock.close();
			await sleep(200);
			assert.equal(server.child.exitCode, null, `http-server exited; stderr: ${server.stderr()}`);
		}

		// Still serving.
		const client = new Socket(AF_INET, SOCK_STREAM);
		t.after(() => {
			client.close();
		});
		client.settimeout(5);
		client.connect(['127.0.0.1', server.port]);
		client.sendall(Buffer.from(REQ));
		const head = client.recv(4096).toString('latin1');
		assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
		assert.deepEqual(await server.stop('SIGTERM', 5000), [0, null], server.stderr());
	},
);
