/**
 * Python's `ssl.MemoryBIO` and `ssl.SSLObject`: TLS over anything that is
 * not a socket. The caller feeds the bytes received into `incoming`, sends
 * what appears in `outgoing`, and retries after SSLWantReadError once more
 * bytes came in.
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {toBufsize} from '../args.js';
import {byteLength, type BytesLike, receiveBuffer, receivedBytes} from '../bytes.js';
import {argTypeError, ValueError} from '../errors.js';
import * as common from './common.js';
import {type SSLContext, SSLSession} from './context.js';
import {Engine} from './engine.js';
import {type BioHandle, ssl} from './native.js';

const CREATE: unique symbol = Symbol('SSLObject');

/** What {@link SSLContext.wrapBio} passes to {@link SSLObject._create}. */
type SSLObjectArgs = [
	context: SSLContext,
	incoming: MemoryBIO,
	outgoing: MemoryBIO,
	serverSide: boolean,
	serverHostname: string | null,
	session: SSLSession | null,
];

/** A memory buffer of TLS bytes (Python's `ssl.MemoryBIO`). */
export class MemoryBIO {
	readonly #bio: BioHandle;
	#eof = false;

	constructor() {
		const bio = ssl.bioNew();
		if (typeof bio === 'number') {
			ssl.errors();
			throw new ValueError('cannot allocate a memory BIO', 'ERR_SSL_BIO');
		}

		this.#bio = bio;
	}

	/** Bytes waiting to be read. */
	get pending(): number {
		return ssl.bioPending(this.#bio);
	}

	/** Whether {@link MemoryBIO.writeEof} was called and everything was read. */
	get eof(): boolean {
		return this.#eof && this.pending === 0;
	}

	/**
	 * Reads up to `size` bytes (all by default).
	 *
	 * @returns the bytes, empty when there are none
	 */
	read(size = -1): Buffer {
		const n = size < 0 ? this.pending : toBufsize(size, 'read');
		const buf = receiveBuffer(n);
		return receivedBytes(buf, ssl.bioRead(this.#bio, buf, 0, n));
	}

	/**
	 * Appends `data`.
	 *
	 * @returns the number of bytes written
	 * @throws {ValueError} after {@link MemoryBIO.writeEof}
	 */
	write(data: BytesLike): number {
		const n = byteLength(data);
		if (this.#eof) {
			throw new ValueError('cannot write() after write_eof()', 'ERR_SSL_BIO_EOF');
		}

		const ret = ssl.bioWrite(this.#bio, data, 0, n);
		if (ret < 0) {
			ssl.errors();
			throw new ValueError('cannot write to the memory BIO', 'ERR_SSL_BIO');
		}

		return ret;
	}

	/** Marks the end of the stream: once drained, reads see EOF. */
	writeEof(): void {
		this.#eof = true;
		ssl.bioSetEof(this.#bio);
	}

	/** @internal */
	get _handle(): BioHandle {
		return this.#bio;
	}
}

/**
 * A TLS connection over two {@link MemoryBIO}s (Python's `ssl.SSLObject`),
 * made by {@link SSLContext.wrapBio}. Every call runs once and never waits:
 * {@link SSLWantReadError} means "feed `incoming` and call again" (after
 * sending what `outgoing` holds).
 */
export class SSLObject {
	#context: SSLContext;
	readonly #engine: Engine;
	readonly #serverHostname: string | null;

	/** @internal use {@link SSLContext.wrapBio} */
	constructor(
		...[context, incoming, outgoing, serverSide, serverHostname, session, token]: [
			...SSLObjectArgs,
			token: typeof CREATE,
		]
	) {
		if (token !== CREATE) {
			throw new TypeError('use SSLContext.wrapBio()');
		}

		this.#context = context;
		this.#serverHostname = common.checkServerHostname(context, serverSide, serverHostname);
		const h = common.newConnection(context, serverSide, this.#serverHostname, session);
		ssl.sslSetBio(h, incoming._handle, outgoing._handle);
		this.#engine = new Engine(h, {
			serverSide,
			suppressRaggedEofs: false,
			serverName: common.serverNameHandler(this),
		});
	}

	/** @internal */
	static _create(...args: SSLObjectArgs): SSLObject {
		return new SSLObject(...args, CREATE);
	}

	/** The context; assigning another one switches the certificate and key, as {@link SSLSocket.context}. */
	get context(): SSLContext {
		return this.#context;
	}

	set context(value: SSLContext) {
		this.#context = common.switchContext(this.#engine.freed ? null : this.#engine.handle, value);
	}

	get serverSide(): boolean {
		return this.#engine.serverSide;
	}

	get serverHostname(): string | null {
		return this.#serverHostname;
	}

	/** One handshake step; {@link SSLWantReadError} until it is done. */
	doHandshake(): void {
		this.#engine.handshake(-1, 0);
	}

	/**
	 * Reads up to `len` decrypted bytes (empty at close_notify).
	 *
	 * @throws {SSLWantReadError} when `incoming` holds no whole record
	 * @throws {SSLEOFError} when `incoming` hit EOF mid-stream
	 */
	read(len = 1024): Buffer {
		const n = toBufsize(len, 'read');
		const buf = receiveBuffer(n);
		return receivedBytes(buf, this.#engine.read(-1, 0, buf, n));
	}

	/** Encrypts `data` into `outgoing`; returns its length. */
	write(data: BytesLike): number {
		const n = byteLength(data);
		const bytes = ArrayBuffer.isView(data)
			? new Uint8Array(data.buffer, data.byteOffset, n)
			: new Uint8Array(data);
		return this.#engine.write(-1, 0, bytes, n);
	}

	/** Decrypted bytes inside OpenSSL. */
	pending(): number {
		return ssl.sslPending(this.#engine.handle);
	}

	/** The closing handshake; {@link SSLWantReadError} until the peer's close_notify is fed in. */
	unwrap(): void {
		this.#engine.shutdown(-1, 0);
	}

	getpeercert(binary?: false): common.PeerCertificate | Record<string, never> | null;
	getpeercert(binary: true): Buffer | null;
	getpeercert(binary = false): common.PeerCertificate | Record<string, never> | Buffer | null {
		return common.peerCertificate(this.#engine.handle, this.#context, binary);
	}

	cipher(): [string, string, number] | null {
		return common.cipherOf(this.#engine.handle);
	}

	version(): string | null {
		return ssl.sslIsInitFinished(this.#engine.handle) ? ssl.sslVersion(this.#engine.handle) : null;
	}

	selectedAlpnProtocol(): string | null {
		return common.alpnOf(this.#engine.handle);
	}

	/**
	 * The session to resume later (client side), or, set before the
	 * handshake, the one to resume now (a session of the same context).
	 *
	 * @throws {ValueError} when set after the handshake, on the server side, or to a session of another context
	 */
	get session(): SSLSession | null {
		const h = ssl.sslGetSession(this.#engine.handle);
		return h === null ? null : new SSLSession(h, this.context);
	}

	set session(value: SSLSession) {
		if (!(value instanceof SSLSession)) {
			throw argTypeError('Value is not a SSLSession.');
		}

		common.applySession(this.#engine.handle, this.context, this.serverSide, value);
	}

	get sessionReused(): boolean {
		return ssl.sslSessionReused(this.#engine.handle);
	}
}
