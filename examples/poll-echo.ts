#!/usr/bin/env node
// Run: npm run build && node dist/examples/poll-echo.js [--port PORT]   (Ctrl-D on stdin stops)
/**
 * An echo server written the way Python programs use `select.poll()`: a
 * `Poll` object, fd → socket map, POLLIN for input, POLLOUT only while
 * output is pending, POLLHUP/POLLERR/POLLNVAL to drop a connection. End of
 * stdin stops it (exit 0).
 *
 * @module
 */
import {poll, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT} from '../src/select/index.js';
import {BlockingIOError, createServer, type Socket} from '../src/socket/index.js';
import * as os from '../src/os.js';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 9010;
const STDIN = 0;

const server = createServer(['127.0.0.1', port], {backlog: 16});
server.setblocking(false);
const [host, boundPort] = server.getsockname() as [string, number];
console.log(`listening on ${host}:${boundPort}`);

const p = poll();
p.register(server, POLLIN);
p.register(STDIN, POLLIN);
const conns = new Map<number, Socket>();
const pending = new Map<number, Buffer>();

function drop(fd: number): void {
	p.unregister(fd);
	conns.get(fd)?.close();
	conns.delete(fd);
	pending.delete(fd);
}

function flush(fd: number): void {
	const conn = conns.get(fd)!;
	const data = pending.get(fd)!;
	let sent = 0;
	try {
		sent = conn.send(data);
	} catch (error) {
		if (!(error instanceof BlockingIOError)) {
			drop(fd);
			return;
		}
	}

	if (sent === data.length) {
		pending.delete(fd);
		p.modify(fd, POLLIN);
	} else {
		pending.set(fd, data.subarray(sent));
		p.modify(fd, POLLOUT);
	}
}

let running = true;
while (running) {
	for (const [fd, revents] of p.poll()) {
		if (fd === server.fileno()) {
			try {
				const [conn] = server.accept();
				conn.setblocking(false);
				conns.set(conn.fileno(), conn);
				p.register(conn, POLLIN);
			} catch (error) {
				if (!(error instanceof BlockingIOError)) {
					throw error;
				}
			}
		} else if (fd === STDIN) {
			if (os.read(STDIN, 4096).length === 0) {
				running = false;
			}
		} else if (revents & POLLOUT) {
			flush(fd);
		} else if (revents & POLLIN) {
			let data: Buffer;
			try {
				data = conns.get(fd)!.recv(65_536);
			} catch (error) {
				if (!(error instanceof BlockingIOError)) {
					drop(fd);
				}

				continue;
			}

			if (data.length === 0) {
				drop(fd);
			} else {
				pending.set(fd, data);
				flush(fd);
			}
		} else if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
			drop(fd);
		}
	}
}

for (const fd of [...conns.keys()]) {
	drop(fd);
}

server.close();
console.log('bye');
