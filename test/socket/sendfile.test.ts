// Socket.sendfile (blocking and timeout mode, zero-copy with the send()
// fallback) and os.sendfile on a non-blocking socket under a selector. The
// large (64 MiB) run is bench/sendfile-large.ts, outside npm test.
import assert from 'node:assert/strict';
import {createHash, randomBytes} from 'node:crypto';
import {once} from 'node:events';
import {closeSync, mkdtempSync, openSync, rmSync, writeFileSync} from 'node:fs';
import {open} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, test, type TestContext} from 'node:test';
import {Worker} from 'node:worker_threads';
import {DefaultSelector, EVENT_READ, EVENT_WRITE} from '../../src/index.js';
import {C, native} from '../../src/native.js';
import * as os from '../../src/os.js';
import {
	AF_INET,
	BlockingIOError,
	SO_SNDBUF,
	SOCK_DGRAM,
	SOL_SOCKET,
	Socket,
	TimeoutError,
} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {closing, closingFds, pair} from '../helpers/sockets.js';
import {SOCKET_URL} from './child.js';

checkFdLeaks();

const SEEK_CUR = 1;
const linuxOnly =
	process.platform === 'linux'
		? false
		: 'sendfile(2) of this shape is Linux-only (the fallback runs elsewhere)';

/** A temporary file with `size` random bytes: [path, its bytes]; removed after the test. */
function tempFile(t: TestContext, size: number): [string, Buffer] {
	const dir = mkdtempSync(join(tmpdir(), 'sendfile-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	const path = join(dir, 'data');
	const data = randomBytes(size);
	writeFileSync(path, data);
	return [path, data];
}

function sha(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

/** A worker that reads `fd` slowly (a 1 ms pause every 64 KiB) to EOF and reports [bytes, sha256]. */
function slowReader(t: TestContext, fd: number): Promise<[number, string]> {
	const source = `
		import {workerData, parentPort} from 'node:worker_threads';
		import {createHash} from 'node:crypto';
		const s = await import(${JSON.stringify(SOCKET_URL)});
		const sock = s.Socket.adoptFd(workerData.fd);
		sock.settimeout(20);
		const hash = createHash('sha256');
		const nap = new Int32Array(new SharedArrayBuffer(4));
		let total = 0;
		for (;;) {
			const chunk = sock.recv(65536);
			if (chunk.length === 0) break;
			total += chunk.length;
			hash.update(chunk);
			Atomics.wait(nap, 0, 0, 1);
		}
		sock.close();
		parentPort.postMessage([total, hash.digest('hex')]);
	`;
	const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), {
		workerData: {fd},
	});
	t.after(() => worker.terminate());
	return once(worker, 'message').then(([result]) => result as [number, string]);
}

describe('Socket.sendfile', () => {
	test('blocking mode: 4 MiB from an fd to a slow reader; the file position ends past the data', async t => {
		const size = 4 * 1024 * 1024;
		const [path, data] = tempFile(t, size);
		const fd = closingFds(t, openSync(path, 'r'))[0] ?? -1;
		const [a, b] = pair(t);
		a.setsockopt(SOL_SOCKET, SO_SNDBUF, 64 * 1024);
		const reading = slowReader(t, b.detach());
		assert.equal(a.sendfile(fd), size);
		a.close();
		assert.deepEqual(await reading, [size, sha(data)]);
		assert.equal(native.lseek(fd, 0, SEEK_CUR), size);
	});

	test('timeout mode, a FileHandle, offset and count: the slice, and the position after it', async t => {
		const [path, data] = tempFile(t, 300_000);
		const handle = await open(path, 'r');
		t.after(() => handle.close());
		const [a, b] = pair(t);
		a.settimeout(5);
		const reading = slowReader(t, b.detach());
		assert.equal(a.sendfile(handle, 1000, 200_000), 200_000);
		a.close();
		assert.deepEqual(await reading, [200_000, sha(data.subarray(1000, 201_000))]);
		assert.equal(native.lseek(handle.fd, 0, SEEK_CUR), 201_000);
	});

	test('an object with fileno(); a count past the end sends to the end', t => {
		const [path, data] = tempFile(t, 5000);
		const fd = closingFds(t, openSync(path, 'r'))[0] ?? -1;
		const [a, b] = pair(t);
		assert.equal(a.sendfile({fileno: () => fd}, 4000, 10_000), 1000);
		assert.deepEqual(b.recv(5000), data.subarray(4000));
	});

	test('timeout mode: TimeoutError when nobody reads', {skip: linuxOnly}, t => {
		const [path] = tempFile(t, 8 * 1024 * 1024);
		const fd = closingFds(t, openSync(path, 'r'))[0] ?? -1;
		const [a] = pair(t);
		a.setsockopt(SOL_SOCKET, SO_SNDBUF, 64 * 1024);
		a.settimeout(0.1);
		assert.throws(() => a.sendfile(fd), TimeoutError);
		assert.ok(native.lseek(fd, 0, SEEK_CUR) > 0, 'what was sent before the timeout moved the position');
	});

	test('the send() fallback: a pipe as the file (no sendfile from a pipe)', t => {
		const [r, w] = os.pipe();
		closingFds(t, r); // w is closed below: registering it too would close whatever reuses its number
		const data = randomBytes(30_000);
		let written = 0;
		while (written < data.length) {
			written += os.write(w, data.subarray(written));
		}

		os.close(w);
		const [a, b] = pair(t);
		const reading = slowReader(t, b.detach());
		assert.equal(a.sendfile(r), data.length);
		a.close();
		return reading.then(result => assert.deepEqual(result, [data.length, sha(data)]));
	});

	test('argument errors as CPython: non-blocking, datagram, count, file', t => {
		const [path] = tempFile(t, 10);
		const fd = closingFds(t, openSync(path, 'r'))[0] ?? -1;
		const [a] = pair(t);
		assert.throws(() => a.sendfile(fd, 0, 0), {
			name: 'ValueError',
			message: /count must be a positive integer/,
		});
		assert.throws(() => a.sendfile(fd, 0, '1' as unknown as number), {name: 'TypeError'});
		assert.throws(() => a.sendfile('x' as unknown as number), {
			name: 'TypeError',
			code: 'ERR_INVALID_ARG_TYPE',
		});
		assert.throws(() => a.sendfile(fd, -1), {name: 'RangeError'});
		a.setblocking(false);
		assert.throws(() => a.sendfile(fd), {
			name: 'ValueError',
			message: 'non-blocking sockets are not supported',
		});
		const [udp] = closing(t, new Socket(AF_INET, SOCK_DGRAM));
		assert.throws(() => udp.sendfile(fd), {
			name: 'ValueError',
			message: 'only SOCK_STREAM type sockets are supported',
		});
		a.close();
		assert.throws(() => a.sendfile(fd), {name: 'OSError', code: 'EBADF'});
	});
});

describe('os.sendfile', {skip: linuxOnly}, () => {
	test('a non-blocking socket under a selector: BlockingIOError when full, resumed at the offset; the position stays', t => {
		const size = 2 * 1024 * 1024;
		const [path, data] = tempFile(t, size);
		const fd = closingFds(t, openSync(path, 'r'))[0] ?? -1;
		const [a, b] = pair(t);
		a.setblocking(false);
		b.setblocking(false);
		const sel = new DefaultSelector();
		t.after(() => sel.close());
		sel.register(a, EVENT_WRITE);
		sel.register(b, EVENT_READ);
		const received: Buffer[] = [];
		let got = 0;
		let offset = 0;
		let blocked = 0;
		for (let round = 0; round < 100_000 && got < size; round++) {
			for (const [key] of sel.select(5)) {
				if (key.fileobj === a) {
					try {
						offset += os.sendfile(a.fileno(), fd, offset, size - offset);
					} catch (error) {
						assert.ok(error instanceof BlockingIOError);
						blocked++;
					}

					if (offset === size) {
						sel.unregister(a);
					}
				} else {
					const chunk = b.recv(256 * 1024);
					got += chunk.length;
					received.push(chunk);
				}
			}
		}

		assert.equal(got, size);
		assert.equal(sha(Buffer.concat(received)), sha(data));
		assert.ok(blocked > 0 || offset === size, 'ran to the end');
		assert.equal(native.lseek(fd, 0, SEEK_CUR), 0, 'a given offset leaves the position alone');
	});

	test('offset null reads from and advances the file position; 0 at end of file', t => {
		const [path, data] = tempFile(t, 100);
		const fd = closingFds(t, openSync(path, 'r'))[0] ?? -1;
		const [a, b] = pair(t);
		native.lseek(fd, 40, 0);
		assert.equal(os.sendfile(a.fileno(), fd, null, 1000), 60);
		assert.equal(native.lseek(fd, 0, SEEK_CUR), 100);
		assert.deepEqual(b.recv(100), data.subarray(40));
		assert.equal(os.sendfile(a.fileno(), fd, null, 1000), 0);
	});

	test('argument and kernel errors', t => {
		const [path] = tempFile(t, 10);
		const fd = openSync(path, 'r');
		t.after(() => closeSync(fd));
		const [a] = pair(t);
		assert.throws(() => os.sendfile(a.fileno(), fd, -1, 1), {
			name: 'RangeError',
			code: 'ERR_OUT_OF_RANGE',
		});
		assert.throws(() => os.sendfile(a.fileno(), fd, 0, 1.5), {name: 'TypeError'});
		assert.throws(() => os.sendfile(a.fileno(), 'x' as unknown as number, 0, 1), {name: 'TypeError'});
		assert.throws(() => os.sendfile(a.fileno(), a.fileno(), 0, 1), {
			name: 'OSError',
			code: /^(EINVAL|ESPIPE)$/,
		});
		assert.throws(() => os.sendfile(-1, fd, 0, 1), {name: 'OSError', code: 'EBADF'});
		assert.ok(C['SEEK_SET'] === 0);
	});
});
