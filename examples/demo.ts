// Run: npm run build && npm run demo   (or: node dist/examples/demo.js [echo-client options])
/**
 * The one-command first impression: starts `echo-server` on a free port
 * (port 0) as a child process, waits for its `listening on HOST:PORT` line,
 * runs `echo-client` against it (10 connections × 1000 messages of 64 bytes
 * unless other client options are given), prints the client's summary,
 * stops the server with SIGTERM and exits with the client's status (1 if
 * the server did not stop cleanly).
 *
 * @module
 */
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));
const serverPath = here('./echo-server.js');
const clientPath = here('./echo-client.js');

/** Gives up if the server has not printed its line by then (ms). */
const STARTUP_TIMEOUT_MS = 10_000;

const clientArgs = process.argv.slice(2);
if (clientArgs.includes('--help') || clientArgs.includes('-h')) {
	console.log(
		[
			'Usage: demo [echo-client options]',
			'',
			'Starts echo-server on a free port, runs echo-client against it with the options given',
			'(--connections, --messages, --size, --duration, --timeout, --backend, --verbose),',
			"prints the client's summary, stops the server and exits with the client's status.",
			'See selectors-echo-client --help (dist/examples/echo-client.js) for the options.',
		].join('\n'),
	);
	process.exit(0);
}

const server = spawn(process.execPath, [serverPath, '--port', '0'], {stdio: ['ignore', 'pipe', 'inherit']});
let serverExited = false;
server.on('exit', () => {
	serverExited = true;
});

/**
 * Waits for the server's `listening on HOST:PORT` line.
 *
 * @returns `[host, port]`
 */
async function listening(): Promise<[string, number]> {
	const lines = createInterface({input: server.stdout});
	const timer = setTimeout(() => {
		lines.close();
	}, STARTUP_TIMEOUT_MS);
	try {
		for await (const line of lines) {
			const match = /^listening on \[?([^\]]*?)\]?:(\d+)$/.exec(line);
			if (match?.[1] !== undefined && match[2] !== undefined) {
				// Keep draining the server's stdout so it never blocks on a full pipe.
				server.stdout.resume();
				return [match[1], Number(match[2])];
			}
		}
	} finally {
		clearTimeout(timer);
	}

	throw new Error('echo-server did not print "listening on HOST:PORT"');
}

let status = 1;
try {
	const [host, port] = await listening();
	console.log(
		`demo: echo-server is listening on ${host}:${port} (pid ${server.pid ?? '?'}); running echo-client`,
	);
	const client = spawn(
		process.execPath,
		[clientPath, '--host', host, '--port', String(port), ...clientArgs],
		{stdio: 'inherit'},
	);
	const [code] = (await once(client, 'exit')) as [number | null];
	status = code ?? 1;
} catch (error) {
	console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
} finally {
	if (!serverExited) {
		server.kill('SIGTERM');
		const [code, signal] = (await once(server, 'exit')) as [number | null, string | null];
		console.log(`demo: echo-server stopped (status ${code ?? signal ?? '?'})`);
		if (code !== 0 && status === 0) {
			status = 1;
		}
	}
}

process.exitCode = status;
