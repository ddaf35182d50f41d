// selectors-line-client (examples/line-client.ts) against the echo server:
// stdin a pipe, a regular file (epoll refuses those: PollSelector fallback)
// and a terminal (a pseudo-terminal made by python3's pty module), where
// Ctrl-C ends it through KeyboardInterrupt and stdin's flags are left as
// they were found.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {once} from 'node:events';
import {closeSync, mkdtempSync, openSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, test, type TestContext} from 'node:test';
import {EXAMPLES_DIR, startProgram} from './helpers.js';

const CLIENT = `${EXAMPLES_DIR}line-client.js`;
const hasPython = spawnSync('python3', ['-c', 'import pty'], {stdio: 'ignore'}).status === 0;

/** Runs the client with `stdin`; returns [status, stdout, stderr]. Killed after 10 s. */
async function client(
	t: TestContext,
	port: number,
	stdin: 'pipe' | number,
	input: string | undefined,
	extra: string[] = [],
): Promise<[number | null, string, string]> {
	const child = spawn(process.execPath, [CLIENT, '--port', String(port), ...extra], {
		stdio: [stdin, 'pipe', 'pipe'],
	});
	const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
	t.after(() => {
		clearTimeout(timer);
		child.kill('SIGKILL');
	});
	let out = '';
	let err = '';
	child.stdout!.setEncoding('utf8').on('data', (s: string) => {
		out += s;
	});
	child.stderr!.setEncoding('utf8').on('data', (s: string) => {
		err += s;
	});
	if (input !== undefined) {
		child.stdin!.end(input);
	}

	const [code] = (await once(child, 'exit')) as [number | null];
	return [code, out, err];
}

describe('selectors-line-client', () => {
	test('stdin a pipe: every line comes back, exit 0 after the end of input', async t => {
		const server = await startProgram(t, 'echo-server', ['--port', '0']);
		const lines = Array.from({length: 200}, (_, i) => `line ${i} ${'x'.repeat(i)}`).join('\n') + '\n';
		const [code, out, err] = await client(t, server.port, 'pipe', lines);
		assert.equal(err, '');
		assert.equal(code, 0);
		assert.equal(out, lines);
		assert.deepEqual(await server.stop('SIGTERM'), [0, null]);
	});

	for (const backend of ['default', 'poll', 'select']) {
		test(`stdin a regular file (${backend})`, async t => {
			const server = await startProgram(t, 'echo-server', ['--port', '0']);
			const dir = mkdtempSync(join(tmpdir(), 'line-client-'));
			t.after(() => rmSync(dir, {recursive: true, force: true}));
			const file = join(dir, 'input.txt');
			writeFileSync(file, 'one\ntwo\n');
			const fd = openSync(file, 'r');
			t.after(() => closeSync(fd));
			const [code, out, err] = await client(
				t,
				server.port,
				fd,
				undefined,
				backend === 'default' ? [] : ['--backend', backend],
			);
			assert.equal(err, '');
			assert.equal(code, 0);
			assert.equal(out, 'one\ntwo\n');
			assert.deepEqual(await server.stop('SIGTERM'), [0, null]);
		});
	}

	test(
		'stdin a terminal: a line and its reply, then Ctrl-C exits 130 and leaves the tty blocking',
		{skip: hasPython ? false : 'python3 with pty is not available'},
		async t => {
			const server = await startProgram(t, 'echo-server', ['--port', '0']);
			const script = String.raw`
import fcntl, json, os, select, subprocess, sys, termios, time
master, slave = os.openpty()
before = fcntl.fcntl(slave, fcntl.F_GETFL) & os.O_NONBLOCK
child = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                         preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
out = b''
def read_until(pred, limit=8.0):
    global out
    end = time.monotonic() + limit
    while not pred(out) and time.monotonic() < end:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                out += os.read(master, 4096)
            except OSError:
                break
    return pred(out)
prompted = read_until(lambda o: b'>>> ' in o)
os.write(master, b'hello tty\n')
echoed = read_until(lambda o: o.count(b'hello tty') >= 2 and o.endswith(b'>>> '))
os.write(master, b'\x03')
try:
    rc = child.wait(8)
except subprocess.TimeoutExpired:
    child.kill(); rc = child.wait()
read_until(lambda o: False, 0.2)
after = fcntl.fcntl(slave, fcntl.F_GETFL) & os.O_NONBLOCK
print(json.dumps({'prompted': prompted, 'echoed': echoed, 'rc': rc, 'before': before, 'after': after,
                  'out': out.decode('utf8', 'replace')}))
`;
			const py = spawn(
				'python3',
				['-c', script, process.execPath, CLIENT, '--port', String(server.port)],
				{stdio: ['ignore', 'pipe', 'inherit']},
			);
			const timer = setTimeout(() => py.kill('SIGKILL'), 30_000);
			t.after(() => {
				clearTimeout(timer);
				py.kill('SIGKILL');
			});
			let text = '';
			py.stdout.setEncoding('utf8').on('data', (s: string) => {
				text += s;
			});
			const [code] = (await once(py, 'exit')) as [number | null];
			assert.equal(code, 0);
			const r = JSON.parse(text) as {
				prompted: boolean;
				echoed: boolean;
				rc: number;
				before: number;
				after: number;
				out: string;
			};
			assert.ok(r.prompted && r.echoed, `output: ${JSON.stringify(r.out)}`);
			assert.equal(r.rc, 130, `output: ${JSON.stringify(r.out)}`);
			assert.ok(!r.out.includes('KeyboardInterrupt'), 'no stack trace');
			assert.equal(r.before, 0);
			assert.equal(r.after, 0, 'stdin left blocking');
			assert.deepEqual(await server.stop('SIGTERM'), [0, null]);
		},
	);
});
