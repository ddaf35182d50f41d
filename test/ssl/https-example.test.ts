// examples/http-server.ts with --tls: HTTPS to Node's https client (keep-alive,
// several requests), pipelined requests through our own blocking TLS client,
// a plain-HTTP client on the TLS port (closed; the server stays up), and a
// clean SIGTERM exit.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import * as https from 'node:https';
import {describe, test} from 'node:test';
import {startProgram} from '../examples/helpers.js';
import {createConnection} from '../../src/socket/index.js';
import {createDefaultContext, Purpose} from '../../src/ssl/index.js';
import {connect as netConnect} from 'node:net';
import {makeCerts, noOpenssl} from './helpers.js';

async function get(
	port: number,
	ca: Buffer,
	agent: https.Agent,
): Promise<[number, string, string | undefined]> {
	return new Promise((resolve, reject) => {
		https
			.get({host: '127.0.0.1', port, servername: 'localhost', ca, agent, path: '/'}, res => {
				// alpnProtocol is false when none was agreed.
				// eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
				const alpn = (res.socket as import('node:tls').TLSSocket).alpnProtocol || undefined;
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => {
					body += chunk;
				});
				res.on('end', () => resolve([res.statusCode ?? 0, body, alpn]));
			})
			.on('error', reject);
	});
}

describe('http-server --tls', {skip: noOpenssl}, () => {
	test('HTTPS with keep-alive and pipelining; plain HTTP on the TLS port is closed; SIGTERM exits 0', async t => {
		const c = makeCerts();
		const server = await startProgram(t, 'http-server', [
			'--port',
			'0',
			'--tls',
			c.cert,
			'--tls-key',
			c.key,
		]);
		const ca = readFileSync(c.caCert);
		const agent = new https.Agent({keepAlive: true, maxSockets: 1, ALPNProtocols: ['http/1.1']});
		t.after(() => agent.destroy());
		for (let i = 0; i < 3; i++) {
			assert.deepEqual(await get(server.port, ca, agent), [200, 'Hello, World!', 'http/1.1']);
		}

		// Pipelined through our own TLS client, in blocking mode with a timeout.
		const ctx = createDefaultContext(Purpose.SERVER_AUTH, {cafile: c.caCert});
		const raw = createConnection(['127.0.0.1', server.port]);
		raw.settimeout(10);
		const s = ctx.wrapSocket(raw, {serverHostname: 'localhost'});
		t.after(() => s.close());
		s.sendall(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(20)));
		let text = '';
		while ((text.match(/Hello, World!/g) ?? []).length < 20) {
			const chunk = s.recv(65_536);
			assert.ok(chunk.length > 0, 'the server closed early');
			text += chunk.toString('latin1');
		}

		assert.equal((text.match(/HTTP\/1\.1 200 OK/g) ?? []).length, 20);

		// Plain HTTP to the TLS port: the handshake fails, the server closes that connection only.
		const plain = netConnect(server.port, '127.0.0.1');
		plain.on('error', () => {}); // ECONNRESET: the server closed with the request unread
		const closed = new Promise(resolve => plain.on('close', resolve));
		plain.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
		plain.resume();
		await closed;
		assert.deepEqual(await get(server.port, ca, agent), [200, 'Hello, World!', 'http/1.1']);
		agent.destroy();
		s.close();
		assert.deepEqual(await server.stop(), [0, null]);
	});
});
