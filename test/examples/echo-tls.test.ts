/**
 * echo-server --tls with echo-client --tls: verified round trips over TLS
 * (messages larger than the socket buffers, so sends are partial and
 * handshakes, reads and writes all wait on the selector), a client that
 * does not trust the server's CA, and a clean SIGTERM exit. Certificates
 * are made at test time (test/ssl/helpers.ts).
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {makeCerts, noOpenssl} from '../ssl/helpers.js';
import {runProgram, startProgram} from './helpers.js';

const TIMEOUT = {timeout: 60_000};

function field(stdout: string, name: string): number {
	const match = new RegExp(`\\b${name}=(\\d+)`).exec(stdout);
	assert.ok(match, `${name}= in: ${stdout}`);
	return Number(match[1]);
}

describe('echo-server --tls / echo-client --tls', {skip: noOpenssl}, () => {
	test('round-trips verified bytes over TLS; SIGTERM exits 0', TIMEOUT, async t => {
		const c = makeCerts();
		const server = await startProgram(t, 'echo-server', [
			'--port',
			'0',
			'--tls',
			c.cert,
			'--tls-key',
			c.key,
		]);
		const result = await runProgram(
			'echo-client',
			[
				'--port',
				String(server.port),
				'--tls',
				c.caCert,
				'--connections',
				'8',
				'--messages',
				'20',
				'--size',
				'300000',
			],
			45_000,
		);
		assert.equal(result.code, 0, result.stderr);
		assert.equal(field(result.stdout, 'round_trips'), 8 * 20);
		assert.equal(field(result.stdout, 'errors'), 0);
		assert.equal(field(result.stdout, 'bytes_ok'), 8 * 20 * 300_000);
		assert.deepEqual(await server.stop('SIGTERM'), [0, null], server.stderr());
	});

	test(
		'a client that does not trust the server fails its handshakes; the server stays up',
		TIMEOUT,
		async t => {
			const c = makeCerts();
			const server = await startProgram(t, 'echo-server', [
				'--port',
				'0',
				'--tls',
				c.selfSignedCert,
				'--tls-key',
				c.selfSignedKey,
			]);
			const refused = await runProgram('echo-client', [
				'--port',
				String(server.port),
				'--tls',
				c.caCert,
				'--connections',
				'3',
				'--messages',
				'1',
			]);
			assert.equal(refused.code, 1, refused.stdout);
			assert.equal(field(refused.stdout, 'errors'), 3);
			assert.match(refused.stderr, /3 × handshake: ERR_SSL_CERT_VERIFICATION/);

			// Plain TCP to the TLS port: the server closes those connections and goes on serving.
			const plain = await runProgram('echo-client', [
				'--port',
				String(server.port),
				'--connections',
				'2',
				'--messages',
				'1',
				'--timeout',
				'5',
			]);
			assert.equal(plain.code, 1, plain.stdout);
			assert.equal(field(plain.stdout, 'round_trips'), 0);
			const served = await runProgram('echo-client', [
				'--port',
				String(server.port),
				'--tls',
				c.selfSignedCert,
				'--host',
				'127.0.0.1',
				'--connections',
				'2',
				'--messages',
				'5',
			]);
			assert.equal(served.code, 0, served.stderr);
			assert.equal(field(served.stdout, 'round_trips'), 10);
			assert.deepEqual(await server.stop('SIGTERM'), [0, null], server.stderr());
		},
	);
});
