#!/usr/bin/env node
// Run: npm run build && node dist/examples/echo-server-rw.js [PORT]   (stop with Ctrl-C)
/**
 * The other echo server pattern of the Python tutorials: a connection is
 * registered for EVENT_READ; after a read it is switched to EVENT_WRITE with
 * `modify()` (one system call, not unregister + register), and back to
 * EVENT_READ with `modify()` once the whole reply has been sent. Each key's
 * data is the callback for the event it waits for (`read` or `write`).
 *
 * Compared with echo-server, every round trip costs two `modify()` calls
 * and one more `select()` wake-up (the write waits for the next EVENT_WRITE
 * instead of trying at once): the price of the pattern, visible in the
 * benchmarks.
 *
 * Same options and behaviour as echo-server: TCP_NODELAY, EOF/ECONNRESET
 * close and unregister, SIGINT/SIGTERM close everything and exit 0,
 * `--workers N`, `--verbose`.
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {EVENT_READ, EVENT_WRITE} from '../src/index.js';
import {BlockingIOError, OSError, type Socket} from '../src/socket/index.js';
import {
	acceptConnection,
	formatSocketAddress,
	registerConnection,
	runServer,
	type ServerContext,
} from './common.js';

/** Bytes read per recv. */
const BUFSIZE = 65_536;

function setup({selector: sel, listener, log}: ServerContext): void {
	const buffer = Buffer.allocUnsafe(BUFSIZE);
	/** The reply still to send, per connection (while its key waits for EVENT_WRITE). */
	const replies = new Map<Socket, Buffer>();

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
			close(conn);
			return;
		}

		replies.set(conn, Buffer.from(buffer.subarray(0, n))); // a copy: `buffer` is reused
		sel.modify(conn, EVENT_WRITE, write);
	}

	function write(conn: Socket): void {
		const reply = replies.get(conn);
		if (reply === undefined) {
			sel.modify(conn, EVENT_READ, read);
			return;
		}

		let sent: number;
		try {
			sent = conn.send(reply);
		} catch (error) {
			if (error instanceof BlockingIOError) {
				return;
			}

			close(conn, error);
			return;
		}

		if (sent < reply.length) {
			replies.set(conn, reply.subarray(sent)); // the rest at the next EVENT_WRITE
		} else {
			replies.delete(conn);
			sel.modify(conn, EVENT_READ, read);
		}
	}

	function close(conn: Socket, error?: unknown): void {
		if (error !== undefined && !(error instanceof OSError)) {
			// eslint-disable-next-line @typescript-eslint/only-throw-error -- a caught value, rethrown as it is
			throw error; // a bug, not a connection failure
		}

		log(`closing fd=${conn.fileno()}${error === undefined ? '' : ` (${error.code})`}`);
		replies.delete(conn);
		sel.unregister(conn);
		conn.close();
	}

	sel.register(listener, EVENT_READ, accept);
}

runServer({
	spec: {
		name: 'selectors-echo-server-rw',
		summary:
			'Echoes every byte back, switching each connection between EVENT_READ and EVENT_WRITE with modify().',
	},
	entry: import.meta.url,
	setup,
});
