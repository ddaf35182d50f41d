/**
 * TLS test fixtures: certificates made at test time with the `openssl`
 * command (a CA, a server certificate for localhost/127.0.0.1, an expired
 * one, one for another name, an encrypted key), and a selector loop that
 * drives non-blocking TLS calls to completion.
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {
	type BaseSelector,
	BlockingIOError,
	DefaultSelector,
	EVENT_READ,
	EVENT_WRITE,
} from '../../src/index.js';
import type {TestContext} from 'node:test';
import {createServer, Socket} from '../../src/socket/index.js';
import {type SSLContext, type SSLSocket, SSLWantReadError, SSLWantWriteError} from '../../src/ssl/index.js';
import {closing} from '../helpers/sockets.js';

/** Paths of the test PKI. */
export interface Certs {
	readonly dir: string;
	readonly caCert: string;
	readonly caKey: string;
	/** localhost + 127.0.0.1, signed by the CA. */
	readonly cert: string;
	readonly key: string;
	/** Same names, notAfter yesterday. */
	readonly expiredCert: string;
	/** Signed by the CA for other.example only. */
	readonly otherCert: string;
	/** {@link Certs.key} encrypted with the password `secret`. */
	readonly encryptedKey: string;
	/** A self-signed certificate for localhost (an unknown CA). */
	readonly selfSignedCert: string;
	readonly selfSignedKey: string;
}

/** Why certificates cannot be made here (for `{skip}`), or false. */
export const noOpenssl: string | false = (() => {
	try {
		execFileSync('openssl', ['version'], {stdio: 'ignore'});
		return false;
	} catch {
		return 'the openssl command is not installed';
	}
})();

let certs: Certs | undefined;

function openssl(dir: string, ...args: string[]): void {
	execFileSync('openssl', args, {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']});
}

/** Makes the test PKI once per process, in a temp dir removed at exit. */
export function makeCerts(): Certs {
	if (certs !== undefined) {
		return certs;
	}

	const dir = mkdtempSync(join(tmpdir(), 'selectors-ssl-'));
	process.once('exit', () => rmSync(dir, {recursive: true, force: true}));
	const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
	openssl(
		dir,
		'req',
		'-x509',
		...ec,
		'-keyout',
		'ca.key',
		'-out',
		'ca.pem',
		'-subj',
		'/CN=node-selectors test CA',
		'-days',
		'2',
	);
	openssl(dir, 'req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
	writeFileSync(join(dir, 'local.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
	writeFileSync(join(dir, 'other.ext'), 'subjectAltName=DNS:other.example\n');
	const sign = (ext: string, out: string, days: string): void => {
		openssl(
			dir,
			'x509',
			'-req',
			'-in',
			'server.csr',
			'-CA',
			'ca.pem',
			'-CAkey',
			'ca.key',
			'-CAcreateserial',
			'-days',
			days,
			'-extfile',
			ext,
			'-out',
			out,
		);
	};

	sign('local.ext', 'server.pem', '2');
	sign('local.ext', 'expired.pem', '-1');
	sign('other.ext', 'other.pem', '2');
	openssl(dir, 'pkey', '-in', 'server.key', '-aes256', '-passout', 'pass:secret', '-out', 'server-enc.key');
	openssl(
		dir,
		'req',
		'-x509',
		...ec,
		'-keyout',
		'self.key',
		'-out',
		'self.pem',
		'-subj',
		'/CN=localhost',
		'-days',
		'2',
		'-addext',
		'subjectAltName=DNS:localhost,IP:127.0.0.1',
	);
	const p = (name: string): string => join(dir, name);
	certs = {
		dir,
		caCert: p('ca.pem'),
		caKey: p('ca.key'),
		cert: p('server.pem'),
		key: p('server.key'),
		expiredCert: p('expired.pem'),
		otherCert: p('other.pem'),
		encryptedKey: p('server-enc.key'),
		selfSignedCert: p('self.pem'),
		selfSignedKey: p('self.key'),
	};
	return certs;
}

/** A TLS step to run until it stops asking to wait: returns its result, or throws SSLWant*. */
export type Step<T> = () => T;

/**
 * Runs several non-blocking TLS operations at once (one per socket) with a
 * selector, retrying each after the event its SSLWant* error names, until
 * all are done. Bounded: throws after `limit` selects.
 *
 * @returns each step's result, in order
 */
export function drive<T>(steps: ReadonlyArray<[Socket, Step<T>]>, limit = 10_000): T[] {
	using sel = new DefaultSelector();
	const run = new Run(sel, steps);
	for (let n = 0; !run.finished; n++) {
		if (n >= limit) {
			throw new Error('drive(): too many rounds');
		}

		run.ready(sel.select(5));
	}

	return run.results;
}

/**
 * {@link drive} waiting with `selectAsync()`, so that the event loop turns
 * (a peer on it — Node's `tls`, a child process — gets to run).
 */
export async function driveAsync<T>(steps: ReadonlyArray<[Socket, Step<T>]>, limit = 10_000): Promise<T[]> {
	using sel = new DefaultSelector();
	const run = new Run(sel, steps);
	for (let n = 0; !run.finished; n++) {
		if (n >= limit) {
			throw new Error('driveAsync(): too many rounds');
		}

		run.ready(await sel.selectAsync(5));
	}

	return run.results;
}

class Run<T> {
	readonly results: T[] = [];
	readonly #done = new Set<number>();
	readonly #wants = new Map<number, number>();
	readonly #sel: BaseSelector;
	readonly #steps: ReadonlyArray<[Socket, Step<T>]>;

	constructor(sel: BaseSelector, steps: ReadonlyArray<[Socket, Step<T>]>) {
		this.#sel = sel;
		this.#steps = steps;
		for (let i = 0; i < steps.length; i++) {
			this.#attempt(i);
		}
	}

	get finished(): boolean {
		return this.#done.size === this.#steps.length;
	}

	ready(keys: ReadonlyArray<[{data: unknown}, number]>): void {
		for (const [key] of keys) {
			this.#attempt(key.data as number);
		}
	}

	#attempt(i: number): void {
		const [sock, step] = this.#steps[i]!;
		try {
			this.results[i] = step();
			this.#done.add(i);
			if (this.#wants.has(i)) {
				this.#sel.unregister(sock);
				this.#wants.delete(i);
			}
		} catch (error) {
			const want =
				error instanceof SSLWantReadError
					? EVENT_READ
					: error instanceof SSLWantWriteError
						? EVENT_WRITE
						: 0;
			if (want === 0) {
				throw error;
			}

			if (this.#wants.has(i)) {
				this.#sel.modify(sock, want, i);
			} else {
				this.#sel.register(sock, want, i);
			}

			this.#wants.set(i, want);
		}
	}
}

/** accept() on a non-blocking listener, waiting with selectAsync. */
export async function acceptAsync(listener: Socket): Promise<Socket> {
	using sel = new DefaultSelector();
	sel.register(listener, EVENT_READ);
	for (let i = 0; i < 1000; i++) {
		try {
			return listener.accept()[0];
		} catch (error) {
			if (!(error instanceof BlockingIOError)) {
				throw error;
			}

			await sel.selectAsync(5);
		}
	}

	throw new Error('no connection');
}

/** A connected loopback TCP pair `[client, server]`, both non-blocking; closed after the test. */
export function tcpPair(t: TestContext): [Socket, Socket] {
	const listener = createServer(['127.0.0.1', 0]);
	closing(t, listener);
	const raw = new Socket();
	closing(t, raw);
	raw.connect(listener.getsockname());
	const [conn] = listener.accept();
	closing(t, conn);
	raw.setblocking(false);
	conn.setblocking(false);
	return [raw, conn];
}

/** A TCP pair, both ends non-blocking and wrapped without a handshake; closed after the test. */
export function tlsPair(
	t: TestContext,
	client: SSLContext,
	server: SSLContext,
	hostname: string | null = 'localhost',
	suppressRaggedEofs = true,
): [SSLSocket, SSLSocket] {
	const [raw, conn] = tcpPair(t);
	const c = client.wrapSocket(raw, {
		serverHostname: hostname,
		doHandshakeOnConnect: false,
		suppressRaggedEofs,
	});
	const s = server.wrapSocket(conn, {serverSide: true, doHandshakeOnConnect: false, suppressRaggedEofs});
	closing(t, c, s);
	return [c, s];
}
