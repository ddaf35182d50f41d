/**
 * `Socket.makefile()`: Python's buffered binary file over a socket
 * (Lib/socket.py `SocketIO` under `io.BufferedReader` / `BufferedWriter` /
 * `BufferedRWPair`), for code that reads a protocol line by line:
 * `for (const line of sock.makefile('rb')) …`.
 *
 * Python's rules, through the socket's own `recvInto`/`send` (so the
 * socket's mode applies):
 *
 * - blocking and timeout mode: `read(n)` returns `n` bytes, fewer only at
 *   end of stream; `readline()` returns a whole line (with its `\n`) or the
 *   rest of the stream; the timeout bounds each receive;
 * - non-blocking mode: a read with nothing buffered and nothing available
 *   returns `null` (Python's `None`); with something buffered it returns that
 *   (`readline` a partial line). Bytes are never dropped: what was received
 *   stays buffered for the next call;
 * - after a `TimeoutError` the file refuses further reads from the socket
 *   (`OSError('cannot read from timed out object')`, as CPython), since a
 *   read may have been cut in the middle of a message; bytes already buffered
 *   can still be read;
 * - writes are buffered until `flush()` (or the buffer fills); in
 *   non-blocking mode `flush()` throws `BlockingIOError` and keeps the unsent
 *   bytes.
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {TextDecoder} from 'node:util';
import {typeName} from '../args.js';
import {byteLength, type BytesLike} from '../bytes.js';
import {argTypeError, BlockingIOError, OSError, TimeoutError, ValueError} from '../errors.js';

/** Python's `io.DEFAULT_BUFFER_SIZE`. */
export const DEFAULT_BUFFER_SIZE = 8192;
const NEWLINE = 0x0a;

/** What a {@link SocketFile} needs of its socket (the public Socket methods). */
export interface FileSocket {
	recvInto(buffer: BytesLike, nbytes?: number, flags?: number): number;
	send(data: BytesLike, flags?: number): number;
	fileno(): number;
	gettimeout(): number | null;
}

/**
 * A buffered binary file over a socket, as `Socket.makefile()` returns it.
 * Closing the file flushes it and releases it; the socket stays open (close
 * it yourself; see {@link Socket.makefile}).
 */
export class SocketFile implements Disposable, Iterable<Buffer> {
	/** The mode it was opened with (`'rb'`, `'wb'`, `'rwb'`). */
	readonly mode: string;
	#sock: FileSocket | null;
	readonly #readable: boolean;
	readonly #writable: boolean;
	readonly #bufferSize: number;
	/** Received, not yet returned: `#rbuf[#rpos, #rend)`. */
	#rbuf: Buffer;
	#rpos = 0;
	#rend = 0;
	/** Written, not yet sent: `#wbuf[0, #wlen)`. */
	#wbuf: Buffer;
	#wlen = 0;
	#timedOut = false;
	#eof = false;

	/** @internal */
	constructor(sock: FileSocket, mode: string, readable: boolean, writable: boolean, bufferSize: number) {
		this.#sock = sock;
		this.mode = mode;
		this.#readable = readable;
		this.#writable = writable;
		this.#bufferSize = bufferSize;
		this.#rbuf = Buffer.alloc(readable ? bufferSize : 0);
		this.#wbuf = Buffer.alloc(writable ? bufferSize : 0);
	}

	/** Whether {@link SocketFile.close} was called. */
	get closed(): boolean {
		return this.#sock === null;
	}

	/** @returns the socket's fd (-1 once the socket is closed) */
	fileno(): number {
		return this.#open().fileno();
	}

	/** @returns whether the mode allows reading */
	readable(): boolean {
		this.#open();
		return this.#readable;
	}

	/** @returns whether the mode allows writing */
	writable(): boolean {
		this.#open();
		return this.#writable;
	}

	/**
	 * Reads up to `n` bytes: exactly `n` unless the stream ends first (or, in
	 * non-blocking mode, nothing more is available). With `n` omitted or
	 * negative, reads to the end of the stream.
	 *
	 * @param n - the most bytes; -1 (default) = to end of stream
	 * @returns the bytes (empty at end of stream), or `null` in non-blocking mode when nothing is buffered or available
	 * @throws {TimeoutError} in timeout mode (the file then refuses further socket reads; the bytes gathered before it stay buffered, where CPython loses them)
	 * @throws {OSError} `'cannot read from timed out object'` after a timeout; socket errors
	 * @throws {ValueError} `'I/O operation on closed file.'`; `'File not open for reading'`
	 */
	read(n = -1): Buffer | null {
		this.#checkReadable();
		if (typeof n !== 'number' || !Number.isInteger(n)) {
			throw argTypeError(`read(): n must be an integer, not ${typeName(n)}`);
		}

		// Gather in the read buffer and take at the end: an error part way
		// (a timeout) leaves what came so far buffered for the next read,
		// where CPython's BufferedReader loses it.
		const all = n < 0;
		for (;;) {
			const available = this.#rend - this.#rpos;
			if (!all && available >= n) {
				break;
			}

			const got = this.#fill();
			if (got === 0) {
				break;
			}

			if (got === null) {
				if (available === 0) {
					return null;
				}

				break;
			}
		}

		const available = this.#rend - this.#rpos;
		return this.#take(all || n > available ? available : n);
	}

	/**
	 * Reads up to `n` bytes with at most one receive (Python's `read1`):
	 * what is buffered, or else what one recv brings.
	 *
	 * @param n - the most bytes; -1 (default) = everything buffered or one receive's worth
	 * @returns the bytes (empty at end of stream), or `null` in non-blocking mode with nothing available
	 * @throws as {@link SocketFile.read}
	 */
	read1(n = -1): Buffer | null {
		this.#checkReadable();
		if (typeof n !== 'number' || !Number.isInteger(n)) {
			throw argTypeError(`read1(): n must be an integer, not ${typeName(n)}`);
		}

		if (this.#rend === this.#rpos && n !== 0) {
			const got = this.#fill();
			if (got === null) {
				return null;
			}
		}

		const available = this.#rend - this.#rpos;
		return this.#take(n < 0 || n > available ? available : n);
	}

	/**
	 * Reads into `buffer` until it is full, the stream ends, or (non-blocking)
	 * nothing more is available (Python's `BufferedReader.readinto`).
	 *
	 * @param buffer - where to write
	 * @returns the count (0 at end of stream), or `null` in non-blocking mode with nothing available
	 * @throws as {@link SocketFile.read}
	 */
	readinto(buffer: BytesLike): number | null {
		const size = byteLength(buffer, 'readinto(): a writable bytes-like object');
		const data = this.read(size);
		if (data === null) {
			return null;
		}

		const target = ArrayBuffer.isView(buffer)
			? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
			: new Uint8Array(buffer);
		target.set(data);
		return data.length;
	}

	/**
	 * Reads one line, up to and including `\n` (Python's `readline`).
	 *
	 * @param limit - the most bytes to return; -1 (default) = no limit
	 * @returns the line; empty at end of stream; the rest of the stream when it ends without `\n`; in non-blocking mode a partial line when no `\n` is available yet (Python), or `null` when nothing at all is
	 * @throws as {@link SocketFile.read}
	 */
	readline(limit = -1): Buffer | null {
		this.#checkReadable();
		if (typeof limit !== 'number' || !Number.isInteger(limit)) {
			throw argTypeError(`readline(): limit must be an integer, not ${typeName(limit)}`);
		}

		const max = limit < 0 ? Number.POSITIVE_INFINITY : limit;
		let scanned = 0;
		for (;;) {
			const available = this.#rend - this.#rpos;
			const newline = this.#rbuf.indexOf(NEWLINE, this.#rpos + scanned);
			if (newline >= 0 && newline < this.#rend && newline - this.#rpos < max) {
				return this.#take(newline - this.#rpos + 1);
			}

			if (available >= max) {
				return this.#take(max);
			}

			scanned = available;
			const got = this.#fill();
			if (got === 0) {
				return this.#take(this.#rend - this.#rpos);
			}

			if (got === null) {
				return this.#rend === this.#rpos ? null : this.#take(this.#rend - this.#rpos);
			}
		}
	}

	/**
	 * Reads lines to the end of the stream (Python's `readlines`).
	 *
	 * @returns the lines
	 * @throws as {@link SocketFile.read}
	 */
	readlines(): Buffer[] {
		return [...this];
	}

	/**
	 * The lines, to the end of the stream (`for (const line of file)`).
	 * Stops (without throwing) when a non-blocking read has nothing available.
	 *
	 * @returns an iterator of lines
	 */
	*[Symbol.iterator](): Iterator<Buffer> {
		for (;;) {
			const line = this.readline();
			if (line === null || line.length === 0) {
				return;
			}

			yield line;
		}
	}

	/**
	 * Buffers `data` for sending; sends the buffer when it fills. All of
	 * `data` is taken (or, in non-blocking mode, `BlockingIOError` reports
	 * how much was).
	 *
	 * @param data - the bytes
	 * @returns `data.byteLength`
	 * @throws {TypeError} if `data` is not bytes
	 * @throws {BlockingIOError} non-blocking and the socket is full: `bytesSent` is how much of `data` was taken
	 * @throws {ValueError} closed, or not open for writing
	 */
	write(data: BytesLike): number {
		this.#checkWritable();
		const n = byteLength(data);
		const bytes = ArrayBuffer.isView(data)
			? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
			: Buffer.from(data);
		let taken = 0;
		while (taken < n) {
			if (this.#wlen === this.#wbuf.length) {
				try {
					this.#flushBuffer();
				} catch (error) {
					if (error instanceof BlockingIOError) {
						error.bytesSent = taken;
					}

					throw error;
				}
			}

			const room = this.#wbuf.length - this.#wlen;
			const part = Math.min(room, n - taken);
			bytes.copy(this.#wbuf, this.#wlen, taken, taken + part);
			this.#wlen += part;
			taken += part;
		}

		return n;
	}

	/**
	 * Sends everything buffered.
	 *
	 * @throws {BlockingIOError} in non-blocking mode when the socket is full (the rest stays buffered)
	 * @throws {TimeoutError | BrokenPipeError | OSError} socket errors
	 */
	flush(): void {
		this.#open();
		if (this.#writable) {
			this.#flushBuffer();
		}
	}

	/**
	 * Flushes and closes the file (not the socket). Closing twice is a no-op.
	 *
	 * @throws the error of the final flush (the file is closed anyway)
	 */
	close(): void {
		if (this.#sock === null) {
			return;
		}

		try {
			if (this.#writable && this.#sock.fileno() >= 0) {
				this.#flushBuffer();
			}
		} finally {
			this.#sock = null;
		}
	}

	/** Closes the file (for `using`). */
	[Symbol.dispose](): void {
		this.close();
	}

	#open(): FileSocket {
		if (this.#sock === null) {
			throw new ValueError('I/O operation on closed file.', 'ERR_CLOSED');
		}

		return this.#sock;
	}

	#checkReadable(): void {
		this.#open();
		if (!this.#readable) {
			throw new ValueError('File not open for reading', 'ERR_UNSUPPORTED_OPERATION');
		}
	}

	#checkWritable(): void {
		this.#open();
		if (!this.#writable) {
			throw new ValueError('File not open for writing', 'ERR_UNSUPPORTED_OPERATION');
		}
	}

	/** Removes and returns the next `n` buffered bytes (a copy). */
	#take(n: number): Buffer {
		const out = Buffer.from(this.#rbuf.subarray(this.#rpos, this.#rpos + n));
		this.#rpos += n;
		if (this.#rpos === this.#rend) {
			this.#rpos = 0;
			this.#rend = 0;
		}

		return out;
	}

	/**
	 * One receive into the read buffer (compacted or grown first when full).
	 *
	 * @returns the bytes added, 0 at end of stream, `null` when a non-blocking socket has nothing
	 */
	#fill(): number | null {
		const sock = this.#open();
		if (this.#eof) {
			return 0;
		}

		if (this.#timedOut) {
			// Python's OSError here carries no errno.
			throw new OSError(0, 'cannot read from timed out object', {
				message: 'cannot read from timed out object',
				code: 'ERR_SOCKET_TIMED_OUT_FILE',
			});
		}

		if (this.#rend === this.#rbuf.length) {
			const used = this.#rend - this.#rpos;
			if (this.#rpos === 0) {
				const bigger = Buffer.alloc(Math.max(this.#bufferSize, this.#rbuf.length * 2));
				this.#rbuf.copy(bigger, 0, 0, this.#rend);
				this.#rbuf = bigger;
			} else {
				this.#rbuf.copy(this.#rbuf, 0, this.#rpos, this.#rend);
				this.#rpos = 0;
				this.#rend = used;
			}
		}

		let got: number;
		try {
			got = sock.recvInto(this.#rbuf.subarray(this.#rend));
		} catch (error) {
			if (error instanceof TimeoutError) {
				this.#timedOut = true;
			} else if (error instanceof BlockingIOError) {
				return null;
			}

			throw error;
		}

		if (got === 0) {
			this.#eof = true;
		}

		this.#rend += got;
		return got;
	}

	/** Sends the write buffer to the end, keeping what was not sent when the socket would block. */
	#flushBuffer(): void {
		const sock = this.#open();
		let sent = 0;
		try {
			while (sent < this.#wlen) {
				sent += sock.send(this.#wbuf.subarray(sent, this.#wlen));
			}
		} finally {
			if (sent > 0) {
				this.#wbuf.copy(this.#wbuf, 0, sent, this.#wlen);
				this.#wlen -= sent;
			}
		}
	}
}

/** The keyword arguments of Python's `makefile()` in text mode. */
export interface MakefileOptions {
	/** `'utf-8'` (default) or `'latin-1'`. */
	readonly encoding?: string | null;
	/** `'strict'` (default: a malformed sequence throws `TypeError`, `ERR_ENCODING_INVALID_ENCODED_DATA`) or `'replace'` (U+FFFD). */
	readonly errors?: string | null;
	/**
	 * Python's `newline`: `null` (default) reads `\r\n`, `\r` and `\n` as
	 * `\n`; `''` splits lines at any of them without translating; `'\n'`,
	 * `'\r'`, `'\r\n'` split only there, and writes turn `\n` into it.
	 */
	readonly newline?: string | null;
}

/**
 * Validates Python's `makefile(mode, buffering, encoding, errors, newline)`
 * arguments.
 *
 * @returns `[readable, writable, bufferSize, binary]`
 * @internal
 */
export function makefileMode(mode: unknown, buffering: unknown): [boolean, boolean, number, boolean] {
	if (typeof mode !== 'string') {
		throw argTypeError(`makefile(): mode must be a string, not ${typeName(mode)}`);
	}

	const readable = mode.includes('r');
	const writable = mode.includes('w');
	if (![...mode].every(c => c === 'r' || c === 'w' || c === 'b') || (!readable && !writable)) {
		throw new ValueError(`invalid mode '${mode}' (only r, w, b allowed)`, 'ERR_INVALID_ARG_VALUE');
	}

	const binary = mode.includes('b');
	let size = DEFAULT_BUFFER_SIZE;
	if (buffering !== undefined && buffering !== null) {
		if (typeof buffering !== 'number' || !Number.isInteger(buffering)) {
			throw argTypeError(
				`makefile(): buffering must be an integer or null, not ${typeName(buffering)}`,
			);
		}

		if (buffering === 0) {
			throw new ValueError(
				binary
					? 'unbuffered socket files are not supported: use the socket itself'
					: 'unbuffered streams must be binary',
				'ERR_INVALID_ARG_VALUE',
			);
		}

		if (buffering > 0) {
			size = buffering;
		}
	}

	return [readable, writable, size, binary];
}

const ENCODINGS: ReadonlyMap<string, 'utf-8' | 'latin1'> = new Map([
	['utf-8', 'utf-8'],
	['utf8', 'utf-8'],
	['latin-1', 'latin1'],
	['latin1', 'latin1'],
	['iso-8859-1', 'latin1'],
]);

/**
 * A text file over a socket (Python's `TextIOWrapper` over the buffered
 * file, as `makefile('r')`, `makefile('w')` return it): lines as strings,
 * with Python's newline handling and UTF-8 (or Latin-1) decoding.
 *
 * Lengths (`read(n)`, `readline(limit)`) count UTF-16 code units, the
 * length of a JavaScript string (Python counts code points: they differ for
 * characters outside the Basic Multilingual Plane). The socket modes apply
 * as to {@link SocketFile}: in non-blocking mode a read with nothing decoded
 * and nothing available returns `null`.
 */
export class TextSocketFile implements Disposable, Iterable<string> {
	/** The encoding (`'utf-8'` or `'latin1'`). */
	readonly encoding: string;
	readonly #file: SocketFile;
	readonly #newline: string | null;
	readonly #decoder: TextDecoder | null;
	/** Decoded text not yet returned. */
	#pending = '';
	/** newline null: a `\r` held back until the next chunk says whether `\n` follows. */
	#heldCR = false;
	#eof = false;

	/** @internal */
	constructor(file: SocketFile, mode: string, options: MakefileOptions) {
		const encoding = ENCODINGS.get((options.encoding ?? 'utf-8').toLowerCase());
		if (encoding === undefined) {
			throw new ValueError(
				`unknown encoding: ${String(options.encoding)} (utf-8 and latin-1 are supported)`,
				'ERR_UNKNOWN_ENCODING',
			);
		}

		const errors = options.errors ?? 'strict';
		if (errors !== 'strict' && errors !== 'replace') {
			throw new ValueError(
				`unsupported errors value: ${String(errors)} ('strict' or 'replace')`,
				'ERR_INVALID_ARG_VALUE',
			);
		}

		const newline = options.newline ?? null;
		if (newline !== null && !['', '\n', '\r', '\r\n'].includes(newline)) {
			throw new ValueError(
				`illegal newline value: ${JSON.stringify(newline)}`,
				'ERR_INVALID_ARG_VALUE',
			);
		}

		this.#file = file;
		this.mode = mode;
		this.encoding = encoding;
		this.#newline = newline;
		this.#decoder = encoding === 'utf-8' ? new TextDecoder('utf-8', {fatal: errors === 'strict'}) : null;
	}

	/** The mode it was opened with (`'r'`, `'w'`, `'rw'`). */
	readonly mode: string;

	/** Whether {@link TextSocketFile.close} was called. */
	get closed(): boolean {
		return this.#file.closed;
	}

	/** @returns the socket's fd */
	fileno(): number {
		return this.#file.fileno();
	}

	/** @returns whether the mode allows reading */
	readable(): boolean {
		return this.#file.readable();
	}

	/** @returns whether the mode allows writing */
	writable(): boolean {
		return this.#file.writable();
	}

	/**
	 * Reads up to `n` characters (UTF-16 code units), fewer only at end of
	 * stream; all of it with `n` omitted or negative.
	 *
	 * @param n - the most characters; -1 (default) = to end of stream
	 * @returns the text (`''` at end of stream), or `null` in non-blocking mode with nothing available
	 * @throws as {@link SocketFile.read}; `TypeError` for malformed input with errors `'strict'`
	 */
	read(n = -1): string | null {
		if (typeof n !== 'number' || !Number.isInteger(n)) {
			throw argTypeError(`read(): n must be an integer, not ${typeName(n)}`);
		}

		while ((n < 0 || this.#pending.length < n) && !this.#eof) {
			if (this.#decodeMore() === null) {
				if (this.#pending === '') {
					return null;
				}

				break;
			}
		}

		return this.#take(n < 0 ? this.#pending.length : Math.min(n, this.#pending.length));
	}

	/**
	 * Reads one line with Python's newline rules (see {@link MakefileOptions}).
	 *
	 * @param limit - the most characters; -1 (default) = no limit
	 * @returns the line with its ending (`'\n'` when translating), `''` at end of stream, a partial line in non-blocking mode, `null` when nothing at all is available
	 * @throws as {@link TextSocketFile.read}
	 */
	readline(limit = -1): string | null {
		if (typeof limit !== 'number' || !Number.isInteger(limit)) {
			throw argTypeError(`readline(): limit must be an integer, not ${typeName(limit)}`);
		}

		for (;;) {
			const end = this.#lineEnd();
			if (end >= 0 && (limit < 0 || end <= limit)) {
				return this.#take(end);
			}

			if (limit >= 0 && this.#pending.length >= limit) {
				return this.#take(limit);
			}

			if (this.#eof) {
				return this.#take(this.#pending.length);
			}

			if (this.#decodeMore() === null) {
				return this.#pending === '' ? null : this.#take(this.#pending.length);
			}
		}
	}

	/** @returns the lines to the end of the stream */
	readlines(): string[] {
		return [...this];
	}

	/**
	 * The lines, to the end of the stream (stops when a non-blocking read has nothing).
	 *
	 * @returns an iterator of lines
	 */
	*[Symbol.iterator](): Iterator<string> {
		for (;;) {
			const line = this.readline();
			if (line === null || line === '') {
				return;
			}

			yield line;
		}
	}

	/**
	 * Encodes and buffers `text` (`\n` becomes the `newline` given, if any).
	 *
	 * @param text - the string
	 * @returns `text.length`
	 * @throws {TypeError} if `text` is not a string
	 * @throws as {@link SocketFile.write}
	 */
	write(text: string): number {
		if (typeof text !== 'string') {
			throw argTypeError(`write() argument must be str, not ${typeName(text)}`);
		}

		const out =
			this.#newline === null || this.#newline === '' || this.#newline === '\n'
				? text
				: text.replaceAll('\n', this.#newline);
		this.#file.write(Buffer.from(out, this.encoding === 'utf-8' ? 'utf8' : 'latin1'));
		return text.length;
	}

	/** Sends everything buffered. @throws as {@link SocketFile.flush} */
	flush(): void {
		this.#file.flush();
	}

	/** Flushes and closes the file (not the socket). @throws the final flush's error */
	close(): void {
		this.#file.close();
	}

	/** Closes the file (for `using`). */
	[Symbol.dispose](): void {
		this.close();
	}

	#take(n: number): string {
		const out = this.#pending.slice(0, n);
		this.#pending = this.#pending.slice(n);
		return out;
	}

	/** Where the first complete line of the pending text ends, or -1. */
	#lineEnd(): number {
		const text = this.#pending;
		const newline = this.#newline;
		if (newline === null) {
			const i = text.indexOf('\n');
			return i < 0 ? -1 : i + 1;
		}

		if (newline === '') {
			const i = text.search(/[\r\n]/);
			if (i < 0) {
				return -1;
			}

			if (text[i] === '\n') {
				return i + 1;
			}

			if (i + 1 < text.length) {
				return text[i + 1] === '\n' ? i + 2 : i + 1;
			}

			return this.#eof ? i + 1 : -1; // a '\r' at the end: '\n' may follow
		}

		const i = text.indexOf(newline);
		return i < 0 ? -1 : i + newline.length;
	}

	/**
	 * Decodes one more chunk (one receive at most) into the pending text.
	 *
	 * @returns `true`, `false` at end of stream, `null` when a non-blocking socket has nothing
	 */
	#decodeMore(): boolean | null {
		const bytes = this.#file.read1(DEFAULT_BUFFER_SIZE);
		if (bytes === null) {
			return null;
		}

		const end = bytes.length === 0;
		let text =
			this.#decoder === null ? bytes.toString('latin1') : this.#decoder.decode(bytes, {stream: !end});
		if (end) {
			this.#eof = true;
		}

		if (this.#newline === null) {
			text = (this.#heldCR ? '\r' : '') + text;
			this.#heldCR = !end && text.endsWith('\r');
			if (this.#heldCR) {
				text = text.slice(0, -1);
			}

			text = text.replaceAll(/\r\n?/g, '\n');
		}

		this.#pending += text;
		return !end;
	}
}
