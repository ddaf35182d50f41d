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
/**
 * A reply up to this size is copied out of the read buffer; a longer one
 * takes the read buffer itself, and the next read gets a spare one. The
 * buffer comes back as a spare once its reply has been sent. Python's
 * `recv(65536)` returns a new bytes object per message, which reference
 * counting frees at once; here a new 64 KiB buffer per message (or a copy
 * of each into a new one) is external memory that V8 reclaims with major
 * garbage collections, which cost this server more CPU per 64 KiB round
 * trip than Python's whole loop (BENCHMARKS.md).
 */
const COPY_LIMIT = 4096;
/** Spare read buffers kept at most (more are left to the garbage collector). */
const MAX_SPARES = 64;

function setup({selector: sel, listener, log}: ServerContext): void {
	let buffer: Buffer = Buffer.allocUnsafe(BUFSIZE);
	const spares: Buffer[] = [];
	/** The read buffer a connection's pending reply took (see COPY_LIMIT). */
	const taken = new Map<Socket, Buffer>();
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

		// The reply outlives this call, and `buffer` is read into again: a short reply is copied, a long one keeps it.
		if (n <= COPY_LIMIT) {
			replies.set(conn, Buffer.from(buffer.subarray(0, n)));
		} else {
			replies.set(conn, buffer.subarray(0, n));
			taken.set(conn, buffer);
			buffer = spares.pop() ?? Buffer.allocUnsafe(BUFSIZE);
		}

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
			const spare = taken.get(conn);
			if (spare !== undefined) {
				taken.delete(conn);
				if (spares.length < MAX_SPARES) {
					spares.push(spare);
				}
			}

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
		taken.delete(conn);
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
