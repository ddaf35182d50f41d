/**
 * An incremental HTTP/1.1 request parser for `examples/http-server.ts`: it
 * frames requests (request line, header fields, a body by `Content-Length` or
 * `chunked`), decides keep-alive, and rejects what a strict server must
 * reject. It keeps no request data: the server answers every request the
 * same way, so bodies are skipped, never stored.
 *
 * Contract (see {@link RequestParser.parse}): the caller passes the bytes it
 * has, `buf[start, end)`; the parser returns a result code and sets
 * {@link RequestParser.next}, the offset where the caller resumes. On
 * {@link PARSE_NEED_MORE} the bytes `buf[next, end)` are an unfinished
 * request head that the caller must keep and pass again, followed by the
 * next bytes received (at most {@link MAX_HEAD} bytes; bodies are consumed as
 * they arrive). The parser allocates nothing per request.
 *
 * The rules are RFC 9112's (https://www.rfc-editor.org/rfc/rfc9112), strict
 * where it allows a choice:
 * - lines end in CRLF; a bare LF or CR is a 400; empty lines before a
 *   request line are skipped (§2.2);
 * - request line `method SP request-target SP HTTP/x.y` with single spaces,
 *   a token method, a target of visible ASCII (§3); another major version
 *   than 1 is a 505; HTTP/1.y with y ≥ 1 is treated as 1.1;
 * - header fields `token ":" OWS value OWS`; whitespace before the colon and
 *   obsolete line folding are 400s (§5.1, §5.2); control characters other than
 *   HTAB in a value are 400s;
 * - a request head (request line + fields + the empty line) longer than
 *   {@link MAX_HEAD} bytes is a 431, or a 414 while the request line itself
 *   has not ended;
 * - HTTP/1.1 needs exactly one `Host` field, HTTP/1.0 at most one (§3.2);
 * - `Content-Length`: digits only, repeated or listed values must be equal
 *   (§6.3); `Transfer-Encoding` whose final coding is not `chunked` is a
 *   400, any other coding a 501 (§6.1, §6.3), `Transfer-Encoding` together
 *   with `Content-Length` or in an HTTP/1.0 request is a 400 (we refuse
 *   rather than guess: request smuggling, §11.2);
 * - chunked bodies are decoded (chunk extensions and trailer fields
 *   skipped; the trailer section is bounded by {@link MAX_HEAD}, a 431);
 * - keep-alive: HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with
 *   `Connection: keep-alive` and without `close` (§9.3).
 *
 * @module
 */

/** The most bytes a request head (request line, header fields and the final empty line) may take. */
export const MAX_HEAD = 8192;

/** {@link RequestParser.parse} result: every byte up to `end` is consumed or must be kept; pass more. */
export const PARSE_NEED_MORE = 0;
/** {@link RequestParser.parse} result: a whole request (head and body) ends at {@link RequestParser.next}. */
export const PARSE_MESSAGE = 1;
/**
 * {@link RequestParser.parse} result: the head of a request with a body and
 * `Expect: 100-continue` ends at {@link RequestParser.next}; the caller may
 * send `100 Continue`, then calls `parse()` again for the body.
 */
export const PARSE_CONTINUE = 2;
/** {@link RequestParser.parse} result: the request is malformed; {@link RequestParser.status} says how. */
export const PARSE_ERROR = 3;

const HTAB = 9;
const LF = 10;
const CR = 13;
const SP = 32;
const COMMA = 44;
const COLON = 58;
const SEMICOLON = 59;
const DEL = 0x7f;

// Phases of the parser between calls.
const HEAD = 0;
const BODY = 1;
const CHUNK_SIZE = 2;
const CHUNK_EXT = 3;
const CHUNK_SIZE_LF = 4;
const CHUNK_DATA = 5;
const CHUNK_DATA_CR = 6;
const CHUNK_DATA_LF = 7;
const TRAILER_START = 8;
const TRAILER_LINE = 9;
const TRAILER_LF = 10;
const TRAILER_END_LF = 11;
const DEAD = 12;

/** Internal result: the head is parsed and a body follows; go on from `next`. */
const GO_ON = -1;

/** 1 for the bytes of a token (`tchar`, RFC 9110 §5.6.2). */
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
	TCHAR[c.charCodeAt(0)] = 1;
}

/** Hex digit values, -1 for other bytes. */
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) {
	HEX['0123456789abcdef'.charCodeAt(i)] = i;
	HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** The longest chunk size we accept in hex digits: 13 digits stay below 2^53. */
const MAX_CHUNK_SIZE_DIGITS = 13;

/** The lowercase ASCII bytes of a header name or token we look for. */
function lower(s: string): Uint8Array {
	return Uint8Array.from(s, c => c.charCodeAt(0));
}

const HOST = lower('host');
const EXPECT = lower('expect');
const CONNECTION = lower('connection');
const CONTENT_LENGTH = lower('content-length');
const TRANSFER_ENCODING = lower('transfer-encoding');
const CLOSE = lower('close');
const KEEP_ALIVE = lower('keep-alive');
const CHUNKED = lower('chunked');
const CONTINUE_100 = lower('100-continue');

/** Whether `buf[s, e)` equals `name` ignoring ASCII case (`name` is lowercase). */
function equalsIgnoreCase(buf: Uint8Array, s: number, e: number, name: Uint8Array): boolean {
	if (e - s !== name.length) {
		return false;
	}

	for (let i = 0; i < name.length; i++) {
		const c = buf[s + i]!;
		if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== name[i]) {
			return false;
		}
	}

	return true;
}

/**
 * Incremental HTTP/1.1 request parser (one per connection). See the module
 * documentation for the rules and the calling contract.
 *
 * @example
 * ```ts
 * const parser = new RequestParser();
 * let r = parser.parse(buf, 0, n);
 * while (r === PARSE_MESSAGE) { respond(parser.keepAlive, parser.isHead); r = parser.parse(buf, parser.next, n); }
 * ```
 */
export class RequestParser {
	/** Where the caller resumes after a `parse()` call (an offset into its buffer). */
	next = 0;
	/** The error status after {@link PARSE_ERROR}: 400, 414, 431, 501 or 505; 0 otherwise. */
	status = 0;
	/** A short constant text saying why the request was refused ('' when it was not). */
	reason = '';
	/** Whether the connection may carry another request after the current one. */
	keepAlive = true;
	/** Whether the current request's method is `HEAD` (the response then has no body). */
	isHead = false;
	/** The current request's minor HTTP version: 0 for HTTP/1.0, 1 for HTTP/1.1 and later 1.x. */
	minor = 1;
	/** The current request's body length by `Content-Length` (0 without one, or when chunked). */
	contentLength = 0;
	/** Whether the current request's body is chunked. */
	chunked = false;
	/** Whether the current request carries `Expect: 100-continue`. */
	expectContinue = false;

	#phase = HEAD;
	/** HEAD: bytes of the current head already scanned for its end. */
	#scanned = 0;
	/** HEAD: offset of the current line's first byte, relative to the head's start. */
	#lineStart = 0;
	/** BODY, CHUNK_DATA: body bytes still to skip. CHUNK_SIZE, CHUNK_EXT: the size read so far. */
	#remaining = 0;
	/** CHUNK_SIZE: hex digits read; CHUNK_EXT, TRAILER_*: bytes of the line or section so far. */
	#count = 0;

	/**
	 * Parses from `buf[start]` up to (not including) `buf[end]`, stopping
	 * after one request, an error, or when the bytes run out. Bytes at or
	 * after `end` are never read.
	 *
	 * @param buf - the caller's buffer
	 * @param start - where unparsed bytes begin (after {@link PARSE_NEED_MORE}: the kept bytes' start)
	 * @param end - where they end
	 * @returns {@link PARSE_NEED_MORE}, {@link PARSE_MESSAGE}, {@link PARSE_CONTINUE} or {@link PARSE_ERROR};
	 *   {@link RequestParser.next} says where to resume (where the kept bytes begin, for `PARSE_NEED_MORE`;
	 *   after `PARSE_ERROR` it is not meaningful: parsing is over)
	 */
	parse(buf: Uint8Array, start: number, end: number): number {
		let p = start;
		for (;;) {
			switch (this.#phase) {
				case HEAD: {
					if (this.#scanned === 0) {
						// Empty lines before a request line are ignored (RFC 9112 §2.2).
						while (p < end && buf[p] === CR) {
							if (p + 1 === end) {
								this.next = p;
								return PARSE_NEED_MORE;
							}

							if (buf[p + 1] !== LF) {
								return this.#fail(400, 'bare CR');
							}

							p += 2;
						}

						if (p === end) {
							this.next = p;
							return PARSE_NEED_MORE;
						}
					}

					const r = this.#head(buf, p, end);
					if (r !== GO_ON) {
						return r;
					}

					p = this.next;
					break;
				}

				case BODY: {
					const n = Math.min(end - p, this.#remaining);
					p += n;
					this.#remaining -= n;
					if (this.#remaining > 0) {
						this.next = p;
						return PARSE_NEED_MORE;
					}

					return this.#done(p);
				}

				case CHUNK_DATA: {
					const n = Math.min(end - p, this.#remaining);
					p += n;
					this.#remaining -= n;
					if (this.#remaining > 0) {
						this.next = p;
						return PARSE_NEED_MORE;
					}

					this.#phase = CHUNK_DATA_CR;
					break;
				}

				case DEAD: {
					this.next = start;
					return PARSE_ERROR;
				}

				default: {
					// Chunk framing, one byte at a time (nothing is kept).
					if (p === end) {
						this.next = p;
						return PARSE_NEED_MORE;
					}

					const r = this.#chunkByte(buf[p]!);
					p++;
					if (r !== PARSE_NEED_MORE) {
						return r === PARSE_MESSAGE ? this.#done(p) : r;
					}
				}
			}
		}
	}

	/**
	 * Forgets any request in progress (for reusing a parser on a new
	 * connection).
	 */
	reset(): void {
		this.#phase = HEAD;
		this.#scanned = 0;
		this.#lineStart = 0;
		this.#remaining = 0;
		this.#count = 0;
		this.next = 0;
		this.status = 0;
		this.reason = '';
		this.keepAlive = true;
		this.isHead = false;
		this.minor = 1;
		this.contentLength = 0;
		this.chunked = false;
		this.expectContinue = false;
	}

	#fail(status: number, reason: string): number {
		this.#phase = DEAD;
		this.status = status;
		this.reason = reason;
		this.keepAlive = false;
		return PARSE_ERROR;
	}

	#done(p: number): number {
		this.#phase = HEAD;
		this.#scanned = 0;
		this.#lineStart = 0;
		this.next = p;
		return PARSE_MESSAGE;
	}

	/** Looks for the end of the head starting at `s`; parses it once complete. */
	#head(buf: Uint8Array, s: number, end: number): number {
		const limit = Math.min(end, s + MAX_HEAD);
		let lineStart = s + this.#lineStart;
		for (let i = s + this.#scanned; i < limit; i++) {
			if (buf[i] !== LF) {
				continue;
			}

			if (i === s || buf[i - 1] !== CR) {
				return this.#fail(400, 'bare LF');
			}

			if (i - 1 === lineStart) {
				// The empty line: the head is buf[s, i + 1).
				this.#scanned = 0;
				this.#lineStart = 0;
				return this.#headComplete(buf, s, i + 1);
			}

			lineStart = i + 1;
		}

		this.#scanned = limit - s;
		this.#lineStart = lineStart - s;
		if (limit - s >= MAX_HEAD) {
			return lineStart === s
				? this.#fail(414, 'request line too long')
				: this.#fail(431, 'request header fields too large');
		}

		this.next = s;
		return PARSE_NEED_MORE;
	}

	/** Parses the complete head `buf[s, e)` and sets up the body. */
	#headComplete(buf: Uint8Array, s: number, e: number): number {
		const status = this.#parseHead(buf, s, e);
		if (status !== 0) {
			return status;
		}

		if (this.chunked) {
			this.#phase = CHUNK_SIZE;
			this.#remaining = 0;
			this.#count = 0;
		} else if (this.contentLength > 0) {
			this.#phase = BODY;
			this.#remaining = this.contentLength;
		} else {
			return this.#done(e);
		}

		this.next = e;
		return this.expectContinue ? PARSE_CONTINUE : GO_ON;
	}

	/**
	 * Parses the request line and header fields of `buf[s, e)` (which ends
	 * with CRLF CRLF and has a CR before every LF).
	 *
	 * @returns 0, or PARSE_ERROR after #fail()
	 */
	#parseHead(buf: Uint8Array, s: number, e: number): number {
		// Request line: method SP request-target SP HTTP-version CRLF.
		let i = s;
		while (TCHAR[buf[i]!] === 1) {
			i++;
		}

		if (i === s || buf[i] !== SP) {
			return this.#fail(400, 'invalid method');
		}

		this.isHead =
			i - s === 4 &&
			buf[s] === 0x48 &&
			buf[s + 1] === 0x45 &&
			buf[s + 2] === 0x41 &&
			buf[s + 3] === 0x44;
		const targetStart = ++i;
		for (let c = buf[i]!; c > SP && c < DEL; c = buf[i]!) {
			i++;
		}

		if (i === targetStart || buf[i] !== SP) {
			return this.#fail(400, 'invalid request target');
		}

		i++;
		// "HTTP/" DIGIT "." DIGIT CRLF
		const major = buf[i + 5]! - 0x30;
		const minor = buf[i + 7]! - 0x30;
		if (
			buf[i] !== 0x48 ||
			buf[i + 1] !== 0x54 ||
			buf[i + 2] !== 0x54 ||
			buf[i + 3] !== 0x50 ||
			buf[i + 4] !== 0x2f ||
			major < 0 ||
			major > 9 ||
			buf[i + 6] !== 0x2e ||
			minor < 0 ||
			minor > 9 ||
			buf[i + 8] !== CR ||
			buf[i + 9] !== LF
		) {
			return this.#fail(400, 'invalid HTTP version');
		}

		if (major !== 1) {
			return this.#fail(505, 'HTTP version not supported');
		}

		this.minor = minor === 0 ? 0 : 1;
		i += 10;

		this.contentLength = 0;
		this.chunked = false;
		this.expectContinue = false;
		let hosts = 0;
		let close = false;
		let keepAlive = false;
		let lengthSeen = false;
		let encodingSeen = false;
		let unknownCoding = false;
		let chunkedLast = false;

		// Header fields: field-name ":" OWS field-value OWS CRLF, until the empty line at e - 2.
		while (i < e - 2) {
			const nameStart = i;
			while (TCHAR[buf[i]!] === 1) {
				i++;
			}

			if (i === nameStart) {
				// Also obsolete line folding (a line starting with SP or HTAB).
				return this.#fail(400, 'invalid header field name');
			}

			if (buf[i] !== COLON) {
				return this.#fail(400, 'invalid header field name');
			}

			const nameEnd = i++;
			while (buf[i] === SP || buf[i] === HTAB) {
				i++;
			}

			const valueStart = i;
			let valueEnd = i;
			for (let c = buf[i]!; c !== CR; c = buf[++i]!) {
				if ((c < SP && c !== HTAB) || c === DEL) {
					return this.#fail(400, 'invalid header field value');
				}

				if (c !== SP && c !== HTAB) {
					valueEnd = i + 1;
				}
			}

			if (buf[i + 1] !== LF) {
				return this.#fail(400, 'bare CR');
			}

			i += 2;
			switch (nameEnd - nameStart) {
				case 4: {
					if (equalsIgnoreCase(buf, nameStart, nameEnd, HOST)) {
						hosts++;
					}

					break;
				}

				case 6: {
					if (
						equalsIgnoreCase(buf, nameStart, nameEnd, EXPECT) &&
						equalsIgnoreCase(buf, valueStart, valueEnd, CONTINUE_100)
					) {
						this.expectContinue = true;
					}

					break;
				}

				case 10: {
					if (equalsIgnoreCase(buf, nameStart, nameEnd, CONNECTION)) {
						for (
							let j = nextElement(buf, valueStart, valueEnd);
							j >= 0;
							j = nextElement(buf, j, valueEnd)
						) {
							if (equalsIgnoreCase(buf, elementStart, elementEnd, CLOSE)) {
								close = true;
							} else if (equalsIgnoreCase(buf, elementStart, elementEnd, KEEP_ALIVE)) {
								keepAlive = true;
							}
						}
					}

					break;
				}

				case 14: {
					if (equalsIgnoreCase(buf, nameStart, nameEnd, CONTENT_LENGTH)) {
						for (
							let j = nextElement(buf, valueStart, valueEnd);
							j >= 0;
							j = nextElement(buf, j, valueEnd)
						) {
							const n = parseDecimal(buf, elementStart, elementEnd);
							if (n < 0 || (lengthSeen && n !== this.contentLength)) {
								return this.#fail(400, 'invalid Content-Length');
							}

							lengthSeen = true;
							this.contentLength = n;
						}

						if (!lengthSeen) {
							return this.#fail(400, 'invalid Content-Length'); // an empty value
						}
					}

					break;
				}

				case 17: {
					if (equalsIgnoreCase(buf, nameStart, nameEnd, TRANSFER_ENCODING)) {
						encodingSeen = true;
						for (
							let j = nextElement(buf, valueStart, valueEnd);
							j >= 0;
							j = nextElement(buf, j, valueEnd)
						) {
							if (equalsIgnoreCase(buf, elementStart, elementEnd, CHUNKED)) {
								if (this.chunked) {
									return this.#fail(400, 'chunked applied twice'); // RFC 9112 §6.1
								}

								this.chunked = true;
								chunkedLast = true;
							} else {
								unknownCoding = true;
								chunkedLast = false;
							}
						}
					}

					break;
				}

				default:
			}
		}

		if (hosts > 1 || (hosts === 0 && this.minor === 1)) {
			return this.#fail(400, hosts === 0 ? 'missing Host' : 'more than one Host');
		}

		if (encodingSeen) {
			if (this.minor === 0) {
				return this.#fail(400, 'Transfer-Encoding in HTTP/1.0');
			}

			if (lengthSeen) {
				return this.#fail(400, 'both Transfer-Encoding and Content-Length');
			}

			if (!chunkedLast) {
				return this.#fail(400, 'final transfer coding is not chunked');
			}

			if (unknownCoding) {
				return this.#fail(501, 'transfer coding not implemented');
			}

			this.contentLength = 0;
		}

		this.keepAlive = !close && (this.minor === 1 || keepAlive);
		return 0;
	}

	/**
	 * One byte of chunked framing (RFC 9112 §7.1): chunk size, extensions,
	 * CRLFs, the last chunk and the trailer section.
	 *
	 * @returns PARSE_NEED_MORE to go on, PARSE_MESSAGE at the end of the body, PARSE_ERROR
	 */
	#chunkByte(c: number): number {
		switch (this.#phase) {
			case CHUNK_SIZE: {
				const d = HEX[c]!;
				if (d >= 0) {
					if (++this.#count > MAX_CHUNK_SIZE_DIGITS) {
						return this.#fail(400, 'chunk size too large');
					}

					this.#remaining = this.#remaining * 16 + d;
					return PARSE_NEED_MORE;
				}

				if (this.#count === 0) {
					return this.#fail(400, 'invalid chunk size');
				}

				if (c === CR) {
					this.#phase = CHUNK_SIZE_LF;
					return PARSE_NEED_MORE;
				}

				if (c === SEMICOLON || c === SP || c === HTAB) {
					this.#phase = CHUNK_EXT;
					this.#count = 0;
					return PARSE_NEED_MORE;
				}

				return this.#fail(400, 'invalid chunk size');
			}

			case CHUNK_EXT: {
				if (c === CR) {
					this.#phase = CHUNK_SIZE_LF;
				} else if ((c < SP && c !== HTAB) || c === DEL) {
					return this.#fail(400, 'invalid chunk extension');
				} else if (++this.#count > MAX_HEAD) {
					return this.#fail(400, 'chunk extension too long');
				}

				return PARSE_NEED_MORE;
			}

			case CHUNK_SIZE_LF: {
				if (c !== LF) {
					return this.#fail(400, 'bare CR');
				}

				if (this.#remaining === 0) {
					this.#phase = TRAILER_START;
					this.#count = 0;
				} else {
					this.#phase = CHUNK_DATA;
				}

				return PARSE_NEED_MORE;
			}

			case CHUNK_DATA_CR: {
				if (c !== CR) {
					return this.#fail(400, 'missing CRLF after chunk data');
				}

				this.#phase = CHUNK_DATA_LF;
				return PARSE_NEED_MORE;
			}

			case CHUNK_DATA_LF: {
				if (c !== LF) {
					return this.#fail(400, 'missing CRLF after chunk data');
				}

				this.#phase = CHUNK_SIZE;
				this.#count = 0;
				this.#remaining = 0;
				return PARSE_NEED_MORE;
			}

			case TRAILER_START: {
				if (c === CR) {
					this.#phase = TRAILER_END_LF;
					return PARSE_NEED_MORE;
				}

				this.#phase = TRAILER_LINE;
				return this.#trailerByte(c);
			}

			case TRAILER_LINE: {
				return this.#trailerByte(c);
			}

			case TRAILER_LF: {
				if (c !== LF) {
					return this.#fail(400, 'bare CR');
				}

				this.#phase = TRAILER_START;
				return PARSE_NEED_MORE;
			}

			default: {
				// TRAILER_END_LF
				return c === LF ? PARSE_MESSAGE : this.#fail(400, 'bare CR');
			}
		}
	}

	/** A byte of a trailer field line (not validated beyond control characters). */
	#trailerByte(c: number): number {
		if (++this.#count > MAX_HEAD) {
			return this.#fail(431, 'trailer fields too large');
		}

		if (c === CR) {
			this.#phase = TRAILER_LF;
		} else if ((c < SP && c !== HTAB) || c === DEL) {
			return this.#fail(400, c === LF ? 'bare LF' : 'invalid trailer field');
		}

		return PARSE_NEED_MORE;
	}
}

/** Set by {@link nextElement}: the current list element is `buf[elementStart, elementEnd)`. */
let elementStart = 0;
let elementEnd = 0;

/**
 * Finds the next non-empty element of a comma-separated list in `buf[i, e)`
 * (RFC 9110 §5.6.1), optional whitespace trimmed, and stores its bounds in
 * `elementStart`/`elementEnd` (no allocation).
 *
 * @returns where to look for the element after it, or -1 when there is none
 */
function nextElement(buf: Uint8Array, i: number, e: number): number {
	while (i < e) {
		while (i < e && (buf[i] === SP || buf[i] === HTAB || buf[i] === COMMA)) {
			i++;
		}

		let j = i;
		while (j < e && buf[j] !== COMMA) {
			j++;
		}

		let k = j;
		while (k > i && (buf[k - 1] === SP || buf[k - 1] === HTAB)) {
			k--;
		}

		if (k > i) {
			elementStart = i;
			elementEnd = k;
			return j;
		}

		i = j;
	}

	return -1;
}

/** The value of the decimal digits `buf[s, e)`, or -1 if they are not 1 to 15 digits. */
function parseDecimal(buf: Uint8Array, s: number, e: number): number {
	if (e === s || e - s > 15) {
		return -1;
	}

	let n = 0;
	for (let i = s; i < e; i++) {
		const d = buf[i]! - 0x30;
		if (d < 0 || d > 9) {
			return -1;
		}

		n = n * 10 + d;
	}

	return n;
}
