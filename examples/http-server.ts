#!/usr/bin/env node
// Run: npm run build && node dist/examples/http-server.js [PORT]   (then: curl -v http://127.0.0.1:8080/; stop with Ctrl-C)
// HTTPS: node dist/examples/http-server.js --tls CERT --tls-key KEY [PORT]   (curl --cacert CA https://127.0.0.1:8080/)
/**
 * A "Hello, World!" HTTP/1.1 server on a selector: every request gets
 * `200 OK` with the body `Hello, World!` (and `Content-Length: 13`), the
 * same bytes as the bench kit's C and Python anchors
 * (`../shared/bench/servers/http-epoll.c`), plus a `Connection` field where
 * HTTP needs one.
 *
 * - keep-alive (HTTP/1.1 by default, HTTP/1.0 with `Connection:
 *   keep-alive`), `Connection: close`;
 * - pipelined requests: all requests that arrive in one read are answered
 *   with one send(), in order;
 * - requests split across reads at any byte; bodies (`Content-Length` or
 *   `chunked`) are skipped as they arrive, never stored;
 * - malformed requests get 400 (414, 431, 501, 505: see http-parser.ts),
 *   then the connection closes; `HEAD` gets the headers only;
 *   `Expect: 100-continue` gets `100 Continue`;
 * - output the kernel does not take at once is kept and the connection
 *   waits for EVENT_WRITE until it has drained; past {@link HIGH_WATER}
 *   bytes it stops reading until the client reads its responses;
 * - closing is graceful: once the last response is sent, the server shuts
 *   down its sending side and reads (discarding) until the client closes, so
 *   that unread request bytes do not turn into a reset that destroys the
 *   response (RFC 9112 §9.6);
 * - `TCP_NODELAY` on accepted sockets; SIGINT/SIGTERM close every socket
 *   and the selector and exit 0; `--workers N` serves with N worker threads
 *   (common.ts);
 * - nothing is printed per connection unless `--verbose`;
 * - `--tls CERT [--tls-key KEY]` serves HTTPS (node-selectors/ssl): each
 *   connection is wrapped with a non-blocking handshake driven by the
 *   selector (SSLWantReadError/SSLWantWriteError say which event to wait
 *   for), reads drain `pending()`, a send that wants to wait is queued and
 *   retried with the same bytes, and closing sends close_notify before the
 *   TCP FIN.
 *
 * There are no timeouts: an idle client keeps its connection until it
 * closes it or the server stops.
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {EVENT_READ, EVENT_WRITE} from '../src/index.js';
import {OSError, SHUT_WR, type Socket, type SocketAddress} from '../src/socket/index.js';
import {
	acceptConnection,
	type Callback,
	formatAddress,
	registerConnection,
	runServer,
	type ServerContext,
	type SSLSocket,
	TLS_SERVER_OPTIONS,
	tlsServerContext,
	wouldBlock,
} from './common.js';
import {MAX_HEAD, PARSE_CONTINUE, PARSE_ERROR, PARSE_MESSAGE, RequestParser} from './http-parser.js';

/** Bytes read per recv(). */
const READ_SIZE = 65_536;

/** Unsent output (bytes) beyond which a connection stops reading until the client catches up. */
export const HIGH_WATER = 1 << 20;

/** Bytes a closing connection discards from its client before it gives up waiting for EOF. */
const LINGER_LIMIT = 1 << 20;

const BODY = 'Hello, World!';

/** A complete response; `head` leaves out the body (for HEAD requests). */
function response(status: string, fields: string, body: string, head = false): Buffer {
	return Buffer.from(
		`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n` +
			`${fields}\r\n${head ? '' : body}`,
		'latin1',
	);
}

// The responses, built once. The first is byte for byte the anchors' response.
const OK = response('200 OK', '', BODY);
const OK_KEEP_ALIVE = response('200 OK', 'Connection: keep-alive\r\n', BODY); // HTTP/1.0 keep-alive
const OK_CLOSE = response('200 OK', 'Connection: close\r\n', BODY);
const OK_HEAD = response('200 OK', '', BODY, true);
const OK_HEAD_KEEP_ALIVE = response('200 OK', 'Connection: keep-alive\r\n', BODY, true);
const OK_HEAD_CLOSE = response('200 OK', 'Connection: close\r\n', BODY, true);
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
const ERROR_TEXTS: ReadonlyArray<readonly [number, string]> = [
	[400, 'Bad Request'],
	[414, 'URI Too Long'],
	[431, 'Request Header Fields Too Large'],
	[501, 'Not Implemented'],
	[505, 'HTTP Version Not Supported'],
];
/** The error responses by status (every status the parser reports), each closing the connection. */
const ERRORS = new Map<number, Buffer>(
	ERROR_TEXTS.map(([code, text]) => [
		code,
		response(`${code} ${text}`, 'Connection: close\r\n', `${text}\n`),
	]),
);

/** The 200 response for the request the parser has just finished. */
function okResponse(parser: RequestParser): Buffer {
	if (!parser.keepAlive) {
		return parser.isHead ? OK_HEAD_CLOSE : OK_CLOSE;
	}

	if (parser.minor === 0) {
		return parser.isHead ? OK_HEAD_KEEP_ALIVE : OK_KEEP_ALIVE;
	}

	return parser.isHead ? OK_HEAD : OK;
}

// A connection's life: OPEN (reading requests) → CLOSING (no more requests; flushing what is queued)
// → LINGERING (sending side shut down; discarding input until EOF) → CLOSED. After the client's end
// of stream, CLOSING goes straight to CLOSED once drained.
const OPEN = 0;
const CLOSING = 1;
const LINGERING = 2;
const CLOSED = 3;

/** One client connection. */
class Connection {
	readonly sock: Socket;
	readonly name: string;
	readonly parser = new RequestParser();
	state = OPEN;
	/** The events its key waits for now. */
	events = EVENT_READ;
	/** An unfinished request head, `kept[0, keptLength)` (at most MAX_HEAD bytes). */
	kept: Buffer | undefined;
	keptLength = 0;
	/** Output the kernel has not taken yet: `out[outStart, outEnd)`. */
	out: Buffer | undefined;
	outStart = 0;
	outEnd = 0;
	/** LINGERING: bytes discarded so far. */
	discarded = 0;
	/** Whether the client has shut down its sending side (recv returned 0). */
	eof = false;
	/** The SSLSocket while its TLS handshake runs (--tls), else null. */
	handshaking: SSLSocket | null = null;
	/** The key's data: calls ready() for this connection. */
	readonly callback: Callback;

	constructor(sock: Socket, name: string, ready: (c: Connection, mask: number) => void) {
		this.sock = sock;
		this.name = name;
		this.callback = (_sock, mask) => {
			ready(this, mask);
		};
	}
}

function describe(address: SocketAddress): string {
	return typeof address === 'string' ? address : formatAddress(address[0], address[1]);
}

function setup({selector: sel, listener, args, log}: ServerContext): void {
	const tls = tlsServerContext(args.values, ['http/1.1']);
	// One receive buffer per selector (per thread): a kept head goes in front of the new bytes.
	const input = Buffer.allocUnsafe(MAX_HEAD + READ_SIZE);
	// Responses of one read are gathered here and sent with one send().
	let staged = Buffer.allocUnsafe(64 * 1024);
	let stagedLength = 0;

	function stage(data: Buffer): void {
		if (stagedLength + data.length > staged.length) {
			const bigger = Buffer.allocUnsafe(Math.max(staged.length * 2, stagedLength + data.length));
			staged.copy(bigger, 0, 0, stagedLength);
			staged = bigger;
		}

		data.copy(staged, stagedLength);
		stagedLength += data.length;
	}

	function accept(sock: Socket): void {
		// Take every pending connection (the bench opens hundreds at once), up to a bound per wake-up.
		for (let i = 0; i < 64; i++) {
			// Non-blocking, TCP_NODELAY set; null: nothing to accept (see acceptConnection).
			const accepted = acceptConnection(sock);
			if (accepted === null) {
				return;
			}

			const [plain, address] = accepted;
			let conn: Socket = plain;
			let handshaking: SSLSocket | null = null;
			if (tls !== undefined) {
				try {
					handshaking = tls.wrapSocket(plain, {serverSide: true, doHandshakeOnConnect: false});
				} catch (error) {
					plain.close(); // ENOTCONN: the client already left
					if (!(error instanceof OSError)) {
						throw error;
					}

					continue;
				}

				conn = handshaking;
			}

			const c = new Connection(conn, args.verbose ? describe(address) : '', ready);
			c.handshaking = handshaking;
			if (args.verbose) {
				log(`${c.name} connected`);
			}

			// The handshake starts when the ClientHello arrives (EVENT_READ).
			registerConnection(sel, conn, EVENT_READ, c.callback); // or turned away: see registerConnection
		}
	}

	function ready(c: Connection, mask: number): void {
		// KqueueSelector reports reading and writing as two entries of one batch
		// (one kevent per filter): the first may have closed the connection.
		if (c.state === CLOSED) {
			return;
		}

		if (c.handshaking !== null) {
			handshake(c, c.handshaking);
			return;
		}

		if ((mask & EVENT_WRITE) !== 0) {
			flush(c);
		}

		if ((mask & EVENT_READ) !== 0 && c.state !== CLOSED) {
			if (c.state === LINGERING) {
				linger(c);
			} else if (c.state === OPEN) {
				read(c);
			}
		}
	}

	/** One handshake step; the events to wait for come from SSLWant*; done: the request may already be here. */
	function handshake(c: Connection, s: SSLSocket): void {
		try {
			s.doHandshake();
		} catch (error) {
			const code = (error as {code?: unknown} | null)?.code;
			if (code === 'ERR_SSL_WANT_READ' || code === 'ERR_SSL_WANT_WRITE') {
				const events = code === 'ERR_SSL_WANT_READ' ? EVENT_READ : EVENT_WRITE;
				if (events !== c.events) {
					c.events = events;
					sel.modify(c.sock, events, c.callback);
				}
			} else {
				close(c, error); // a failed handshake (bad client, plain HTTP on the TLS port …)
			}

			return;
		}

		c.handshaking = null;
		read(c);
	}

	function read(c: Connection): void {
		const kept = c.keptLength;
		if (kept > 0) {
			c.kept!.copy(input, 0, 0, kept);
		}

		let n: number;
		try {
			n =
				kept === 0
					? c.sock.recvInto(input, READ_SIZE)
					: c.sock.recvInto(input.subarray(kept), READ_SIZE);
		} catch (error) {
			if (!wouldBlock(error)) {
				close(c, error); // ECONNRESET …
			} else if (c.events !== EVENT_READ && c.outEnd === c.outStart) {
				update(c); // after the handshake: back to waiting for requests
			}

			return; // BlockingIOError or SSLWant*: a spurious wake-up
		}

		if (n === 0) {
			// The client shut down its side: finish sending what is queued, then close.
			c.eof = true;
			c.state = CLOSING;
			update(c);
			return;
		}

		const end = kept + n;
		const {parser} = c;
		let pos = 0;
		stagedLength = 0;
		for (;;) {
			const r = parser.parse(input, pos, end);
			if (r === PARSE_MESSAGE) {
				stage(okResponse(parser));
				pos = parser.next;
				if (!parser.keepAlive) {
					c.state = CLOSING;
					break;
				}
			} else if (r === PARSE_CONTINUE) {
				if (parser.minor === 1) {
					stage(CONTINUE); // never to an HTTP/1.0 client (RFC 9110 §15.2.1)
				}

				pos = parser.next;
			} else if (r === PARSE_ERROR) {
				if (args.verbose) {
					log(`${c.name} ${parser.status} ${parser.reason}`);
				}

				stage(ERRORS.get(parser.status)!);
				c.state = CLOSING;
				break;
			} else {
				// PARSE_NEED_MORE: keep the unfinished head, if any, for the next read.
				pos = parser.next;
				const left = end - pos;
				if (left > 0) {
					c.kept ??= Buffer.allocUnsafe(MAX_HEAD);
					input.copy(c.kept, 0, pos, end);
				}

				c.keptLength = left;
				break;
			}
		}

		if (stagedLength > 0) {
			send(c, staged, stagedLength);
		} else {
			update(c);
		}

		// TLS: decrypted bytes left inside OpenSSL are invisible to the selector.
		if (tls !== undefined && c.state === OPEN && (c.sock as SSLSocket).pending() > 0) {
			read(c);
		}
	}

	/** Sends `data[0, length)` after any queued output; queues what the kernel does not take. */
	function send(c: Connection, data: Buffer, length: number): void {
		let sent = 0;
		if (c.outEnd === c.outStart) {
			try {
				sent = c.sock.send(length === data.length ? data : data.subarray(0, length));
			} catch (error) {
				if (!wouldBlock(error)) {
					close(c, error);
					return;
				}
			}
		}

		if (sent < length) {
			queue(c, data, sent, length);
		}

		update(c);
	}

	/** Appends `data[start, end)` to the connection's unsent output. */
	function queue(c: Connection, data: Buffer, start: number, end: number): void {
		const n = end - start;
		let out = c.out;
		if (out === undefined || c.outEnd + n > out.length) {
			const pending = c.outEnd - c.outStart;
			if (out === undefined || pending + n > out.length) {
				const bigger = Buffer.allocUnsafe(Math.max(64 * 1024, 2 * (pending + n)));
				out?.copy(bigger, 0, c.outStart, c.outEnd);
				out = bigger;
				c.out = bigger;
			} else {
				out.copy(out, 0, c.outStart, c.outEnd);
			}

			c.outStart = 0;
			c.outEnd = pending;
		}

		data.copy(out, c.outEnd, start, end);
		c.outEnd += n;
	}

	/** EVENT_WRITE: sends queued output. */
	function flush(c: Connection): void {
		const out = c.out;
		if (out !== undefined && c.outEnd > c.outStart) {
			let sent: number;
			try {
				sent = c.sock.send(out.subarray(c.outStart, c.outEnd));
			} catch (error) {
				if (!wouldBlock(error)) {
					close(c, error);
				}

				return;
			}

			c.outStart += sent;
			if (c.outStart === c.outEnd) {
				c.outStart = 0;
				c.outEnd = 0;
				if (out.length > 256 * 1024) {
					c.out = undefined; // do not keep a burst's buffer for the connection's lifetime
				}
			}
		}

		update(c);
	}

	/** After a read or write: moves on from CLOSING once drained, and sets the events the key waits for. */
	function update(c: Connection): void {
		if (c.state === CLOSED) {
			return;
		}

		const pending = c.outEnd - c.outStart;
		if (pending === 0 && c.state === CLOSING) {
			if (c.eof) {
				close(c);
				return;
			}

			// Everything is sent: send FIN, then read until the client's (RFC 9112 §9.6).
			try {
				if (tls !== undefined) {
					closeNotify(c.sock as SSLSocket);
				}

				c.sock.shutdown(SHUT_WR);
			} catch (error) {
				close(c, error);
				return;
			}

			c.state = LINGERING;
		}

		let events: number;
		if (pending > 0) {
			events = c.state === OPEN && pending < HIGH_WATER ? EVENT_READ | EVENT_WRITE : EVENT_WRITE;
		} else {
			events = EVENT_READ;
		}

		if (events !== c.events) {
			c.events = events;
			sel.modify(c.sock, events, c.callback);
		}
	}

	/** LINGERING: reads and discards until end of stream. */
	function linger(c: Connection): void {
		let n: number;
		try {
			n = c.sock.recvInto(input, READ_SIZE);
		} catch (error) {
			if (!wouldBlock(error)) {
				close(c, error);
			}

			return;
		}

		c.discarded += n;
		if (n === 0 || c.discarded > LINGER_LIMIT) {
			close(c);
		}
	}

	function close(c: Connection, error?: unknown): void {
		if (error !== undefined && !(error instanceof OSError)) {
			// eslint-disable-next-line @typescript-eslint/only-throw-error -- a caught value, rethrown as it is
			throw error; // a bug, not a connection failure
		}

		if (args.verbose) {
			log(`${c.name} closed${error === undefined ? '' : ` (${error.code})`}`);
		}

		c.state = CLOSED;
		sel.unregister(c.sock);
		c.sock.close();
	}

	sel.register(listener, EVENT_READ, accept);
}

/**
 * TLS's closing handshake, as far as it goes without waiting: close_notify
 * is sent; the client's is not awaited (the TCP FIN follows, then lingering
 * reads the rest as plain bytes).
 */
function closeNotify(s: SSLSocket): void {
	try {
		s.unwrap();
	} catch (error) {
		if (!wouldBlock(error)) {
			throw error;
		}
	}
}

runServer({
	spec: {
		name: 'selectors-http-server',
		summary:
			'Answers every HTTP/1.1 request with "Hello, World!" (keep-alive, pipelining), on this library.',
		options: TLS_SERVER_OPTIONS,
		optionsUsage: [
			'  --tls CERT           serve HTTPS with this PEM certificate chain (node-selectors/ssl)',
			'  --tls-key KEY        its PEM private key (default: in CERT)',
		],
	},
	entry: import.meta.url,
	setup,
});
