#!/usr/bin/env node
// Run: npm run build && node dist/examples/echo-server.js [PORT]   (or: npm start; stop with Ctrl-C)
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
 * @module
 */
import {Buffer} from 'node:buffer';
import {EVENT_READ, EVENT_WRITE} from '../src/index.js';
import {BlockingIOError, OSError, type Socket} from '../src/socket/index.js';
import {acceptConnection, formatSocketAddress, registerConnection, runServer, type ServerContext} from './common.js';

/** Bytes read per recv. */
const BUFSIZE = 65_536;

function setup({selector: sel, listener, log}: ServerContext): void {
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
		registerConnection(sel, conn, EVENT_READ, read); // or turned away: see registerConnection
	}

	function read(conn: Socket): void {
		let n: number;
		try {
			n = conn.recvInto(buffer);
		} catch (error) {
			if (error instanceof BlockingIOError) {
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
			if (!(error instanceof BlockingIOError)) {
				close(conn, error);
				return;
			}

			sent = 0;
		}

		if (sent < n) {
			// The kernel took only part: keep the rest (a copy: `buffer` is reused) and wait until writable.
			pending.set(conn, Buffer.from(data.subarray(sent)));
			sel.modify(conn, EVENT_WRITE, flush);
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
			if (error instanceof BlockingIOError) {
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
		}
	}

	function close(conn: Socket, error?: unknown): void {
		if (error !== undefined && !(error instanceof OSError)) {
			throw error; // a bug, not a connection failure
		}

		log(`closing fd=${conn.fileno()}${error === undefined ? '' : ` (${(error as OSError).code})`}`);
		pending.delete(conn);
		sel.unregister(conn);
		conn.close();
	}

	sel.register(listener, EVENT_READ, accept);
}

runServer({
	spec: {
		name: 'selectors-echo-server',
		summary: 'Echoes every byte back: the echo server of Python\'s selectors docs, on this library.',
	},
	entry: import.meta.url,
	setup,
});
