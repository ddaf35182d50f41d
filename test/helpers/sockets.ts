/**
 * Socket fixtures for tests: every socket they return is closed by the
 * test's `t.after()`.
 */
import {rmSync} from 'node:fs';
import type {TestContext} from 'node:test';
import * as os from '../../src/os.js';
import {
	AF_INET,
	AF_INET6,
	AF_UNIX,
	createServer,
	SOCK_STREAM,
	Socket,
	socketpair,
} from '../../src/socket/index.js';

/** Closes `sockets` when the test ends; returns them. */
export function closing<T extends Socket[]>(t: TestContext, ...sockets: T): T {
	t.after(() => {
		for (const sock of sockets) {
			sock.close();
		}
	});
	return sockets;
}

/** Closes the raw fds when the test ends (ignoring ones already closed). */
export function closingFds(t: TestContext, ...fds: number[]): number[] {
	t.after(() => {
		for (const fd of fds) {
			try {
				os.close(fd);
			} catch {
				// Closed by the test itself.
			}
		}
	});
	return fds;
}

/** A connected socketpair, closed after the test. */
export function pair(t: TestContext, family = AF_UNIX, type = SOCK_STREAM): [Socket, Socket] {
	const [a, b] = socketpair(family, type);
	closing(t, a, b);
	return [a, b];
}

/** The loopback host of an IP family. */
export function loopback(family: number): string {
	return family === AF_INET6 ? '::1' : '127.0.0.1';
}

/**
 * A connected TCP pair over loopback: `[client, server-side]`, plus the
 * listener; all closed after the test.
 */
export function tcpPair(
	t: TestContext,
	family = AF_INET,
): [client: Socket, server: Socket, listener: Socket] {
	const listener = createServer([loopback(family), 0], {family});
	closing(t, listener);
	const client = new Socket(family, SOCK_STREAM);
	closing(t, client);
	client.connect(listener.getsockname());
	const [server] = listener.accept();
	closing(t, server);
	return [client, server, listener];
}

let ipv6Reason: string | false | undefined;

/**
 * `false` when ::1 works for TCP on this host, else the reason (for
 * `{skip: reason}`); computed once.
 */
export function ipv6Unavailable(): string | false {
	if (ipv6Reason === undefined) {
		try {
			using sock = new Socket(AF_INET6, SOCK_STREAM);
			sock.bind(['::1', 0]);
			ipv6Reason = false;
		} catch (error) {
			ipv6Reason = `IPv6 loopback ::1 is not usable here: ${(error as Error).message}`;
		}

		if (ipv6Reason !== false) {
			console.log(`# ${ipv6Reason}`);
		}
	}

	return ipv6Reason;
}

/** A Unix socket path that does not exist yet, unique per call; removed after the test. */
export function unixPath(t: TestContext, tag = 'sock'): string {
	const path = `/tmp/selectors-test-${process.pid}-${tag}-${Math.random().toString(36).slice(2, 10)}`;
	t.after(() => {
		rmSync(path, {force: true});
	});
	return path;
}

/** Whether the platform has abstract Unix sockets (Linux). */
export const hasAbstractSockets: boolean = process.platform === 'linux';

export {AF_INET, AF_INET6, AF_UNIX};
