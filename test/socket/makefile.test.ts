// Socket.makefile: buffered reader and writer with Python's rules per mode.
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {describe, test} from 'node:test';
import {Worker} from 'node:worker_threads';
import {
	BlockingIOError,
	OSError,
	SO_SNDBUF,
	SOL_SOCKET,
	TimeoutError,
	ValueError,
} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {pair} from '../helpers/sockets.js';
import {SOCKET_URL} from './child.js';

checkFdLeaks();

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString());

describe('makefile reader', () => {
	test('readline over lines split across sends; iteration; empty at end of stream', t => {
		const [a, b] = pair(t);
		for (const part of ['ab', 'c\nde', 'f\ng', 'h\nlast']) {
			a.sendall(Buffer.from(part));
		}

		a.shutdown(1);
		const f = b.makefile('rb');
		assert.equal(text(f.readline()), 'abc\n');
		assert.deepEqual([...f].map(text), ['def\n', 'gh\n', 'last']);
		assert.equal(text(f.readline()), '');
		assert.equal(text(f.read()), '');
		f.close();
	});

	test('read(n), read() to end of stream, readinto, readline(limit) over a small buffer', t => {
		const [a, b] = pair(t);
		const f = b.makefile('rb', 4);
		a.sendall(Buffer.from('0123456789\nrest of it'));
		a.shutdown(1);
		assert.equal(text(f.readline(3)), '012');
		assert.equal(text(f.read(5)), '34567');
		const into = Buffer.alloc(4);
		assert.equal(f.readinto(into), 4);
		assert.equal(into.toString(), '89\nr');
		assert.equal(text(f.read()), 'est of it');
		assert.equal(f.readinto(into), 0);
	});

	test('blocking mode: read(n) and readline() wait across sends from another thread', async t => {
		const [a, b] = pair(t);
		const source = `
			import {workerData} from 'node:worker_threads';
			const s = await import(${JSON.stringify(SOCKET_URL)});
			const sock = s.Socket.adoptFd(workerData.fd);
			const nap = new Int32Array(new SharedArrayBuffer(4));
			for (const part of ['ab', 'cd', 'ef\\nline', ' two\\n']) {
				sock.sendall(Buffer.from(part));
				Atomics.wait(nap, 0, 0, 30);
			}
			sock.close();
		`;
		const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), {
			workerData: {fd: a.detach()},
		});
		t.after(() => worker.terminate());
		b.settimeout(5);
		const f = b.makefile('rb');
		assert.equal(text(f.read(4)), 'abcd', 'waited for the second send');
		assert.equal(text(f.readline()), 'ef\n');
		assert.equal(text(f.readline()), 'line two\n', 'waited for the rest of the line');
		assert.equal(text(f.readline()), '', 'end of stream');
		await once(worker, 'exit');
	});

	test('a line longer than the buffer grows it', t => {
		const [a, b] = pair(t);
		const long = `${'x'.repeat(50_000)}\n`;
		a.sendall(Buffer.from(long + 'next\n'));
		const f = b.makefile('rb', 16);
		assert.equal(text(f.readline()), long);
		assert.equal(text(f.readline()), 'next\n');
	});

	test('non-blocking: null when nothing is available, partial data otherwise, nothing lost', t => {
		const [a, b] = pair(t);
		b.setblocking(false);
		const f = b.makefile('rb');
		assert.equal(f.read(10), null);
		assert.equal(f.readline(), null);
		assert.equal(f.readinto(Buffer.alloc(4)), null);
		assert.deepEqual([...f], [], 'iteration stops');
		a.sendall(Buffer.from('abc'));
		assert.equal(text(f.read(10)), 'abc', 'what is there, not null');
		a.sendall(Buffer.from('par'));
		assert.equal(text(f.readline()), 'par', 'a partial line, as Python');
		a.sendall(Buffer.from('tial\nnext'));
		assert.equal(text(f.readline()), 'tial\n');
		assert.equal(text(f.read(2)), 'ne');
		assert.equal(text(f.read()), 'xt');
		assert.equal(f.read(), null);
	});

	test('timeout: TimeoutError, then the file refuses socket reads; buffered bytes still come out', t => {
		const [a, b] = pair(t);
		b.settimeout(0.05);
		const f = b.makefile('rb');
		a.sendall(Buffer.from('one\ntw'));
		assert.equal(text(f.readline()), 'one\n');
		assert.throws(() => f.readline(), TimeoutError);
		a.sendall(Buffer.from('o\n'));
		assert.equal(text(f.read(2)), 'tw', 'from the buffer');
		assert.throws(
			() => f.readline(),
			(error: unknown) =>
				error instanceof OSError &&
				error.message === 'cannot read from timed out object' &&
				error.code === 'ERR_SOCKET_TIMED_OUT_FILE',
		);
	});

	test('timeout in the middle of read(n): the bytes it had gathered stay buffered, not lost', t => {
		const [a, b] = pair(t);
		b.settimeout(0.05);
		const f = b.makefile('rb', 4); // a small buffer: read(10) gathers over several receives
		a.sendall(Buffer.from('abcdef'));
		assert.throws(() => f.read(10), TimeoutError);
		assert.equal(text(f.read(6)), 'abcdef', 'from the buffer, after the timeout');
		assert.throws(
			() => f.read(1),
			(error: unknown) => error instanceof OSError && error.errno === 0,
		);
	});
});

describe('makefile writer', () => {
	test('writes are buffered until flush; a full buffer is sent; close flushes', t => {
		const [a, b] = pair(t);
		b.setblocking(false);
		const f = a.makefile('wb', 16);
		assert.equal(f.write(Buffer.from('hello ')), 6);
		assert.equal(f.write(new Uint8Array([0x77])), 1);
		assert.throws(() => b.recv(100), BlockingIOError, 'nothing sent yet');
		f.flush();
		assert.equal(b.recv(100).toString(), 'hello w');
		f.write(Buffer.from('x'.repeat(40)));
		assert.ok(b.recv(100).length >= 32, 'the full buffer went out');
		f.write(Buffer.from('tail'));
		f.close();
		assert.match(b.recv(100).toString(), /tail$/);
		assert.equal(f.closed, true);
		f.close();
	});

	test('non-blocking: BlockingIOError says how much was taken; the rest of the buffer is kept and flushed later', t => {
		const [a, b] = pair(t);
		a.setsockopt(SOL_SOCKET, SO_SNDBUF, 4096);
		a.setblocking(false);
		b.setblocking(false);
		const f = a.makefile('wb');
		const data = Buffer.alloc(1024 * 1024, 7);
		let taken: number;
		try {
			f.write(data);
			taken = data.length;
		} catch (error) {
			assert.ok(error instanceof BlockingIOError);
			taken = error.bytesSent;
		}

		assert.ok(taken < data.length, 'the socket filled up');
		let received = 0;
		for (let i = 0; i < 10_000; i++) {
			try {
				received += b.recv(65_536).length;
			} catch (error) {
				assert.ok(error instanceof BlockingIOError);
			}

			try {
				f.flush();
			} catch (error) {
				assert.ok(error instanceof BlockingIOError);
				continue;
			}

			try {
				for (;;) {
					received += b.recv(65_536).length;
				}
			} catch (error) {
				assert.ok(error instanceof BlockingIOError);
			}

			break;
		}

		assert.equal(received, taken, 'every byte taken was sent exactly once');
	});

	test('rwb: one file reads and writes', t => {
		const [a, b] = pair(t);
		const fa = a.makefile('rwb');
		const fb = b.makefile('rwb');
		fa.write(Buffer.from('ping\n'));
		fa.flush();
		assert.equal(text(fb.readline()), 'ping\n');
		fb.write(Buffer.from('pong\n'));
		fb.flush();
		assert.equal(text(fa.readline()), 'pong\n');
		assert.equal(fa.readable() && fa.writable(), true);
	});
});

describe('makefile text mode', () => {
	test('default newline: \\r\\n and \\r read as \\n, also when \\r\\n is split across sends', t => {
		const [a, b] = pair(t);
		const f = b.makefile('r', 15); // 15 bytes per receive: the first ends with the \r
		assert.equal(f.mode, 'r');
		for (const part of ['GET / HTTP/1.1\r', '\nHost: x\r\n', 'old mac\rlast']) {
			a.sendall(Buffer.from(part));
		}

		a.shutdown(1);
		assert.deepEqual(f.readlines(), ['GET / HTTP/1.1\n', 'Host: x\n', 'old mac\n', 'last']);
		assert.equal(f.readline(), '');
	});

	test("newline '' splits at any ending and keeps it; newline '\\r\\n' splits only there", t => {
		const [a, b] = pair(t);
		a.sendall(Buffer.from('one\r\ntwo\rthree\nfour\r'));
		a.shutdown(1);
		assert.deepEqual(b.makefile('r', null, {newline: ''}).readlines(), [
			'one\r\n',
			'two\r',
			'three\n',
			'four\r',
		]);
		const [c, d] = pair(t);
		c.sendall(Buffer.from('a\nb\r\nc'));
		c.shutdown(1);
		assert.deepEqual(d.makefile('r', null, {newline: '\r\n'}).readlines(), ['a\nb\r\n', 'c']);
	});

	test('UTF-8 split across sends; read(n) counts characters; errors strict and replace', t => {
		const [a, b] = pair(t);
		const bytes = Buffer.from('héllo wörld\n');
		a.sendall(bytes.subarray(0, 2));
		a.sendall(bytes.subarray(2));
		const f = b.makefile('r', 2); // 2 bytes per receive: 'é' arrives in two
		assert.equal(f.read(5), 'héllo');
		assert.equal(f.readline(), ' wörld\n');
		a.sendall(Buffer.from([0x61, 0xff, 0x0a]));
		assert.throws(() => f.readline(), {name: 'TypeError', code: 'ERR_ENCODING_INVALID_ENCODED_DATA'});
		const [c, d] = pair(t);
		c.sendall(Buffer.from([0x61, 0xff, 0x0a]));
		c.shutdown(1);
		assert.equal(d.makefile('r', null, {errors: 'replace'}).read(), 'a\ufffd\n');
	});

	test('writes encode, translate \\n to the newline given, and wait for flush; latin-1', t => {
		const [a, b] = pair(t);
		const w = a.makefile('w', null, {newline: '\r\n'});
		assert.equal(w.write('a\nb\n'), 4);
		w.flush();
		assert.equal(b.recv(100).toString(), 'a\r\nb\r\n');
		const l = a.makefile('w', null, {encoding: 'latin-1'});
		l.write('é');
		l.close();
		assert.deepEqual([...b.recv(100)], [0xe9]);
		assert.throws(() => w.write(Buffer.from('x') as unknown as string), {name: 'TypeError'});
	});

	test('non-blocking: null with nothing available, a partial line otherwise', t => {
		const [a, b] = pair(t);
		b.setblocking(false);
		const f = b.makefile('r');
		assert.equal(f.readline(), null);
		assert.equal(f.read(), null);
		a.sendall(Buffer.from('part'));
		assert.equal(f.readline(), 'part');
		a.sendall(Buffer.from('ial\n'));
		assert.equal(f.readline(), 'ial\n');
	});
});

describe('makefile arguments', () => {
	test('modes, buffering and the text options as Python', t => {
		const [a] = pair(t);
		assert.throws(() => a.makefile('rx'), {
			name: 'ValueError',
			message: "invalid mode 'rx' (only r, w, b allowed)",
		});
		assert.throws(() => a.makefile('b'), ValueError);
		assert.throws(() => a.makefile('rb', 0), ValueError);
		assert.throws(() => a.makefile('r', 0), {
			name: 'ValueError',
			message: 'unbuffered streams must be binary',
		});
		assert.throws(() => a.makefile('rb', 1.5), {name: 'TypeError'});
		assert.throws(() => a.makefile(1 as unknown as string), {name: 'TypeError'});
		assert.throws(() => a.makefile('rb', null, {encoding: 'utf-8'}), {
			name: 'ValueError',
			message: "binary mode doesn't take an encoding argument",
		});
		assert.throws(() => a.makefile('r', null, {encoding: 'koi8-r'}), {
			name: 'ValueError',
			code: 'ERR_UNKNOWN_ENCODING',
		});
		assert.throws(() => a.makefile('r', null, {newline: 'x'}), {
			name: 'ValueError',
			message: /illegal newline/,
		});
		assert.throws(() => a.makefile('r', null, {errors: 'ignore'}), ValueError);
		const w = a.makefile('wb');
		assert.throws(() => w.read(), {name: 'ValueError', message: 'File not open for reading'});
		const r = a.makefile('rb');
		assert.throws(() => r.write(Buffer.from('x')), {
			name: 'ValueError',
			message: 'File not open for writing',
		});
		assert.throws(() => r.readline('1' as unknown as number), {name: 'TypeError'});
		r.close();
		assert.throws(() => r.read(), {name: 'ValueError', message: 'I/O operation on closed file.'});
		assert.equal(a.fileno() >= 0, true, 'closing the file leaves the socket open');
		assert.equal(w.fileno(), a.fileno());
	});

	test('read1: what is buffered, or one receive', t => {
		const [a, b] = pair(t);
		const f = b.makefile('rb');
		a.sendall(Buffer.from('abc'));
		assert.equal(text(f.read1(2)), 'ab');
		assert.equal(text(f.read1()), 'c');
		a.sendall(Buffer.from('defg'));
		assert.equal(text(f.read1(100)), 'defg');
		a.shutdown(1);
		assert.equal(text(f.read1()), '');
	});
});
