/**
 * The example programs when setsockopt(TCP_NODELAY) fails on a connection
 * (EINVAL on macOS once the peer is gone: test/examples/nodelay-einval-preload.ts
 * makes the first such call fail on any OS): the servers drop that
 * connection and keep serving; the client counts it as a failed connection.
 */
import assert from 'node:assert/strict';
import {test, type TestContext} from 'node:test';
import {
	connect,
	endsWithin,
	readExactly,
	runProgram,
	type RunResult,
	startProgram,
	type Program,
} from './helpers.js';

const PRELOAD = new URL('nodelay-einval-preload.js', import.meta.url).href;
const TIMEOUT = {timeout: 30_000};

/** Runs `start` with the preload in NODE_OPTIONS (read by the child at spawn). */
async function withPreload<R>(start: () => Promise<R>): Promise<R> {
	const saved = process.env['NODE_OPTIONS'];
	process.env['NODE_OPTIONS'] = `${saved ?? ''} --import=${PRELOAD}`.trim();
	try {
		return await start();
	} finally {
		if (saved === undefined) {
			delete process.env['NODE_OPTIONS'];
		} else {
			process.env['NODE_OPTIONS'] = saved;
		}
	}
}

async function startServer(t: TestContext, name: string): Promise<Program> {
	return withPreload(async () => startProgram(t, name, ['--port', '0']));
}

for (const name of ['echo-server', 'echo-server-rw', 'http-server']) {
	test(`${name} drops a connection whose TCP_NODELAY fails and keeps serving`, TIMEOUT, async t => {
		const prog = await startServer(t, name);
		const first = await connect(t, prog.port);
		first.on('error', () => {});
		assert.ok(await endsWithin(first, 5000), 'the connection is closed');
		const second = await connect(t, prog.port);
		if (name === 'http-server') {
			second.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
			assert.match((await readExactly(second, 17)).toString('latin1'), /^HTTP\/1\.1 200 OK/);
		} else {
			second.write('ping');
			assert.equal((await readExactly(second, 4)).toString(), 'ping');
		}

		assert.deepEqual(await prog.stop('SIGTERM', 5000), [0, null], prog.stderr());
	});
}

test(
	'echo-client counts a connection whose TCP_NODELAY fails as an error and still prints its summary',
	TIMEOUT,
	async t => {
		const server = await startProgram(t, 'echo-server', ['--port', '0']);
		const result: RunResult = await withPreload(async () =>
			runProgram('echo-client', [String(server.port), '--connections', '3', '--messages', '5']),
		);
		assert.equal(result.code, 1, result.stderr);
		assert.match(result.stdout, /round_trips=10 errors=1 /, result.stderr);
		assert.match(result.stderr, /setsockopt: EINVAL/);
	},
);
