#!/usr/bin/env node
// Run: npm run build && node dist/examples/echo-server.js [PORT]   (or: npm start; stop with Ctrl-C)
// TLS: node dist/examples/echo-server.js --tls CERT --tls-key KEY [PORT]   (then: echo-client --tls CA)
/**
 * The echo server from Python's `selectors` documentation, in callback
 * style: the listening socket's key carries `accept`, each connection's key
 * carries `read`, and the loop calls `key.data(key.fileobj, mask)`.
 *
 * Done properly where the docs' version cuts corners:
 *
 * - output the kernel does not take at once is kept, and the connection is
 *   switched (`modify()`) to EVENT_WRITE with the `flush` callback until it
 *   has drained; it is not read meanwhile, so a client that does not read
 *   cannot make the server buffer without bound;
 * - end of stream and connection errors (ECONNRESET, EPIPE) close and
 *   unregister the connection, and never stop the server;
 * - `TCP_NODELAY` on accepted sockets;
 * - SIGINT/SIGTERM close every socket and the selector and exit 0 (common.ts);
 * - nothing is printed per connection unless `--verbose`.
 *
 * `--workers N` serves with N worker threads, one selector each.
 *
 * `--tls CERT [--tls-key KEY]` echoes over TLS (node-selectors/ssl): each
 * connection is wrapped with a non-blocking handshake driven by the
 * selector (SSLWantReadError/SSLWantWriteError say which event to wait
 * for); a read drains `pending()` (decrypted bytes OpenSSL holds are
 * invisible to the selector); a send that wants to wait keeps its bytes and
 * retries them when writable.
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {EVENT_READ, EVENT_WRITE} from '../src/index.js';
import {OSError, type Socket} from '../src/socket/index.js';
import {
	acceptConnection,
	formatSocketAddress,
	registerConnection,
	runServer,
	type ServerContext,
	type SSLContext,
	type SSLSocket,
	TLS_SERVER_OPTIONS,
	TLS_SERVER_USAGE,
	tlsServerContext,
	tlsWants,
	wouldBlock,
} from './common.js';

/** Bytes read per recv. */
const BUFSIZE = 65_536;

function setup({selector: sel, listener, args, log}: ServerContext): void {
	const tls = tlsServerContext(args.values);
	const buffer = Buffer.allocUnsafe(BUFSIZE);
	/** Output the kernel has not taken yet, per connection (only while its key waits for EVENT_WRITE). */
	const pending = new Map<Socket, Buffer>();

	function accept(sock: Socket): void {
		// Non-blocking, TCP_NODELAY set; null: nothing to accept (see acceptConnection).
		const accepted = acceptConnection(sock);
		if (accepted === null) {
			return;
		}

		const [conn, addr] = accepted;
		log(`accepted ${formatSocketAddress(addr)} fd=${conn.fileno()}`);
		if (tls !== undefined) {
			startTls(tls, conn);
			return;
		}

		registerConnection(sel, conn, EVENT_READ, read); // or turned away: see registerConnection
	}

	/** --tls: wraps the accepted connection; its handshake starts when the ClientHello arrives (EVENT_READ). */
	function startTls(tls: SSLContext, plain: Socket): void {
		let conn: SSLSocket;
		try {
			conn = tls.wrapSocket(plain, {serverSide: true, doHandshakeOnConnect: false});
		} catch (error) {
			plain.close(); // ENOTCONN: the client already left
			if (!(error instanceof OSError)) {
				throw error;
			}

			return;
		}

		registerConnection(sel, conn, EVENT_READ, handshake); // or turned away: see registerConnection
	}

	/** --tls: one handshake step; the event to wait for comes from SSLWant*; done: echo. */
	function handshake(conn: Socket): void {
		try {
			(conn as SSLSocket).doHandshake();
		} catch (error) {
			const events = tlsWants(error);
			if (events !== 0) {
				sel.modify(conn, events, handshake);
			} else {
				close(conn, error); // a failed handshake (bad client, plain TCP on the TLS port …)
			}

			return;
		}

		sel.modify(conn, EVENT_READ, read);
		read(conn); // the first bytes may have come with the handshake's last flight
	}

	function read(conn: Socket): void {
		let n: number;
		try {
			n = conn.recvInto(buffer);
		} catch (error) {
			if (wouldBlock(error)) {
				return; // a spurious wake-up
			}

			close(conn, error);
			return;
		}

		if (n === 0) {
			close(conn); // the client shut down or closed
			return;
		}

		const data = buffer.subarray(0, n);
		let sent: number;
		try {
			sent = conn.send(data);
		} catch (error) {
			if (!wouldBlock(error)) {
				close(conn, error);
				return;
			}

			sent = 0;
		}

		if (sent < n) {
			// The kernel took only part: keep the rest (a copy: `buffer` is reused) and wait until writable.
			// TLS: a send that wants to wait is retried with the same bytes.
			pending.set(conn, Buffer.from(data.subarray(sent)));
			sel.modify(conn, EVENT_WRITE, flush);
			return;
		}

		drainPending(conn);
	}

	/** TLS: decrypted bytes already inside OpenSSL wake no selector; echo them now. */
	function drainPending(conn: Socket): void {
		if (tls !== undefined && conn.fileno() >= 0 && (conn as SSLSocket).pending() > 0) {
			read(conn);
		}
	}

	function flush(conn: Socket): void {
		const data = pending.get(conn);
		if (data === undefined) {
			sel.modify(conn, EVENT_READ, read);
			return;
		}

		let sent: number;
		try {
			sent = conn.send(data);
		} catch (error) {
			if (wouldBlock(error)) {
				return;
			}

			close(conn, error);
			return;
		}

		if (sent < data.length) {
			pending.set(conn, data.subarray(sent));
		} else {
			pending.delete(conn);
			sel.modify(conn, EVENT_READ, read); // drained: read again
			drainPending(conn);
		}
	}

	function close(conn: Socket, error?: unknown): void {
		if (error !== undefined && !(error instanceof OSError)) {
			// eslint-disable-next-line @typescript-eslint/only-throw-error -- a caught value, rethrown as it is
			throw error; // a bug, not a connection failure
		}

		log(`closing fd=${conn.fileno()}${error === undefined ? '' : ` (${error.code})`}`);
		pending.delete(conn);
		sel.unregister(conn);
		conn.close();
	}

	sel.register(listener, EVENT_READ, accept);
}

runServer({
	spec: {
		name: 'selectors-echo-server',
		summary: "Echoes every byte back: the echo server of Python's selectors docs, on this library.",
		options: TLS_SERVER_OPTIONS,
		optionsUsage: [...TLS_SERVER_USAGE],
	},
	entry: import.meta.url,
	setup,
});
