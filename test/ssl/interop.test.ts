// Interop with other TLS stacks on loopback: Node's `tls` on the event loop
// (our side waits with selectAsync so the loop turns) and Python's `ssl` in
// a child process (our side in blocking mode against its server, and
// non-blocking with a selector as the server for its client, which is
// non-blocking with a selector too).
import assert from 'node:assert/strict';
import {type ChildProcess, spawn, spawnSync} from 'node:child_process';
import {createHash, randomFillSync} from 'node:crypto';
import {once} from 'node:events';
import {readFileSync} from 'node:fs';
import {createInterface} from 'node:readline';
import {describe, test, type TestContext} from 'node:test';
import * as tls from 'node:tls';
import {createConnection, createServer, type IPv4Address} from '../../src/socket/index.js';
import {PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLContext, type SSLSocket} from '../../src/ssl/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {closing} from '../helpers/sockets.js';
import {acceptAsync, drive, driveAsync, makeCerts, noOpenssl} from './helpers.js';

checkFdLeaks();

const MiB = 1 << 20;

const noPython: string | false = (() => {
	const r = spawnSync('python3', ['-c', 'import ssl, sys; sys.exit(0 if ssl.HAS_ALPN else 1)'], {
		stdio: 'ignore',
	});
	return r.status === 0 ? false : 'python3 with its ssl module is not available';
})();

function sha256(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

/** Sends all of `data` on a non-blocking SSLSocket, waiting with selectAsync. */
async function sendAllAsync(s: SSLSocket, data: Buffer, chunk = 48 * 1024): Promise<void> {
	let sent = 0;
	await driveAsync([
		[
			s,
			() => {
				while (sent < data.length) {
					sent += s.send(data.subarray(sent, Math.min(sent + chunk, data.length)));
				}
			},
		],
	]);
}

/** Reads exactly `n` bytes (or to EOF) from a non-blocking SSLSocket, waiting with selectAsync. */
async function recvAsync(s: SSLSocket, n: number): Promise<Buffer> {
	const got = Buffer.alloc(n);
	let have = 0;
	await driveAsync([
		[
			s,
			() => {
				while (have < n) {
					const k = s.recvInto(got.subarray(have));
					if (k === 0) {
						return;
					}

					have += k;
				}
			},
		],
	]);
	return got.subarray(0, have);
}

describe("ssl interop: Node's tls", {skip: noOpenssl}, () => {
	test('our non-blocking client ↔ a tls.Server: ALPN, 1 MiB up (hash back), 1 MiB down', async t => {
		const c = makeCerts();
		const down = randomFillSync(Buffer.alloc(MiB));
		const server = tls.createServer(
			{
				key: readFileSync(c.key),
				cert: readFileSync(c.cert),
				ALPNProtocols: ['h2', 'http/1.1'],
			},
			conn => {
				const hash = createHash('sha256');
				let n = 0;
				conn.on('data', (chunk: Buffer) => {
					hash.update(chunk);
					n += chunk.length;
					if (n === MiB) {
						conn.write(Buffer.from(hash.digest('hex')));
						conn.end(down);
					}
				});
				conn.on('error', () => {});
			},
		);
		server.listen(0, '127.0.0.1');
		await once(server, 'listening');
		t.after(() => server.close());
		const {port} = server.address() as {port: number};
		const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
		ctx.loadVerifyLocations(c.caCert);
		ctx.setAlpnProtocols(['http/1.1']);
		const raw = createConnection(['127.0.0.1', port]);
		raw.setblocking(false);
		const s = ctx.wrapSocket(raw, {serverHostname: 'localhost', doHandshakeOnConnect: false});
		closing(t, s);
		await driveAsync([[s, () => s.doHandshake()]]);
		assert.equal(s.selectedAlpnProtocol(), 'http/1.1');
		const up = randomFillSync(Buffer.alloc(MiB));
		await sendAllAsync(s, up);
		assert.equal((await recvAsync(s, 64)).toString(), sha256(up));
		const got = await recvAsync(s, MiB + 1);
		assert.equal(got.length, MiB, 'then a clean end of stream');
		assert.ok(got.equals(down));
	});

	test('a tls.connect() client ↔ our non-blocking server', async t => {
		const c = makeCerts();
		const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
		ctx.loadCertChain(c.cert, c.key);
		const listener = createServer(['127.0.0.1', 0]);
		closing(t, listener);
		listener.setblocking(false);
		const {1: port} = listener.getsockname() as IPv4Address;
		const client = tls.connect({
			port,
			host: '127.0.0.1',
			servername: 'localhost',
			ca: readFileSync(c.caCert),
		});
		t.after(() => client.destroy());
		const received: Buffer[] = [];
		client.on('data', (chunk: Buffer) => received.push(chunk));
		const ended = once(client, 'end');
		client.on('secureConnect', () => client.write('hello from node'));
		const conn = await acceptAsync(listener);
		conn.setblocking(false);
		const s = ctx.wrapSocket(conn, {serverSide: true, doHandshakeOnConnect: false});
		closing(t, s);
		await driveAsync([[s, () => s.doHandshake()]]);
		assert.equal((await recvAsync(s, 15)).toString(), 'hello from node');
		const reply = randomFillSync(Buffer.alloc(300_000));
		await sendAllAsync(s, reply);
		await driveAsync([[s, () => s.unwrap()]]);
		await ended;
		assert.ok(Buffer.concat(received).equals(reply));
		assert.equal(client.authorized, true);
	});
});

/** Starts `python3 -c script`; resolves with the child and its first stdout line. */
async function python(
	t: TestContext,
	script: string,
	...args: string[]
): Promise<[ChildProcess, string, Promise<string>]> {
	const child = spawn('python3', ['-c', script, ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	t.after(() => child.kill());
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const lines = createInterface({input: child.stdout});
	const iterator = lines[Symbol.asyncIterator]();
	const first = await iterator.next();
	if (first.done) {
		throw new Error(`python3 failed: ${stderr}`);
	}

	const rest = (async () => {
		const out: string[] = [];
		for (let line = await iterator.next(); !line.done; line = await iterator.next()) {
			out.push(line.value);
		}

		const [code] = (await once(child, 'close')) as [number];
		assert.equal(code, 0, stderr);
		return out.join('\n');
	})();
	return [child, first.value, rest];
}

const PY_SERVER = `
import hashlib, socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
ctx.set_alpn_protocols(['x-test', 'http/1.1'])
ls = socket.create_server(('127.0.0.1', 0))
print(ls.getsockname()[1], flush=True)
conn, _ = ls.accept()
s = ctx.wrap_socket(conn, server_side=True)
h = hashlib.sha256(); n = 0
while n < ${MiB}:
    d = s.recv(65536)
    if not d: break
    h.update(d); n += len(d)
s.sendall(h.hexdigest().encode())
s.sendall(bytes(range(256)) * 4096)
v = s.version()
s.unwrap(); s.close()
print(v, n, flush=True)
`;

const PY_CLIENT = `
import hashlib, selectors, socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
print('ready', flush=True)
raw = socket.create_connection(('127.0.0.1', int(sys.argv[2])))
raw.setblocking(False)
s = ctx.wrap_socket(raw, server_hostname='localhost', do_handshake_on_connect=False)
sel = selectors.DefaultSelector()
sel.register(s, selectors.EVENT_READ)
def run(op):
    while True:
        try:
            return op()
        except ssl.SSLWantReadError:
            sel.modify(s, selectors.EVENT_READ)
        except ssl.SSLWantWriteError:
            sel.modify(s, selectors.EVENT_WRITE)
        if not sel.select(10):
            raise TimeoutError('no progress')
run(s.do_handshake)
up = bytes((i * 7) & 0xff for i in range(${MiB}))
sent = 0
while sent < len(up):
    sent += run(lambda: s.send(up[sent:sent + 30000]))
h = hashlib.sha256(); n = 0
while True:
    d = run(lambda: s.recv(65536))
    while d and s.pending():
        d += s.recv(s.pending())
    if not d: break
    h.update(d); n += len(d)
v = s.version()
run(s.unwrap)  # answers our close_notify
print(v, n, h.hexdigest(), flush=True)
`;

describe("ssl interop: Python's ssl", {skip: noOpenssl || noPython}, () => {
	test('our blocking client ↔ a Python server: 1 MiB up (hash back), 1 MiB down, close_notify', async t => {
		const c = makeCerts();
		const [, port, rest] = await python(t, PY_SERVER, c.cert, c.key);
		const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
		ctx.loadVerifyLocations(c.caCert);
		ctx.setAlpnProtocols(['x-test']);
		const raw = createConnection(['127.0.0.1', Number(port)]);
		raw.settimeout(10);
		const s = ctx.wrapSocket(raw, {serverHostname: 'localhost'});
		closing(t, s);
		assert.equal(s.selectedAlpnProtocol(), 'x-test');
		const up = randomFillSync(Buffer.alloc(MiB));
		s.sendall(up);
		const digest = Buffer.alloc(64);
		let have = 0;
		while (have < 64) {
			have += s.recvInto(digest.subarray(have));
		}

		assert.equal(digest.toString(), sha256(up));
		const expected = Buffer.alloc(MiB);
		for (let i = 0; i < MiB; i++) {
			expected[i] = i & 0xff;
		}

		const parts: Buffer[] = [];
		for (let chunk = s.recv(65_536); chunk.length > 0; chunk = s.recv(65_536)) {
			parts.push(chunk);
		}

		assert.ok(Buffer.concat(parts).equals(expected));
		const version = s.version();
		s.unwrap();
		assert.equal(await rest, `${version ?? ''} ${MiB}`);
	});

	test('a Python client ↔ our server, both non-blocking with a selector: 1 MiB each way, partial sends', async t => {
		const c = makeCerts();
		const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
		ctx.loadCertChain(c.cert, c.key);
		const listener = createServer(['127.0.0.1', 0]);
		closing(t, listener);
		const {1: port} = listener.getsockname() as IPv4Address;
		const [, ready, rest] = await python(t, PY_CLIENT, c.caCert, String(port));
		assert.equal(ready, 'ready');
		listener.settimeout(10);
		const [conn] = listener.accept();
		conn.setblocking(false);
		const s = ctx.wrapSocket(conn, {serverSide: true, doHandshakeOnConnect: false});
		closing(t, s);
		drive([[s, () => s.doHandshake()]]);
		const got = Buffer.alloc(MiB);
		let have = 0;
		drive([
			[
				s,
				() => {
					while (have < MiB) {
						const n = s.recvInto(got.subarray(have));
						assert.ok(n > 0, 'the client does not close before 1 MiB');
						have += n;
					}
				},
			],
		]);
		const up = Buffer.alloc(MiB);
		for (let i = 0; i < MiB; i++) {
			up[i] = (i * 7) & 0xff;
		}

		assert.ok(got.equals(up), 'byte for byte');
		const reply = randomFillSync(Buffer.alloc(MiB));
		let sent = 0;
		drive([
			[
				s,
				() => {
					while (sent < reply.length) {
						sent += s.send(reply.subarray(sent, sent + 30_000));
					}
				},
			],
		]);
		const version = s.version();
		drive([[s, () => s.unwrap()]]);
		assert.equal(
			await rest,
			`${version ?? ''} ${MiB} ${createHash('sha256').update(reply).digest('hex')}`,
		);
	});
});
