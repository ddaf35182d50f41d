// Run: npm run build && node dist/bench/ssl-large.js [--mib 64]
/**
 * The large TLS transfer, outside `npm test`: `--mib` MiB (default 64) of
 * random bytes from our TLS client to our TLS server over loopback TCP,
 * both ways of driving it:
 *
 * - blocking: the client `sendall()`s 1 MiB chunks on the main thread, the
 *   server (a worker thread) `recvInto()`s to end of stream;
 * - non-blocking: both ends on the main thread under one DefaultSelector,
 *   handshakes and transfer driven by SSLWantReadError/SSLWantWriteError,
 *   the server draining `pending()` after every read.
 *
 * The client ends with `unwrap()` (close_notify), so the server sees a clean
 * end of stream (blocking: the server answers with its own, which the
 * client's unwrap() waits for). Each run checks the byte count and SHA-256 on the server's
 * side and prints the elapsed time and MiB/s. Certificates are made with the
 * `openssl` command (test/ssl/helpers.ts). Exits non-zero on a mismatch.
 *
 * @module
 */
import assert from 'node:assert/strict';
import {createHash, randomBytes} from 'node:crypto';
import {once} from 'node:events';
import {performance} from 'node:perf_hooks';
import {parseArgs} from 'node:util';
import {Worker} from 'node:worker_threads';
import {DefaultSelector, EVENT_READ, EVENT_WRITE} from '../src/index.js';
import {BlockingIOError, createConnection, createServer, SOCK_STREAM, Socket} from '../src/socket/index.js';
import {createDefaultContext, Purpose, PROTOCOL_TLS_SERVER, SSLContext} from '../src/ssl/index.js';
import {makeCerts, noOpenssl} from '../test/ssl/helpers.js';

if (noOpenssl !== false) {
	console.log(`ssl-large: skipped (${noOpenssl})`);
	process.exit(0);
}

const {values} = parseArgs({options: {mib: {type: 'string', default: '64'}}});
const size = Number(values.mib) * 1024 * 1024;
const CHUNK = 1024 * 1024;
const certs = makeCerts();
const sslUrl = new URL('../src/ssl/index.js', import.meta.url).href;
const socketUrl = new URL('../src/socket/index.js', import.meta.url).href;

const data = randomBytes(size);
const expected = createHash('sha256').update(data).digest('hex');
const report = (name: string, ms: number): void => {
	console.log(
		`${name}: ${size / 1024 / 1024} MiB in ${ms.toFixed(0)} ms, ${(size / 1024 / 1024 / (ms / 1000)).toFixed(1)} MiB/s`,
	);
};

const client = createDefaultContext(Purpose.SERVER_AUTH, {cafile: certs.caCert});
const server = new SSLContext(PROTOCOL_TLS_SERVER);
server.loadCertChain(certs.cert, certs.key);

/** A worker that accepts one TLS connection on `fd` (blocking) and reads it to EOF: resolves to [bytes, sha256]. */
async function blockingServer(fd: number): Promise<[number, string]> {
	const source = `
		import {workerData, parentPort} from 'node:worker_threads';
		import {createHash} from 'node:crypto';
		const s = await import(${JSON.stringify(socketUrl)});
		const ssl = await import(${JSON.stringify(sslUrl)});
		const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
		ctx.loadCertChain(workerData.cert, workerData.key);
		const listener = s.Socket.adoptFd(workerData.fd);
		const [plain] = listener.accept();
		listener.close();
		const sock = ctx.wrapSocket(plain, {serverSide: true});
		const hash = createHash('sha256');
		const buf = Buffer.allocUnsafe(65536);
		let total = 0;
		for (;;) {
			const n = sock.recvInto(buf);
			if (n === 0) break;
			total += n;
			hash.update(buf.subarray(0, n));
		}
		sock.unwrap().close(); // answers the client's close_notify, which its blocking unwrap() awaits
		parentPort.postMessage([total, hash.digest('hex')]);
	`;
	const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), {
		workerData: {fd, cert: certs.cert, key: certs.key},
	});
	// Both listeners now: the main thread blocks in TLS calls meanwhile, and 'exit' may follow 'message' at once.
	const exited = once(worker, 'exit');
	const [result] = (await once(worker, 'message')) as [[number, string]];
	await exited;
	return result;
}

// Blocking: client on this thread, server in a worker.
{
	const listener = createServer(['127.0.0.1', 0]);
	const port = (listener.getsockname() as [string, number])[1];
	const reading = blockingServer(listener.detach());
	const start = performance.now();
	const sock = client.wrapSocket(createConnection(['127.0.0.1', port]), {serverHostname: 'localhost'});
	for (let offset = 0; offset < size; offset += CHUNK) {
		sock.sendall(data.subarray(offset, Math.min(size, offset + CHUNK)));
	}

	const version = sock.version() ?? '?';
	sock.unwrap().close();
	assert.deepEqual(await reading, [size, expected]);
	report(`TLS blocking (${version})`, performance.now() - start);
}

/** TLS's want-read/want-write as the event to wait for, or rethrows. */
function wants(error: unknown): number {
	const code = (error as {code?: unknown} | null)?.code;
	if (code === 'ERR_SSL_WANT_READ' || error instanceof BlockingIOError) {
		return EVENT_READ;
	}

	if (code === 'ERR_SSL_WANT_WRITE') {
		return EVENT_WRITE;
	}

	throw error;
}

// Non-blocking: both ends under one selector on this thread.
{
	const listener = createServer(['127.0.0.1', 0]);
	const port = (listener.getsockname() as [string, number])[1];
	const plainClient = new Socket(listener.family, SOCK_STREAM);
	plainClient.setblocking(false);
	plainClient.connectEx(['127.0.0.1', port]); // EINPROGRESS
	const [plainServer] = listener.accept();
	listener.close();
	plainServer.setblocking(false);
	const start = performance.now();
	const c = client.wrapSocket(plainClient, {serverHostname: 'localhost', doHandshakeOnConnect: false});
	const s = server.wrapSocket(plainServer, {serverSide: true, doHandshakeOnConnect: false});
	const hash = createHash('sha256');
	const buf = Buffer.allocUnsafe(65_536);
	let sent = 0;
	let received = 0;
	let waits = 0;
	// Each step returns the events to wait for, or 0 when that end is done.
	let clientState: 'handshake' | 'send' | 'unwrap' = 'handshake';
	let serverState: 'handshake' | 'read' | 'unwrap' = 'handshake';
	const clientStep = (): number => {
		try {
			if (clientState === 'handshake') {
				c.doHandshake();
				clientState = 'send';
			}

			while (clientState === 'send') {
				version = c.version() ?? '?';
				sent += c.send(data.subarray(sent, Math.min(size, sent + CHUNK)));
				if (sent === size) {
					clientState = 'unwrap';
				}
			}

			c.unwrap(); // close_notify sent, then (SSLWantReadError) the server's awaited
			return 0;
		} catch (error) {
			waits++;
			return wants(error);
		}
	};

	const serverStep = (): number => {
		try {
			if (serverState === 'handshake') {
				s.doHandshake();
				serverState = 'read';
			}

			while (serverState === 'read') {
				const n = s.recvInto(buf);
				if (n === 0) {
					serverState = 'unwrap'; // the client's close_notify: answer it
				} else {
					received += n;
					hash.update(buf.subarray(0, n));
				}
			}

			s.unwrap();
			return 0;
		} catch (error) {
			waits++;
			return wants(error);
		}
	};

	let version = '?';
	const sel = new DefaultSelector<() => number>();
	sel.register(c, EVENT_WRITE, clientStep);
	sel.register(s, EVENT_READ, serverStep);
	while (sel.getMap().size > 0) {
		const ready = sel.select(10);
		assert.ok(ready.length > 0, `no progress in 10 s (sent ${sent}, received ${received})`);
		for (const [key] of ready) {
			const events = key.data();
			if (events === 0) {
				sel.unregister(key.fileobj);
			} else if (events !== key.events) {
				sel.modify(key.fileobj, events, key.data);
			}
		}
	}

	sel.close();
	c.close();
	s.close();
	assert.deepEqual([received, hash.digest('hex')], [size, expected]);
	report(`TLS non-blocking, one selector (${version}; ${waits} waits)`, performance.now() - start);
}
