// Shared by the example programs (echo-server, echo-server-rw, echo-client,
// http-server): not a program itself. Run one of them, e.g.
//   npm run build && node dist/examples/echo-server.js --help
/**
 * What every example program needs besides its own callbacks:
 *
 * - {@link parseCli}: the command line (node:util `parseArgs`): `--host`
 *   (127.0.0.1), `--port` (8080; also the first positional argument, as the
 *   bench kit passes it), `--backend select|poll|epoll|kqueue|io_uring`, `--verbose`,
 *   `--workers N` (servers), `--help` (usage on stdout, exit 0); a usage
 *   error prints the message and the usage on stderr and exits 2.
 * - {@link selectorClass}: the selector class for a backend name.
 * - {@link runServer}: the server runner. It creates the selector and the
 *   listening socket, calls the program's `setup()` to register its
 *   callbacks, prints exactly one `listening on HOST:PORT` line (the real
 *   port when 0 was asked for), runs the select loop ({@link serveForever})
 *   and, on SIGINT or SIGTERM, closes every registered socket and the
 *   selector and exits 0. With `--workers N` it runs N worker threads
 *   instead, each with its own selector and its own listening socket on the
 *   same port (SO_REUSEPORT).
 *
 * ## Signals and a blocking select()
 *
 * `select()` blocks the thread that calls it, so a `process.on('SIGTERM')`
 * listener (run by the event loop) could only run once it returned. The
 * programs use `node-selectors/signal` instead, as a Python server would use
 * its `signal` module:
 *
 * 1. **One selector on the main thread** (the default, `--workers 1`): the
 *    SIGINT/SIGTERM handler throws {@link StopServing}. A handler of that
 *    module runs inside the blocking call that sees the signal (`select()`
 *    interrupted by EINTR, or the next `select()` if the signal came while a
 *    callback ran) and its error propagates out of it, so the loop is
 *    Python's plain `while True: for key, mask in sel.select(): ...`
 *    ({@link serveForever}) with no timeout and no turn of the event loop:
 *    idle, the process sleeps in the kernel. The runner catches the error,
 *    closes every socket and the selector, and the process exits 0.
 * 2. **`--workers N`**: the main thread only supervises; worker threads
 *    cannot install signal handlers (Python's rule: "signal only works in
 *    main thread"). The main thread's handler runs on its event loop, which
 *    is free. Each worker thread blocks in `select()` with no timeout; to
 *    stop one, the main thread writes a byte to a pipe whose read end is
 *    registered in that worker's selector (the self-pipe trick); the
 *    worker's callback sets its stop flag, the loop ends, the worker closes
 *    its sockets and selector and returns, and the thread exits. The main
 *    thread created both pipe ends and closes them once the worker has
 *    exited. For port 0, the main thread first binds (without listening) a
 *    SO_REUSEPORT socket to learn the port, hands that port to the workers
 *    and closes it once they all listen.
 *
 * A second SIGINT/SIGTERM while stopping, a second or more after the first,
 * exits at once with status 1 (closer ones are the same request).
 *
 * Output: stdout lines are written with `fs.writeSync(1, …)`, never through
 * `process.stdout`/`console.log`: a worker's `console.log` is forwarded
 * through its event loop, which does not run while the worker is in
 * `select()`.
 *
 * @module
 */
import {closeSync, existsSync, openSync, readdirSync, writeSync} from 'node:fs';
import {constants as osConstants} from 'node:os';
import {performance} from 'node:perf_hooks';
import {isMainThread, parentPort, Worker, workerData} from 'node:worker_threads';
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {
	type BaseSelector,
	type DataArgument,
	EpollSelector,
	EVENT_READ,
	IoUringSelector,
	KqueueSelector,
	PollSelector,
	SelectSelector,
	DefaultSelector,
	EVENT_WRITE,
	type SelectorClass,
	type SelectorKey,
	ValueError,
} from '../src/index.js';
import {
	AF_INET,
	AF_INET6,
	BlockingIOError,
	createServer,
	IPPROTO_TCP,
	OSError,
	SO_REUSEADDR,
	SO_REUSEPORT,
	SOCK_STREAM,
	Socket,
	SOL_SOCKET,
	SOMAXCONN,
	type SocketAddress,
	TCP_NODELAY,
} from '../src/socket/index.js';
import * as os from '../src/os.js';
import {signal, SIGINT, SIGTERM} from '../src/signal/index.js';

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

/** The backend names `--backend` takes. */
export const BACKENDS = ['select', 'poll', 'epoll', 'kqueue', 'io_uring'] as const;

/** One of {@link BACKENDS}. */
export type BackendName = (typeof BACKENDS)[number];

/** Port used when neither `--port` nor a positional port is given. */
export const DEFAULT_PORT = 8080;

/** Host used when `--host` is not given. */
export const DEFAULT_HOST = '127.0.0.1';

/** The option definitions `parseArgs` takes (node:util). */
export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** Describes a program's command line for {@link parseCli}. */
export interface CliSpec {
	/** Program name, as in `Usage: NAME [options] [PORT]`. */
	readonly name: string;
	/** One or two sentences under the usage line. */
	readonly summary: string;
	/** Whether `--workers N` is accepted (servers). Default false. */
	readonly workers?: boolean;
	/** The program's own options, added to the common ones (long names only; no `short`). */
	readonly options?: OptionsConfig;
	/** Usage lines for the program's own options, each `  --name VALUE  what it does`. */
	readonly optionsUsage?: readonly string[];
	/** What `--verbose` prints; default `one line per connection`. */
	readonly verboseUsage?: string;
	/** A client: `--host`/`--port` name the server to connect to, and port 0 is refused. */
	readonly client?: boolean;
}

/** The parsed command line. */
export interface CliArgs {
	/** `--host`; default {@link DEFAULT_HOST}. */
	readonly host: string;
	/** `--port` or the first positional argument; default {@link DEFAULT_PORT}; 0 = any free port. */
	readonly port: number;
	/** `--backend`, or `undefined` for `DefaultSelector`. */
	readonly backend: BackendName | undefined;
	/** `--verbose`. */
	readonly verbose: boolean;
	/** `--workers`; 1 (the default) means the main thread runs the selector. */
	readonly workers: number;
	/** Every parsed option by its long name, the program's own ones included (strings and booleans as given). */
	readonly values: Readonly<Record<string, string | boolean | undefined>>;
}

const COMMON_OPTIONS = {
	host: {type: 'string'},
	port: {type: 'string'},
	backend: {type: 'string'},
	verbose: {type: 'boolean', short: 'v'},
	help: {type: 'boolean', short: 'h'},
} as const satisfies OptionsConfig;

/**
 * The usage text of a program.
 *
 * @param spec - the program's command line
 * @returns the text, ending with a newline
 */
export function usage(spec: CliSpec): string {
	const client = spec.client === true;
	const lines = [
		`Usage: ${spec.name} [options] [PORT]`,
		'',
		spec.summary,
		'',
		'Options:',
		`  --host HOST          ${client ? "the server's address" : 'address'} (default ${DEFAULT_HOST})`,
		`  --port PORT          ${client ? "the server's TCP port" : 'TCP port'} (default ${DEFAULT_PORT}${client ? '' : '; 0 = any free port'}); also the first argument`,
		`  --backend NAME       ${BACKENDS.join('|')} (default: DefaultSelector, ${DefaultSelector.name} here)`,
	];
	if (spec.workers === true) {
		lines.push(
			'  --workers N          N worker threads, each with its own selector and listening socket',
			'                       on the same port (SO_REUSEPORT); default 1 = the main thread',
		);
	}

	lines.push(
		...(spec.optionsUsage ?? []),
		`  -v, --verbose        ${spec.verboseUsage ?? 'one line per connection'}`,
		'  -h, --help           show this help and exit',
	);
	if (spec.workers === true) {
		lines.push('', 'SIGINT/SIGTERM close every socket and the selector and exit 0.');
	}

	return lines.join('\n') + '\n';
}

/**
 * Prints `message` and the usage on stderr and exits with status 2.
 *
 * @param spec - the program's command line
 * @param message - what was wrong
 * @returns never
 */
export function usageError(spec: CliSpec, message: string): never {
	writeSync(2, `${spec.name}: ${message}\n\n${usage(spec)}`);
	process.exit(2);
}

/**
 * Parses an integer option value.
 *
 * @param spec - the program's command line (for the usage error)
 * @param name - the option's name, for the message
 * @param value - the raw value; `undefined` gives `fallback`
 * @param fallback - the default
 * @param min - the smallest value allowed
 * @param max - the largest value allowed
 * @returns the integer
 * @throws never: exits 2 with a usage error when `value` is not an integer in range
 */
export function intOption(
	spec: CliSpec,
	name: string,
	value: string | boolean | undefined,
	fallback: number,
	min = 0,
	max = Number.MAX_SAFE_INTEGER,
): number {
	if (value === undefined) {
		return fallback;
	}

	const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
	if (!Number.isSafeInteger(n) || n < min || n > max) {
		usageError(spec, `--${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`);
	}

	return n;
}

/**
 * Parses a non-negative number option value (seconds, for example).
 *
 * @param spec - the program's command line (for the usage error)
 * @param name - the option's name, for the message
 * @param value - the raw value; `undefined` gives `fallback`
 * @param fallback - the default
 * @returns the number
 * @throws never: exits 2 with a usage error when `value` is not a finite number >= 0
 */
export function numberOption(
	spec: CliSpec,
	name: string,
	value: string | boolean | undefined,
	fallback: number,
	positive = false,
): number {
	if (value === undefined) {
		return fallback;
	}

	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
	if (!Number.isFinite(n) || n < 0 || (positive && n === 0)) {
		usageError(
			spec,
			`--${name} must be a number ${positive ? '> 0' : '>= 0'}, not ${JSON.stringify(value)}`,
		);
	}

	return n;
}

/**
 * Parses a program's command line. `--help` prints the usage on stdout and
 * exits 0; anything invalid (unknown option, missing value, bad port or
 * backend, a second positional argument) prints the error and the usage on
 * stderr and exits 2.
 *
 * In a worker thread started by {@link runServer}, returns the arguments
 * the main thread parsed (with the port it resolved), whatever `argv` is.
 *
 * @param argv - the arguments, usually `process.argv.slice(2)`
 * @param spec - the program's command line
 * @returns the parsed arguments
 */
export function parseCli(argv: readonly string[], spec: CliSpec): CliArgs {
	const fromMain = workerInfo();
	if (fromMain !== undefined) {
		return fromMain.args;
	}

	let parsed;
	try {
		parsed = parseArgs({
			args: [...argv],
			options: {
				...spec.options,
				...COMMON_OPTIONS,
				...(spec.workers === true ? {workers: {type: 'string'}} : {}),
			},
			allowPositionals: true,
			strict: true,
		});
	} catch (error) {
		usageError(spec, error instanceof Error ? error.message : String(error));
	}

	const {values, positionals} = parsed;
	if (values.help === true) {
		writeSync(1, usage(spec));
		process.exit(0);
	}

	if (positionals.length > 1) {
		usageError(spec, `unexpected argument ${JSON.stringify(positionals[1])}`);
	}

	const portValue = values.port;
	if (positionals[0] !== undefined && portValue !== undefined && positionals[0] !== portValue) {
		usageError(spec, 'the port is given twice (--port and as an argument)');
	}

	const port = intOption(
		spec,
		'port',
		positionals[0] ?? portValue,
		DEFAULT_PORT,
		spec.client === true ? 1 : 0,
		65_535,
	);
	const backend = values.backend;
	if (backend !== undefined && !(BACKENDS as readonly unknown[]).includes(backend)) {
		usageError(spec, `--backend must be one of ${BACKENDS.join(', ')}, not ${JSON.stringify(backend)}`);
	}

	if (typeof backend === 'string' && !selectorClass(backend).available) {
		usageError(
			spec,
			`--backend ${backend} is not available on this platform (${process.platform}); ` +
				`available: ${BACKENDS.filter(name => selectorClass(name).available).join(', ')}`,
		);
	}

	const host = values.host;
	if (typeof host === 'string' && host === '') {
		usageError(spec, '--host must not be empty');
	}

	return {
		host: typeof host === 'string' ? host : DEFAULT_HOST,
		port,
		backend: backend as BackendName | undefined,
		verbose: values.verbose === true,
		workers: spec.workers === true ? intOption(spec, 'workers', values.workers, 1, 1, 1024) : 1,
		values,
	};
}

/**
 * The selector class for a backend name.
 *
 * @param backend - `select`, `poll`, `epoll`, `kqueue`, or `undefined` for `DefaultSelector`
 * @returns the class
 * @throws {OSError} ENOSYS when constructing a backend this platform lacks (from the class itself)
 * @throws {TypeError} for an unknown name
 */
export function selectorClass(backend?: string): SelectorClass {
	switch (backend) {
		case undefined: {
			return DefaultSelector;
		}

		case 'select': {
			return SelectSelector;
		}

		case 'poll': {
			return PollSelector;
		}

		case 'epoll': {
			return EpollSelector;
		}

		case 'kqueue': {
			return KqueueSelector;
		}

		case 'io_uring': {
			return IoUringSelector;
		}

		default: {
			throw new TypeError(
				`unknown backend ${JSON.stringify(backend)}: expected one of ${BACKENDS.join(', ')}`,
			);
		}
	}
}

/**
 * The address family for a host: AF_INET6 when it contains a colon.
 *
 * @param host - a numeric address or name
 * @returns `AF_INET6` or `AF_INET`
 */
export function familyOf(host: string): number {
	return host.includes(':') ? AF_INET6 : AF_INET;
}

/**
 * `HOST:PORT`, with an IPv6 host in brackets (`[::1]:8080`).
 *
 * @param host - the host
 * @param port - the port
 * @returns the text
 */
export function formatAddress(host: string, port: number): string {
	return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * A socket address as text: `HOST:PORT` for IP (see {@link formatAddress}), the path for AF_UNIX.
 *
 * @param address - what `accept()`, `getsockname()` or `getpeername()` returned
 * @returns the text
 */
export function formatSocketAddress(address: SocketAddress | null): string {
	if (address === null) {
		return '(unnamed)';
	}

	return typeof address === 'string' ? address : formatAddress(address[0], address[1]);
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

/**
 * Writes one line to stdout synchronously (`fs.writeSync(1)`, safe in
 * worker threads blocked in `select()`; see the module notes). Retries
 * briefly if stdout is a full non-blocking pipe.
 *
 * @param line - the text, without the newline
 */
export function writeLine(line: string): void {
	const data = Buffer.from(line + '\n');
	let off = 0;
	for (let attempt = 0; off < data.length; attempt++) {
		try {
			off += writeSync(1, data, off);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || attempt > 1000) {
				throw error;
			}

			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
		}
	}
}

// ---------------------------------------------------------------------------
// The loop and the stop machinery
// ---------------------------------------------------------------------------

/** What the programs put in a key's `data`: called as `callback(key.fileobj, mask)` (Python's docs). */
export type Callback = (fileobj: Socket, mask: number) => void;

/**
 * The file objects a server's selector holds: sockets, each with a
 * {@link Callback}, and in a worker thread the read end of its wake pipe,
 * registered as a bare fd (see {@link serveBlocking}).
 */
export type ServerFile = Socket | number;

/**
 * Python's `key.data(key.fileobj, mask)` for a socket's key.
 *
 * @returns `false` after calling the callback; `true`, calling nothing, for
 * a bare fd's key (a worker's wake pipe)
 */
function dispatch(key: SelectorKey<Callback, ServerFile>, mask: number): boolean {
	const {fileobj} = key;
	if (typeof fileobj === 'number') {
		return true;
	}

	key.data(fileobj, mask);
	return false;
}

/**
 * Thrown by the main thread's SIGINT/SIGTERM handler to end
 * {@link serveForever} (out of `select()`); {@link runServer} catches it.
 */
export class StopServing extends Error {
	override name = 'StopServing';
	/** The signal that asked to stop. */
	readonly signum: number;

	/** @param signum - the signal that asked to stop */
	constructor(signum: number) {
		super(`stopped by signal ${signum}`);
		this.signum = signum;
	}
}

/**
 * Python's `while True: for key, mask in sel.select(): key.data(key.fileobj, mask)`.
 * It ends only by an exception: {@link StopServing} from the signal handler
 * that {@link runServer} installs, or whatever a callback throws.
 *
 * @param sel - the selector; every key's data is a {@link Callback}
 * @returns never
 * @throws {StopServing} on SIGINT/SIGTERM; whatever a callback or `select()` throws
 */
export function serveForever(sel: BaseSelector<Callback, ServerFile>): never {
	while (true) {
		for (const [key, mask] of sel.select()) {
			dispatch(key, mask);
		}
	}
}

/** The stop flag of a worker's loop ({@link serveBlocking}). */
export interface LoopControl {
	/** Set (when the self-pipe is readable) to end the loop after the current batch of events. */
	stopped: boolean;
}

/**
 * A worker thread's loop: `select()` with no timeout until `control.stopped`.
 * Synchronous: it blocks the thread throughout.
 *
 * @param sel - the selector: sockets with a {@link Callback} as data, and
 * the wake pipe's read end, the one file object registered as a bare fd
 * @param control - the stop flag, set here when the wake pipe is readable
 * @throws whatever a callback or `select()` throws
 */
export function serveBlocking(sel: BaseSelector<Callback, ServerFile>, control: LoopControl): void {
	while (!control.stopped) {
		for (const [key, mask] of sel.select()) {
			if (dispatch(key, mask)) {
				control.stopped = true;
			}
		}
	}
}

/**
 * A repeated signal closer than this to the first is the same request: a
 * Ctrl-C reaches the whole process group, and `timeout`/`kill -- -PGID`
 * signal both the process and its group.
 */
const REPEAT_GRACE_MS = 1000;

/**
 * Installs SIGINT and SIGTERM handlers (`node-selectors/signal`) calling
 * `onStop` on the first of them; it may throw (see {@link StopServing}).
 * Another one at least a second later exits at once with status 1 (the user
 * insists); one within that second is ignored. The handlers stay until the
 * process exits, so a late signal cannot kill it while it closes.
 *
 * @param onStop - what to do on the first signal, with its number
 */
export function onStopSignal(onStop: (signum: number) => void): void {
	let firstAt = -1;
	const handler = (signum: number): void => {
		if (firstAt >= 0) {
			if (performance.now() - firstAt < REPEAT_GRACE_MS) {
				return;
			}

			writeSync(2, `${signalName(signum)} again while stopping: exiting now\n`);
			process.exit(1);
		}

		firstAt = performance.now();
		onStop(signum);
	};

	signal(SIGINT, handler);
	signal(SIGTERM, handler);
}

/** `SIGTERM` for 15. */
function signalName(signum: number): string {
	return (
		Object.entries(osConstants.signals).find(([, value]) => value === signum)?.[0] ?? `signal ${signum}`
	);
}

/**
 * Unregisters every file object registered in `sel` and closes the
 * sockets among them, except `keep`, then closes the selector.
 *
 * @param sel - the selector
 * @param keep - file objects not to close (still unregistered)
 * @returns how many file objects were closed
 */
export function closeAll(sel: BaseSelector<Callback, ServerFile>, keep: readonly unknown[] = []): number {
	let closed = 0;
	for (const key of [...sel.getMap().values()]) {
		sel.unregister(key.fileobj);
		const {fileobj} = key;
		if (!keep.includes(fileobj) && typeof fileobj === 'object') {
			try {
				fileobj.close();
			} catch (error) {
				if (!(error instanceof OSError)) {
					throw error;
				}
			}

			closed++;
		}
	}

	sel.close();
	return closed;
}

// ---------------------------------------------------------------------------
// Accepting connections when the process is out of fds
// ---------------------------------------------------------------------------

/**
 * A spare fd (on /dev/null) per thread, given up to accept-and-close
 * connections when the process has run out of fds: without it, a pending
 * connection that accept() cannot take (EMFILE/ENFILE) leaves the
 * listening socket readable and the select loop spins at 100 % CPU until
 * an fd frees up. This is the classic "reserve fd" remedy (libuv does the
 * same in its `uv__emfile_trick`).
 */
let reserveFd = -1;

/** The running program's name, for messages. */
let programName = 'server';

/** Opens this thread's reserve fd (servers call it before setup()). */
function openReserve(): void {
	if (reserveFd < 0) {
		try {
			reserveFd = openSync('/dev/null', 'r');
		} catch {
			reserveFd = -1; // no spare now: try again after the next shedding
		}
	}
}

/** Closes this thread's reserve fd (servers call it when they stop). */
function closeReserve(): void {
	if (reserveFd >= 0) {
		closeSync(reserveFd);
		reserveFd = -1;
	}
}

/** Most connections turned away per EMFILE/ENFILE: bounds one call; the next wake-up sheds more. */
const SHED_MAX = 64;

/**
 * Accepts one connection from a non-blocking listening socket and makes it
 * ready for a select loop: non-blocking, with `TCP_NODELAY` (as the bench
 * kit's anchor servers; without it Nagle and delayed ACKs add stalls).
 *
 * Returns `null` when there is nothing to accept: none pending (another
 * worker took it, SO_REUSEPORT), the client gave up (ECONNABORTED), or it
 * is already gone (macOS refuses `TCP_NODELAY` with EINVAL once the
 * connection is shut down both ways: XNU's sosetsockopt, see
 * envoyproxy/envoy#1446; the connection is closed). Out of fds
 * (EMFILE/ENFILE), it frees the thread's reserve fd, accepts and closes the
 * pending connections (their clients see the connection closed), takes the
 * reserve back and returns `null`, so the loop does not spin.
 *
 * @param listener - the listening socket
 * @returns the connection and the peer's address, or `null`
 * @throws what is not an {@link OSError}
 */
export function acceptConnection(listener: Socket): [Socket, SocketAddress] | null {
	let accepted: [Socket, SocketAddress];
	try {
		accepted = listener.accept();
	} catch (error) {
		if (!(error instanceof OSError)) {
			throw error;
		}

		const {EMFILE, ENFILE} = osConstants.errno;
		if ((error.errno === EMFILE || error.errno === ENFILE) && reserveFd >= 0) {
			closeReserve();
			for (let i = 0; i < SHED_MAX; i++) {
				try {
					listener.accept()[0].close();
				} catch {
					break; // none left (EAGAIN), or still out of fds
				}
			}

			openReserve();
		}

		return null;
	}

	const [conn] = accepted;
	try {
		conn.setblocking(false);
		conn.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
	} catch (error) {
		conn.close();
		if (error instanceof OSError) {
			return null;
		}

		throw error;
	}

	return accepted;
}

/** Whether this thread has printed the "fd too large for select()" warning. */
let turnedAwayWarned = false;

/**
 * Registers an accepted connection, or turns it away when the selector
 * cannot take its fd: `SelectSelector` refuses fds ≥ FD_SETSIZE
 * (`ValueError`). The connection is then closed, the server keeps serving,
 * and one warning per thread goes to stderr.
 *
 * @param sel - the selector
 * @param conn - the connection, from {@link acceptConnection}
 * @param events - `EVENT_*` mask
 * @param data - the key's data (the callback)
 * @returns whether the connection was registered
 */
export function registerConnection<T>(
	sel: BaseSelector<T, ServerFile>,
	conn: Socket,
	events: number,
	data: T,
): boolean {
	try {
		sel.register(conn, events, ...([data] as DataArgument<T>));
		return true;
	} catch (error) {
		conn.close();
		if (!(error instanceof ValueError)) {
			throw error;
		}

		if (!turnedAwayWarned) {
			turnedAwayWarned = true;
			writeSync(2, `${programName}: ${error.message}; such connections are closed\n`);
		}

		return false;
	}
}

// ---------------------------------------------------------------------------
// TLS (--tls)
// ---------------------------------------------------------------------------

// The TLS entry point, loaded up front but only needed with --tls: where it
// cannot load (no TLS addon, a Node without OpenSSL 3) the plain programs still work.
const ssl = await import('../src/ssl/index.js').catch((error: unknown) => error as Error);

/** An SSLContext of node-selectors/ssl. */
export type SSLContext = import('../src/ssl/index.js').SSLContext;

/** An SSLSocket of node-selectors/ssl. */
export type SSLSocket = import('../src/ssl/index.js').SSLSocket;

/** The `--tls CERT` / `--tls-key KEY` options of the TLS servers, and their usage lines. */
export const TLS_SERVER_OPTIONS: OptionsConfig = {tls: {type: 'string'}, 'tls-key': {type: 'string'}};
export const TLS_SERVER_USAGE: readonly string[] = [
	'  --tls CERT           speak TLS with this PEM certificate chain (node-selectors/ssl)',
	'  --tls-key KEY        its PEM private key (default: in CERT)',
];

/** TLS's want-read/want-write as the `EVENT_*` to wait for, or 0 for any other error. */
export function tlsWants(error: unknown): number {
	const code = (error as {code?: unknown} | null)?.code;
	return code === 'ERR_SSL_WANT_READ' ? EVENT_READ : code === 'ERR_SSL_WANT_WRITE' ? EVENT_WRITE : 0;
}

/** Whether an error only says "wait and call again": the socket's EAGAIN or TLS's want-read/want-write. */
export function wouldBlock(error: unknown): boolean {
	return error instanceof BlockingIOError || tlsWants(error) !== 0;
}

/**
 * The TLS server context for `--tls CERT [--tls-key KEY]`, or undefined without `--tls`.
 *
 * @throws the error that kept node-selectors/ssl from loading, or the SSLError/OSError of a bad certificate or key
 */
export function tlsServerContext(
	values: CliArgs['values'],
	alpn?: readonly string[],
): SSLContext | undefined {
	const cert = values['tls'];
	if (typeof cert !== 'string') {
		return undefined;
	}

	if (ssl instanceof Error) {
		throw ssl;
	}

	const key = values['tls-key'];
	const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
	ctx.loadCertChain(cert, typeof key === 'string' ? key : null);
	if (alpn !== undefined) {
		ctx.setAlpnProtocols([...alpn]);
	}

	return ctx;
}

/**
 * The TLS client context for `--tls CA` (verifies the server's certificate and host name), or undefined without it.
 *
 * @throws the error that kept node-selectors/ssl from loading, or the error of an unreadable CA file
 */
export function tlsClientContext(values: CliArgs['values']): SSLContext | undefined {
	const ca = values['tls'];
	if (typeof ca !== 'string') {
		return undefined;
	}

	if (ssl instanceof Error) {
		throw ssl;
	}

	return ssl.createDefaultContext(ssl.Purpose.SERVER_AUTH, {cafile: ca});
}

/** Number of open fds of this process (Linux /proc/self/fd), or -1 where unknown. */
function openFds(): number {
	return existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length - 1 : -1;
}

// ---------------------------------------------------------------------------
// The server runner
// ---------------------------------------------------------------------------

/** What a server program's `setup()` receives, once per selector (per worker with `--workers`). */
export interface ServerContext {
	/** The selector; register callbacks ({@link Callback}) as key data. */
	readonly selector: BaseSelector<Callback, ServerFile>;
	/** The listening socket, non-blocking, not yet registered: register it with an accept callback. */
	readonly listener: Socket;
	/** The parsed command line. */
	readonly args: CliArgs;
	/** 0 on the main thread; 1..N for the workers of `--workers N`. */
	readonly workerId: number;
	/**
	 * Prints a line when `--verbose` is on (prefixed `[worker N] ` in a
	 * worker), else does nothing. Guard costly messages with `args.verbose`.
	 */
	readonly log: (line: string) => void;
}

/** A server program for {@link runServer}. */
export interface ServerProgram {
	/** The command line; `workers` is forced on. */
	readonly spec: CliSpec;
	/** The program's own module URL (`import.meta.url`): worker threads run it again. */
	readonly entry: string | URL;
	/**
	 * Registers the program's callbacks. Called once per selector, after the
	 * listening socket exists and before the `listening on` line. Every
	 * socket still registered when the server stops is closed by the runner.
	 *
	 * @param ctx - the selector, listening socket, arguments and logger
	 */
	setup(ctx: ServerContext): void;
}

/** What the main thread hands a worker (its `workerData`). @internal */
interface WorkerInfo {
	readonly selectorsExampleWorker: true;
	readonly id: number;
	readonly wakeFd: number;
	readonly args: CliArgs;
}

/** The {@link WorkerInfo} when this thread is a worker started by {@link runServer}. */
function workerInfo(): WorkerInfo | undefined {
	if (isMainThread) {
		return undefined;
	}

	const data = workerData as Partial<WorkerInfo> | null | undefined;
	return data?.selectorsExampleWorker === true ? (data as WorkerInfo) : undefined;
}

/**
 * Prints a fatal error on stderr and sets the exit status to 1: one line
 * for an OSError (a port in use, a host that does not resolve), the stack
 * for anything else (a bug).
 */
function fatal(name: string, error: unknown): void {
	const text =
		error instanceof OSError
			? error.message
			: error instanceof Error
				? (error.stack ?? error.message)
				: String(error);
	writeSync(2, `${name}: ${text}\n`);
	process.exitCode = 1;
}

/** Exits with `process.exitCode` once the event loop is empty, or after 2 s if something keeps it alive. */
function exitSoon(): void {
	setTimeout(() => {
		process.exit();
	}, 2000).unref();
}

/** A non-blocking listening socket on `[host, port]` with a big backlog (the bench opens 1,000 connections). */
function listen(host: string, port: number, reusePort: boolean): Socket {
	const sock = createServer([host, port], {
		family: familyOf(host),
		reusePort,
		backlog: Math.max(SOMAXCONN, 1024),
	});
	sock.setblocking(false);
	return sock;
}

/**
 * Runs a server program: parses the command line (exiting on `--help` or a
 * usage error), then serves on the main thread, or with `--workers N` on N
 * worker threads, until SIGINT/SIGTERM, and exits 0 having closed every
 * socket and selector. Prints `listening on HOST:PORT` once every listening
 * socket is ready; with `--verbose` also a `stopped: …` line at the end
 * (sockets closed, fds open at exit and at start, Linux).
 *
 * Call it at the top level of the program's module; in the worker threads
 * it starts, the same call runs the worker's side.
 *
 * @param program - the program
 * @param argv - the arguments (default `process.argv.slice(2)`)
 */
export function runServer(program: ServerProgram, argv: readonly string[] = process.argv.slice(2)): void {
	const spec: CliSpec = {...program.spec, workers: true};
	programName = spec.name;
	const info = workerInfo();
	if (info !== undefined) {
		runWorker(program, info);
		return;
	}

	const args = parseCli(argv, spec);
	if (args.workers > 1) {
		runMain(program, args).catch((error: unknown) => {
			fatal(spec.name, error);
			exitSoon();
		});
		return;
	}

	try {
		runSingle(program, args);
	} catch (error) {
		fatal(spec.name, error);
	}

	exitSoon();
}

/** `--workers 1`: the selector loop on the main thread, until SIGINT/SIGTERM. */
function runSingle(program: ServerProgram, args: CliArgs): void {
	onStopSignal(signum => {
		throw new StopServing(signum);
	});
	const fdsAtStart = openFds();
	const Selector = selectorClass(args.backend);
	const sel = new Selector<Callback, ServerFile>();
	let listener: Socket | undefined;
	openReserve();
	try {
		listener = listen(args.host, args.port, false);
		const log = args.verbose ? writeLine : (): void => {};
		program.setup({selector: sel, listener, args, workerId: 0, log});
		const bound = listener.getsockname() as [string, number];
		writeLine(`listening on ${formatAddress(args.host, bound[1])}`);
		serveForever(sel);
	} catch (error) {
		if (!(error instanceof StopServing)) {
			throw error;
		}
	} finally {
		const closed = closeAll(sel, listener === undefined ? [] : [listener]);
		listener?.close();
		closeReserve();
		if (args.verbose) {
			writeLine(`stopped: closed ${closed} connections; ${openFds()} fds open, ${fdsAtStart} at start`);
		}
	}
}

/** A worker thread's side of `--workers N`. */
function runWorker(program: ServerProgram, info: WorkerInfo): void {
	const {args, id, wakeFd} = info;
	const control: LoopControl = {stopped: false};
	const Selector = selectorClass(args.backend);
	const sel = new Selector<Callback, ServerFile>();
	let listener: Socket | undefined;
	let closed: number;
	openReserve();
	try {
		// The self-pipe: the main thread writes a byte to stop this worker.
		// serveBlocking() stops when it is readable; the callback is never called.
		sel.register(wakeFd, EVENT_READ, () => {});
		listener = listen(args.host, args.port, true);
		const prefix = `[worker ${id}] `;
		const log = args.verbose
			? (line: string): void => {
					writeLine(prefix + line);
				}
			: (): void => {};
		program.setup({selector: sel, listener, args, workerId: id, log});
		parentPort?.postMessage({type: 'listening', id});
		serveBlocking(sel, control);
	} finally {
		// The wake pipe belongs to the main thread, which closes it after this thread exits.
		closed = closeAll(sel, listener === undefined ? [wakeFd] : [wakeFd, listener]);
		listener?.close();
		closeReserve();
	}

	if (args.verbose) {
		writeLine(`[worker ${id}] stopped: closed ${closed} connections`);
	}
}

/** `--workers N`: the main thread supervises N workers. */
async function runMain(program: ServerProgram, args: CliArgs): Promise<void> {
	const workers: Array<{worker: Worker; r: number; w: number; exited: Promise<number>}> = [];
	let stopping = false;
	const stop = (): void => {
		if (stopping) {
			return;
		}

		stopping = true;
		for (const {w} of workers) {
			try {
				os.write(w, Buffer.from('x'));
			} catch {
				// The pipe is full (a byte is already there) or the worker is gone: either way it stops.
			}
		}
	};

	onStopSignal(stop);
	// Worker() forwards the workers' stdio to process.stdout/stderr, which Node opens lazily (an fd of its own
	// for some kinds of stdout): open them now, so that the fd count at start is comparable with the one at exit.
	void process.stdout;
	void process.stderr;
	const fdsAtStart = openFds();
	// Learn the port (port 0) and hold it until every worker listens: bound, never listening, so it takes no connections.
	const holder = new Socket(familyOf(args.host), SOCK_STREAM);
	try {
		holder.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
		if (SO_REUSEPORT === undefined) {
			throw new Error('SO_REUSEPORT is not available on this platform: --workers needs it');
		}

		holder.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
		holder.bind([args.host, args.port]);
		const port = (holder.getsockname() as [string, number])[1];
		const ready: Array<Promise<void>> = [];
		for (let id = 1; id <= args.workers; id++) {
			const [r, w] = os.pipe();
			const worker = new Worker(new URL(program.entry), {
				workerData: {
					selectorsExampleWorker: true,
					id,
					wakeFd: r,
					args: {...args, port},
				} satisfies WorkerInfo,
				stdout: false,
				stderr: false,
			});
			const exited = new Promise<number>(resolve => {
				worker.on('exit', resolve);
			});
			ready.push(
				new Promise<void>((resolve, reject) => {
					worker.on('message', (message: {type?: string}) => {
						if (message.type === 'listening') {
							resolve();
						}
					});
					worker.on('error', (error: unknown) => {
						fatal(`${program.spec.name} worker ${id}`, error);
						stop();
						reject(new Error(`worker ${id} failed`));
					});
					void exited.then(code => {
						reject(new Error(`worker ${id} exited with status ${code} before listening`));
					});
				}),
			);
			workers.push({worker, r, w, exited});
			if (stopping) {
				os.write(w, Buffer.from('x')); // a signal came while the workers were starting
			}
		}

		try {
			await Promise.all(ready);
			writeLine(`listening on ${formatAddress(args.host, port)}`);
		} finally {
			holder.close();
		}
	} catch (error) {
		holder.close();
		if (!stopping) {
			fatal(program.spec.name, error);
		}

		stop();
	}

	const codes = await Promise.all(workers.map(async ({exited}) => exited));
	for (const {r, w} of workers) {
		os.close(r);
		os.close(w);
	}

	if (codes.some(code => code !== 0)) {
		process.exitCode = 1;
	}

	if (args.verbose) {
		writeLine(
			`stopped: ${workers.length} workers exited (${codes.join(', ')}); ${openFds()} fds open, ${fdsAtStart} at start`,
		);
	}

	exitSoon();
}
