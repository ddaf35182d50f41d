/**
 * Out of fds: a server whose RLIMIT_NOFILE is exhausted by connections must
 * not spin on a listening socket that stays readable (accept() failing with
 * EMFILE); it turns the extra connections away and keeps serving the others
 * and, once fds are free again, new ones.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, readdirSync} from 'node:fs';
import type * as net from 'node:net';
import {describe, test} from 'node:test';
import {connect, cpuMs, endsWithin, readExactly, sleep, startProgram} from './helpers.js';

const prlimit = ['/usr/bin/prlimit', '/bin/prlimit'].find(path => existsSync(path));
const skip =
	process.platform !== 'linux'
		? 'needs /proc (Linux)'
		: prlimit === undefined
			? 'needs prlimit(1) (util-linux)'
			: false;
const CLIENTS = 60;

describe('out of fds', {skip}, () => {
	for (const [name, request, reply] of [
		['echo-server', 'ping', 'ping'],
		['http-server', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'HTTP/1.1 200 OK'],
	] as const) {
		test(`${name}: no busy loop when accept() fails with EMFILE; serves again once fds are free`, async t => {
			const server = await startProgram(t, name, ['0']);
			const limit = readdirSync(`/proc/${server.pid}/fd`).length + 16;
			execFileSync(prlimit ?? 'prlimit', ['--pid', String(server.pid), `--nofile=${limit}:${limit}`]);
			const clients: net.Socket[] = [];
			for (let i = 0; i < CLIENTS; i++) {
				const sock = await connect(t, server.port); // the kernel completes the handshake: accepted or not
				sock.on('error', () => undefined); // a turned-away client may see a reset
				clients.push(sock);
			}

			await sleep(300);
			const before = cpuMs(server.pid) ?? 0;
			await sleep(1000);
			const spent = (cpuMs(server.pid) ?? 0) - before;
			assert.ok(
				spent < 400,
				`the server spent ${spent} ms of CPU in 1 s with connections it cannot accept`,
			);

			// Some connections were turned away (closed by the server), the first ones are served.
			const open: net.Socket[] = [];
			for (const sock of clients) {
				if (!(await endsWithin(sock, 50))) {
					open.push(sock);
				}
			}

			const turnedAway = CLIENTS - open.length;
			assert.ok(turnedAway > 0 && turnedAway < CLIENTS, `${turnedAway} of ${CLIENTS} turned away`);
			const [served] = open;
			assert.ok(served !== undefined);
			served.write(request);
			assert.ok((await readExactly(served, reply.length)).toString().startsWith(reply));

			// Free the fds: a new connection is served.
			for (const sock of clients) {
				sock.destroy();
			}

			await sleep(300);
			const fresh = await connect(t, server.port);
			fresh.write(request);
			assert.ok((await readExactly(fresh, reply.length)).toString().startsWith(reply));
			fresh.destroy();
			assert.deepEqual(await server.stop(), [0, null]);
		});
	}
});
