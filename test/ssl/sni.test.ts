// SSLContext.sniCallback (Python's sni_callback): a server picks its
// certificate by the name the client sent, switching `conn.context`; fails
// the handshake with an alert it returns, or with what it throws; sees null
// when the client sent no name. Against our own client, Node's tls client
// and an SSLObject over memory BIOs.
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {readFileSync} from 'node:fs';
import {describe, test} from 'node:test';
import * as tls from 'node:tls';
import {OSError} from '../../src/index.js';
import {createServer, type IPv4Address} from '../../src/socket/index.js';
import {
	ALERT_DESCRIPTION_UNRECOGNIZED_NAME,
	AlertDescription,
	MemoryBIO,
	PROTOCOL_TLS,
	PROTOCOL_TLS_CLIENT,
	PROTOCOL_TLS_SERVER,
	type SniCallback,
	SSLContext,
	SSLError,
	type SSLObject,
	type SSLSocket,
	SSLWantReadError,
	SSLWantWriteError,
} from '../../src/ssl/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {closing} from '../helpers/sockets.js';
import {acceptAsync, type Certs, drive, driveAsync, makeCerts, noOpenssl, tlsPair} from './helpers.js';

checkFdLeaks();

/** A client context trusting the test CA. */
function clientContext(c: Certs): SSLContext {
	const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
	ctx.loadVerifyLocations(c.caCert);
	return ctx;
}

/** Server contexts: the default one (localhost) and one for other.example. */
function serverContexts(c: Certs): [local: SSLContext, other: SSLContext] {
	const local = new SSLContext(PROTOCOL_TLS_SERVER);
	local.loadCertChain(c.cert, c.key);
	const other = new SSLContext(PROTOCOL_TLS_SERVER);
	other.loadCertChain(c.otherCert, c.key);
	return [local, other];
}

/** What one call of the callback saw. */
type Seen = [serverName: string | null, conn: unknown, context: SSLContext];

/** A callback that records its calls and answers other.example with `other`. */
function switching(other: SSLContext, seen: Seen[]): SniCallback {
	return (conn, serverName, context) => {
		seen.push([serverName, conn, context]);
		if (serverName === 'other.example') {
			conn.context = other;
		}
	};
}

/** Runs a step, returning the error it ends with (null when it succeeds); SSLWant* go to the driver. */
function outcome(step: () => void): () => unknown {
	return () => {
		try {
			step();
			return null;
		} catch (error) {
			if (error instanceof SSLWantReadError || error instanceof SSLWantWriteError) {
				throw error;
			}

			return error;
		}
	};
}

/** Both ends' handshake outcome: [client's error, server's error], null for success. */
function handshakeOutcome(a: SSLSocket, b: SSLSocket): unknown[] {
	return drive<unknown>([
		[a, outcome(() => a.doHandshake())],
		[b, outcome(() => b.doHandshake())],
	]);
}

function subjectAltName(conn: SSLSocket): unknown {
	const cert = conn.getpeercert();
	return cert !== null && 'subjectAltName' in cert ? cert.subjectAltName : undefined;
}

describe('ssl: sniCallback', {skip: noOpenssl}, () => {
	test('our client: the name sent picks the certificate (localhost → A, other.example → B)', t => {
		const c = makeCerts();
		const [local, other] = serverContexts(c);
		const seen: Seen[] = [];
		local.sniCallback = switching(other, seen);
		for (const [name, san] of [
			[
				'localhost',
				[
					['DNS', 'localhost'],
					['IP Address', '127.0.0.1'],
				],
			],
			['other.example', [['DNS', 'other.example']]],
		] as const) {
			const [a, b] = tlsPair(t, clientContext(c), local, name);
			assert.deepEqual(handshakeOutcome(a, b), [null, null]);
			assert.deepEqual(subjectAltName(a), san);
			const [serverName, conn, context] = seen.at(-1)!;
			assert.equal(serverName, name);
			assert.equal(conn, b, 'the callback gets the SSLSocket');
			assert.equal(context, local, 'and the context whose callback it is');
			assert.equal(b.context, name === 'other.example' ? other : local);
			// The connection works on the context it switched to.
			drive([[a, () => a.send(Buffer.from('hi'))]]);
			assert.equal(drive([[b, () => b.recv(10)]])[0]?.toString(), 'hi');
		}

		assert.equal(seen.length, 2, 'one call per handshake');
	});

	test("Node's tls client: servername localhost → A, other.example → B", async t => {
		const c = makeCerts();
		const [local, other] = serverContexts(c);
		const seen: Seen[] = [];
		local.sniCallback = switching(other, seen);
		for (const name of ['localhost', 'other.example']) {
			const listener = createServer(['127.0.0.1', 0]);
			closing(t, listener);
			listener.setblocking(false);
			const {1: port} = listener.getsockname() as IPv4Address;
			const client = tls.connect({
				port,
				host: '127.0.0.1',
				servername: name,
				ca: readFileSync(c.caCert),
			});
			t.after(() => client.destroy());
			const connected = once(client, 'secureConnect');
			const conn = await acceptAsync(listener);
			conn.setblocking(false);
			const s = local.wrapSocket(conn, {serverSide: true, doHandshakeOnConnect: false});
			closing(t, s);
			await driveAsync([[s, () => s.doHandshake()]]);
			await connected;
			assert.equal(client.authorized, true, String(client.authorizationError));
			assert.equal(
				client.getPeerCertificate().subjectaltname,
				name === 'localhost' ? 'DNS:localhost, IP Address:127.0.0.1' : 'DNS:other.example',
			);
			assert.equal(seen.at(-1)?.[0], name);
			client.destroy();
		}
	});

	test('no SNI (the client connects to an IP address): the callback gets null', t => {
		const c = makeCerts();
		const [local, other] = serverContexts(c);
		const seen: Seen[] = [];
		local.sniCallback = switching(other, seen);
		const [a, b] = tlsPair(t, clientContext(c), local, '127.0.0.1');
		assert.deepEqual(handshakeOutcome(a, b), [null, null]);
		assert.deepEqual(
			seen.map(([name]) => name),
			[null],
		);
		assert.equal(b.context, local);
	});

	test('an alert returned fails the handshake: the client sees it, the server throws SSLError', t => {
		const c = makeCerts();
		const [local] = serverContexts(c);
		local.sniCallback = () => ALERT_DESCRIPTION_UNRECOGNIZED_NAME;
		assert.equal(AlertDescription.ALERT_DESCRIPTION_UNRECOGNIZED_NAME, 112);
		const [a, b] = tlsPair(t, clientContext(c), local, 'localhost');
		const [clientError, serverError] = handshakeOutcome(a, b);
		assert.ok(clientError instanceof SSLError, String(clientError));
		assert.equal(clientError.reason, 'TLSV1_UNRECOGNIZED_NAME');
		assert.ok(serverError instanceof SSLError, String(serverError));
		assert.equal(serverError.reason, 'CALLBACK_FAILED');
		assert.equal(serverError.cause, undefined);
	});

	test('an exception fails the handshake with handshake_failure; the server’s SSLError has it as cause', t => {
		const c = makeCerts();
		const [local] = serverContexts(c);
		const boom = new Error('boom');
		local.sniCallback = () => {
			throw boom;
		};
		const [a, b] = tlsPair(t, clientContext(c), local, 'localhost');
		const [clientError, serverError] = handshakeOutcome(a, b);
		assert.ok(clientError instanceof SSLError, String(clientError));
		assert.equal(clientError.reason, 'SSLV3_ALERT_HANDSHAKE_FAILURE');
		assert.ok(serverError instanceof SSLError, String(serverError));
		assert.equal(serverError.reason, 'CALLBACK_FAILED');
		assert.equal(serverError.cause, boom);
	});

	test('a result that is not an alert number → internal_error, a TypeError as cause', t => {
		const c = makeCerts();
		const [local] = serverContexts(c);
		local.sniCallback = (() => 'nope') as unknown as SniCallback;
		const [a, b] = tlsPair(t, clientContext(c), local, 'localhost');
		const [clientError, serverError] = handshakeOutcome(a, b);
		assert.ok(clientError instanceof SSLError, String(clientError));
		assert.equal(clientError.reason, 'TLSV1_ALERT_INTERNAL_ERROR');
		assert.ok(serverError instanceof SSLError, String(serverError));
		assert.ok(serverError.cause instanceof TypeError);
	});

	test('inside the callback: I/O on the connection is refused, closing it ends the handshake without a crash', t => {
		const c = makeCerts();
		const [local] = serverContexts(c);
		local.sniCallback = conn => {
			(conn as SSLSocket).recv(10);
		};
		const [a, b] = tlsPair(t, clientContext(c), local, 'localhost');
		const [, serverError] = handshakeOutcome(a, b);
		assert.ok(serverError instanceof SSLError, String(serverError));
		assert.equal((serverError.cause as {code?: string}).code, 'ERR_SSL_REENTRANT');

		local.sniCallback = conn => {
			(conn as SSLSocket).close();
		};
		const [a2, b2] = tlsPair(t, clientContext(c), local, 'localhost');
		assert.throws(() => a2.doHandshake(), SSLWantReadError, 'the hello is sent');
		const [error] = drive([[b2, outcome(() => b2.doHandshake())]]);
		assert.ok(error instanceof OSError, String(error));
		assert.equal(b2.fileno(), -1);
		assert.throws(() => b2.doHandshake(), OSError, 'closed');
	});

	test('an SSLObject server: the callback gets the SSLObject, and runs from a first read() too', () => {
		const c = makeCerts();
		const [local, other] = serverContexts(c);
		const seen: Seen[] = [];
		local.sniCallback = switching(other, seen);
		const [cIn, cOut, sIn, sOut] = [new MemoryBIO(), new MemoryBIO(), new MemoryBIO(), new MemoryBIO()];
		const client = clientContext(c).wrapBio(cIn, cOut, false, 'other.example');
		const server: SSLObject = local.wrapBio(sIn, sOut, true);
		let done = false;
		let got: Buffer = Buffer.alloc(0);
		for (let i = 0; i < 20 && got.length === 0; i++) {
			try {
				client.doHandshake();
				if (!done) {
					client.write(Buffer.from('over memory'));
					done = true;
				}
			} catch (error) {
				assert.ok(error instanceof SSLWantReadError);
			}

			sIn.write(cOut.read());
			try {
				got = server.read(100); // no doHandshake() on this side
			} catch (error) {
				assert.ok(error instanceof SSLWantReadError);
			}

			cIn.write(sOut.read());
		}

		assert.equal(got.toString(), 'over memory');
		assert.deepEqual(
			seen.map(([name, conn]) => [name, conn === server]),
			[['other.example', true]],
		);
		assert.equal(server.context, other);
		const cert = client.getpeercert();
		assert.ok(cert !== null && 'subjectAltName' in cert);
		assert.deepEqual(cert.subjectAltName, [['DNS', 'other.example']]);
	});

	test('setting it: not on a client context; not a function → TypeError and removed; null removes it', t => {
		assert.throws(
			() => {
				new SSLContext(PROTOCOL_TLS_CLIENT).sniCallback = () => undefined;
			},
			{code: 'ERR_SSL_SNI_CALLBACK'},
		);
		const either = new SSLContext(PROTOCOL_TLS);
		const callback: SniCallback = () => undefined;
		either.sniCallback = callback;
		assert.equal(either.sniCallback, callback);
		assert.throws(() => {
			either.sniCallback = 42 as unknown as SniCallback;
		}, TypeError);
		assert.equal(either.sniCallback, null);

		const c = makeCerts();
		const [local] = serverContexts(c);
		let calls = 0;
		local.sniCallback = () => {
			calls++;
		};
		local.sniCallback = null;
		const [a, b] = tlsPair(t, clientContext(c), local, 'localhost');
		assert.deepEqual(handshakeOutcome(a, b), [null, null]);
		assert.equal(calls, 0);
		assert.throws(() => {
			b.context = {} as SSLContext;
		}, TypeError);
	});
});
