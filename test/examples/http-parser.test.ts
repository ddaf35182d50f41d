/**
 * Unit tests for examples/http-parser.ts: framing, keep-alive rules, error
 * statuses, and the same results whatever way the bytes are split across
 * reads.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {
	MAX_HEAD,
	PARSE_CONTINUE,
	PARSE_ERROR,
	PARSE_MESSAGE,
	PARSE_NEED_MORE,
	RequestParser,
} from '../../examples/http-parser.js';

/** What the parser reported for one request (or the error that ended parsing). */
type Event =
	| {
			type: 'message';
			keepAlive: boolean;
			isHead: boolean;
			minor: number;
			contentLength: number;
			chunked: boolean;
	  }
	| {type: 'continue'}
	| {type: 'error'; status: number; reason: string};

/**
 * Feeds `chunks` to a parser the way a server does: unparsed head bytes are
 * kept and passed again in front of the next chunk. Each chunk sits in a
 * larger buffer whose bytes after `end` look like a complete request, to
 * prove the parser never reads past `end`.
 */
function drive(chunks: readonly Buffer[]): Event[] {
	const parser = new RequestParser();
	const events: Event[] = [];
	let kept = Buffer.alloc(0);
	const junk = Buffer.from('\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n');
	for (const chunk of chunks) {
		const data = Buffer.concat([kept, chunk, junk]);
		const end = kept.length + chunk.length;
		let pos = 0;
		for (let guard = 0; ; guard++) {
			assert.ok(guard < 100_000, 'parser made no progress');
			const r = parser.parse(data, pos, end);
			assert.ok(
				r === PARSE_ERROR || (parser.next >= pos && parser.next <= end),
				`next ${parser.next} outside [${pos}, ${end}]`,
			);
			if (r === PARSE_MESSAGE) {
				events.push({
					type: 'message',
					keepAlive: parser.keepAlive,
					isHead: parser.isHead,
					minor: parser.minor,
					contentLength: parser.contentLength,
					chunked: parser.chunked,
				});
			} else if (r === PARSE_CONTINUE) {
				events.push({type: 'continue'});
			} else if (r === PARSE_ERROR) {
				events.push({type: 'error', status: parser.status, reason: parser.reason});
				return events;
			} else {
				assert.equal(r, PARSE_NEED_MORE);
				kept = Buffer.from(data.subarray(parser.next, end));
				assert.ok(kept.length <= MAX_HEAD, `kept ${kept.length} bytes`);
				break;
			}

			pos = parser.next;
		}
	}

	return events;
}

function bytes(s: string): Buffer {
	return Buffer.from(s, 'latin1');
}

/** Every way of cutting `data` in two, three at a stride, and one byte at a time. */
function splits(data: Buffer): Buffer[][] {
	const out: Buffer[][] = [[data]];
	for (let i = 0; i <= data.length; i++) {
		out.push([data.subarray(0, i), data.subarray(i)]);
	}

	for (let i = 1; i < data.length; i += 7) {
		for (let j = i; j < data.length; j += 5) {
			out.push([data.subarray(0, i), data.subarray(i, j), data.subarray(j)]);
		}
	}

	out.push([...data].map(b => Buffer.from([b])));
	return out;
}

function assertSameAtEverySplit(data: Buffer, expected: Event[]): void {
	for (const chunks of splits(data)) {
		assert.deepEqual(drive(chunks), expected, `split at ${chunks.map(c => c.length).join('+')}`);
	}
}

const GET = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
const OK11 = {
	type: 'message',
	keepAlive: true,
	isHead: false,
	minor: 1,
	contentLength: 0,
	chunked: false,
} as const;

function error(status: number, reason: string): Event {
	return {type: 'error', status, reason};
}

describe('http parser: framing', () => {
	test('one GET', () => {
		const parser = new RequestParser();
		const buf = bytes(GET);
		assert.equal(parser.parse(buf, 0, buf.length), PARSE_MESSAGE);
		assert.equal(parser.next, buf.length);
		assert.equal(parser.keepAlive, true);
		assert.equal(parser.parse(buf, parser.next, buf.length), PARSE_NEED_MORE);
		assert.equal(parser.next, buf.length);
	});

	test('pipelined requests in one buffer end where each request ends', () => {
		const parser = new RequestParser();
		const head = 'HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n';
		const buf = bytes(GET + head + GET);
		const ends: number[] = [];
		let pos = 0;
		while (parser.parse(buf, pos, buf.length) === PARSE_MESSAGE) {
			ends.push(parser.next);
			pos = parser.next;
		}

		assert.deepEqual(ends, [GET.length, GET.length + head.length, buf.length]);
	});

	test('an incomplete head is kept from its first byte', () => {
		const parser = new RequestParser();
		const buf = bytes(GET + 'GET / HTTP/1.1\r\nHo');
		assert.equal(parser.parse(buf, 0, buf.length), PARSE_MESSAGE);
		assert.equal(parser.parse(buf, parser.next, buf.length), PARSE_NEED_MORE);
		assert.equal(parser.next, GET.length);
	});

	test('a mixed pipeline gives the same events at every split point', () => {
		const data = bytes(
			'\r\n' + // an empty line before a request is ignored (RFC 9112 §2.2)
				GET +
				'POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\nGET / HTTP/1.1\r\n\r\nxx' +
				'PUT /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
				'5\r\nhello\r\nA;name=val\r\n0123456789\r\n0\r\nChecksum: 1\r\n\r\n' +
				'HEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' +
				'GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
		);
		assertSameAtEverySplit(data, [
			OK11,
			{...OK11, contentLength: 20},
			{...OK11, chunked: true},
			{type: 'message', keepAlive: true, isHead: true, minor: 0, contentLength: 0, chunked: false},
			{...OK11, keepAlive: false},
		]);
	});

	test('errors are found at every split point', () => {
		assertSameAtEverySplit(bytes(GET + 'GET / HTTP/1.1\nHost: x\r\n\r\n'), [OK11, error(400, 'bare LF')]);
		assertSameAtEverySplit(
			bytes(GET + GET + 'X'), // a trailing partial head is kept, not an error
			[OK11, OK11],
		);
		assertSameAtEverySplit(
			bytes('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX'),
			[error(400, 'missing CRLF after chunk data')],
		);
	});

	test('a Content-Length body is skipped, not parsed', () => {
		const body = GET.repeat(3);
		const data = bytes(
			`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}${GET}`,
		);
		assert.deepEqual(drive([data]), [{...OK11, contentLength: body.length}, OK11]);
	});

	test('a large body arriving in many reads is consumed as it comes (nothing kept)', () => {
		const size = 1 << 20;
		const parser = new RequestParser();
		const head = bytes(`PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\n\r\n`);
		assert.equal(parser.parse(head, 0, head.length), PARSE_NEED_MORE);
		assert.equal(parser.next, head.length);
		const chunk = Buffer.alloc(65_536, 0x41);
		for (let i = 0; i < size / chunk.length - 1; i++) {
			assert.equal(parser.parse(chunk, 0, chunk.length), PARSE_NEED_MORE);
			assert.equal(parser.next, chunk.length);
		}

		const last = Buffer.concat([chunk, bytes(GET)]);
		assert.equal(parser.parse(last, 0, last.length), PARSE_MESSAGE);
		assert.equal(parser.next, chunk.length);
		assert.equal(parser.parse(last, parser.next, last.length), PARSE_MESSAGE);
	});

	test('chunked: hex sizes, extensions, trailers; 0-size chunk ends the body', () => {
		const data = bytes(
			'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n' +
				'1a ; x="y"\r\n' +
				'z'.repeat(26) +
				'\r\nF\r\n' +
				'y'.repeat(15) +
				'\r\n000\r\nA: b\r\nC: d\r\n\r\n' +
				GET,
		);
		assertSameAtEverySplit(data, [{...OK11, chunked: true}, OK11]);
	});

	test('Expect: 100-continue reports the head before the body', () => {
		assertSameAtEverySplit(
			bytes('PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\nabc' + GET),
			[{type: 'continue'}, {...OK11, contentLength: 3}, OK11],
		);
		// No body, no 100.
		assert.deepEqual(drive([bytes('GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n')]), [OK11]);
	});

	test('after an error the parser stays failed', () => {
		const parser = new RequestParser();
		const buf = bytes('BAD\r\n\r\n' + GET);
		assert.equal(parser.parse(buf, 0, buf.length), PARSE_ERROR);
		assert.equal(parser.parse(buf, 7, buf.length), PARSE_ERROR);
		assert.equal(parser.status, 400);
		assert.equal(parser.keepAlive, false);
		parser.reset();
		assert.equal(parser.parse(buf, 7, buf.length), PARSE_MESSAGE);
	});
});

describe('http parser: keep-alive', () => {
	const cases: Array<[string, string, boolean]> = [
		['HTTP/1.1', '', true],
		['HTTP/1.1', 'Connection: close\r\n', false],
		['HTTP/1.1', 'Connection: CLOSE\r\n', false],
		['HTTP/1.1', 'Connection: Upgrade, close\r\n', false],
		['HTTP/1.1', 'Connection: keep-alive\r\n', true],
		['HTTP/1.1', 'Connection: closed\r\n', true],
		['HTTP/1.1', 'Connection: keep-alive\r\nConnection: close\r\n', false],
		['HTTP/1.0', '', false],
		['HTTP/1.0', 'Connection: keep-alive\r\n', true],
		['HTTP/1.0', 'Connection: Keep-Alive\r\n', true],
		['HTTP/1.0', 'Connection: keep-alive, close\r\n', false],
		['HTTP/1.2', '', true], // a later 1.x minor version is treated as 1.1
	];
	for (const [version, fields, keepAlive] of cases) {
		test(`${version} ${JSON.stringify(fields)} -> ${keepAlive ? 'keep-alive' : 'close'}`, () => {
			const events = drive([bytes(`GET / ${version}\r\nHost: x\r\n${fields}\r\n`)]);
			assert.equal(events.length, 1);
			const [event] = events;
			assert.equal(event?.type, 'message');
			assert.equal(event.type === 'message' && event.keepAlive, keepAlive);
		});
	}
});

describe('http parser: refused requests', () => {
	const cases: Array<[string, number, string]> = [
		['GET\r\n\r\n', 400, 'invalid method'],
		['G(T / HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'invalid method'],
		['GET  / HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'invalid request target'],
		['GET /a b HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'invalid HTTP version'],
		['GET /\x7f HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'invalid request target'],
		['GET / HTTP/1.1 \r\nHost: x\r\n\r\n', 400, 'invalid HTTP version'],
		['GET / http/1.1\r\nHost: x\r\n\r\n', 400, 'invalid HTTP version'],
		['GET / HTTP/1.10\r\nHost: x\r\n\r\n', 400, 'invalid HTTP version'],
		['GET / HTTP/2.0\r\nHost: x\r\n\r\n', 505, 'HTTP version not supported'],
		['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 505, 'HTTP version not supported'],
		['GET / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n', 400, 'invalid header field name'],
		['GET / HTTP/1.1\r\nHost : x\r\n\r\n', 400, 'invalid header field name'],
		['GET / HTTP/1.1\r\n: x\r\nHost: x\r\n\r\n', 400, 'invalid header field name'],
		['GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n folded\r\n\r\n', 400, 'invalid header field name'],
		['GET / HTTP/1.1\r\nHost: x\r\nA: b\x01c\r\n\r\n', 400, 'invalid header field value'],
		['GET / HTTP/1.1\r\nHost: x\rA: b\r\n\r\n', 400, 'bare CR'],
		['GET / HTTP/1.1\r\nHost: x\r\nA: b\n\r\n', 400, 'bare LF'],
		['\r\rGET / HTTP/1.1\r\n\r\n', 400, 'bare CR'],
		['GET / HTTP/1.1\r\n\r\n', 400, 'missing Host'],
		['GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n', 400, 'more than one Host'],
		['GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n', 400, 'more than one Host'],
		['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 400, 'invalid Content-Length'],
		['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n', 400, 'invalid Content-Length'],
		['POST / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n', 400, 'invalid Content-Length'],
		[
			'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1234567890123456\r\n\r\n',
			400,
			'invalid Content-Length',
		],
		['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n', 400, 'invalid Content-Length'],
		[
			'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
			400,
			'invalid Content-Length',
		],
		[
			'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n',
			400,
			'final transfer coding is not chunked',
		],
		[
			'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n',
			400,
			'final transfer coding is not chunked',
		],
		[
			'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n',
			400,
			'chunked applied twice',
		],
		[
			'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
			501,
			'transfer coding not implemented',
		],
		[
			'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n',
			400,
			'both Transfer-Encoding and Content-Length',
		],
		['POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', 400, 'Transfer-Encoding in HTTP/1.0'],
		['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n', 400, 'invalid chunk size'],
		['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n;x\r\n', 400, 'invalid chunk size'],
		['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1x\r\n', 400, 'invalid chunk size'],
		[
			'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n12345678901234\r\n',
			400,
			'chunk size too large',
		],
		['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\n', 400, 'invalid chunk size'],
		['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\rx', 400, 'bare CR'],
		[
			'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;a\x00\r\n',
			400,
			'invalid chunk extension',
		],
		['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: b\n', 400, 'bare LF'],
	];
	for (const [request, status, reason] of cases) {
		test(`${status} ${reason}: ${JSON.stringify(request)}`, () => {
			assert.deepEqual(drive([bytes(request)]), [error(status, reason)]);
			assert.deepEqual(drive([...bytes(request)].map(b => Buffer.from([b]))), [error(status, reason)]);
		});
	}

	test('allowed variations: equal Content-Length values, tabs, empty list elements, odd tokens', () => {
		const data = bytes(
			'POST /x?y=1 HTTP/1.1\r\nHost:\tx \t\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n' +
				'X-Empty:\r\nConnection: , ,keep-alive\r\n\r\nab' +
				"M!#$%&'*+-.^_`|~9 * HTTP/1.1\r\nHost:\r\n\r\n",
		);
		assert.deepEqual(drive([data]), [{...OK11, contentLength: 2}, OK11]);
	});

	test(`a head of exactly MAX_HEAD (${MAX_HEAD}) bytes passes; one more byte is 431`, () => {
		const fixed = 'GET / HTTP/1.1\r\nHost: x\r\nX: \r\n\r\n'.length;
		const exact = bytes(`GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(MAX_HEAD - fixed)}\r\n\r\n`);
		assert.equal(exact.length, MAX_HEAD);
		const over = bytes(`GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(MAX_HEAD - fixed + 1)}\r\n\r\n`);
		for (const chunks of [[exact], [exact.subarray(0, 100), exact.subarray(100)]]) {
			assert.deepEqual(drive(chunks), [OK11]);
		}

		const big = error(431, 'request header fields too large');
		for (const chunks of [
			[over],
			[over.subarray(0, 4000), over.subarray(4000)],
			[over.subarray(0, MAX_HEAD)],
		]) {
			assert.deepEqual(drive(chunks), [big]);
		}

		// Many small fields, each fine, are bounded the same way; the parser stops at the bound
		// without waiting for the end of the head.
		assert.deepEqual(drive([bytes('GET / HTTP/1.1\r\n' + 'A: b\r\n'.repeat(2000))]), [big]);
	});

	test('a request line longer than MAX_HEAD is 414; trailers beyond it are 431', () => {
		assert.deepEqual(drive([bytes(`GET /${'a'.repeat(MAX_HEAD)}`)]), [
			error(414, 'request line too long'),
		]);
		const trailer = bytes(
			'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n' +
				`A: ${'b'.repeat(MAX_HEAD)}\r\n\r\n`,
		);
		assert.deepEqual(drive([trailer]), [error(431, 'trailer fields too large')]);
	});
});
