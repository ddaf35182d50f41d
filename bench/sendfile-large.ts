// Run: npm run build && node dist/bench/sendfile-large.js [--mib 64] [--nap-every 1048576]
/**
 * The large sendfile case, outside `npm test`: a `--mib` MiB file (default
 * 64) sent to a slow reader over a Unix socketpair, both ways:
 *
 * - `Socket.sendfile()` in blocking mode on the main thread, the reader a
 *   worker thread that naps 1 ms after every `--nap-every` bytes;
 * - `os.sendfile()` on a non-blocking socket under a DefaultSelector, the
 *   reader the same worker.
 *
 * Each run checks the byte count and SHA-256 on the reader's side and prints
 * the elapsed time and MiB/s. Exits non-zero on a mismatch.
 *
 * @module
 */
import assert from 'node:assert/strict';
import {createHash, randomBytes} from 'node:crypto';
import {once} from 'node:events';
import {closeSync, mkdtempSync, openSync, rmSync, writeSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {parseArgs} from 'node:util';
import {Worker} from 'node:worker_threads';
import {DefaultSelector, EVENT_WRITE} from '../src/index.js';
import {BlockingIOError, sendfile} from '../src/os.js';
import {socketpair} from '../src/socket/index.js';

const {values} = parseArgs({
	options: {
		mib: {type: 'string', default: '64'},
		'nap-every': {type: 'string', default: String(1024 * 1024)},
	},
});
const size = Number(values.mib) * 1024 * 1024;
const napEvery = Number(values['nap-every']);
const socketUrl = new URL('../src/socket/index.js', import.meta.url).href;

/** A worker reading `fd` to EOF, napping 1 ms per `napEvery` bytes: resolves to [bytes, sha256]. */
async function slowReader(fd: number): Promise<[number, string]> {
	const source = `
		import {workerData, parentPort} from 'node:worker_threads';
		import {createHash} from 'node:crypto';
		const s = await import(${JSON.stringify(socketUrl)});
		const sock = s.Socket.adoptFd(workerData.fd);
		const hash = createHash('sha256');
		const nap = new Int32Array(new SharedArrayBuffer(4));
		let total = 0, sinceNap = 0;
		for (;;) {
			const chunk = sock.recv(65536);
			if (chunk.length === 0) break;
			total += chunk.length; sinceNap += chunk.length;
			hash.update(chunk);
			if (sinceNap >= workerData.napEvery) { sinceNap = 0; Atomics.wait(nap, 0, 0, 1); }
		}
		sock.close();
		parentPort.postMessage([total, hash.digest('hex')]);
	`;
	const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), {
		workerData: {fd, napEvery},
	});
	const [result] = (await once(worker, 'message')) as [[number, string]];
	await once(worker, 'exit');
	return result;
}

const dir = mkdtempSync(join(tmpdir(), 'sendfile-large-'));
const path = join(dir, 'data');
const hash = createHash('sha256');
{
	const fd = openSync(path, 'w');
	for (let written = 0; written < size;) {
		const block = randomBytes(Math.min(4 * 1024 * 1024, size - written));
		hash.update(block);
		writeSync(fd, block);
		written += block.length;
	}

	closeSync(fd);
}

const expected = hash.digest('hex');
const report = (name: string, ms: number): void => {
	console.log(
		`${name}: ${size / 1024 / 1024} MiB in ${ms.toFixed(0)} ms, ${(size / 1024 / 1024 / (ms / 1000)).toFixed(1)} MiB/s`,
	);
};

try {
	// Socket.sendfile, blocking mode.
	{
		const fd = openSync(path, 'r');
		const [a, b] = socketpair();
		const reading = slowReader(b.detach());
		const start = performance.now();
		assert.equal(a.sendfile(fd), size);
		a.close();
		assert.deepEqual(await reading, [size, expected]);
		report('Socket.sendfile (blocking)', performance.now() - start);
		closeSync(fd);
	}

	// os.sendfile, non-blocking under a selector.
	{
		const fd = openSync(path, 'r');
		const [a, b] = socketpair();
		a.setblocking(false);
		const reading = slowReader(b.detach());
		const sel = new DefaultSelector();
		sel.register(a, EVENT_WRITE);
		const start = performance.now();
		let offset = 0;
		let blocked = 0;
		while (offset < size) {
			sel.select(5);
			try {
				offset += sendfile(a.fileno(), fd, offset, size - offset);
			} catch (error) {
				if (!(error instanceof BlockingIOError)) {
					throw error;
				}

				blocked++;
			}
		}

		sel.close();
		a.close();
		assert.deepEqual(await reading, [size, expected]);
		report(`os.sendfile (non-blocking, selector; ${blocked} EAGAIN)`, performance.now() - start);
		closeSync(fd);
	}
} finally {
	rmSync(dir, {recursive: true, force: true});
}
