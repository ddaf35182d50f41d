/**
 * Integration tests for examples/http-server.ts: the compiled program runs
 * as a child process on port 0 and is driven over loopback with node:net.
 */
import assert from 'node:assert/strict';
import {connect, type Socket as NetSocket} from 'node:net';
import {describe, test, type TestContext} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {type Program, startProgram} from './helpers.js';

const TIMEOUT_MS = 5000;
const REQ = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';

/** Starts the server on port 0 (helpers.ts: killed after the test). */
async function startServer(t: TestContext, ...args: string[]): Promise<Program> {
	return startProgram(t, 'http-server', ['--port', '0', ...args]);
}

/** A parsed response. */
interface Response {
	readonly status: number;
	readonly headers: ReadonlyMap<string, string>;
	readonly body: string;
}

/** A client connection that collects the bytes it receives and parses responses from them. */
class Client {
	readonly sock: NetSocket;
	data = Buffer.alloc(0);
	ended = false;
	#wake: (() => void) | undefined;

	private constructor(sock: NetSocket) {
		this.sock = sock;
		sock.on('data', (chunk: Buffer) => {
			this.data = Buffer.concat([this.data, chunk]);
			this.#wake?.();
		});
		sock.on('end', () => {
			this.ended = true;
			this.#wake?.();
		});
		sock.on('error', () => {
			this.ended = true;
			this.#wake?.();
		});
	}

	static async open(t: TestContext, port: number): Promise<Client> {
		const sock = connect({host: '127.0.0.1', port});
		t.after(() => sock.destroy());
		await new Promise<void>((resolve, reject) => {
			sock.once('connect', resolve);
			sock.once('error', reject);
		});
		return new Client(sock);
	}

	async write(s: string | Buffer): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.sock.write(s, error => {
				if (error) {
					reject(error);
				} else {
					resolve();
				}
			});
		});
	}

	/** Waits until `done()` holds, failing after TIMEOUT_MS. */
	async until(what: string, done: () => boolean): Promise<void> {
		const deadline = Date.now() + TIMEOUT_MS;
		while (!done()) {
			const left = deadline - Date.now();
			assert.ok(
				left > 0,
				`timed out waiting for ${what}; received ${JSON.stringify(this.data.toString('latin1'))}`,
			);
			await new Promise<void>(resolve => {
				const timer = setTimeout(resolve, Math.min(left, 100));
				this.#wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
		}
	}

	/** Waits for `n` complete responses (HEAD responses have no body) and removes them from `data`. */
	async responses(n: number, heads: ReadonlySet<number> = new Set()): Promise<Response[]> {
		const out: Response[] = [];
		await this.until(`${n} responses`, () => {
			for (;;) {
				if (out.length === n) {
					return true;
				}

				const r = parseResponse(this.data, heads.has(out.length));
				if (r === undefined) {
					return false;
				}

				out.push(r.response);
				this.data = this.data.subarray(r.length);
			}
		});
		return out;
	}

	/** Waits for the server to close the connection. */
	async closed(): Promise<void> {
		await this.until('end of stream', () => this.ended);
	}
}

function parseResponse(data: Buffer, head: boolean): {response: Response; length: number} | undefined {
	const end = data.indexOf('\r\n\r\n');
	if (end < 0) {
		return undefined;
	}

	const lines = data.subarray(0, end).toString('latin1').split('\r\n');
	const status = /^HTTP\/1\.1 (\d{3}) [^\r\n]*$/.exec(lines[0] ?? '');
	assert.ok(status, `bad status line ${JSON.stringify(lines[0])}`);
	const headers = new Map<string, string>();
	for (const line of lines.slice(1)) {
		const colon = line.indexOf(':');
		assert.ok(colon > 0, `bad header line ${JSON.stringify(line)}`);
		headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
	}

	const length = Number(headers.get('content-length'));
	assert.ok(Number.isInteger(length), 'Content-Length missing');
	const bodyLength = head || status[1] === '100' ? 0 : length;
	if (data.length < end + 4 + bodyLength) {
		return undefined;
	}

	const body = data.subarray(end + 4, end + 4 + bodyLength).toString('latin1');
	return {response: {status: Number(status[1]), headers, body}, length: end + 4 + bodyLength};
}

function assertHello(r: Response | undefined, connection?: string): void {
	assert.ok(r);
	assert.equal(r.status, 200);
	assert.equal(r.body, 'Hello, World!');
	assert.equal(r.headers.get('content-length'), '13');
	assert.equal(r.headers.get('connection'), connection);
}

/** Keep-alive, pipelining (with a HEAD in the middle) and a split request, on one connection. */
async function exercise(t: TestContext, port: number): Promise<void> {
	const c = await Client.open(t, port);
	for (let i = 0; i < 5; i++) {
		await c.write(REQ);
		assertHello((await c.responses(1))[0]);
	}

	await c.write(REQ.repeat(10) + 'HEAD / HTTP/1.1\r\nHost: x\r\n\r\n' + REQ.repeat(9));
	const rs = await c.responses(20, new Set([10]));
	rs.forEach((r, i) => {
		if (i === 10) {
			assert.equal(r.status, 200);
			assert.equal(r.body, '');
			assert.equal(r.headers.get('content-length'), '13');
		} else {
			assertHello(r);
		}
	});
	assert.equal(c.ended, false);
}

describe('http-server', {timeout: 60_000}, () => {
	test('keep-alive and pipelined requests (HEAD without a body) on one connection', async t => {
		const server = await startServer(t);
		await exercise(t, server.port);
		// 1000 pipelined requests in one write: more response bytes than one send may take at once.
		const c = await Client.open(t, server.port);
		await c.write(REQ.repeat(1000));
		const rs = await c.responses(1000);
		assert.equal(rs.length, 1000);
		rs.forEach(r => {
			assertHello(r);
		});
		assert.equal(c.data.length, 0, 'bytes after the last response');
	});

	test('a client that sends 200,000 requests before reading gets every response, in order', async t => {
		// 15.6 MB of responses: more than the socket buffers take, so the server's output passes
		// HIGH_WATER (1 MiB) and it stops reading until the client reads; nothing is lost.
		const server = await startServer(t);
		const sock = connect({host: '127.0.0.1', port: server.port});
		t.after(() => sock.destroy());
		sock.pause();
		const n = 200_000;
		const batch = REQ.repeat(1000);
		for (let i = 0; i < n / 1000; i++) {
			sock.write(batch);
		}

		await sleep(300);
		const one = Buffer.from(
			'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!',
		);
		const chunks: Buffer[] = [];
		let received = 0;
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => {
				reject(new Error(`timed out with ${received} of ${n * one.length} bytes`));
			}, 10_000);
			sock.on('data', (chunk: Buffer) => {
				chunks.push(chunk);
				received += chunk.length;
				if (received >= n * one.length) {
					clearTimeout(timer);
					resolve();
				}
			});
			sock.resume();
		});
		const all = Buffer.concat(chunks);
		assert.equal(all.length, n * one.length);
		for (let i = 0; i < n; i++) {
			if (one.compare(all, i * one.length, (i + 1) * one.length) !== 0) {
				const got = all.subarray(i * one.length, (i + 1) * one.length).toString('latin1');
				assert.fail(`response ${i} differs: ${JSON.stringify(got)}`);
			}
		}
	});

	test('requests split across several writes with delays, including a chunked body', async t => {
		const server = await startServer(t);
		const c = await Client.open(t, server.port);
		const request =
			'POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n' + REQ;
		const cuts = [0, 3, 17, 30, 57, 60, 66, 71, request.length - 1, request.length];
		for (let i = 1; i < cuts.length; i++) {
			await c.write(request.slice(cuts[i - 1], cuts[i]));
			await sleep(20);
			if (i < 6) {
				assert.equal(c.data.length, 0, `answered before the request was complete (part ${i})`);
			}
		}

		const rs = await c.responses(2);
		assertHello(rs[0]);
		assertHello(rs[1]);
	});

	test('Expect: 100-continue gets 100 Continue before the final response', async t => {
		const server = await startServer(t);
		const c = await Client.open(t, server.port);
		await c.write('PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n');
		await c.until('100 Continue', () => c.data.toString('latin1') === 'HTTP/1.1 100 Continue\r\n\r\n');
		c.data = Buffer.alloc(0);
		await c.write('body');
		assertHello((await c.responses(1))[0]);
	});

	test('Connection: close gets the response, then the server closes', async t => {
		const server = await startServer(t);
		const c = await Client.open(t, server.port);
		// The request after the one with Connection: close is not answered.
		await c.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' + REQ);
		assertHello((await c.responses(1))[0], 'close');
		await c.closed();
		assert.equal(c.data.length, 0);
	});

	test('HTTP/1.0 closes unless keep-alive is asked for', async t => {
		const server = await startServer(t);
		const plain = await Client.open(t, server.port);
		await plain.write('GET / HTTP/1.0\r\n\r\n');
		assertHello((await plain.responses(1))[0], 'close');
		await plain.closed();

		const keep = await Client.open(t, server.port);
		for (let i = 0; i < 3; i++) {
			await keep.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
			assertHello((await keep.responses(1))[0], 'keep-alive');
		}

		assert.equal(keep.ended, false);
	});

	test('400 for a malformed request line, 431 for a huge head; then the connection closes', async t => {
		const server = await startServer(t);
		const bad = await Client.open(t, server.port);
		// A valid request first, then a malformed one; the bytes after it are never answered.
		await bad.write(REQ + 'GET /index.html\r\nHost: x\r\n\r\n' + REQ);
		const [ok, refused] = await bad.responses(2);
		assertHello(ok);
		assert.equal(refused?.status, 400);
		assert.equal(refused.headers.get('connection'), 'close');
		assert.equal(refused.body, 'Bad Request\n');
		await bad.closed();

		const big = await Client.open(t, server.port);
		await big.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(9000)}\r\n`);
		const [tooLarge] = await big.responses(1);
		assert.equal(tooLarge?.status, 431);
		// The client goes on sending: the server discards it and still closes once the client does.
		await big.write('more\r\n'.repeat(1000));
		big.sock.end();
		await big.closed();

		// The server is still serving.
		await exercise(t, server.port);
	});

	test('SIGTERM with connections open exits 0; nothing printed per connection', async t => {
		const server = await startServer(t);
		const c = await Client.open(t, server.port);
		await c.write(REQ);
		await c.responses(1);
		const half = await Client.open(t, server.port);
		await half.write('GET / HT');
		await sleep(50);
		assert.deepEqual(await server.stop('SIGTERM'), [0, null]);
		assert.deepEqual(server.lines, [`listening on 127.0.0.1:${server.port}`]);
		await c.closed();
		await half.closed();
	});

	test('--verbose: one line per connection event; at SIGTERM every fd opened since start is closed', async t => {
		const server = await startServer(t, '--verbose');
		const c = await Client.open(t, server.port);
		await c.write(REQ + 'BAD\r\n\r\n');
		await c.responses(2);
		await c.closed();
		// The server closes its side once the client's FIN arrives (node:net sends it on 'end').
		for (let i = 0; i < 100 && !server.lines.some(line => line.endsWith(' closed')); i++) {
			await sleep(20);
		}

		const open = await Client.open(t, server.port);
		await open.write(REQ);
		await open.responses(1);
		assert.deepEqual(await server.stop('SIGTERM'), [0, null]);
		const out = server.lines.join('\n');
		assert.match(out, /^127\.0\.0\.1:\d+ connected$/m);
		assert.match(out, /^127\.0\.0\.1:\d+ 400 invalid method$/m);
		assert.match(out, /^127\.0\.0\.1:\d+ closed$/m);
		const stopped = /^stopped: closed (\d+) connections; (\d+) fds open, (\d+) at start$/m.exec(out);
		assert.ok(stopped, out);
		assert.equal(stopped[1], '1');
		assert.equal(stopped[2], stopped[3]);
	});

	test('--workers 2: both workers serve, SIGTERM stops them all', async t => {
		const server = await startServer(t, '--workers', '2', '--verbose');
		// SO_REUSEPORT spreads connections by a hash of their addresses: with 16 of them, the
		// chance that one worker gets none is 2^-15.
		await Promise.all(Array.from({length: 16}, async () => exercise(t, server.port)));
		assert.deepEqual(await server.stop('SIGTERM'), [0, null]);
		const out = server.lines.join('\n');
		for (const id of [1, 2]) {
			assert.match(
				out,
				new RegExp(`^\\[worker ${id}\\] .* connected$`, 'm'),
				`worker ${id} served nobody`,
			);
			assert.match(out, new RegExp(`^\\[worker ${id}\\] stopped`, 'm'));
		}
	});

	for (const backend of ['poll', 'select']) {
		test(`--backend ${backend}`, async t => {
			const server = await startServer(t, '--backend', backend);
			await exercise(t, server.port);
			assert.deepEqual(await server.stop('SIGTERM'), [0, null]);
		});
	}
});
