/**
 * `echo-server --workers N`: N worker threads, each with its own selector
 * and its own SO_REUSEPORT listening socket on the same port. Every worker
 * serves connections, and SIGTERM stops them all (self-pipe wake-up) with
 * status 0 and no fd left open.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {
	connect,
	endsWithin,
	fdTargets,
	patternBytes,
	readExactly,
	runProgram,
	sleep,
	startProgram,
} from './helpers.js';

const TIMEOUT = {timeout: 30_000};

/** How many connections each worker accepted, from the `[worker N] accepted` lines. */
function acceptedPerWorker(lines: readonly string[]): Map<string, number> {
	const counts = new Map<string, number>();
	for (const line of lines) {
		const match = /^\[worker (\d+)\] accepted /.exec(line);
		if (match?.[1] !== undefined) {
			counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
		}
	}

	return counts;
}

for (const server of ['echo-server', 'echo-server-rw']) {
	describe(`${server} --workers 2`, () => {
		test('every worker serves connections; SIGTERM stops them all', TIMEOUT, async t => {
			const prog = await startProgram(t, server, ['--port', '0', '--workers', '2', '--verbose']);
			assert.deepEqual(prog.lines.filter(line => line.startsWith('listening on')).length, 1);
			// SO_REUSEPORT spreads connections by a hash of the addresses: with 40 source ports, one worker
			// getting all of them has probability 2^-39.
			const socks = await Promise.all(Array.from({length: 40}, async () => connect(t, prog.port)));
			const ok = await Promise.all(
				socks.map(async (sock, i) => {
					const message = patternBytes(5000, i);
					sock.write(message);
					return (await readExactly(sock, message.length)).equals(message);
				}),
			);
			assert.equal(ok.filter(Boolean).length, 40);
			const deadline = Date.now() + 5000;
			let counts = acceptedPerWorker(prog.lines);
			while ([...counts.values()].reduce((a, b) => a + b, 0) < 40 && Date.now() < deadline) {
				await new Promise(resolve => {
					setTimeout(resolve, 20);
				});
				counts = acceptedPerWorker(prog.lines);
			}

			assert.deepEqual(
				[...counts.keys()].sort(),
				['1', '2'],
				`connections per worker: ${JSON.stringify([...counts])}`,
			);
			assert.equal(
				[...counts.values()].reduce((a, b) => a + b, 0),
				40,
			);

			const targets = fdTargets(prog.pid); // Linux only
			if (targets !== undefined) {
				const sockets = targets.filter(target => target.startsWith('socket:')).length;
				assert.ok(sockets >= 42, `two listening sockets and 40 connections (${sockets} sockets)`);
			}

			// Stop with the connections still open: each worker closes its own.
			const result = await prog.stop('SIGTERM', 5000);
			assert.deepEqual(result, [0, null], `exit status 0; stderr: ${prog.stderr()}`);
			const stoppedWorkers = prog.lines.filter(line =>
				/^\[worker \d\] stopped: closed \d+ connections$/.test(line),
			);
			assert.equal(stoppedWorkers.length, 2, prog.lines.join(' | '));
			const closed = stoppedWorkers.map(line => Number(/closed (\d+)/.exec(line)?.[1]));
			assert.equal(
				closed.reduce((a, b) => a + b, 0),
				40,
				'the workers closed every connection',
			);
			const final = prog.lines.find(line => line.startsWith('stopped: 2 workers exited'));
			assert.ok(final, prog.lines.join(' | '));
			const match = /\(0, 0\); (-?\d+) fds open, (-?\d+) at start/.exec(final);
			assert.ok(match, final);
			assert.equal(match[1], match[2], 'as many fds open at exit as before the workers started');
			for (const sock of socks.slice(0, 5)) {
				assert.ok(await endsWithin(sock, 2000));
			}
		});
	});
}

test('--workers 2 with SIGINT before any connection; the port is shared, not doubled', TIMEOUT, async t => {
	const prog = await startProgram(t, 'echo-server', ['--port', '0', '--workers', '2']);
	const targets = fdTargets(prog.pid);
	if (targets !== undefined) {
		// The main thread's port-holding socket is closed once the workers listen: 2 listening sockets remain.
		assert.ok(targets.filter(target => target.startsWith('socket:')).length >= 2);
	}

	const sock = await connect(t, prog.port);
	sock.write('hi');
	assert.equal((await readExactly(sock, 2)).toString(), 'hi');
	assert.deepEqual(await prog.stop('SIGINT', 5000), [0, null]);
	assert.deepEqual(prog.lines, [`listening on 127.0.0.1:${prog.port}`], 'quiet without --verbose');
});

test('--workers fails cleanly when the port is taken', TIMEOUT, async t => {
	const first = await startProgram(t, 'echo-server', ['--port', '0']);
	const result = await runProgram('echo-server', ['--port', String(first.port), '--workers', '2'], 10_000);
	assert.equal(result.code, 1, result.stdout + result.stderr);
	assert.match(result.stderr, /EADDRINUSE|Address already in use/);
	assert.doesNotMatch(result.stdout, /listening on/);
});

test('--workers 2: SIGTERM while busy exits 0 promptly', TIMEOUT, async t => {
	const prog = await startProgram(t, 'echo-server', ['--port', '0', '--workers', '2', '--verbose']);
	const client = runProgram('echo-client', [String(prog.port), '--connections', '20', '--duration', '3']);
	// Busy means every connection is up and echoing: wait until the workers
	// have accepted all 20 (a loaded machine may start the client late).
	for (let i = 0; i < 100 && prog.lines.filter(line => line.includes('accepted ')).length < 20; i++) {
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

test('two signals at once (timeout, kill of the process group) are one request: exit 0', TIMEOUT, async t => {
	for (const [server, args] of [
		['echo-server', ['--workers', '2']],
		['http-server', ['--workers', '2']],
		['echo-server-rw', []],
	] as const) {
		const prog = await startProgram(t, server, ['--port', '0', ...args]);
		process.kill(prog.pid, 'SIGTERM');
		process.kill(prog.pid, 'SIGTERM');
		assert.deepEqual(await prog.stop('SIGTERM', 5000), [0, null], `${server}: ${prog.stderr()}`);
	}
});
