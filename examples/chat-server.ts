#!/usr/bin/env node
// Run: npm run build && node dist/examples/chat-server.js [--port PORT]   (type lines to broadcast; Ctrl-D stops)
/**
 * The classic chat server written with Python's `select.select()`: one
 * loop waits on the listening socket, every client and stdin; a line from
 * a client goes to every other client, a line typed on stdin goes to all of
 * them as `[server] …`. End of stdin stops the server (exit 0).
 *
 * stdin may be a tty, a pipe or a regular file: select(2) takes all three
 * (a regular file is always readable). An epoll-based loop could not
 * register a regular file (EPERM): see the README, "From Python's select".
 *
 * @module
 */
import {select} from '../src/select/index.js';
import {BlockingIOError, createServer, type Socket} from '../src/socket/index.js';
import * as os from '../src/os.js';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 9009;
const STDIN = 0;

const server = createServer(['127.0.0.1', port], {backlog: 16});
server.setblocking(false);
const [host, boundPort] = server.getsockname() as [string, number];
console.log(`listening on ${host}:${boundPort}`);

const clients = new Map<Socket, string>();

function broadcast(message: string, except?: Socket): void {
	const data = Buffer.from(message);
	for (const [client] of clients) {
		if (client !== except) {
			try {
				client.sendall(data);
			} catch {
				drop(client);
			}
		}
	}
}

function drop(client: Socket): void {
	const name = clients.get(client);
	if (clients.delete(client)) {
		client.close();
		broadcast(`[${name}] left\n`);
	}
}

let running = true;
while (running) {
	const [readable] = select<Socket | number, never, never>([server, STDIN, ...clients.keys()], [], []);
	for (const ready of readable) {
		if (ready === server) {
			try {
				const [conn, addr] = server.accept();
				conn.setblocking(false);
				const name = `${String(addr[0])}:${String(addr[1])}`;
				clients.set(conn, name);
				broadcast(`[${name}] joined\n`, conn);
			} catch (error) {
				if (!(error instanceof BlockingIOError)) {
					throw error;
				}
			}
		} else if (typeof ready === 'number') {
			// STDIN, the one fd in the list
			const data = os.read(STDIN, 4096);
			if (data.length === 0) {
				running = false;
				break;
			}

			broadcast(`[server] ${data.toString()}`);
		} else {
			const client = ready;
			let data: Buffer;
			try {
				data = client.recv(4096);
			} catch (error) {
				if (error instanceof BlockingIOError) {
					continue;
				}

				drop(client);
				continue;
			}

			if (data.length === 0) {
				drop(client);
			} else {
				broadcast(`[${clients.get(client) ?? '?'}] ${data.toString()}`, client);
			}
		}
	}
}

for (const client of clients.keys()) {
	client.close();
}

server.close();
console.log('bye');
