// SSLSocket.sendfile: Python's, which sends the file through TLS with read()
// and send() (Lib/ssl.py, `_sendfile_use_send`): the bytes a TLS peer reads,
// the file position after, and no non-blocking sockets.
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {on} from 'node:events';
import {mkdtempSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, test, type TestContext} from 'node:test';
import {Worker} from 'node:worker_threads';
import {ValueError} from '../../src/index.js';
import {native} from '../../src/native.js';
import {createConnection} from '../../src/socket/index.js';
import {PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLContext} from '../../src/ssl/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {closing, closingFds} from '../helpers/sockets.js';
import {drive, makeCerts, noOpenssl, tlsPair} from './helpers.js';

checkFdLeaks();

const SEEK_CUR = 1;
const MiB = 1 << 20;

/** A temporary file of `size` random bytes, opened for reading: [fd, its bytes]; removed after the test. */
function tempFile(t: TestContext, size: number): [number, Buffer] {
	const dir = mkdtempSync(join(tmpdir(), 'ssl-sendfile-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	const path = join(dir, 'data');
	const data = randomBytes(size);
	writeFileSync(path, data);
	const [fd = -1] = closingFds(t, openSync(path, 'r'));
	return [fd, data];
}

/** A `node:tls` server in a worker (its own event loop): reports its port, then what one client sent until it ended. */
const READER = `
const {parentPort, workerData} = require('node:worker_threads');
const tls = require('node:tls');
const server = tls.createServer({key: workerData.key, cert: workerData.cert}, sock => {
	const chunks = [];
	sock.on('data', chunk => chunks.push(chunk));
	sock.on('error', error => parentPort.postMessage({error: String(error)}));
	sock.on('end', () => {
		parentPort.postMessage({data: Buffer.concat(chunks)});
		sock.end();
		server.close();
	});
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({port: server.address().port}));
`;

interface ReaderMessage {
	port?: number;
	data?: Uint8Array;
	error?: string;
}

describe('ssl: SSLSocket.sendfile', {skip: noOpenssl}, () => {
	test('1 MiB from a file, from an offset, to a tls.Server: byte for byte, and the file position after it', async t => {
		const c = makeCerts();
		const offset = 1000;
		const [fd, data] = tempFile(t, offset + MiB + 2000);
		const worker = new Worker(READER, {
			eval: true,
			workerData: {key: readFileSync(c.key), cert: readFileSync(c.cert)},
		});
		t.after(() => worker.terminate());
		const messages = on(worker, 'message');
		t.after(async () => messages.return?.());
		const next = async (): Promise<ReaderMessage> => {
			const {value} = (await messages.next()) as {value: [ReaderMessage]};
			return value[0];
		};
		const {port} = await next();
		assert.ok(port !== undefined);
		const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
		ctx.loadVerifyLocations(c.caCert);
		const raw = createConnection(['127.0.0.1', port]);
		raw.settimeout(20); // timeout mode: each wait for room is bounded
		const s = ctx.wrapSocket(raw, {serverHostname: 'localhost'});
		closing(t, s);
		assert.equal(s.sendfile(fd, offset, MiB), MiB);
		assert.equal(native.lseek(fd, 0, SEEK_CUR), offset + MiB, 'the position is past the last byte sent');
		s.unwrap();
		const report = await next();
		assert.equal(report.error, undefined);
		assert.ok(report.data !== undefined);
		const got = Buffer.from(report.data.buffer, report.data.byteOffset, report.data.byteLength);
		assert.equal(got.length, MiB);
		assert.ok(got.equals(data.subarray(offset, offset + MiB)), 'the bytes read are the file slice');
	});

	test('a non-blocking SSLSocket → ValueError, the file untouched; count <= 0 → ValueError', t => {
		const c = makeCerts();
		const client = new SSLContext(PROTOCOL_TLS_CLIENT);
		client.loadVerifyLocations(c.caCert);
		const server = new SSLContext(PROTOCOL_TLS_SERVER);
		server.loadCertChain(c.cert, c.key);
		const [a, b] = tlsPair(t, client, server);
		drive([
			[a, () => a.doHandshake()],
			[b, () => b.doHandshake()],
		]);
		const [fd] = tempFile(t, 100);
		assert.throws(() => a.sendfile(fd), {
			constructor: ValueError,
			code: 'ERR_INVALID_ARG_VALUE',
			message: 'non-blocking sockets are not supported',
		});
		assert.equal(native.lseek(fd, 0, SEEK_CUR), 0);
		a.setblocking(true);
		assert.throws(() => a.sendfile(fd, 0, 0), ValueError);
	});
});
