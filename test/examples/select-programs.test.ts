// The classic select()/poll() programs (examples/chat-server.ts,
// examples/poll-echo.ts) run as child processes on port 0, with stdin a
// pipe or a regular file; and what DefaultSelector does with each kind of stdin.
import assert from 'node:assert/strict';
import {type ChildProcess, spawn, spawnSync} from 'node:child_process';
import {once} from 'node:events';
import {closeSync, mkdtempSync, openSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, test, type TestContext} from 'node:test';
import {EpollSelector, EVENT_READ, PermissionError, PollSelector, SelectSelector} from '../../src/index.js';
import {connect, EXAMPLES_DIR, readExactly, within} from './helpers.js';

/**
 * Starts an example with `stdin` (through script(1) for a tty); resolves with
 * it and its port once it listens.
 */
async function start(
	t: TestContext,
	name: string,
	stdin: 'pipe' | 'tty' | number,
): Promise<{child: ChildProcess; port: number; exited: Promise<unknown[]>}> {
	const argv = [`${EXAMPLES_DIR}${name}.js`, '--port', '0'];
	// script(1) runs the program on a new pseudo-terminal and relays our pipe
	// to it, so the program's stdin is a tty (line discipline: a line arrives
	// on Enter, Ctrl-D at the start of a line is EOF).
	const child =
		stdin === 'tty'
			? spawn('script', ['-qec', [process.execPath, ...argv].join(' '), '/dev/null'], {
					stdio: ['pipe', 'pipe', 'pipe'],
				})
			: spawn(process.execPath, argv, {stdio: [stdin, 'pipe', 'pipe']});
	const exited = once(child, 'exit');
	t.after(async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
			await exited;
		}
	});
	let out = '';
	child.stdout!.setEncoding('utf8');
	const port = await within(
		new Promise<number>(resolve => {
			child.stdout!.on('data', (chunk: string) => {
				out += chunk;
				const match = /listening on [\d.]+:(\d+)/.exec(out);
				if (match) {
					resolve(Number(match[1]));
				}
			});
		}),
		10_000,
	);
	assert.ok(port !== undefined, `${name} did not listen; stdout: ${out}`);
	return {child, port, exited};
}

/** Accumulates what `sock` receives; `waitFor` polls it, bounded by 10 s. */
function collect(sock: import('node:net').Socket): {
	sock: import('node:net').Socket;
	text(): string;
	waitFor(re: RegExp): Promise<void>;
} {
	let text = '';
	sock.setEncoding('utf8').on('data', (chunk: string) => {
		text += chunk;
	});
	return {
		sock,
		text: () => text,
		async waitFor(re: RegExp) {
			for (let i = 0; i < 200 && !re.test(text); i++) {
				await new Promise(resolve => setTimeout(resolve, 50));
			}

			assert.match(text, re);
		},
	};
}

describe('chat-server (select.select loop)', () => {
	test('clients see each other and the server; end of stdin stops it', async t => {
		const {child, port, exited} = await start(t, 'chat-server', 'pipe');
		const a = collect(await connect(t, port));
		const b = collect(await connect(t, port));
		await a.waitFor(/\] joined\n/); // b joined
		a.sock.write('hello\n');
		child.stdin!.write('all\n');
		await b.waitFor(/\] hello\n/);
		await b.waitFor(/\[server\] all\n/);
		await a.waitFor(/\[server\] all\n/);
		assert.doesNotMatch(a.text(), /hello/, 'a message does not go back to its sender');
		child.stdin!.end();
		const result = await within(exited, 10_000);
		assert.deepEqual(result, [0, null]);
	});

	test('stdin a regular file: read at once, EOF ends the loop', async t => {
		const dir = mkdtempSync(join(tmpdir(), 'chat-'));
		t.after(() => rmSync(dir, {recursive: true, force: true}));
		writeFileSync(join(dir, 'in.txt'), 'line\n');
		const fd = openSync(join(dir, 'in.txt'), 'r');
		t.after(() => closeSync(fd));
		const {exited} = await start(t, 'chat-server', fd);
		assert.deepEqual(await within(exited, 10_000), [0, null]);
	});
});

const hasScript = spawnSync('script', ['--version'], {encoding: 'utf8'}).status === 0;

describe(
	'chat-server with a tty as stdin',
	{
		skip: hasScript
			? false
			: 'script(1) from util-linux is missing (it gives the program a pseudo-terminal)',
	},
	() => {
		test('a line typed on the terminal reaches the clients; Ctrl-D stops the server', async t => {
			const {child, port, exited} = await start(t, 'chat-server', 'tty');
			const client = collect(await connect(t, port));
			// The server has the first client once it tells it a second one joined.
			await connect(t, port);
			await client.waitFor(/\] joined\n/);
			child.stdin!.write('typed on a tty\n');
			await client.waitFor(/\[server\] typed on a tty\n/);
			child.stdin!.write('\u0004');
			assert.deepEqual(await within(exited, 10_000), [0, null]);
		});
	},
);

describe('poll-echo (select.poll loop)', () => {
	test('echoes 200 kB back to each of 3 clients; end of stdin stops it', async t => {
		const {child, port, exited} = await start(t, 'poll-echo', 'pipe');
		const payload = Buffer.alloc(200_000, 'e');
		await Promise.all(
			[0, 1, 2].map(async () => {
				const s = await connect(t, port);
				const got = readExactly(s, payload.length, 10_000);
				s.write(payload);
				assert.equal((await got).length, payload.length);
				s.end();
			}),
		);
		child.stdin!.end();
		assert.deepEqual(await within(exited, 10_000), [0, null]);
	});
});

describe('registering stdin: a regular file', () => {
	// EpollSelector by name (DefaultSelector on Linux unless SELECTORS_BACKEND
	// forces another backend, as CI's forced runs do).
	test(
		'EpollSelector (DefaultSelector on Linux) refuses it with PermissionError, as CPython; select and poll take it',
		{skip: process.platform === 'linux' ? false : 'epoll is Linux only'},
		t => {
			const fd = openSync(new URL(import.meta.url).pathname, 'r');
			t.after(() => closeSync(fd));
			using sel = new EpollSelector();
			assert.throws(() => sel.register(fd, EVENT_READ), PermissionError);
			assert.equal(sel.getMap().size, 0, 'rolled back');
			for (const Sel of [SelectSelector, PollSelector]) {
				using other = new Sel();
				other.register(fd, EVENT_READ);
				assert.equal(other.select(0).length, 1, `${Sel.name}: a regular file is always readable`);
				other.unregister(fd);
			}
		},
	);
});
