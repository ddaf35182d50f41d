/**
 * Integration tests of echo-server and echo-server-rw, each started as a
 * child process on port 0, with the default backend and with the select
 * and poll backends: many concurrent connections, a 4 MiB message to a slow
 * reader, half-close and reset, SIGTERM. Plus the command line.
 */
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {describe, test} from 'node:test';
import {
	connect,
	cpuMs,
	endsWithin,
	fdTargets,
	patternBytes,
	readExactly,
	runProgram,
	sleep,
	startProgram,
} from './helpers.js';

const SERVERS = ['echo-server', 'echo-server-rw'] as const;
const BACKENDS = [[], ['--backend', 'select'], ['--backend', 'poll']] as const;
const TIMEOUT = {timeout: 30_000};

for (const server of SERVERS) {
	for (const backendArgs of BACKENDS) {
		const label = `${server} ${backendArgs.length === 0 ? '(default backend)' : backendArgs.join(' ')}`;
		describe(label, () => {
			test('100 concurrent connections echo correctly', TIMEOUT, async t => {
				const prog = await startProgram(t, server, ['--port', '0', ...backendArgs]);
				const socks = await Promise.all(Array.from({length: 100}, async () => connect(t, prog.port)));
				const results = await Promise.all(
					socks.map(async (sock, i) => {
						const message = patternBytes(1000 + i, i);
						// In two writes, so the server may see it in pieces.
						sock.write(message.subarray(0, 500));
						setImmediate(() => sock.write(message.subarray(500)));
						const echoed = await readExactly(sock, message.length);
						return echoed.equals(message);
					}),
				);
				assert.equal(results.filter(Boolean).length, 100, 'every connection got its own bytes back');
				// Still serving afterwards.
				const again = await connect(t, prog.port);
				again.write('ping');
				assert.equal((await readExactly(again, 4)).toString(), 'ping');
				assert.equal(prog.stderr(), '');
			});

			test('a 4 MiB message comes back intact while the client reads slowly', TIMEOUT, async t => {
				const prog = await startProgram(t, server, ['--port', '0', ...backendArgs]);
				const sock = await connect(t, prog.port);
				sock.pause();
				const message = patternBytes(4 * 1024 * 1024, 3);
				sock.write(message);
				// Read nothing for a while: the server's output backs up (partial sends, EVENT_WRITE) and it
				// must wait without spinning.
				const cpuBefore = cpuMs(prog.pid);
				await sleep(500);
				const cpuAfter = cpuMs(prog.pid);
				t.diagnostic(
					`not yet handed to the kernel after 500 ms unread: ${sock.writableLength} bytes`,
				);
				if (cpuBefore !== undefined && cpuAfter !== undefined) {
					assert.ok(
						cpuAfter - cpuBefore < 250,
						`server CPU while the client did not read: ${cpuAfter - cpuBefore} ms`,
					);
				}

				// Then read in small steps with pauses.
				const chunks: Buffer[] = [];
				let got = 0;
				const deadline = Date.now() + 20_000;
				while (got < message.length && Date.now() < deadline) {
					const chunk = (sock.read(16_384) as Buffer | null) ?? (sock.read() as Buffer | null);
					if (chunk === null) {
						await Promise.race([once(sock, 'readable'), sleep(50)]);
						continue;
					}

					chunks.push(chunk);
					got += chunk.length;
					if (chunks.length % 8 === 0) {
						await sleep(1);
					}
				}

				const echoed = Buffer.concat(chunks);
				assert.equal(echoed.length, message.length);
				assert.ok(echoed.equals(message), 'the echoed bytes are the sent bytes');
			});

			test('half-close and reset do not kill the server', TIMEOUT, async t => {
				const prog = await startProgram(t, server, ['--port', '0', ...backendArgs]);
				// Half-close: send, shut down our side; everything comes back, then EOF.
				const half = await connect(t, prog.port);
				const message = patternBytes(300_000, 5);
				half.end(message);
				assert.ok((await readExactly(half, message.length + 1)).equals(message));
				assert.ok(await endsWithin(half, 5000), 'the server closes after our EOF');

				// Reset right after sending (the echo hits a reset connection), and with nothing sent.
				for (const size of [0, 100, 1_000_000]) {
					const sock = await connect(t, prog.port);
					if (size > 0) {
						sock.write(patternBytes(size, size));
						await sleep(20);
					}

					sock.resetAndDestroy();
				}

				await sleep(100);
				const after = await connect(t, prog.port);
				after.write('still here');
				assert.equal((await readExactly(after, 10)).toString(), 'still here');
				assert.equal(prog.child.exitCode, null, 'the server is running');
				assert.equal(prog.stderr(), '');
			});

			test('SIGTERM closes every socket and the selector and exits 0', TIMEOUT, async t => {
				const prog = await startProgram(t, server, ['--port', '0', '--verbose', ...backendArgs]);
				const socks = await Promise.all([1, 2, 3].map(async () => connect(t, prog.port)));
				for (const sock of socks) {
					sock.write('x');
					assert.equal((await readExactly(sock, 1)).toString(), 'x');
				}

				// One connection with output backed up (the server waits for EVENT_WRITE).
				const stuck = socks[2]!;
				stuck.on('error', () => {
					// Expected: the server closes with our data unread, so the kernel resets the connection.
				});
				stuck.pause();
				stuck.write(patternBytes(8 * 1024 * 1024, 9));
				await sleep(200);
				const targets = fdTargets(prog.pid);
				if (targets !== undefined) {
					const sockets = targets.filter(target => target.startsWith('socket:')).length;
					assert.ok(
						sockets >= 4,
						`listening socket and 3 connections open before SIGTERM (${sockets} sockets)`,
					);
				}

				const result = await prog.stop('SIGTERM', 5000);
				assert.deepEqual(result, [0, null], `exit status 0; stderr: ${prog.stderr()}`);
				const stopped = prog.lines.find(line => line.startsWith('stopped:'));
				assert.ok(stopped, `a "stopped" line: ${prog.lines.join(' | ')}`);
				const match = /closed (\d+) connections; (-?\d+) fds open, (-?\d+) at start/.exec(stopped);
				assert.ok(match, stopped);
				assert.equal(match[1], '3');
				assert.equal(match[2], match[3], 'as many fds open at exit as before serving');
				for (const sock of socks.slice(0, 2)) {
					assert.ok(await endsWithin(sock, 2000), 'clients see the connection end');
				}
			});
		});
	}
}

for (const server of SERVERS) {
	test(
		`${server} --backend select turns away connections beyond FD_SETSIZE and keeps serving`,
		TIMEOUT,
		async t => {
			const prog = await startProgram(t, server, ['--port', '0', '--backend', 'select']);
			const first = await connect(t, prog.port);
			// More connections than select(2) can watch (FD_SETSIZE 1024 on Linux and macOS): the
			// server's last fds are at least 1024.
			const socks = [];
			for (let i = 0; i < 1100; i++) {
				const sock = await connect(t, prog.port);
				sock.on('error', () => {});
				socks.push(sock);
			}

			assert.ok(
				await endsWithin(socks.at(-1)!, 5000),
				'a connection the server cannot watch is closed',
			);
			assert.equal(prog.child.exitCode, null, `${server} exited: ${prog.stderr()}`);
			first.write('ping');
			assert.equal((await readExactly(first, 4)).toString(), 'ping');
			assert.match(
				prog.stderr(),
				/^[\w-]+: filedescriptor out of range in select\(\) .*; such connections are closed\n$/,
			);
			for (const sock of socks) {
				sock.destroy();
			}
		},
	);
}

test('SIGTERM while busy (events every select): exits 0 promptly', TIMEOUT, async t => {
	const prog = await startProgram(t, 'echo-server', ['--port', '0', '--verbose']);
	const client = runProgram('echo-client', [String(prog.port), '--connections', '20', '--duration', '3']);
	// Busy means every connection is up and echoing: wait for the server to
	// have accepted all 20 (a loaded machine may start the client late), then
	// let round trips flow.
	for (let i = 0; i < 100 && prog.lines.filter(line => line.startsWith('accepted ')).length < 20; i++) {
		await sleep(100);
	}

	await sleep(300);
	const started = Date.now();
	assert.deepEqual(await prog.stop('SIGTERM', 3000), [0, null], prog.stderr());
	assert.ok(Date.now() - started < 2000, `stopped in ${Date.now() - started} ms`);
	const result = await client;
	assert.equal(result.code, 1, 'the client saw its connections cut');
	assert.ok(Number(/round_trips=(\d+)/.exec(result.stdout)?.[1]) > 0, result.stdout);
});

describe('command line', () => {
	test('--help prints the usage and exits 0', TIMEOUT, async () => {
		const result = await runProgram('echo-server', ['--help']);
		assert.equal(result.code, 0);
		assert.match(result.stdout, /^Usage: selectors-echo-server \[options\] \[PORT\]/);
		for (const option of ['--host', '--port', '--backend', '--workers', '--verbose', '--help']) {
			assert.ok(result.stdout.includes(option), option);
		}
	});

	test('usage errors exit 2', TIMEOUT, async () => {
		for (const args of [
			['--bogus'],
			['70000'],
			['--backend', 'nope'],
			['--workers', '0'],
			['1', '2'],
			['--port'],
		]) {
			const result = await runProgram('echo-server-rw', args);
			assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
			assert.match(result.stderr, /Usage: selectors-echo-server-rw/);
		}
	});

	test('a backend this platform lacks is a usage error naming the available ones', TIMEOUT, async () => {
		const missing = process.platform === 'linux' ? 'kqueue' : 'epoll';
		const result = await runProgram('echo-server', ['--backend', missing, '0']);
		assert.equal(result.code, 2, result.stderr);
		assert.match(
			result.stderr,
			new RegExp(`--backend ${missing} is not available on this platform .*available: select, poll`),
		);
	});

	test('a port in use is one line on stderr, with errno and address, and status 1', TIMEOUT, async t => {
		const first = await startProgram(t, 'echo-server', ['0']);
		for (const args of [[], ['--workers', '2']]) {
			const result = await runProgram('echo-server', [String(first.port), ...args]);
			assert.equal(result.code, 1, result.stderr);
			assert.match(result.stderr, /^selectors-echo-server: \[Errno \d+\] Address already in use .*\n$/);
			assert.equal(result.stderr.split('\n').length, 2, `one line: ${result.stderr}`);
		}
	});

	test('the port as first argument; the listening line names the real port', TIMEOUT, async t => {
		const prog = await startProgram(t, 'echo-server', ['0']);
		assert.equal(prog.host, '127.0.0.1');
		assert.ok(prog.port > 0);
		assert.deepEqual(
			prog.lines.filter(line => line.startsWith('listening on')),
			[`listening on 127.0.0.1:${prog.port}`],
		);
		const sock = await connect(t, prog.port);
		sock.write('abc');
		assert.equal((await readExactly(sock, 3)).toString(), 'abc');
		assert.deepEqual(await prog.stop('SIGINT'), [0, null]);
		assert.deepEqual(
			prog.lines,
			[`listening on 127.0.0.1:${prog.port}`],
			'nothing per connection without --verbose',
		);
	});
});
