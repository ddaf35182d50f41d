/**
 * Python's `ssl.SSLSocket`: a {@link Socket} that speaks TLS.
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {constants as osConstants} from 'node:os';
import {toBufsize} from '../args.js';
import {byteLength, type BytesLike, receiveBuffer, receivedBytes} from '../bytes.js';
import {argTypeError, OSError, ValueError} from '../errors.js';
import type {Address, SocketAddress} from '../socket/address.js';
import {SOCK_STREAM} from '../socket/constants.js';
import type {RecvmsgIntoResult, RecvmsgResult} from '../socket/msg.js';
import {type SendfileSource, sendfileThrough} from '../socket/sendfile.js';
import {Socket} from '../socket/socket.js';
import {timeoutToMs} from '../time.js';
import type {PeerCertificate} from './common.js';
import {
	alpnOf,
	applySession,
	checkServerHostname,
	cipherOf,
	newConnection,
	peerCertificate,
	serverNameHandler,
	switchContext,
} from './common.js';
import {type SSLContext, SSLSession, type WrapSocketOptions} from './context.js';
import {Engine} from './engine.js';
import {ssl} from './native.js';

const ENOTCONN = osConstants.errno.ENOTCONN;
const CREATE: unique symbol = Symbol('SSLSocket');

function notForSsl(method: string): ValueError {
	return new ValueError(`${method} not allowed on instances of SSLSocket`, 'ERR_SSL_METHOD');
}

function noFlags(flags: number, method: string): void {
	if (flags !== 0) {
		throw new ValueError(
			`non-zero flags not allowed in calls to ${method}() on SSLSocket`,
			'ERR_SSL_FLAGS',
		);
	}
}

/** A view of `length` bytes of `data` from `offset`. */
function view(data: BytesLike, offset: number, length: number): Uint8Array {
	return ArrayBuffer.isView(data)
		? new Uint8Array(data.buffer, data.byteOffset + offset, length)
		: new Uint8Array(data, offset, length);
}

/**
 * A TLS connection over a stream socket (Python's `ssl.SSLSocket`), made by
 * {@link SSLContext.wrapSocket}. It is a {@link Socket}: `fileno()` is the
 * TCP socket's fd, which any selector registers, and the three modes work as
 * for a plain socket, through the same I/O loop. In non-blocking mode a call
 * that cannot finish throws {@link SSLWantReadError} or
 * {@link SSLWantWriteError}: wait for that event (read or write — a `send()`
 * may need to read, a `recv()` to write), then call again; a `send()` must
 * be repeated with the same bytes.
 *
 * **The pending() pitfall.** TLS reads whole records: one `recv(100)` may
 * pull a 16 KiB record out of the kernel and keep the rest decrypted inside
 * OpenSSL, where no selector sees it — the socket does not turn readable
 * again until *more* bytes arrive. After a read, drain
 * `while (s.pending() > 0) s.recv(s.pending())` (or read with a buffer of
 * 16 KiB or more) before going back to `select()`.
 *
 * `makefile()` works as on a {@link Socket} in blocking and timeout modes;
 * in non-blocking mode its reads raise {@link SSLWantReadError} (Python's
 * `SocketIO` returns None only for EAGAIN).
 *
 * Not available: `recvfrom`/`sendto` (ValueError, as Python),
 * `dup()`, `getChannelBinding()`, `verifyClientPostHandshake()`.
 */
export class SSLSocket extends Socket {
	#context: SSLContext;
	readonly #serverSide: boolean;
	readonly #serverHostname: string | null;
	readonly #doHandshakeOnConnect: boolean;
	readonly #suppressRaggedEofs: boolean;
	#session: SSLSession | null;
	/** Null before connect (client), and after unwrap/shutdown/close. */
	#engine: Engine | null = null;

	/** @internal use {@link SSLContext.wrapSocket} */
	constructor(sock: Socket, context: SSLContext, options: WrapSocketOptions, token: typeof CREATE) {
		if (token !== CREATE) {
			throw new TypeError('use SSLContext.wrapSocket()');
		}

		const serverSide = Boolean(options.serverSide);
		const hostname = checkServerHostname(context, serverSide, options.serverHostname);
		if (sock.type !== SOCK_STREAM) {
			throw new ValueError('only stream sockets are supported', 'ERR_SSL_SOCKET_TYPE');
		}

		const timeout = sock.gettimeout();
		const doHandshake = options.doHandshakeOnConnect ?? true;
		const fd = sock.fileno();
		if (fd < 0) {
			throw OSError.fromErrno(osConstants.errno.EBADF, 'wrap_socket');
		}

		super(sock.family, sock.type, sock.proto, fd);
		sock.detach();
		this.#context = context;
		this.#serverSide = serverSide;
		this.#serverHostname = hostname;
		this.#doHandshakeOnConnect = doHandshake;
		this.#suppressRaggedEofs = options.suppressRaggedEofs ?? true;
		this.#session = options.session ?? null;
		this.settimeout(timeout);
	}

	/** @internal */
	static _create(sock: Socket, context: SSLContext, options: WrapSocketOptions): SSLSocket {
		const self = new SSLSocket(sock, context, options, CREATE);
		try {
			if (self.#isConnected()) {
				self.#attach();
				if (self.#doHandshakeOnConnect) {
					if (self.gettimeout() === 0) {
						throw new ValueError(
							'do_handshake_on_connect should not be specified for non-blocking sockets',
							'ERR_SSL_HANDSHAKE_ON_CONNECT',
						);
					}

					self.doHandshake();
				}
			}
		} catch (error) {
			self.close();
			throw error;
		}

		return self;
	}

	#isConnected(): boolean {
		try {
			this.getpeername();
			return true;
		} catch (error) {
			if (error instanceof OSError && error.errno === ENOTCONN) {
				return false;
			}

			throw error;
		}
	}

	/** Makes the OpenSSL object over the fd. */
	#attach(): Engine {
		const h = newConnection(this.#context, this.#serverSide, this.#serverHostname, this.#session);
		if (ssl.sslSetFd(h, this.fileno()) !== 1) {
			ssl.free(h);
			ssl.errors();
			throw OSError.fromErrno(osConstants.errno.EBADF, 'SSL_set_fd');
		}

		this.#engine = new Engine(h, {
			serverSide: this.#serverSide,
			suppressRaggedEofs: this.#suppressRaggedEofs,
			serverName: serverNameHandler(this),
		});
		return this.#engine;
	}

	/** The I/O loop's mode for this socket's timeout: -1, 0 or ms. */
	#mode(): number {
		return timeoutToMs(this.gettimeout());
	}

	#live(): Engine {
		if (this.#engine === null) {
			if (this.fileno() < 0) {
				throw OSError.fromErrno(osConstants.errno.EBADF);
			}

			throw OSError.fromErrno(ENOTCONN, '', {
				message: 'The TLS connection is not established (not connected, or unwrapped)',
			});
		}

		return this.#engine;
	}

	/**
	 * The context this socket was wrapped by. Assigning another one (from an
	 * {@link SSLContext.sniCallback}, typically) makes the connection use its
	 * certificate and key (OpenSSL's SSL_set_SSL_CTX), as Python's.
	 *
	 * @throws {TypeError} for something not an SSLContext
	 */
	get context(): SSLContext {
		return this.#context;
	}

	set context(value: SSLContext) {
		const engine = this.#engine;
		this.#context = switchContext(engine === null || engine.freed ? null : engine.handle, value);
	}

	/** Whether this is the server side. */
	get serverSide(): boolean {
		return this.#serverSide;
	}

	/** The name the server's certificate is checked against (client side), as given (IDNA-encoded). */
	get serverHostname(): string | null {
		return this.#serverHostname;
	}

	/** Whether `recv()` returns empty at an EOF without close_notify. */
	get suppressRaggedEofs(): boolean {
		return this.#suppressRaggedEofs;
	}

	/**
	 * The TLS handshake. Blocking and timeout mode: waits as needed (blocking
	 * the thread). Non-blocking: throws {@link SSLWantReadError} /
	 * {@link SSLWantWriteError} — register for that event and call again.
	 *
	 * @param block - run in blocking mode even if the socket is non-blocking (Python's `block=True`)
	 * @throws {SSLCertVerificationError} when the peer's certificate does not verify
	 * @throws {SSLError | OSError | TimeoutError}
	 */
	doHandshake(block = false): void {
		if (block && this.gettimeout() === 0) {
			this.settimeout(null);
		}

		this.#live().handshake(this.fileno(), this.#mode());
	}

	/**
	 * Connects, then (with `doHandshakeOnConnect`) runs the handshake.
	 *
	 * @throws {ValueError} on a server-side or already connected SSLSocket
	 */
	override connect(address: Address): void {
		this.#beforeConnect();
		super.connect(address);
		this.#attach();
		if (this.#doHandshakeOnConnect) {
			this.doHandshake();
		}
	}

	/**
	 * As {@link SSLSocket.connect}, returning the errno instead of throwing
	 * for the TCP connect (the handshake's errors still throw).
	 */
	override connectEx(address: Address): number {
		this.#beforeConnect();
		const rc = super.connectEx(address);
		if (rc === 0) {
			this.#attach();
			if (this.#doHandshakeOnConnect) {
				this.doHandshake();
			}
		} else if (rc === osConstants.errno.EINPROGRESS) {
			// Non-blocking: the TLS object is made now, the handshake is the caller's.
			this.#attach();
		}

		return rc;
	}

	#beforeConnect(): void {
		if (this.#serverSide) {
			throw new ValueError("can't connect in server-side mode", 'ERR_SSL_SERVER_SIDE');
		}

		if (this.#engine !== null) {
			throw new ValueError('attempt to connect already-connected SSLSocket!', 'ERR_SSL_CONNECTED');
		}
	}

	/**
	 * Accepts a connection and wraps it as a server-side SSLSocket of the
	 * same context (handshake per `doHandshakeOnConnect`).
	 */
	override accept(): [SSLSocket, SocketAddress] {
		const [sock, address] = super.accept();
		try {
			return [
				this.#context.wrapSocket(sock, {
					serverSide: true,
					doHandshakeOnConnect: this.#doHandshakeOnConnect,
					suppressRaggedEofs: this.#suppressRaggedEofs,
				}),
				address,
			];
		} catch (error) {
			sock.close();
			throw error;
		}
	}

	/**
	 * Reads up to `bufsize` decrypted bytes. Empty at the peer's close_notify,
	 * and at a bare EOF when `suppressRaggedEofs` is set (else
	 * {@link SSLEOFError}). See the pending() pitfall in the class notes.
	 *
	 * @throws {SSLWantReadError | SSLWantWriteError} in non-blocking mode
	 * @throws {ValueError} for non-zero flags
	 */
	override recv(bufsize = 1024, flags = 0): Buffer {
		if (this.#engine === null) {
			return super.recv(bufsize, flags);
		}

		noFlags(flags, 'recv');
		const n = toBufsize(bufsize, 'recv');
		const buf = receiveBuffer(n);
		return receivedBytes(buf, this.#engine.read(this.fileno(), this.#mode(), buf, n));
	}

	/**
	 * Python's `SSLSocket.read(len)`: as {@link SSLSocket.recv}.
	 */
	read(len = 1024): Buffer {
		return this.recv(len);
	}

	/**
	 * Reads decrypted bytes into `buffer`.
	 *
	 * @returns the count, 0 at the end of the TLS stream
	 */
	override recvInto(buffer: BytesLike, nbytes = 0, flags = 0): number {
		if (this.#engine === null) {
			return super.recvInto(buffer, nbytes, flags);
		}

		noFlags(flags, 'recv_into');
		const size = byteLength(buffer, 'recv_into(): a writable bytes-like object');
		if (!Number.isInteger(nbytes) || nbytes < 0 || nbytes > size) {
			throw new ValueError('nbytes must be between 0 and the buffer size', 'ERR_INVALID_BUFSIZE');
		}

		const n = nbytes === 0 ? size : nbytes;
		return this.#engine.read(this.fileno(), this.#mode(), view(buffer, 0, n), n);
	}

	/**
	 * Encrypts and sends `data` as TLS records; returns `data`'s length once
	 * it is all taken. In non-blocking mode {@link SSLWantWriteError} (or
	 * want-read) means nothing can be counted as sent: call again with the
	 * same bytes when the socket is ready.
	 *
	 * @throws {ValueError} for non-zero flags
	 */
	override send(data: BytesLike, flags = 0): number {
		if (this.#engine === null) {
			return super.send(data, flags);
		}

		noFlags(flags, 'send');
		const n = byteLength(data);
		return this.#engine.write(this.fileno(), this.#mode(), view(data, 0, n), n);
	}

	/** Python's `SSLSocket.write(data)`: as {@link SSLSocket.send}. */
	write(data: BytesLike): number {
		return this.send(data);
	}

	/**
	 * Sends all of `data` (blocking and timeout mode: each record batch waits
	 * up to the timeout). In non-blocking mode use {@link SSLSocket.send}
	 * and repeat it on SSLWantWriteError.
	 */
	override sendall(data: BytesLike, flags = 0): void {
		if (this.#engine === null) {
			super.sendall(data, flags);
			return;
		}

		noFlags(flags, 'sendall');
		const total = byteLength(data);
		const chunk = 1 << 20;
		for (let sent = 0; sent < total;) {
			const len = Math.min(chunk, total - sent);
			sent += this.#engine.write(this.fileno(), this.#mode(), view(data, sent, len), len);
		}
	}

	/** Decrypted bytes already inside OpenSSL, readable without the socket. */
	pending(): number {
		return this.#engine === null ? 0 : ssl.sslPending(this.#engine.handle);
	}

	/**
	 * The TLS closing handshake: sends close_notify, waits for the peer's,
	 * and returns this socket as a plain socket (its TCP connection open).
	 *
	 * @throws {SSLWantReadError} in non-blocking mode until the peer's close_notify arrives
	 */
	unwrap(): Socket {
		const engine = this.#live();
		engine.shutdown(this.fileno(), this.#mode());
		engine.free();
		this.#engine = null;
		return this;
	}

	/**
	 * The peer's certificate: Python's dict form (`{}` when the context does
	 * not verify), or the DER bytes with `binary`; null when there is none.
	 */
	getpeercert(binary?: false): PeerCertificate | Record<string, never> | null;
	getpeercert(binary: true): Buffer | null;
	getpeercert(binary = false): PeerCertificate | Record<string, never> | Buffer | null {
		const engine = this.#live();
		if (!ssl.sslIsInitFinished(engine.handle)) {
			throw new ValueError('handshake not done yet', 'ERR_SSL_HANDSHAKE_NOT_DONE');
		}

		return peerCertificate(engine.handle, this.#context, binary);
	}

	/** `[name, protocol, secret bits]` of the cipher in use, or null before the handshake. */
	cipher(): [string, string, number] | null {
		if (this.#engine === null) {
			return null;
		}

		return cipherOf(this.#engine.handle);
	}

	/** `'TLSv1.3'`, `'TLSv1.2'` …, or null before the handshake. */
	version(): string | null {
		if (this.#engine === null || !ssl.sslIsInitFinished(this.#engine.handle)) {
			return null;
		}

		return ssl.sslVersion(this.#engine.handle);
	}

	/** The protocol ALPN selected, or null. */
	selectedAlpnProtocol(): string | null {
		if (this.#engine === null) {
			return null;
		}

		return alpnOf(this.#engine.handle);
	}

	/** Always null (TLS compression is off). */
	compression(): null {
		return null;
	}

	/**
	 * The session to resume on a later connection (client side; with TLS 1.3
	 * it arrives after the handshake, with the first data read). Set it
	 * before the handshake to resume one, on a socket of the same context.
	 *
	 * @throws {ValueError} when set after the handshake, on a server-side socket, or to a session of another context
	 */
	get session(): SSLSession | null {
		if (this.#engine === null) {
			return this.#session;
		}

		const h = ssl.sslGetSession(this.#engine.handle);
		return h === null ? null : new SSLSession(h, this.context);
	}

	set session(value: SSLSession | null) {
		if (this.#engine !== null) {
			if (!(value instanceof SSLSession)) {
				throw argTypeError('Value is not a SSLSession.');
			}

			applySession(this.#engine.handle, this.context, this.#serverSide, value);
		}

		this.#session = value;
	}

	/** Whether the handshake resumed a session. */
	get sessionReused(): boolean {
		return this.#engine !== null && ssl.sslSessionReused(this.#engine.handle);
	}

	/** Shuts the TCP connection down (no TLS close_notify; see {@link SSLSocket.unwrap}). */
	override shutdown(how: number): void {
		this.#drop();
		super.shutdown(how);
	}

	/** Closes the socket and frees the TLS state (no close_notify is sent, as Python). */
	override close(): void {
		this.#drop();
		super.close();
	}

	/** Gives up the fd (the TLS state is dropped). */
	override detach(): number {
		this.#drop();
		return super.detach();
	}

	/** @throws {ValueError} always: a TLS connection cannot be duplicated */
	override dup(): Socket {
		throw new ValueError("Can't dup() SSLSocket instances", 'ERR_SSL_METHOD');
	}

	override recvfrom(bufsize: number, flags = 0): [Buffer, SocketAddress | null] {
		if (this.#engine !== null) {
			throw notForSsl('recvfrom');
		}

		return super.recvfrom(bufsize, flags);
	}

	override recvfromInto(buffer: BytesLike, nbytes = 0, flags = 0): [number, SocketAddress | null] {
		if (this.#engine !== null) {
			throw notForSsl('recvfrom_into');
		}

		return super.recvfromInto(buffer, nbytes, flags);
	}

	override sendto(data: BytesLike, flagsOrAddress: number | Address, address?: Address): number {
		if (this.#engine !== null) {
			throw notForSsl('sendto');
		}

		return address === undefined
			? super.sendto(data, flagsOrAddress as Address)
			: super.sendto(data, flagsOrAddress as number, address);
	}

	/**
	 * Not while TLS is on (it would bypass it): ValueError `ERR_SSL_METHOD`,
	 * as Python refuses it; a plain sendmsg after {@link SSLSocket.unwrap}.
	 */
	override sendmsg(
		buffers: Iterable<BytesLike>,
		ancdata: Iterable<readonly [number, number, BytesLike]> = [],
		flags = 0,
		address?: unknown,
	): number {
		if (this.#engine !== null) {
			throw notForSsl('sendmsg');
		}

		return super.sendmsg(buffers, ancdata, flags, address);
	}

	/** Not while TLS is on: ValueError `ERR_SSL_METHOD`, as Python refuses it. */
	override recvmsg(bufsize: number, ancbufsize = 0, flags = 0): RecvmsgResult {
		if (this.#engine !== null) {
			throw notForSsl('recvmsg');
		}

		return super.recvmsg(bufsize, ancbufsize, flags);
	}

	/** Not while TLS is on: ValueError `ERR_SSL_METHOD`, as Python refuses it. */
	override recvmsgInto(buffers: Iterable<BytesLike>, ancbufsize = 0, flags = 0): RecvmsgIntoResult {
		if (this.#engine !== null) {
			throw notForSsl('recvmsg_into');
		}

		return super.recvmsgInto(buffers, ancbufsize, flags);
	}

	/**
	 * Sends a file through TLS, as Python's `SSLSocket.sendfile`: the file is
	 * read (64 KiB at a time) and each block goes through
	 * {@link SSLSocket.send} (the kernel's zero-copy sendfile would bypass
	 * TLS; a plain sendfile after {@link SSLSocket.unwrap}). Otherwise as
	 * {@link Socket.sendfile}: reading starts at `offset`, the file position
	 * ends just past the last byte sent, blocking and timeout mode only (each
	 * wait bounded by the timeout).
	 *
	 * @returns the number of bytes sent
	 * @throws {ValueError} on a non-blocking socket, or `count` <= 0
	 * @throws {SSLError | OSError | TimeoutError}
	 */
	override sendfile(file: SendfileSource, offset = 0, count: number | null = null): number {
		const engine = this.#engine;
		if (engine === null) {
			return super.sendfile(file, offset, count);
		}

		const fd = this.fileno();
		const mode = this.#mode();
		return sendfileThrough(
			(chunk, from, length) => engine.write(fd, mode, view(chunk, from, length), length),
			this.type,
			mode,
			file,
			offset,
			count,
		);
	}

	/**
	 * Refused: an SSLSocket comes from {@link SSLContext.wrapSocket}; adopt
	 * the fd as a {@link Socket} and wrap that.
	 */
	static override adoptFd(): never {
		throw new TypeError('use Socket.adoptFd() then SSLContext.wrapSocket()');
	}

	#drop(): void {
		this.#engine?.free();
		this.#engine = null;
	}

	override toString(): string {
		return super.toString().replace(/^<Socket/, '<SSLSocket');
	}
}
