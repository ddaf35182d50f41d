/**
 * Integration tests of echo-client (against echo-server, and against small
 * faulty echo servers written here: the checker itself is tested) and of
 * the demo program.
 */
import assert from 'node:assert/strict';
import {once} from 'node:events';
import net from 'node:net';
import {describe, type TestContext, test} from 'node:test';
import {runProgram, startProgram} from './helpers.js';

const TIMEOUT = {timeout: 30_000};

/** The summary's `key=value` fields. */
function summary(stdout: string): Record<string, number> {
	const line = stdout.split('\n').find(l => l.startsWith('round_trips='));
	assert.ok(line, `a summary line in: ${stdout}`);
	return Object.fromEntries(
		line.split(' ').map(field => {
			const [key, value] = field.split('=');
			return [key ?? '', Number(value)];
		}),
	);
}

/**
 * A node:net echo server on port 0 whose echo goes through `transform`
 * (per connection, with the count of bytes echoed so far); closed after the test.
 */
async function faultyServer(
	t: TestContext,
	onData: (sock: net.Socket, chunk: Buffer, echoedSoFar: number) => void,
): Promise<number> {
	const sockets = new Set<net.Socket>();
	const server = net.createServer(sock => {
		sockets.add(sock);
		sock.on('error', () => {
			// The client closes when it spots the fault.
		});
		let echoed = 0;
		sock.on('data', (chunk: Buffer) => {
			onData(sock, chunk, echoed);
			echoed += chunk.length;
		});
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	t.after(async () => {
		for (const sock of sockets) {
			sock.destroy();
		}

		server.close();
		await once(server, 'close');
	});
	return (server.address() as net.AddressInfo).port;
}

describe('echo-client', () => {
	test('verifies every round trip against echo-server and exits 0', TIMEOUT, async t => {
		const server = await startProgram(t, 'echo-server', ['--port', '0']);
		const result = await runProgram('echo-client', [
			'--port',
			String(server.port),
			'--connections',
			'20',
			'--messages',
			'50',
			'--size',
			'3000',
		]);
		assert.equal(result.code, 0, result.stderr);
		const fields = summary(result.stdout);
		assert.equal(fields['round_trips'], 1000);
		assert.equal(fields['errors'], 0);
		assert.equal(fields['bytes_ok'], 1000 * 3000);
		assert.ok((fields['rps'] ?? 0) > 0);
		assert.ok((fields['p99_us'] ?? 0) >= (fields['p50_us'] ?? 0));
	});

	test(
		'--duration runs for a while instead of a message count; poll backend; port as argument',
		TIMEOUT,
		async t => {
			const server = await startProgram(t, 'echo-server-rw', ['--port', '0']);
			const result = await runProgram('echo-client', [
				String(server.port),
				'--duration',
				'0.5',
				'--connections',
				'5',
				'--backend',
				'poll',
			]);
			assert.equal(result.code, 0, result.stderr);
			const fields = summary(result.stdout);
			assert.ok((fields['round_trips'] ?? 0) > 10, result.stdout);
			assert.equal(fields['errors'], 0);
			assert.ok((fields['seconds'] ?? 0) >= 0.4 && (fields['seconds'] ?? 0) < 5, result.stdout);
		},
	);

	test('exits non-zero when the server corrupts one byte', TIMEOUT, async t => {
		const port = await faultyServer(t, (sock, chunk, echoedSoFar) => {
			const copy = Buffer.from(chunk);
			const at = 1000 - echoedSoFar;
			if (at >= 0 && at < copy.length) {
				copy[at] = (copy[at] ?? 0) ^ 0x01;
			}

			sock.write(copy);
		});
		const result = await runProgram('echo-client', [
			'--port',
			String(port),
			'--connections',
			'3',
			'--messages',
			'20',
			'--size',
			'200',
		]);
		assert.equal(result.code, 1, result.stdout);
		const fields = summary(result.stdout);
		assert.equal(fields['errors'], 3, 'each connection sees its corrupted byte');
		assert.match(result.stderr, /wrong bytes echoed/);
	});

	test('exits non-zero when the server closes early or sends extra bytes', TIMEOUT, async t => {
		const early = await faultyServer(t, (sock, chunk) => {
			sock.end(chunk.subarray(0, 10)); // part of the echo, then EOF
		});
		let result = await runProgram('echo-client', [
			'--port',
			String(early),
			'--connections',
			'2',
			'--size',
			'100',
		]);
		assert.equal(result.code, 1);
		assert.match(result.stderr, /unexpected EOF/);

		const extra = await faultyServer(t, (sock, chunk) => {
			sock.write(Buffer.concat([chunk, Buffer.from('!')]));
		});
		result = await runProgram('echo-client', [
			'--port',
			String(extra),
			'--connections',
			'2',
			'--size',
			'100',
		]);
		assert.equal(result.code, 1);
		assert.match(result.stderr, /more bytes back than sent/);

		const silent = await faultyServer(t, () => {
			// Never answers.
		});
		result = await runProgram('echo-client', [
			'--port',
			String(silent),
			'--connections',
			'2',
			'--timeout',
			'0.3',
		]);
		assert.equal(result.code, 1);
		assert.match(result.stderr, /no progress/);
	});

	test('exits non-zero when the connection is refused', TIMEOUT, async t => {
		// A port that was free a moment ago.
		const port = await faultyServer(t, () => {});
		const server = net.createServer();
		server.listen(0, '127.0.0.1');
		await once(server, 'listening');
		const freePort = (server.address() as net.AddressInfo).port;
		server.close();
		await once(server, 'close');
		assert.notEqual(freePort, port);
		const result = await runProgram('echo-client', ['--port', String(freePort), '--connections', '2']);
		assert.equal(result.code, 1);
		assert.match(result.stderr, /ECONNREFUSED/);
	});

	test(
		'connections it cannot open or register are errors in the summary, not a crash',
		TIMEOUT,
		async t => {
			// SelectSelector takes fds below FD_SETSIZE (1024) only: 1,100 connections cannot all be registered
			// (or, under a low RLIMIT_NOFILE, created): the client counts them and still prints its summary.
			const server = await startProgram(t, 'echo-server', ['--port', '0']);
			const result = await runProgram('echo-client', [
				'--port',
				String(server.port),
				'--connections',
				'1100',
				'--messages',
				'2',
				'--backend',
				'select',
			]);
			assert.equal(result.code, 1, result.stderr);
			const fields = summary(result.stdout);
			assert.ok((fields['errors'] ?? 0) > 0, result.stdout);
			assert.ok((fields['round_trips'] ?? 0) > 0, result.stdout);
			assert.match(result.stderr, /register: ERR_FD_SETSIZE|socket: EMFILE/);
			assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
		},
	);

	test('usage errors exit 2, --help exits 0', TIMEOUT, async () => {
		for (const args of [
			['--messages', '5', '--duration', '1'],
			['--size', '0'],
			['--connections', 'x'],
			['--nope'],
			['--duration', '0'],
			['--timeout', '0'],
			['0'],
			['--port', '0'],
		]) {
			const result = await runProgram('echo-client', args);
			assert.equal(result.code, 2, args.join(' '));
			assert.match(result.stderr, /Usage: selectors-echo-client/);
		}

		const help = await runProgram('echo-client', ['--help']);
		assert.equal(help.code, 0);
		assert.match(help.stdout, /--connections N/);
		assert.match(help.stdout, /--port PORT +the server's TCP port/);
	});
});

describe('demo', () => {
	test(
		'runs the client against a fresh server, prints the summary, stops the server',
		TIMEOUT,
		async () => {
			const result = await runProgram('demo', []);
			assert.equal(result.code, 0, result.stdout + result.stderr);
			assert.equal(summary(result.stdout)['round_trips'], 10_000);
			assert.match(result.stdout, /echo-server stopped \(status 0\)/);
		},
	);

	test('--help prints its own usage and starts no server', TIMEOUT, async () => {
		const result = await runProgram('demo', ['--help']);
		assert.equal(result.code, 0);
		assert.match(result.stdout, /^Usage: demo /);
		assert.doesNotMatch(result.stdout, /listening|echo-server stopped/);
	});

	test("exits with the client's status", TIMEOUT, async () => {
		const result = await runProgram('demo', ['--size', '0']);
		assert.equal(result.code, 2);
		assert.match(result.stdout, /echo-server stopped \(status 0\)/);
	});
});
