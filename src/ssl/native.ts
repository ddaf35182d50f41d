/**
 * Loads the TLS addon (native/ssl.c) and types it.
 *
 * **How C reaches OpenSSL.** The TLS code is a second addon,
 * `selectors_ssl.addon`, separate from the main one, which stays pure
 * Node-API: nothing outside `node-selectors/ssl` ever loads it. It is not
 * linked against OpenSSL; it is compiled with the OpenSSL headers that come
 * with Node's full headers (node-gyp's `include/node/openssl`) and, when it
 * loads, looks up every OpenSSL function it calls in the running process
 * (`dlsym(RTLD_DEFAULT)`: Node exports its bundled OpenSSL's symbols, and a
 * Node built with a shared libssl has it loaded). So one build works on any
 * Node whose OpenSSL is 3.x, bundled or shared. Where a function is missing
 * (a Node built without TLS, with BoringSSL, or with OpenSSL 1.1) the addon
 * still loads and says what is missing; importing `node-selectors/ssl` then
 * throws an `Error` with code `ERR_SSL_UNAVAILABLE` naming it. The process
 * never aborts and the rest of the package is untouched.
 *
 * **Where the file is.** `build/Release/selectors_ssl.addon` (or
 * `build/Debug/`), or a prebuild `prebuilds/<platform>-<arch>/selectors_ssl[.<libc>].addon`
 * next to the main addon's prebuild. Its extension is not `.node` on purpose:
 * node-gyp-build and prebuildify take the first `*.node` file of a directory
 * as *the* addon, so a second one could be loaded in place of the main one.
 * It is loaded by path with `process.dlopen`. `NODE_SELECTORS_SSL_ADDON`
 * names another file (for tests and sanitizer builds).
 *
 * @internal
 * @module
 */
import {existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {Bytes} from '../native.js';

declare const handleBrand: unique symbol;
/** An opaque OpenSSL object (SSL_CTX, SSL, BIO, SSL_SESSION) owned by a finalizer. */
export type Handle<K extends string> = object & {readonly [handleBrand]: K};
export type CtxHandle = Handle<'ctx'>;
export type SslHandle = Handle<'ssl'>;
export type BioHandle = Handle<'bio'>;
export type SessionHandle = Handle<'session'>;

/** One entry of OpenSSL's error queue: `[lib, reason, libName, reasonText, text]`. */
export type NativeSslError = readonly [
	lib: number,
	reason: number,
	libName: string | null,
	reasonText: string | null,
	text: string,
];

/** What the servername callback calls during a handshake: the client's server name (null without SNI) → < 0 to accept, or an alert description. */
export type ServerNameHook = (serverName: string | null) => number;

/**
 * The TLS addon's exports. Calls return their result, or -1 (null for an
 * object) leaving OpenSSL's error queue for {@link NativeSsl.errors}; the
 * I/O calls write `[SSL_get_error code, errno]` into `out` when they fail.
 * They throw only TypeError/RangeError for bad arguments and
 * `ERR_SSL_CLOSED` for a freed handle.
 */
export interface NativeSsl {
	readonly constants: Readonly<Record<string, number>>;
	readonly opensslVersion: string;
	/** 0 TLS_method, 1 TLS_client_method, 2 TLS_server_method. */
	ctxNew(kind: number): CtxHandle | number;
	/** Frees any handle now (idempotent); the finalizer frees the rest. */
	free(handle: Handle<string>): number;
	ctxCtrl(ctx: CtxHandle, cmd: number, larg: number): number;
	ctxOptions(ctx: CtxHandle, set: number, clear: number): number;
	ctxSetVerify(ctx: CtxHandle, mode: number): number;
	ctxUseCert(ctx: CtxHandle, certfile: string, keyfile: string, password: string | null): number;
	ctxLoadVerifyLocations(ctx: CtxHandle, cafile: string | null, capath: string | null): number;
	ctxAddCa(ctx: CtxHandle, data: Bytes, pem: boolean): number;
	ctxSetDefaultVerifyPaths(ctx: CtxHandle): number;
	ctxSetCiphers(ctx: CtxHandle, ciphers: string): number;
	ctxSetAlpn(ctx: CtxHandle, wire: Bytes): number;
	ctxSetSessionIdContext(ctx: CtxHandle, id: Bytes): number;
	/** Installs (or removes) the servername callback, which calls the `hook` of the handshake call it runs in. */
	ctxSetSniCallback(ctx: CtxHandle, on: boolean): number;
	sslNew(ctx: CtxHandle, server: boolean): SslHandle | number;
	sslSetFd(ssl: SslHandle, fd: number): number;
	sslSetBio(ssl: SslHandle, rbio: BioHandle, wbio: BioHandle): number;
	sslSetSni(ssl: SslHandle, name: string): number;
	/** SSL_set_SSL_CTX: another context's certificate and key. */
	sslSetCtx(ssl: SslHandle, ctx: CtxHandle): number;
	sslSetVerifyHost(ssl: SslHandle, name: string, isIp: boolean, hostflags: number): number;
	/**
	 * SSL_do_handshake. During it, a context with the servername callback
	 * calls `hook(name | null)`: < 0 accepts, >= 0 is the fatal alert to send.
	 * What `hook` throws fails the handshake and is rethrown by this call.
	 */
	sslHandshake(ssl: SslHandle, out: Int32Array, hook?: ServerNameHook): number;
	sslRead(ssl: SslHandle, buf: Bytes, offset: number, length: number, out: Int32Array): number;
	sslWrite(ssl: SslHandle, buf: Bytes, offset: number, length: number, out: Int32Array): number;
	sslShutdown(ssl: SslHandle, out: Int32Array): number;
	sslPending(ssl: SslHandle): number;
	sslIsInitFinished(ssl: SslHandle): boolean;
	sslPeerCert(ssl: SslHandle): Buffer | null | number;
	sslCipher(ssl: SslHandle): readonly [name: string, version: string, bits: number] | null;
	sslVersion(ssl: SslHandle): string;
	sslAlpn(ssl: SslHandle): Buffer | null;
	sslGetSession(ssl: SslHandle): SessionHandle | null;
	sslSetSession(ssl: SslHandle, session: SessionHandle): number;
	sslSessionReused(ssl: SslHandle): boolean;
	sslVerifyResult(ssl: SslHandle): number;
	verifyString(code: number): string;
	/** Drains this thread's OpenSSL error queue, oldest first. */
	errors(): NativeSslError[];
	bioNew(): BioHandle | number;
	bioWrite(bio: BioHandle, buf: Bytes, offset: number, length: number): number;
	bioRead(bio: BioHandle, buf: Bytes, offset: number, length: number): number;
	bioPending(bio: BioHandle): number;
	bioSetEof(bio: BioHandle): number;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FILE = 'selectors_ssl';

/** Where the TLS addon may be, in the order tried. */
export function candidates(): string[] {
	const override = process.env['NODE_SELECTORS_SSL_ADDON'];
	if (override) {
		return [override];
	}

	const prebuilds = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
	// The C library tag as node-gyp-build and prebuildify --tag-libc spell it.
	const libc = process.platform === 'linux' ? (existsSync('/etc/alpine-release') ? 'musl' : 'glibc') : '';
	return [
		join(root, 'build', 'Release', `${FILE}.addon`),
		join(root, 'build', 'Debug', `${FILE}.addon`),
		...(libc ? [join(prebuilds, `${FILE}.${libc}.addon`)] : []),
		join(prebuilds, `${FILE}.addon`),
	];
}

/** An Error with a stable `code`. */
function unavailable(message: string, cause?: unknown): Error & {code: string} {
	const error = new Error(
		`node-selectors/ssl: ${message}`,
		cause === undefined ? undefined : {cause},
	) as Error & {code: string};
	error.code = 'ERR_SSL_UNAVAILABLE';
	return error;
}

function load(): NativeSsl {
	const tried = candidates();
	const file = tried.find(path => existsSync(path));
	if (file === undefined) {
		throw unavailable(
			`the TLS addon is not built for ${process.platform}-${process.arch} (looked for ${tried.join(', ')}); ` +
				"build it with `npm rebuild node-selectors` (needs a C compiler and Node's full headers, which carry OpenSSL's)",
		);
	}

	const module = {exports: {} as Record<string, unknown>};
	try {
		process.dlopen(module, file);
	} catch (error) {
		const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
		throw unavailable(`cannot load the TLS addon ${file} (${reason})`, error);
	}

	const why = module.exports['unavailable'];
	if (typeof why === 'string') {
		throw unavailable(`TLS is not available in this Node ${process.version}: ${why}`);
	}

	// A fast-mode copy: see `native` in src/native.ts for why.
	return {...module.exports} as unknown as NativeSsl;
}

/** The loaded TLS addon. */
export const ssl: NativeSsl = load();

/** A constant of the TLS addon (OpenSSL's value for this build). */
export function K(name: string): number {
	const value = ssl.constants[name];
	if (value === undefined) {
		throw new Error(`node-selectors/ssl: the TLS addon does not define ${name}`);
	}

	return value;
}
