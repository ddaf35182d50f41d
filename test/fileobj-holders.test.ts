// Node's own fd holders (FileHandle, fs streams, tty streams) expose `fd`,
// not fileno(): the selectors accept them as file objects; a net.Socket
// (libuv-polled, no fd exposed) is refused.
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {createReadStream, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {open} from 'node:fs/promises';
import {Socket as NetSocket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import {
	DefaultSelector,
	EVENT_READ,
	fileobjToFd,
	PollSelector,
	SelectSelector,
	ValueError,
} from '../src/index.js';
import * as os from '../src/os.js';
import {checkFdLeaks} from './helpers/fds.js';

checkFdLeaks();

/** What the selectors' types accept of an fd holder (`fs.ReadStream`'s typings do not declare `fd`). */
interface HasFd {
	readonly fd: number | null;
}

describe('fd holders as file objects', () => {
	test('a FileHandle: its fd; closed (fd -1) it is an invalid fd', async t => {
		const dir = mkdtempSync(join(tmpdir(), 'holders-'));
		t.after(() => rmSync(dir, {recursive: true, force: true}));
		writeFileSync(join(dir, 'f'), 'x');
		const handle = await open(join(dir, 'f'), 'r');
		assert.equal(fileobjToFd(handle), handle.fd);
		const sel = new PollSelector();
		const key = sel.register(handle, EVENT_READ, 'file');
		assert.equal(key.fd, handle.fd);
		assert.deepEqual(
			sel.select(0).map(([k, ev]) => [k.fileobj, ev]),
			[[handle, EVENT_READ]],
			'a regular file is always ready',
		);
		sel.unregister(handle);
		sel.close();
		await handle.close();
		assert.throws(() => fileobjToFd(handle), {name: 'ValueError', code: 'ERR_INVALID_FD'});
	});

	test('an fs.ReadStream over a pipe: registered by the stream, ready when the pipe has data', t => {
		const [r, w] = os.pipe();
		const stream = createReadStream('', {fd: r}); // owns r from here
		stream.pause();
		t.after(async () => {
			const closed = once(stream, 'close');
			stream.destroy();
			await closed;
			os.close(w);
		});
		const sel = new DefaultSelector();
		t.after(() => sel.close());
		sel.register(stream as unknown as HasFd, EVENT_READ, 'stream');
		assert.deepEqual(sel.select(0), []);
		os.write(w, Buffer.from('ready'));
		const ready = sel.select(1);
		assert.equal(ready.length, 1);
		assert.equal(ready[0]?.[0].fileobj, stream);
		assert.equal(os.read(r, 10).toString(), 'ready', 'the paused stream took nothing');
		const select = new SelectSelector();
		select.register(stream as unknown as HasFd, EVENT_READ);
		select.close();
	});

	test('fileno() wins over fd; a holder with no fd yet, a net.Socket and a non-number fd are refused', () => {
		assert.equal(fileobjToFd({fileno: () => 7, fd: 9}), 7);
		assert.throws(() => fileobjToFd({fd: null}), {name: 'ValueError', code: 'ERR_INVALID_FILEOBJ'});
		assert.throws(() => fileobjToFd({fd: '3'}), ValueError);
		const socket = new NetSocket();
		try {
			assert.throws(() => fileobjToFd(socket), {name: 'ValueError', code: 'ERR_INVALID_FILEOBJ'});
		} finally {
			socket.destroy();
		}
	});
});
