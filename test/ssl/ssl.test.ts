// TLS between our own client and server on loopback, both non-blocking and
// driven by a selector in one thread: handshake, versions, ALPN, transfers,
// pending(), verification failures, EOFs, unwrap, bad input.
import assert from 'node:assert/strict';
import {randomFillSync, X509Certificate} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {describe, test} from 'node:test';
import {DefaultSelector, EVENT_READ, FileNotFoundError} from '../../src/index.js';
import {Socket} from '../../src/socket/index.js';
import {
	CERT_NONE,
	MemoryBIO,
	PROTOCOL_TLS_CLIENT,
	PROTOCOL_TLS_SERVER,
	SSLCertVerificationError,
	SSLContext,
	SSLEOFError,
	SSLError,
	type SSLObject,
	type SSLSession,
	type SSLSocket,
	SSLWantReadError,
	SSLZeroReturnError,
	TLSVersion,
} from '../../src/ssl/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {closing} from '../helpers/sockets.js';
import {type Certs, drive, makeCerts, noOpenssl, tcpPair, tlsPair} from './helpers.js';

checkFdLeaks();

const X509_V_ERR_CERT_HAS_EXPIRED = 10;
const X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT = 18;
const X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY = 20;
const X509_V_ERR_HOSTNAME_MISMATCH = 62;

function contexts(c: Certs, cert = c.cert): [client: SSLContext, server: SSLContext] {
	const client = new SSLContext(PROTOCOL_TLS_CLIENT);
	client.loadVerifyLocations(c.caCert);
	const server = new SSLContext(PROTOCOL_TLS_SERVER);
	server.loadCertChain(cert, c.key);
	return [client, server];
}

function handshake(c: SSLSocket, s: SSLSocket): void {
	drive([
		[c, () => c.doHandshake()],
		[s, () => s.doHandshake()],
	]);
}

/** Sends all of `data` from `a` while `b` receives it, both non-blocking; returns what `b` got. */
function transfer(a: SSLSocket, b: SSLSocket, data: Buffer, chunk = 64 * 1024): Buffer {
	const got = Buffer.alloc(data.length);
	let sent = 0;
	let received = 0;
	let sends = 0;
	drive<number>([
		[
			a,
			() => {
				while (sent < data.length) {
					// The same bytes again after a want: OpenSSL may hold part of them.
					const n = a.send(data.subarray(sent, Math.min(sent + chunk, data.length)));
					sent += n;
					sends++;
				}

				return sent;
			},
		],
		[
			b,
			() => {
				while (received < data.length) {
					const n = b.recvInto(got.subarray(received));
					if (n === 0) {
						break;
					}

					received += n;
				}

				return received;
			},
		],
	]);
	assert.ok(sends > 1, 'sent in more than one call');
	return got.subarray(0, received);
}

describe('ssl: our client and server, non-blocking with a selector', {skip: noOpenssl}, () => {
	test('handshake on both ends, data both ways, peer certificate, cipher, version', t => {
		const c = makeCerts();
		const [client, server] = contexts(c);
		const [a, b] = tlsPair(t, client, server);
		assert.equal(a.version(), null, 'no version before the handshake');
		handshake(a, b);
		assert.equal(a.version(), b.version());
		assert.match(a.version() ?? '', /^TLSv1\.[23]$/);
		assert.deepEqual(a.cipher(), b.cipher());
		assert.equal(a.serverHostname, 'localhost');
		const der = a.getpeercert(true);
		assert.ok(der !== null);
		assert.deepEqual(der, new X509Certificate(readFileSync(c.cert)).raw);
		const dict = a.getpeercert();
		assert.ok(dict !== null && 'subject' in dict);
		assert.deepEqual(dict.subject, [[['commonName', 'localhost']]]);
		assert.deepEqual(dict.subjectAltName, [
			['DNS', 'localhost'],
			['IP Address', '127.0.0.1'],
		]);
		assert.equal(b.getpeercert(), null, 'the client sent no certificate');
		drive([[a, () => a.send(Buffer.from('ping'))]]);
		const [got] = drive([[b, () => b.recv(100)]]);
		assert.equal(got?.toString(), 'ping');
		drive([[b, () => b.send(Buffer.from('pong'))]]);
		assert.equal(drive([[a, () => a.recv(100)]])[0]?.toString(), 'pong');
		// Calls that would bypass TLS are refused (Python: "not allowed on instances of SSLSocket").
		for (const call of [
			() => a.sendmsg([Buffer.from('x')]),
			() => a.recvmsg(10),
			() => a.recvmsgInto([Buffer.alloc(10)]),
			() => a.sendto(Buffer.from('x'), ['127.0.0.1', 9]),
			() => a.recvfrom(10),
			() => a.dup(),
		]) {
			assert.throws(call, {code: 'ERR_SSL_METHOD'});
		}

		// Empty sends and reads are no-ops, as on a plain socket.
		assert.equal(a.send(Buffer.alloc(0)), 0);
		a.sendall(Buffer.alloc(0));
	});

	for (const version of [TLSVersion.TLSv1_2, TLSVersion.TLSv1_3]) {
		test(`maximumVersion ${version === TLSVersion.TLSv1_2 ? 'TLS 1.2' : 'TLS 1.3'}`, t => {
			const [client, server] = contexts(makeCerts());
			client.maximumVersion = version;
			assert.equal(client.maximumVersion, version);
			const [a, b] = tlsPair(t, client, server);
			handshake(a, b);
			const expected = version === TLSVersion.TLSv1_2 ? 'TLSv1.2' : 'TLSv1.3';
			assert.equal(a.version(), expected);
			assert.equal(b.version(), expected);
			assert.equal(a.cipher()?.[1], expected);
		});
	}

	test('a server limited to TLS 1.3 refuses a TLS 1.2-only client', t => {
		const [client, server] = contexts(makeCerts());
		client.maximumVersion = TLSVersion.TLSv1_2;
		server.minimumVersion = TLSVersion.TLSv1_3;
		const [a, b] = tlsPair(t, client, server);
		assert.throws(
			() => handshake(a, b),
			(error: unknown) => error instanceof SSLError && error.code === 'ERR_SSL',
		);
	});

	test('ALPN: the server picks its first protocol the client offers; none in common gives null', t => {
		const [client, server] = contexts(makeCerts());
		server.setAlpnProtocols(['h2', 'http/1.1']);
		client.setAlpnProtocols(['spdy/3', 'http/1.1']);
		const [a, b] = tlsPair(t, client, server);
		handshake(a, b);
		assert.equal(a.selectedAlpnProtocol(), 'http/1.1');
		assert.equal(b.selectedAlpnProtocol(), 'http/1.1');

		const [client2, server2] = contexts(makeCerts());
		server2.setAlpnProtocols(['h2']);
		client2.setAlpnProtocols(['http/1.1']);
		const [c, d] = tlsPair(t, client2, server2);
		handshake(c, d);
		assert.equal(c.selectedAlpnProtocol(), null);
		assert.equal(d.selectedAlpnProtocol(), null);
	});

	for (const version of [TLSVersion.TLSv1_2, TLSVersion.TLSv1_3]) {
		test(`1 MiB each way checked byte for byte, in partial sends (${version === TLSVersion.TLSv1_2 ? 'TLS 1.2' : 'TLS 1.3'})`, t => {
			const [client, server] = contexts(makeCerts());
			client.maximumVersion = version;
			const [a, b] = tlsPair(t, client, server);
			handshake(a, b);
			const up = randomFillSync(Buffer.alloc(1 << 20));
			assert.ok(transfer(a, b, up).equals(up));
			const down = randomFillSync(Buffer.alloc(1 << 20));
			assert.ok(transfer(b, a, down, 50_000).equals(down));
		});
	}

	test('pending(): the rest of a record is inside OpenSSL, where select() does not see it; drain it', t => {
		const [client, server] = contexts(makeCerts());
		const [a, b] = tlsPair(t, client, server);
		handshake(a, b);
		const data = randomFillSync(Buffer.alloc(10_000)); // one record
		drive([[b, () => b.send(data)]]);
		const first = drive([[a, () => a.recv(100)]])[0]!;
		assert.equal(first.length, 100);
		assert.equal(a.pending(), data.length - 100);
		// The pitfall: the kernel buffer is empty, so the socket is not readable.
		using sel = new DefaultSelector();
		sel.register(a, EVENT_READ);
		assert.deepEqual(sel.select(0), []);
		// The drain loop.
		const parts = [first];
		while (a.pending() > 0) {
			parts.push(a.recv(a.pending()));
		}

		assert.ok(Buffer.concat(parts).equals(data));
		assert.throws(() => a.recv(100), SSLWantReadError);
	});

	test("session resumption (TLS 1.2): the second connection reuses the first one's session", t => {
		const [client, server] = contexts(makeCerts());
		client.maximumVersion = TLSVersion.TLSv1_2;
		const [a, b] = tlsPair(t, client, server);
		handshake(a, b);
		assert.equal(a.sessionReused, false);
		const session = a.session;
		assert.ok(session !== null);
		const [raw, conn] = tcpPair(t);
		const c = client.wrapSocket(raw, {serverHostname: 'localhost', doHandshakeOnConnect: false, session});
		const d = server.wrapSocket(conn, {serverSide: true, doHandshakeOnConnect: false});
		closing(t, c, d);
		handshake(c, d);
		assert.equal(c.sessionReused, true);
		assert.equal(d.sessionReused, true);
	});

	test("session: set before the handshake it resumes; another context's session is refused (CPython)", t => {
		const c = makeCerts();
		const [client, server] = contexts(c);
		client.maximumVersion = TLSVersion.TLSv1_2;
		const [a, b] = tlsPair(t, client, server);
		handshake(a, b);
		const session = a.session;
		assert.ok(session !== null);
		assert.throws(
			() => {
				a.session = session;
			},
			{message: 'Cannot set session after handshake.', code: 'ERR_SSL_SESSION'},
		);
		assert.throws(
			() => {
				b.session = session;
			},
			{name: 'ValueError'},
		);
		const [other] = contexts(c); // same settings, another context
		const [raw, conn] = tcpPair(t);
		assert.throws(
			() => other.wrapSocket(raw, {serverHostname: 'localhost', doHandshakeOnConnect: false, session}),
			{message: 'Session refers to a different SSLContext.', code: 'ERR_SSL_SESSION'},
		);
		assert.equal(raw.fileno(), -1, 'taken and closed, as CPython closes a socket it failed to wrap');
		const [c2, d2] = tlsPair(t, other, server);
		assert.throws(
			() => {
				c2.session = session;
			},
			{message: 'Session refers to a different SSLContext.'},
		);
		const [c3, d3] = tlsPair(t, client, server);
		c3.session = session; // after wrapping, before the handshake
		handshake(c3, d3);
		assert.equal(c3.sessionReused, true);
		const bio = client.wrapBio(new MemoryBIO(), new MemoryBIO(), false, 'localhost');
		bio.session = session;
		assert.throws(
			() => {
				bio.session = null as unknown as SSLSession;
			},
			{name: 'TypeError'},
		);
		void conn;
		void d2;
	});

	for (const [name, version] of [
		['TLS 1.2', TLSVersion.TLSv1_2],
		['TLS 1.3', TLSVersion.TLSv1_3],
	] as const) {
		test(`session resumption after close() without close_notify (${name})`, t => {
			// OpenSSL marks a session not resumable when its connection is freed
			// without a sent close_notify (openssl/openssl#4720); CPython keeps it
			// resumable (python/cpython#123249), and so must close().
			const [client, server] = contexts(makeCerts());
			client.maximumVersion = version;
			let session: SSLSession | null = null;
			for (const round of [0, 1]) {
				const [raw, conn] = tcpPair(t);
				const c = client.wrapSocket(raw, {
					serverHostname: 'localhost',
					doHandshakeOnConnect: false,
					session,
				});
				const d = server.wrapSocket(conn, {serverSide: true, doHandshakeOnConnect: false});
				closing(t, c, d);
				handshake(c, d);
				assert.equal(c.sessionReused, round === 1, `round ${round}`);
				assert.equal(d.sessionReused, round === 1, `round ${round}`);
				// TLS 1.3 tickets come after the handshake: read past them.
				drive([[d, () => d.send(Buffer.from('x'))]]);
				assert.equal(drive([[c, () => c.recv(1)]])[0]?.toString(), 'x');
				session = c.session;
				assert.ok(session !== null);
				c.close();
				d.close();
			}
		});
	}
});

describe('ssl: certificate verification', {skip: noOpenssl}, () => {
	const cases: Array<[string, (c: Certs) => string, string | null, number]> = [
		['a certificate for another name', c => c.otherCert, 'localhost', X509_V_ERR_HOSTNAME_MISMATCH],
		['an expired certificate', c => c.expiredCert, 'localhost', X509_V_ERR_CERT_HAS_EXPIRED],
	];
	for (const [name, pick, host, code] of cases) {
		test(`${name} → SSLCertVerificationError, verifyCode ${code}`, t => {
			const c = makeCerts();
			const [client, server] = contexts(c, pick(c));
			const [a, b] = tlsPair(t, client, server, host);
			assert.throws(
				() => handshake(a, b),
				(error: unknown) => {
					assert.ok(error instanceof SSLCertVerificationError, String(error));
					assert.equal(error.verifyCode, code);
					assert.equal(error.code, 'ERR_SSL_CERT_VERIFICATION');
					assert.equal(error.reason, 'CERTIFICATE_VERIFY_FAILED');
					assert.equal(error.library, 'SSL');
					assert.ok(error instanceof SSLError);
					return true;
				},
			);
		});
	}

	const unknownIssuers: Array<
		[string, (c: Certs) => [trusted: string, cert: string, key: string], number, string]
	> = [
		[
			'an unknown CA (self-signed)',
			c => [c.caCert, c.selfSignedCert, c.selfSignedKey],
			X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
			'self-signed certificate',
		],
		[
			'a certificate issued by a CA the client does not trust',
			c => [c.selfSignedCert, c.cert, c.key],
			X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
			'unable to get local issuer certificate',
		],
	];
	for (const [name, pick, code, message] of unknownIssuers) {
		test(`${name} → verifyCode ${code}`, t => {
			const [trusted, cert, key] = pick(makeCerts());
			const client = new SSLContext(PROTOCOL_TLS_CLIENT);
			client.loadVerifyLocations(trusted);
			const server = new SSLContext(PROTOCOL_TLS_SERVER);
			server.loadCertChain(cert, key);
			const [a, b] = tlsPair(t, client, server);
			assert.throws(
				() => handshake(a, b),
				(error: unknown) =>
					error instanceof SSLCertVerificationError &&
					error.verifyCode === code &&
					error.verifyMessage === message,
			);
		});
	}

	test('an IP address as serverHostname matches the IP SAN; another address does not', t => {
		const [client, server] = contexts(makeCerts());
		const [a, b] = tlsPair(t, client, server, '127.0.0.1');
		handshake(a, b);
		const [c, d] = tlsPair(t, client, server, '127.0.0.2');
		assert.throws(
			() => handshake(c, d),
			(error: unknown) => error instanceof SSLCertVerificationError && error.verifyCode === 64,
		);
	});

	test('checkHostname off and CERT_NONE: any certificate, getpeercert() is {}', t => {
		const c = makeCerts();
		const [client, server] = contexts(c, c.otherCert);
		client.checkHostname = false;
		client.verifyMode = CERT_NONE;
		const [a, b] = tlsPair(t, client, server, null);
		handshake(a, b);
		assert.deepEqual(a.getpeercert(), {});
		assert.ok(a.getpeercert(true) !== null);
	});

	test('checkHostname requires serverHostname; CERT_NONE with checkHostname is refused', () => {
		const client = new SSLContext(PROTOCOL_TLS_CLIENT);
		const sock = new Socket();
		try {
			assert.throws(() => client.wrapSocket(sock), {code: 'ERR_SSL_HOSTNAME_REQUIRED'});
		} finally {
			sock.close();
		}

		assert.throws(
			() => {
				client.verifyMode = CERT_NONE;
			},
			{code: 'ERR_SSL_VERIFY_MODE'},
		);
	});
});

describe('ssl: makefile() on an SSLSocket', {skip: noOpenssl}, () => {
	test('timeout mode: lines written through one file are read line by line through the other; a timeout ends reads', t => {
		const [client, server] = contexts(makeCerts());
		const [a, b] = tlsPair(t, client, server);
		handshake(a, b);
		a.settimeout(5);
		b.settimeout(5);
		const writer = b.makefile('wb');
		const reader = a.makefile('rb');
		const text = a.makefile('r');
		writer.write(Buffer.from('HELO one\r\nsecond line\n'));
		writer.flush();
		assert.equal(reader.readline()?.toString(), 'HELO one\r\n');
		assert.equal(reader.readline()?.toString(), 'second line\n');
		writer.write(Buffer.from(`${'x'.repeat(20_000)}\nlast`)); // more than one TLS record
		writer.close();
		assert.equal(text.readline()?.length, 20_001);
		a.settimeout(0.05);
		assert.equal(text.read(4), 'last');
		assert.throws(() => reader.read(1), {name: 'TimeoutError'});
		assert.throws(() => reader.read(1), {message: 'cannot read from timed out object'});
		reader.close();
		text.close();
	});
});

describe('ssl: closing', {skip: noOpenssl}, () => {
	test('close_notify: recv() returns empty; unwrap() on both ends leaves plain sockets that still talk', t => {
		const [client, server] = contexts(makeCerts());
		const [a, b] = tlsPair(t, client, server);
		handshake(a, b);
		const [plainA, plainB] = drive<Socket>([
			[a, () => a.unwrap()],
			[b, () => b.unwrap()],
		]);
		assert.ok(plainA !== undefined && plainB !== undefined);
		assert.equal(a.pending(), 0);
		plainA.setblocking(true);
		plainB.setblocking(true);
		plainA.sendall(Buffer.from('plain'));
		assert.equal(plainB.recv(10).toString(), 'plain');
	});

	test("a client that leaves before its hello: the server's first recv(), with no doHandshake(), returns empty", t => {
		// Python: the read runs the handshake, and its EOF is a ragged one (suppressRaggedEofs).
		const [client, server] = contexts(makeCerts());
		const [a, b] = tlsPair(t, client, server);
		a.close();
		const [got] = drive([[b, () => b.recv(10)]]);
		assert.equal(got?.length, 0);
	});

	test('peer closes after its close_notify: recv() returns empty', t => {
		const [client, server] = contexts(makeCerts());
		const [a, b] = tlsPair(t, client, server);
		handshake(a, b);
		assert.throws(() => b.unwrap(), SSLWantReadError); // sent close_notify, waits for ours
		b.close();
		const [got] = drive([[a, () => a.recv(10)]]);
		assert.equal(got?.length, 0);
	});

	for (const suppress of [true, false]) {
		test(`peer vanishes mid-record: ${suppress ? 'empty read (suppressRaggedEofs)' : 'SSLEOFError'}`, t => {
			const c = makeCerts();
			const [client, server] = contexts(c);
			const [raw, conn] = tcpPair(t);
			const a = client.wrapSocket(raw, {
				serverHostname: 'localhost',
				doHandshakeOnConnect: false,
				suppressRaggedEofs: suppress,
			});
			closing(t, a);
			// The server is an SSLObject over memory BIOs, pumped through the plain socket.
			const incoming = new MemoryBIO();
			const outgoing = new MemoryBIO();
			const obj = server.wrapBio(incoming, outgoing, true);
			const pump = (): void => {
				const out = outgoing.read();
				if (out.length > 0) {
					conn.sendall(out);
				}
			};

			drive<void>(
				[
					[a, () => a.doHandshake()],
					[
						conn,
						() => {
							for (;;) {
								try {
									obj.doHandshake();
									pump();
									return;
								} catch (error) {
									pump();
									if (!(error instanceof SSLWantReadError)) {
										throw error;
									}

									const data = conn.recv(65_536); // BlockingIOError is not a want: use the selector
									incoming.write(data);
								}
							}
						},
					],
				].map(([s, f]) => [
					s as Socket,
					() => {
						try {
							return (f as () => void)();
						} catch (error) {
							if ((error as {code?: string}).code === 'EAGAIN') {
								throw new SSLWantReadError();
							}

							throw error;
						}
					},
				]),
			);
			assert.equal(obj.version(), a.version());
			obj.write(randomFillSync(Buffer.alloc(5000)));
			const record = outgoing.read();
			conn.sendall(record.subarray(0, record.length >> 1)); // half a record, then gone
			conn.close();
			if (suppress) {
				assert.equal(drive([[a, () => a.recv(10_000)]])[0]?.length, 0);
			} else {
				assert.throws(
					() => drive([[a, () => a.recv(10_000)]]),
					(error: unknown) => error instanceof SSLEOFError && error.code === 'ERR_SSL_EOF',
				);
			}
		});
	}
});

describe('ssl: bad input', {skip: noOpenssl}, () => {
	test('wrong key password, no password for an encrypted key → SSLError; right password loads', () => {
		const c = makeCerts();
		const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
		assert.throws(
			() => ctx.loadCertChain(c.cert, c.encryptedKey, 'wrong'),
			(error: unknown) => error instanceof SSLError && error.code === 'ERR_SSL',
		);
		assert.throws(() => ctx.loadCertChain(c.cert, c.encryptedKey), SSLError);
		ctx.loadCertChain(c.cert, c.encryptedKey, () => 'secret');
	});

	test('a key that does not match the certificate → SSLError', () => {
		const c = makeCerts();
		const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
		assert.throws(() => ctx.loadCertChain(c.selfSignedCert, c.key), SSLError);
	});

	test('missing files → FileNotFoundError; cadata without a certificate → SSLError', () => {
		const c = makeCerts();
		const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
		assert.throws(() => ctx.loadCertChain(`${c.dir}/missing.pem`), FileNotFoundError);
		assert.throws(() => ctx.loadVerifyLocations(`${c.dir}/missing.pem`), FileNotFoundError);
		assert.throws(() => ctx.loadVerifyLocations(null, null, 'not a certificate'), SSLError);
		assert.throws(() => ctx.loadVerifyLocations(null, null, Buffer.from('nope')), SSLError);
		ctx.loadVerifyLocations(null, null, readFileSync(c.caCert, 'ascii'));
		ctx.loadVerifyLocations(null, null, new X509Certificate(readFileSync(c.caCert)).raw);
	});

	test('a plain-TCP peer answering the ClientHello with text → SSLError, then a clean close', t => {
		const client = new SSLContext(PROTOCOL_TLS_CLIENT);
		client.loadVerifyLocations(makeCerts().caCert);
		const [raw, conn] = tcpPair(t); // both non-blocking
		const a = client.wrapSocket(raw, {serverHostname: 'localhost', doHandshakeOnConnect: false});
		closing(t, a);
		assert.throws(() => a.doHandshake(), SSLWantReadError);
		conn.sendall(Buffer.from('HTTP/1.0 400 Bad Request\r\n\r\n'));
		assert.throws(
			() => drive([[a, () => a.doHandshake()]]),
			(error: unknown) =>
				error instanceof SSLError &&
				error.code === 'ERR_SSL' &&
				typeof error.reason === 'string' &&
				error.library === 'SSL',
		);
	});

	test('a blocking handshake with a timeout against a silent peer → TimeoutError', t => {
		const client = new SSLContext(PROTOCOL_TLS_CLIENT);
		const [raw] = tcpPair(t);
		raw.settimeout(0.05);
		assert.throws(
			() => client.wrapSocket(raw, {serverHostname: 'localhost'}),
			(error: unknown) =>
				(error as {name?: string}).name === 'TimeoutError' &&
				(error as Error).message === 'The handshake operation timed out',
		);
		assert.equal(raw.fileno(), -1, 'the socket was detached into the SSLSocket');
	});

	test('a side its context was not made for → SSLError (CPython), for SSLSocket and SSLObject', t => {
		const [client, server] = contexts(makeCerts());
		const [raw, conn] = tcpPair(t);
		assert.throws(() => client.wrapSocket(conn, {serverSide: true, doHandshakeOnConnect: false}), {
			name: 'SSLError',
			code: 'ERR_SSL',
			message: 'Cannot create a server socket with a PROTOCOL_TLS_CLIENT context',
		});
		assert.throws(() => server.wrapSocket(raw, {doHandshakeOnConnect: false}), {
			name: 'SSLError',
			message: 'Cannot create a client socket with a PROTOCOL_TLS_SERVER context',
		});
		assert.throws(() => client.wrapBio(new MemoryBIO(), new MemoryBIO(), true), {
			message: 'Cannot create a server socket with a PROTOCOL_TLS_CLIENT context',
		});
		assert.throws(() => server.wrapBio(new MemoryBIO(), new MemoryBIO(), false), {
			message: 'Cannot create a client socket with a PROTOCOL_TLS_SERVER context',
		});
	});

	test('doHandshakeOnConnect on a non-blocking socket → ValueError; SSLZeroReturnError is an SSLError', t => {
		const client = new SSLContext(PROTOCOL_TLS_CLIENT);
		const [raw] = tcpPair(t); // non-blocking
		assert.throws(() => client.wrapSocket(raw, {serverHostname: 'localhost'}), {
			code: 'ERR_SSL_HANDSHAKE_ON_CONNECT',
		});
		assert.ok(new SSLZeroReturnError() instanceof SSLError);
	});
});

describe('ssl: SSLObject over MemoryBIOs', {skip: noOpenssl}, () => {
	test('MemoryBIO: write, read(n), read(), pending, writeEof, eof; no write after writeEof', () => {
		const bio = new MemoryBIO();
		assert.equal(bio.write(Buffer.from('abcdef')), 6);
		assert.equal(bio.pending, 6);
		assert.equal(bio.read(2).toString(), 'ab');
		assert.equal(bio.read().toString(), 'cdef');
		assert.equal(bio.eof, false);
		bio.writeEof();
		assert.equal(bio.eof, true);
		assert.throws(() => bio.write(Buffer.from('x')), {name: 'ValueError'});
		assert.throws(() => bio.write('x' as unknown as Buffer), {name: 'TypeError'});
	});

	test('two SSLObjects: handshake, data both ways, pending, close_notify, then a ragged EOF → SSLEOFError', () => {
		const [client, server] = contexts(makeCerts());
		const link = (): [SSLObject, SSLObject, () => void, MemoryBIO] => {
			const [ci, co, si, so] = [new MemoryBIO(), new MemoryBIO(), new MemoryBIO(), new MemoryBIO()];
			const x = client.wrapBio(ci, co, false, 'localhost');
			const y = server.wrapBio(si, so, true);
			const pump = (): void => {
				si.write(co.read());
				ci.write(so.read());
			};

			for (let round = 0; round < 10 && !(done(x) && done(y)); round++) {
				for (const side of [x, y]) {
					try {
						side.doHandshake();
					} catch (error) {
						assert.ok(error instanceof SSLWantReadError, String(error));
					}

					pump();
				}
			}

			return [x, y, pump, si];
		};

		const done = (o: SSLObject): boolean => o.version() !== null;
		const [x, y, pump] = link();
		assert.equal(x.version(), y.version());
		assert.equal(x.getpeercert()?.subjectAltName?.[0]?.[1], 'localhost');
		assert.equal(x.write(Buffer.from('hello')), 5);
		pump();
		assert.equal(y.read(2).toString(), 'he');
		assert.equal(y.pending(), 3);
		assert.equal(y.read().toString(), 'llo');
		assert.throws(() => y.read(), SSLWantReadError);
		y.write(Buffer.from('back'));
		pump();
		assert.equal(x.read(10).toString(), 'back');
		assert.throws(() => x.unwrap(), SSLWantReadError, 'close_notify sent, the answer not yet in');
		pump();
		assert.equal(y.read().length, 0, 'close_notify reads as end of stream');
		y.unwrap();
		pump();
		x.unwrap();

		const [, z, , zIn] = link();
		zIn.writeEof(); // the transport ends without close_notify
		assert.throws(() => z.read(), SSLEOFError);
	});
});
