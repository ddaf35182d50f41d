// sendmsg/recvmsg/recvmsgInto with ancillary data, CMSG_LEN/CMSG_SPACE, fd
// passing (sendFds/recvFds) within a process, to a child process and to a
// worker thread, credentials (Linux), truncated control messages.
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {constants} from 'node:os';
import {describe, test} from 'node:test';
import {Worker} from 'node:worker_threads';
import {native} from '../../src/native.js';
import * as os from '../../src/os.js';
import {
	AF_INET,
	AF_UNIX,
	BlockingIOError,
	CMSG_LEN,
	CMSG_SPACE,
	createServer,
	MSG_CTRUNC,
	recvFds,
	SCM_CREDENTIALS,
	SCM_RIGHTS,
	sendFds,
	SO_PASSCRED,
	socketpair,
	MSG_TRUNC,
	SOCK_DGRAM,
	SOCK_STREAM,
	SOL_SOCKET,
	Socket,
	TimeoutError,
	ValueError,
} from '../../src/socket/index.js';
import {canCountFds, checkFdLeaks, listOpenFds, newFds} from '../helpers/fds.js';
import {closing, closingFds, pair} from '../helpers/sockets.js';
import {OS_URL, SOCKET_URL} from './child.js';

checkFdLeaks();

const noRights = SCM_RIGHTS === undefined ? 'no SCM_RIGHTS on this platform' : false;
const noCreds =
	SO_PASSCRED === undefined || SCM_CREDENTIALS === undefined
		? 'SO_PASSCRED/SCM_CREDENTIALS are Linux-only'
		: false;

describe('CMSG_LEN / CMSG_SPACE', () => {
	test('header plus data; space is padded and at least the length', () => {
		const header = CMSG_LEN(0);
		assert.ok(header >= 12, `a cmsghdr is at least 12 bytes, got ${header}`);
		for (const n of [0, 1, 4, 7, 8, 12, 4 * 253]) {
			assert.equal(CMSG_LEN(n), header + n);
			assert.ok(CMSG_SPACE(n) >= CMSG_LEN(n));
			assert.equal(CMSG_SPACE(n) % 4, 0);
		}

		assert.equal(CMSG_SPACE(8) - CMSG_SPACE(0), 8);
	});

	test('argument errors: TypeError for a non-integer, RangeError for negative', () => {
		assert.throws(() => CMSG_LEN('4' as unknown as number), {
			name: 'TypeError',
			code: 'ERR_INVALID_ARG_TYPE',
		});
		assert.throws(() => CMSG_SPACE(1.5), {name: 'TypeError'});
		assert.throws(() => CMSG_LEN(-1), {name: 'RangeError', code: 'ERR_OUT_OF_RANGE'});
		assert.throws(() => CMSG_SPACE(2 ** 31), {name: 'RangeError'});
	});
});

describe('sendmsg / recvmsg', () => {
	test('gathers buffers on send, scatters into buffers with recvmsgInto', t => {
		const [a, b] = pair(t);
		const sent = a.sendmsg([
			Buffer.from('he'),
			new Uint8Array([0x6c, 0x6c]),
			new Uint8Array([0x6f]).buffer,
		]);
		assert.equal(sent, 5);
		const first = Buffer.alloc(2);
		const second = Buffer.alloc(10);
		const [n, anc, flags, address] = b.recvmsgInto([first, second]);
		assert.equal(n, 5);
		assert.deepEqual(anc, []);
		assert.equal(flags, 0);
		assert.equal(address, null);
		assert.equal(first.toString(), 'he');
		assert.equal(second.subarray(0, 3).toString(), 'llo');
	});

	test('recvmsg returns [data, ancdata, flags, address]; a datagram with an address', t => {
		const receiver = closing(t, new Socket(AF_INET, SOCK_DGRAM))[0];
		receiver.bind(['127.0.0.1', 0]);
		const sender = closing(t, new Socket(AF_INET, SOCK_DGRAM))[0];
		sender.bind(['127.0.0.1', 0]);
		assert.equal(sender.sendmsg([Buffer.from('dgram')], [], 0, receiver.getsockname()), 5);
		receiver.settimeout(5);
		const [data, anc, flags, address] = receiver.recvmsg(100);
		assert.equal(data.toString(), 'dgram');
		assert.deepEqual(anc, []);
		assert.equal(flags, 0);
		assert.deepEqual(address, sender.getsockname());
		// A short buffer truncates the datagram and says so.
		sender.sendmsg([Buffer.from('longer datagram')], [], 0, receiver.getsockname());
		const [short, , truncFlags] = receiver.recvmsg(4);
		assert.equal(short.toString(), 'long');
		assert.notEqual(truncFlags & MSG_TRUNC, 0);
	});

	test('modes: non-blocking BlockingIOError, timeout TimeoutError', t => {
		const [a, b] = pair(t);
		b.setblocking(false);
		assert.throws(() => b.recvmsg(10, 100), BlockingIOError);
		assert.throws(() => b.recvmsgInto([Buffer.alloc(4)]), BlockingIOError);
		b.settimeout(0.05);
		assert.throws(() => b.recvmsg(10), TimeoutError);
		a.sendmsg([Buffer.from('x')]);
		assert.equal(b.recvmsg(10)[0].toString(), 'x');
	});

	test('the addon never writes past the control space when an item changes between its two reads', t => {
		const [a] = pair(t);
		let reads = 0;
		const item: unknown[] = [SOL_SOCKET, 1, null];
		Object.defineProperty(item, 2, {
			get: () => (++reads === 1 ? new Uint8Array(4) : new Uint8Array(4096)),
		});
		assert.equal(
			native.sendmsg(
				a.fileno(),
				[new Uint8Array(1)],
				[item as [number, number, Uint8Array]],
				0,
				-1,
				'',
				0,
				0,
				0,
			),
			-constants.errno.EINVAL,
		);
		assert.equal(reads, 2);
	});

	test('argument errors as Python', t => {
		const [a, b] = pair(t);
		assert.throws(() => a.sendmsg(5 as unknown as Buffer[]), {
			name: 'TypeError',
			code: 'ERR_INVALID_ARG_TYPE',
		});
		assert.throws(() => a.sendmsg(Buffer.from('x') as unknown as Buffer[]), {name: 'TypeError'});
		assert.throws(() => a.sendmsg(['x' as unknown as Buffer]), {name: 'TypeError'});
		assert.throws(() => a.sendmsg([Buffer.from('x')], [[1, 2] as unknown as [number, number, Buffer]]), {
			name: 'TypeError',
			message: /sequence of length 3/,
		});
		assert.throws(
			() => a.sendmsg([Buffer.from('x')], [[1, 2, 'no']] as unknown as Array<[number, number, Buffer]>),
			{name: 'TypeError'},
		);
		assert.throws(() => b.recvmsg(-1), ValueError);
		assert.throws(() => b.recvmsg(1, -1), ValueError);
		assert.throws(() => b.recvmsgInto([Buffer.alloc(1)], -1), ValueError);
		assert.throws(() => b.recvmsg('1' as unknown as number), {name: 'TypeError'});
	});

	test('a closed socket: EBADF', () => {
		const [a, b] = socketpair();
		a.close();
		b.close();
		assert.throws(() => a.sendmsg([Buffer.from('x')]), {name: 'OSError', code: 'EBADF'});
		assert.throws(() => b.recvmsg(1), {name: 'OSError', code: 'EBADF'});
	});
});

describe('fd passing', {skip: noRights}, () => {
	test('sendFds/recvFds: a pipe crosses a socketpair; the received fds work and are close-on-exec', t => {
		const [a, b] = pair(t);
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		assert.equal(sendFds(a, [Buffer.from('fds')], [r, w]), 3);
		const [data, fds, flags, address] = recvFds(b, 10, 4);
		closingFds(t, ...fds);
		assert.equal(data.toString(), 'fds');
		assert.equal(fds.length, 2);
		assert.equal(flags & MSG_CTRUNC, 0);
		assert.equal(address, null);
		assert.ok(!fds.includes(r) && !fds.includes(w), 'new fd numbers');
		for (const fd of fds) {
			assert.equal(os.getInheritable(fd), false, `received fd ${fd} is close-on-exec`);
		}

		os.write(fds[1] ?? -1, Buffer.from('through the received write end'));
		assert.equal(os.read(r, 100).toString(), 'through the received write end');
	});

	test('many buffers and many fds (past the stack-sized iovec and control buffers)', t => {
		const [a, b] = pair(t);
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		const parts = Array.from({length: 40}, (_, i) => Buffer.from([65 + (i % 26)]));
		const sent = Array.from({length: 100}, (_, i) => (i % 2 === 0 ? r : w));
		assert.equal(sendFds(a, parts, sent), 40);
		const into = Array.from({length: 20}, () => Buffer.alloc(2));
		const [n, anc, flags] = b.recvmsgInto(into, CMSG_SPACE(4 * 100));
		assert.equal(n, 40);
		assert.equal(flags & MSG_CTRUNC, 0);
		assert.equal(Buffer.concat(into).toString(), Buffer.concat(parts).toString());
		const fds = anc.flatMap(([, , bytes]) => [...new Int32Array(new Uint8Array(bytes).buffer)]);
		closingFds(t, ...fds);
		assert.equal(fds.length, 100);
		assert.equal(new Set(fds).size, 100, 'each a new fd');
	});

	test('raw sendmsg/recvmsg with SCM_RIGHTS items', t => {
		const [a, b] = pair(t);
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		a.sendmsg([Buffer.from('x')], [[SOL_SOCKET, SCM_RIGHTS ?? 1, Int32Array.of(r)]]);
		const [data, anc, flags] = b.recvmsg(10, CMSG_SPACE(4));
		assert.equal(data.toString(), 'x');
		assert.equal(flags, 0, 'no MSG_CMSG_CLOEXEC leaks into the flags');
		assert.equal(anc.length, 1);
		const [level, type, bytes] = anc[0] ?? [];
		assert.equal(level, SOL_SOCKET);
		assert.equal(type, SCM_RIGHTS);
		assert.equal(bytes?.length, 4);
		const fd = new Int32Array(new Uint8Array(bytes ?? []).buffer)[0] ?? -1;
		closingFds(t, fd);
		os.write(w, Buffer.from('p'));
		assert.equal(os.read(fd, 10).toString(), 'p');
	});

	test(
		'MSG_CTRUNC: recvFds closes the fds that arrived and returns none; raw recvmsg hands them over',
		{skip: canCountFds ? false : 'needs /proc/self/fd'},
		t => {
			const [a, b] = pair(t);
			const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
			const before = listOpenFds();
			sendFds(a, [Buffer.from('1')], [r, w, r]);
			const [data, fds, flags] = recvFds(b, 10, 1);
			assert.equal(data.toString(), '1');
			assert.deepEqual(fds, []);
			assert.notEqual(flags & MSG_CTRUNC, 0);
			assert.deepEqual(newFds(before), [], 'no fd of the truncated message is left open');

			sendFds(a, [Buffer.from('2')], [r, w, r]);
			const [, anc, rawFlags] = b.recvmsg(10, CMSG_LEN(4));
			assert.notEqual(rawFlags & MSG_CTRUNC, 0);
			const arrived = anc.flatMap(([, , bytes]) => [...new Int32Array(new Uint8Array(bytes).buffer)]);
			closingFds(t, ...arrived);
			assert.equal(arrived.length, 1, "the one fd that fit arrived and is the caller's");
			assert.deepEqual(
				newFds(before).map(([fd]) => fd),
				arrived,
			);
		},
	);

	test('a listening socket and a pipe pass to a child process (socketpair end as its fd 3)', async t => {
		const [parentEnd, childEnd] = pair(t);
		const listener = closing(t, createServer(['127.0.0.1', 0]))[0];
		const [r, w] = os.pipe();
		closingFds(t, r); // w is closed below: registering it too would close whatever reuses its number
		const script = `
			const s = await import(${JSON.stringify(SOCKET_URL)});
			const os = await import(${JSON.stringify(OS_URL)});
			const chan = s.Socket.adoptFd(3);
			chan.settimeout(5);
			const [data, fds] = s.recvFds(chan, 100, 2);
			const listener = s.Socket.adoptFd(fds[0]);
			listener.settimeout(5);
			const [conn] = listener.accept();
			conn.sendall(Buffer.from('accepted by child: ' + data));
			os.write(fds[1], Buffer.from('pipe ok'));
			os.close(fds[1]);
			conn.close(); listener.close(); chan.close();
		`;
		const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
			stdio: ['ignore', 'inherit', 'inherit', childEnd.fileno()],
		});
		t.after(() => child.kill('SIGKILL'));
		childEnd.close();
		sendFds(parentEnd, [Buffer.from('hello')], [listener.fileno(), w]);
		os.close(w);
		const client = closing(t, new Socket(AF_INET, SOCK_STREAM))[0];
		client.settimeout(5);
		client.connect(listener.getsockname());
		const [code] = (await once(child, 'exit')) as [number];
		assert.equal(code, 0);
		assert.equal(client.recv(100).toString(), 'accepted by child: hello');
		os.setBlocking(r, true);
		assert.equal(os.read(r, 100).toString(), 'pipe ok');
		assert.equal(os.read(r, 100).length, 0, 'the child closed its copy: EOF');
	});

	test('a listening socket and a pipe pass to a worker thread; the pipe comes back', async t => {
		const [mainEnd, workerEnd] = pair(t);
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		const listener = closing(t, createServer(['127.0.0.1', 0]))[0];
		const source = `
			import {workerData} from 'node:worker_threads';
			const s = await import(${JSON.stringify(SOCKET_URL)});
			const os = await import(${JSON.stringify(OS_URL)});
			const chan = s.Socket.adoptFd(workerData.fd);
			chan.settimeout(5);
			const [, fds] = s.recvFds(chan, 10, 2);
			const listener = s.Socket.adoptFd(fds[1]);
			listener.settimeout(5);
			const [conn] = listener.accept();
			conn.sendall(Buffer.from('accepted by worker'));
			conn.close();
			listener.close();
			os.write(fds[0], Buffer.from('from worker'));
			s.sendFds(chan, [Buffer.from('back')], [fds[0]]);
			os.close(fds[0]);
			chan.close();
		`;
		const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), {
			workerData: {fd: workerEnd.detach()},
		});
		t.after(() => worker.terminate());
		sendFds(mainEnd, [Buffer.from('w')], [w, listener.fileno()]);
		const client = closing(t, new Socket(AF_INET, SOCK_STREAM))[0];
		client.settimeout(5);
		client.connect(listener.getsockname()); // completes in the backlog; the worker accepts it
		mainEnd.settimeout(5);
		const [data, fds] = recvFds(mainEnd, 10, 1);
		closingFds(t, ...fds);
		assert.equal(data.toString(), 'back');
		assert.equal(fds.length, 1);
		assert.equal(client.recv(100).toString(), 'accepted by worker');
		const [code] = (await once(worker, 'exit')) as [number];
		assert.equal(code, 0);
		os.write(fds[0] ?? -1, Buffer.from(' and main'));
		assert.equal(os.read(r, 100).toString(), 'from worker and main');
	});

	test('sendFds argument errors', t => {
		const [a] = pair(t);
		assert.throws(() => sendFds(a, [Buffer.from('x')], 3 as unknown as number[]), {name: 'TypeError'});
		assert.throws(() => sendFds(a, [Buffer.from('x')], ['3' as unknown as number]), {name: 'TypeError'});
		assert.throws(() => sendFds(a, [Buffer.from('x')], [999_999]), {name: 'OSError', code: 'EBADF'});
		assert.throws(() => recvFds(a, 1, -1), {name: 'RangeError'});
	});
});

describe('credentials', {skip: noCreds}, () => {
	test("SO_PASSCRED: every message carries the sender's pid, uid, gid", t => {
		const [a, b] = pair(t, AF_UNIX, SOCK_DGRAM);
		b.setsockopt(SOL_SOCKET, SO_PASSCRED ?? 0, 1);
		a.sendmsg([Buffer.from('who')]);
		const [data, anc] = b.recvmsg(10, CMSG_SPACE(12));
		assert.equal(data.toString(), 'who');
		assert.equal(anc.length, 1);
		const [level, type, bytes] = anc[0] ?? [];
		assert.equal(level, SOL_SOCKET);
		assert.equal(type, SCM_CREDENTIALS);
		const creds = new Int32Array(new Uint8Array(bytes ?? []).buffer);
		assert.deepEqual([...creds], [process.pid, process.getuid?.(), process.getgid?.()]);
	});

	test('recvFds on a socket with SO_PASSCRED: the credentials do not crowd out the fds; maxfds still bounds them', t => {
		const [a, b] = pair(t);
		b.setsockopt(SOL_SOCKET, SO_PASSCRED ?? 0, 1);
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		sendFds(a, [Buffer.from('1')], [r, w]);
		const [data, fds, flags] = recvFds(b, 10, 2);
		closingFds(t, ...fds);
		assert.equal(data.toString(), '1');
		assert.equal(flags & MSG_CTRUNC, 0);
		assert.equal(fds.length, 2);
		os.write(fds[1] ?? -1, Buffer.from('ok'));
		assert.equal(os.read(r, 10).toString(), 'ok');
		sendFds(a, [Buffer.from('2')], [r, w, r]);
		const [, more, moreFlags] = recvFds(b, 10, 2);
		assert.deepEqual(more, []);
		assert.notEqual(moreFlags & MSG_CTRUNC, 0);
	});

	test('explicit SCM_CREDENTIALS with our own ids is accepted; another pid is refused (EPERM) without privilege', t => {
		const [a, b] = pair(t, AF_UNIX, SOCK_DGRAM);
		b.setsockopt(SOL_SOCKET, SO_PASSCRED ?? 0, 1);
		const own = Int32Array.of(process.pid, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
		a.sendmsg([Buffer.from('c')], [[SOL_SOCKET, SCM_CREDENTIALS ?? 0, own]]);
		const [, anc] = b.recvmsg(10, CMSG_SPACE(12));
		assert.deepEqual([...new Int32Array(new Uint8Array(anc[0]?.[2] ?? []).buffer)], [...own]);
		if (process.getuid?.() !== 0) {
			const other = Int32Array.of(1, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
			assert.throws(() => a.sendmsg([Buffer.from('c')], [[SOL_SOCKET, SCM_CREDENTIALS ?? 0, other]]), {
				name: 'PermissionError',
			});
		}
	});
});
