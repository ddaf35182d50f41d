#!/usr/bin/env node
// Run: npm run build && node dist/examples/echo-client.js --connections 10 --messages 1000 [PORT]
//      (against a running echo server, e.g. `npm start`; or all in one: npm run demo)
// TLS: node dist/examples/echo-client.js --tls CA [PORT]   (against echo-server --tls CERT --tls-key KEY)
/**
 * The tutorials' echo client, done without threads: one selector drives
 * `--connections` non-blocking connections. Each sends `--messages`
 * messages of `--size` bytes, one at a time (the next when the previous one
 * has come back whole), or keeps going for `--duration` seconds, and checks
 * every echoed byte. Sending and reading overlap, so a message larger than
 * the socket buffers does not deadlock against a server that waits for its
 * output to drain.
 *
 * Message `m` of connection `c` is the byte pattern `i % 251` starting at
 * `(c * 131 + m) % 251`: consecutive messages and different connections
 * carry different bytes, so lost, duplicated, reordered or crossed data is
 * caught, not only corrupted bytes.
 *
 * Prints one summary line: `round_trips=… errors=… seconds=… rps=…
 * p50_us=… p99_us=…` (latency: first byte sent to last byte back). The
 * exit status is 1 if anything went wrong (refused or reset connection,
 * early EOF, a wrong or extra byte, no progress for `--timeout` seconds),
 * 2 for a usage error, else 0.
 *
 * `--tls CA` speaks TLS (node-selectors/ssl), verifying the server's
 * certificate against the PEM CA file and the host name (`--host`): each
 * connection runs a non-blocking handshake driven by the selector
 * (SSLWantReadError/SSLWantWriteError say which event to wait for), then
 * the same round trips; reads drain `pending()`.
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {constants as osConstants} from 'node:os';
import {performance} from 'node:perf_hooks';
import {EVENT_READ, EVENT_WRITE, ValueError} from '../src/index.js';
import {
	IPPROTO_TCP,
	OSError,
	SO_ERROR,
	SOCK_STREAM,
	Socket,
	SOL_SOCKET,
	TCP_NODELAY,
} from '../src/socket/index.js';
import {
	type CliSpec,
	familyOf,
	formatAddress,
	intOption,
	numberOption,
	parseCli,
	selectorClass,
	type SSLSocket,
	tlsClientContext,
	tlsWants,
	usageError,
	wouldBlock,
	writeLine,
} from './common.js';

const {EINPROGRESS} = osConstants.errno;

const spec: CliSpec = {
	name: 'selectors-echo-client',
	summary:
		'Drives many connections to an echo server from one selector, verifies every byte, prints a summary.',
	options: {
		connections: {type: 'string'},
		messages: {type: 'string'},
		size: {type: 'string'},
		duration: {type: 'string'},
		timeout: {type: 'string'},
		tls: {type: 'string'},
	},
	optionsUsage: [
		'  --connections N      concurrent connections (default 10)',
		'  --messages N         messages per connection, one round trip each (default 1000)',
		'  --size BYTES         bytes per message (default 64)',
		'  --duration SECONDS   keep sending for this long instead of --messages',
		'  --timeout SECONDS    give up when nothing moves for this long (default 10)',
		'  --tls CA             speak TLS, verifying the server against this PEM CA file and --host',
	],
	verboseUsage: 'one line per failed connection',
	client: true,
};

const args = parseCli(process.argv.slice(2), spec);
const {values} = args;
const connections = intOption(spec, 'connections', values['connections'], 10, 1, 100_000);
const size = intOption(spec, 'size', values['size'], 64, 1, 1 << 30);
const duration = numberOption(spec, 'duration', values['duration'], 0, true);
if (duration > 0 && values['messages'] !== undefined) {
	usageError(spec, 'give --messages or --duration, not both');
}

const messages =
	duration > 0 ? Number.POSITIVE_INFINITY : intOption(spec, 'messages', values['messages'], 1000, 1);
const timeoutMs = numberOption(spec, 'timeout', values['timeout'], 10, true) * 1000;

const tls = tlsClientContext(values);

/** One connection's state: the key's data. */
interface Conn {
	readonly id: number;
	/** The plain socket, then (--tls) its SSLSocket once connected. */
	sock: Socket;
	connected: boolean;
	/** --tls: whether the handshake is still running. */
	handshaking: boolean;
	/** Index of the message in flight. */
	message: number;
	/** Where the message in flight starts in `pattern`. */
	offset: number;
	/** Bytes of the message in flight sent / received back. */
	sent: number;
	received: number;
	/** performance.now() when the message in flight was first sent. */
	started: number;
	/** The events the key waits for now. */
	events: number;
}

/** `pattern[i] = i % 251`, long enough for any message at any offset. */
const pattern = Buffer.allocUnsafe(size + 251);
for (let i = 0; i < pattern.length; i++) {
	pattern[i] = i % 251;
}

const rbuf = Buffer.allocUnsafe(Math.min(Math.max(size, 4096), 1 << 20));
const latencies: number[] = [];
const Selector = selectorClass(args.backend);
const sel = new Selector<Conn>();
let active = 0;
let roundTrips = 0;
let errors = 0;
let bytesOk = 0;
const errorCounts = new Map<string, number>();

function fail(conn: Conn, what: string): void {
	errors++;
	errorCounts.set(what, (errorCounts.get(what) ?? 0) + 1);
	if (args.verbose) {
		writeLine(
			`connection ${conn.id}: ${what} (message ${conn.message}, ${conn.received}/${size} bytes back)`,
		);
	}

	finish(conn);
}

function finish(conn: Conn): void {
	sel.unregister(conn.sock);
	conn.sock.close();
	active--;
}

function want(conn: Conn, events: number): void {
	if (conn.events !== events) {
		conn.events = events;
		sel.modify(conn.sock, events, conn);
	}
}

function startMessage(conn: Conn, now: number): void {
	conn.offset = (conn.id * 131 + conn.message) % 251;
	conn.sent = 0;
	conn.received = 0;
	conn.started = now;
	send(conn);
}

function send(conn: Conn): void {
	try {
		conn.sent += conn.sock.send(pattern.subarray(conn.offset + conn.sent, conn.offset + size));
	} catch (error) {
		if (!wouldBlock(error)) {
			fail(conn, error instanceof OSError ? `send: ${error.code}` : String(error));
			return;
		}
	}

	want(conn, conn.sent < size ? EVENT_READ | EVENT_WRITE : EVENT_READ);
}

function receive(conn: Conn, deadline: number): void {
	let n: number;
	try {
		n = conn.sock.recvInto(rbuf);
	} catch (error) {
		if (!wouldBlock(error)) {
			fail(conn, error instanceof OSError ? `recv: ${error.code}` : String(error));
		}

		return;
	}

	if (n === 0) {
		fail(conn, 'unexpected EOF');
		return;
	}

	if (conn.received + n > conn.sent) {
		fail(conn, 'more bytes back than sent');
		return;
	}

	const start = conn.offset + conn.received;
	if (rbuf.compare(pattern, start, start + n, 0, n) !== 0) {
		fail(conn, 'wrong bytes echoed');
		return;
	}

	conn.received += n;
	bytesOk += n;
	if (conn.received < size) {
		return;
	}

	const now = performance.now();
	latencies.push(now - conn.started);
	roundTrips++;
	conn.message++;
	if (conn.message >= messages || now >= deadline) {
		finish(conn);
	} else {
		startMessage(conn, now);
	}
}

function connected(conn: Conn, now: number): void {
	const soError = conn.sock.getsockopt(SOL_SOCKET, SO_ERROR);
	if (soError !== 0) {
		fail(conn, `connect: ${OSError.fromErrno(soError, 'connect').code}`);
		return;
	}

	conn.connected = true;
	try {
		conn.sock.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
	} catch (error) {
		// macOS refuses socket options once the connection is shut down both ways (EINVAL: XNU's
		// sosetsockopt, see envoyproxy/envoy#1446): the server is already gone.
		fail(conn, error instanceof OSError ? `setsockopt: ${error.code}` : String(error));
		return;
	}

	if (tls === undefined) {
		startMessage(conn, now);
		return;
	}

	try {
		const plain = conn.sock;
		sel.unregister(plain); // the SSLSocket takes over the fd (and its key)
		conn.sock = tls.wrapSocket(plain, {serverHostname: args.host, doHandshakeOnConnect: false});
		sel.register(conn.sock, conn.events, conn);
	} catch (error) {
		active--;
		errors++;
		const what = error instanceof OSError ? `wrap: ${error.code}` : String(error);
		errorCounts.set(what, (errorCounts.get(what) ?? 0) + 1);
		conn.sock.close();
		return;
	}

	conn.handshaking = true;
	handshake(conn, now);
}

/** --tls: one handshake step; the event to wait for comes from SSLWant*; done: the first message. */
function handshake(conn: Conn, now: number): void {
	try {
		(conn.sock as SSLSocket).doHandshake();
	} catch (error) {
		const events = tlsWants(error);
		if (events === 0) {
			fail(conn, error instanceof OSError ? `handshake: ${error.code}` : String(error));
		} else {
			want(conn, events);
		}

		return;
	}

	conn.handshaking = false;
	startMessage(conn, now);
}

function percentile(sorted: Float64Array, p: number): number {
	if (sorted.length === 0) {
		return 0;
	}

	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const t0 = performance.now();
const deadline = duration > 0 ? t0 + duration * 1000 : Number.POSITIVE_INFINITY;
for (let id = 0; id < connections; id++) {
	let sock: Socket | undefined;
	let conn: Conn;
	try {
		sock = new Socket(familyOf(args.host), SOCK_STREAM);
		sock.setblocking(false);
		conn = {
			id,
			sock,
			connected: false,
			handshaking: false,
			message: 0,
			offset: 0,
			sent: 0,
			received: 0,
			started: 0,
			events: EVENT_WRITE,
		};
		sel.register(sock, EVENT_WRITE, conn);
	} catch (error) {
		// Out of fds (EMFILE), or an fd SelectSelector cannot take (ValueError, fd >= FD_SETSIZE): counted, not fatal.
		sock?.close();
		if (!(error instanceof OSError || error instanceof ValueError)) {
			throw error;
		}

		const what = error instanceof OSError ? `socket: ${error.code}` : `register: ${error.code}`;
		errors++;
		errorCounts.set(what, (errorCounts.get(what) ?? 0) + 1);
		continue;
	}

	active++;
	const errno = sock.connectEx([args.host, args.port]);
	if (errno !== 0 && errno !== EINPROGRESS) {
		fail(conn, `connect: ${OSError.fromErrno(errno, 'connect').code}`); // failed at once
	}
}

let lastProgress = performance.now();
while (active > 0) {
	const events = sel.select(Math.max(0.001, (timeoutMs - (performance.now() - lastProgress)) / 1000));
	const now = performance.now();
	if (events.length > 0) {
		lastProgress = now;
	} else if (now - lastProgress >= timeoutMs) {
		for (const key of [...sel.getMap().values()]) {
			fail(key.data, `no progress for ${timeoutMs / 1000} s`);
		}

		break;
	}

	for (const [key, mask] of events) {
		const conn = key.data;
		if (!conn.connected) {
			connected(conn, now);
			continue;
		}

		if (conn.handshaking) {
			handshake(conn, now);
			continue;
		}

		if ((mask & EVENT_READ) !== 0) {
			receive(conn, deadline);
			// TLS: decrypted bytes already inside OpenSSL wake no selector.
			while (
				tls !== undefined &&
				conn.sock.fileno() >= 0 &&
				conn.received < size &&
				(conn.sock as SSLSocket).pending() > 0
			) {
				receive(conn, deadline);
			}
		}

		// The key may be gone (done or failed) or waiting for something else by now.
		if (
			(mask & EVENT_WRITE) !== 0 &&
			conn.sock.fileno() >= 0 &&
			conn.sent < size &&
			conn.received < size
		) {
			send(conn);
		}
	}
}

const seconds = (performance.now() - t0) / 1000;
sel.close();
const sorted = Float64Array.from(latencies).sort();
const us = (ms: number): number => Math.round(ms * 1000);
writeLine(
	`${spec.name}: ${connections} connections to ${formatAddress(args.host, args.port)}, ` +
		`${duration > 0 ? `${duration} s` : `${messages} messages`} of ${size} bytes, ${Selector.name}`,
);
writeLine(
	`round_trips=${roundTrips} errors=${errors} seconds=${seconds.toFixed(3)} ` +
		`rps=${Math.round(roundTrips / seconds)} p50_us=${us(percentile(sorted, 50))} p99_us=${us(percentile(sorted, 99))} ` +
		`bytes_ok=${bytesOk}`,
);
for (const [what, count] of errorCounts) {
	process.stderr.write(`${spec.name}: ${count} × ${what}\n`);
}

process.exitCode = errors > 0 ? 1 : 0;
