#!/usr/bin/env node
// Run: npm run build && node dist/examples/echo-server.js 8899 &  node dist/examples/line-client.js 8899
/**
 * The interactive line client of the seeds (seed 001's `client.py`: read a
 * line, send it, print the reply), written as Python chat clients write it:
 * stdin and the socket registered in one selector.
 *
 * - Each line typed (or read from a pipe or file) goes to the server; what
 *   the server sends back is printed as it arrives.
 * - End of input: the client shuts down its sending side, prints the rest of
 *   the replies and exits 0 when the server closes. The server closing first
 *   ends it too (status 0).
 * - Ctrl-C (SIGINT) ends it at once through `KeyboardInterrupt`
 *   (`signal(SIGINT, defaultIntHandler)` of `node-selectors/signal`): the
 *   error comes out of `select()`, the client closes its socket and the
 *   selector and exits 130 (128 + SIGINT, the shells' convention) without a
 *   stack trace.
 *
 * stdin is used as it is, never set non-blocking: O_NONBLOCK belongs to the
 * open file description, which a terminal shares with the shell, so setting
 * it would leak into the shell after exit. A read only follows a readiness
 * report, so it does not block. Its flags are checked at exit and restored
 * if anything changed them.
 *
 * A regular file as stdin: epoll refuses regular files (EPERM, epoll_ctl(2)),
 * so when registering stdin fails with {@link PermissionError} the client
 * uses a {@link PollSelector} instead, whose poll(2) reports a regular file
 * always readable (as Python's `PollSelector` and `SelectSelector` do).
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {writeSync} from 'node:fs';
import {isatty} from 'node:tty';
import {
	type BaseSelector,
	EVENT_READ,
	EVENT_WRITE,
	KeyboardInterrupt,
	PermissionError,
	PollSelector,
} from '../src/index.js';
import * as os from '../src/os.js';
import {defaultIntHandler, signal, SIGINT} from '../src/signal/index.js';
import {BlockingIOError, createConnection, SHUT_WR, type Socket} from '../src/socket/index.js';
import {type CliSpec, parseCli, selectorClass} from './common.js';

const SPEC: CliSpec = {
	name: 'selectors-line-client',
	summary: 'Sends each line of stdin to the server and prints its replies; Ctrl-C quits.',
	client: true,
};

/** Bytes read per read/recv. */
const CHUNK = 65_536;
/** Stop reading stdin while this much output waits for the server. */
const HIGH_WATER = 1 << 20;
const STDIN = 0;

/** Writes all of `data` to stdout, waiting briefly if stdout is a full non-blocking pipe. */
function writeOut(data: Uint8Array): void {
	let off = 0;
	for (let attempt = 0; off < data.length; attempt++) {
		try {
			off += writeSync(1, data, off);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || attempt > 10_000) {
				throw error;
			}

			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
		}
	}
}

/** The selector with `stdin` registered: the `--backend` one, or a PollSelector for a regular file (see the notes). */
function selectorFor(backend: string | undefined): BaseSelector {
	const sel = new (selectorClass(backend))();
	try {
		sel.register(STDIN, EVENT_READ);
		return sel;
	} catch (error) {
		sel.close();
		if (!(error instanceof PermissionError)) {
			throw error;
		}
	}

	const poll = new PollSelector();
	poll.register(STDIN, EVENT_READ);
	return poll;
}

/**
 * The client's loop, until the server closes or Ctrl-C.
 *
 * @returns the exit status
 */
function run(sock: Socket, sel: BaseSelector, prompt: boolean): number {
	const inbuf = Buffer.allocUnsafe(CHUNK);
	let out: Buffer = Buffer.alloc(0);
	/** open; eof: read 0, shutdown once `out` is sent; done: shut down. */
	let stdinState: 'open' | 'eof' | 'done' = 'open';
	let stdinRegistered = true;
	let sending = false;
	sel.register(sock, EVENT_READ);
	if (prompt) {
		writeOut(Buffer.from('>>> '));
	}

	for (;;) {
		for (const [key, mask] of sel.select()) {
			if (key.fd === STDIN) {
				const data = os.read(STDIN, CHUNK);
				if (data.length === 0) {
					stdinState = 'eof';
				} else {
					out = out.length === 0 ? data : Buffer.concat([out, data]);
				}
			} else if ((mask & EVENT_READ) !== 0) {
				let n: number;
				try {
					n = sock.recvInto(inbuf);
				} catch (error) {
					if (error instanceof BlockingIOError) {
						continue;
					}

					throw error;
				}

				if (n === 0) {
					return 0; // the server closed
				}

				writeOut(inbuf.subarray(0, n));
				if (prompt) {
					writeOut(Buffer.from('>>> '));
				}
			} else if ((mask & EVENT_WRITE) !== 0 && out.length > 0) {
				try {
					out = out.subarray(sock.send(out));
				} catch (error) {
					if (!(error instanceof BlockingIOError)) {
						throw error;
					}
				}
			}
		}

		// What to wait for next: stdin while it is open and the output small, the socket for writing while output waits.
		const wantStdin = stdinState === 'open' && out.length < HIGH_WATER;
		if (wantStdin !== stdinRegistered) {
			if (wantStdin) {
				sel.register(STDIN, EVENT_READ);
			} else {
				sel.unregister(STDIN);
			}

			stdinRegistered = wantStdin;
		}

		const wantSend = out.length > 0;
		if (wantSend !== sending) {
			sel.modify(sock, wantSend ? EVENT_READ | EVENT_WRITE : EVENT_READ);
			sending = wantSend;
		}

		if (stdinState === 'eof' && out.length === 0) {
			sock.shutdown(SHUT_WR); // the server sees the end, replies, then closes
			stdinState = 'done';
		}
	}
}

function main(): void {
	const args = parseCli(process.argv.slice(2), SPEC);
	signal(SIGINT, defaultIntHandler);
	const wasBlocking = os.getBlocking(STDIN);
	let status: number;
	let sock: Socket | undefined;
	let sel: BaseSelector | undefined;
	try {
		sock = createConnection([args.host, args.port]);
		sock.setblocking(false);
		sel = selectorFor(args.backend);
		status = run(sock, sel, isatty(STDIN));
	} catch (error) {
		if (error instanceof KeyboardInterrupt) {
			status = 130;
		} else {
			writeSync(2, `${SPEC.name}: ${error instanceof Error ? error.message : String(error)}\n`);
			status = 1;
		}
	} finally {
		sel?.close();
		sock?.close();
		if (os.getBlocking(STDIN) !== wasBlocking) {
			os.setBlocking(STDIN, wasBlocking);
		}
	}

	process.exitCode = status;
}

main();
