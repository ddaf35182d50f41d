/**
 * Python's `ssl.SSLContext`: certificates, verification, protocol versions,
 * ciphers and ALPN for the connections it wraps.
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {rootCertificates} from 'node:tls';
import {typeName} from '../args.js';
import {byteLength, type BytesLike} from '../bytes.js';
import {argTypeError, ValueError} from '../errors.js';
import type {Socket} from '../socket/socket.js';
import {queueError} from './engine.js';
import {SSLError} from './errors.js';
import {type CtxHandle, K, ssl} from './native.js';
import {MemoryBIO, SSLObject} from './object.js';
import {SSLSocket} from './socket.js';

/** Python's `ssl.PROTOCOL_TLS` (either side; deprecated in Python). */
export const PROTOCOL_TLS = 2;
/** A client context: verifies the server's certificate and host name by default. */
export const PROTOCOL_TLS_CLIENT = 16;
/** A server context. */
export const PROTOCOL_TLS_SERVER = 17;

/** No certificate asked for or checked. */
export const CERT_NONE = 0;
/** The peer's certificate is checked if it sends one (server side: asked for, not required). */
export const CERT_OPTIONAL = 1;
/** The peer must send a certificate that verifies. */
export const CERT_REQUIRED = 2;
/** How to verify the peer: {@link CERT_NONE}, {@link CERT_OPTIONAL}, {@link CERT_REQUIRED}. */
export type VerifyMode = typeof CERT_NONE | typeof CERT_OPTIONAL | typeof CERT_REQUIRED;

/** Python's `ssl.TLSVersion`: the protocol versions by their wire numbers. */
export const TLSVersion = {
	MINIMUM_SUPPORTED: -2,
	MAXIMUM_SUPPORTED: -1,
	SSLv3: 0x300,
	TLSv1: 0x301,
	TLSv1_1: 0x302,
	TLSv1_2: 0x303,
	TLSv1_3: 0x304,
} as const;
/** One of {@link TLSVersion}'s values. */
export type TLSVersion = (typeof TLSVersion)[keyof typeof TLSVersion];

/** Python's `ssl.Purpose`: what the peer's certificates are for. */
export const Purpose = {SERVER_AUTH: 'SERVER_AUTH', CLIENT_AUTH: 'CLIENT_AUTH'} as const;
/** One of {@link Purpose}'s values. */
export type Purpose = (typeof Purpose)[keyof typeof Purpose];

/** OpenSSL's option bits under Python's names (`ssl.OP_*`). */
export const OP_ALL = K('SSL_OP_ALL');
export const OP_NO_SSLv2 = K('SSL_OP_NO_SSLv2');
export const OP_NO_SSLv3 = K('SSL_OP_NO_SSLv3');
export const OP_NO_TLSv1 = K('SSL_OP_NO_TLSv1');
export const OP_NO_TLSv1_1 = K('SSL_OP_NO_TLSv1_1');
export const OP_NO_TLSv1_2 = K('SSL_OP_NO_TLSv1_2');
export const OP_NO_TLSv1_3 = K('SSL_OP_NO_TLSv1_3');
export const OP_NO_COMPRESSION = K('SSL_OP_NO_COMPRESSION');
export const OP_CIPHER_SERVER_PREFERENCE = K('SSL_OP_CIPHER_SERVER_PREFERENCE');
export const OP_SINGLE_DH_USE = K('SSL_OP_SINGLE_DH_USE');
export const OP_SINGLE_ECDH_USE = K('SSL_OP_SINGLE_ECDH_USE');
export const OP_NO_TICKET = K('SSL_OP_NO_TICKET');
export const OP_NO_RENEGOTIATION = K('SSL_OP_NO_RENEGOTIATION');
export const OP_ENABLE_MIDDLEBOX_COMPAT = K('SSL_OP_ENABLE_MIDDLEBOX_COMPAT');
export const OP_IGNORE_UNEXPECTED_EOF = K('SSL_OP_IGNORE_UNEXPECTED_EOF');
export const OP_LEGACY_SERVER_CONNECT = K('SSL_OP_LEGACY_SERVER_CONNECT');

/**
 * Python's `ssl.AlertDescription`: the TLS alerts (RFC 8446 §6, RFC 5246
 * §7.2) by their `ALERT_DESCRIPTION_*` names, OpenSSL's `SSL_AD_*` values.
 * An {@link SSLContext.sniCallback} returns one to fail the handshake with it.
 */
export const AlertDescription = {
	ALERT_DESCRIPTION_CLOSE_NOTIFY: K('SSL_AD_CLOSE_NOTIFY'),
	ALERT_DESCRIPTION_UNEXPECTED_MESSAGE: K('SSL_AD_UNEXPECTED_MESSAGE'),
	ALERT_DESCRIPTION_BAD_RECORD_MAC: K('SSL_AD_BAD_RECORD_MAC'),
	ALERT_DESCRIPTION_RECORD_OVERFLOW: K('SSL_AD_RECORD_OVERFLOW'),
	ALERT_DESCRIPTION_DECOMPRESSION_FAILURE: K('SSL_AD_DECOMPRESSION_FAILURE'),
	ALERT_DESCRIPTION_HANDSHAKE_FAILURE: K('SSL_AD_HANDSHAKE_FAILURE'),
	ALERT_DESCRIPTION_BAD_CERTIFICATE: K('SSL_AD_BAD_CERTIFICATE'),
	ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE: K('SSL_AD_UNSUPPORTED_CERTIFICATE'),
	ALERT_DESCRIPTION_CERTIFICATE_REVOKED: K('SSL_AD_CERTIFICATE_REVOKED'),
	ALERT_DESCRIPTION_CERTIFICATE_EXPIRED: K('SSL_AD_CERTIFICATE_EXPIRED'),
	ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN: K('SSL_AD_CERTIFICATE_UNKNOWN'),
	ALERT_DESCRIPTION_ILLEGAL_PARAMETER: K('SSL_AD_ILLEGAL_PARAMETER'),
	ALERT_DESCRIPTION_UNKNOWN_CA: K('SSL_AD_UNKNOWN_CA'),
	ALERT_DESCRIPTION_ACCESS_DENIED: K('SSL_AD_ACCESS_DENIED'),
	ALERT_DESCRIPTION_DECODE_ERROR: K('SSL_AD_DECODE_ERROR'),
	ALERT_DESCRIPTION_DECRYPT_ERROR: K('SSL_AD_DECRYPT_ERROR'),
	ALERT_DESCRIPTION_PROTOCOL_VERSION: K('SSL_AD_PROTOCOL_VERSION'),
	ALERT_DESCRIPTION_INSUFFICIENT_SECURITY: K('SSL_AD_INSUFFICIENT_SECURITY'),
	ALERT_DESCRIPTION_INTERNAL_ERROR: K('SSL_AD_INTERNAL_ERROR'),
	ALERT_DESCRIPTION_USER_CANCELLED: K('SSL_AD_USER_CANCELLED'),
	ALERT_DESCRIPTION_NO_RENEGOTIATION: K('SSL_AD_NO_RENEGOTIATION'),
	ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION: K('SSL_AD_UNSUPPORTED_EXTENSION'),
	ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE: K('SSL_AD_CERTIFICATE_UNOBTAINABLE'),
	ALERT_DESCRIPTION_UNRECOGNIZED_NAME: K('SSL_AD_UNRECOGNIZED_NAME'),
	ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE: K('SSL_AD_BAD_CERTIFICATE_STATUS_RESPONSE'),
	ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE: K('SSL_AD_BAD_CERTIFICATE_HASH_VALUE'),
	ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY: K('SSL_AD_UNKNOWN_PSK_IDENTITY'),
} as const;
/** {@link AlertDescription}'s members as module constants, as Python's `ssl.ALERT_DESCRIPTION_*`. */
export const {
	ALERT_DESCRIPTION_CLOSE_NOTIFY,
	ALERT_DESCRIPTION_UNEXPECTED_MESSAGE,
	ALERT_DESCRIPTION_BAD_RECORD_MAC,
	ALERT_DESCRIPTION_RECORD_OVERFLOW,
	ALERT_DESCRIPTION_DECOMPRESSION_FAILURE,
	ALERT_DESCRIPTION_HANDSHAKE_FAILURE,
	ALERT_DESCRIPTION_BAD_CERTIFICATE,
	ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE,
	ALERT_DESCRIPTION_CERTIFICATE_REVOKED,
	ALERT_DESCRIPTION_CERTIFICATE_EXPIRED,
	ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN,
	ALERT_DESCRIPTION_ILLEGAL_PARAMETER,
	ALERT_DESCRIPTION_UNKNOWN_CA,
	ALERT_DESCRIPTION_ACCESS_DENIED,
	ALERT_DESCRIPTION_DECODE_ERROR,
	ALERT_DESCRIPTION_DECRYPT_ERROR,
	ALERT_DESCRIPTION_PROTOCOL_VERSION,
	ALERT_DESCRIPTION_INSUFFICIENT_SECURITY,
	ALERT_DESCRIPTION_INTERNAL_ERROR,
	ALERT_DESCRIPTION_USER_CANCELLED,
	ALERT_DESCRIPTION_NO_RENEGOTIATION,
	ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION,
	ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE,
	ALERT_DESCRIPTION_UNRECOGNIZED_NAME,
	ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE,
	ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE,
	ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY,
} = AlertDescription;
/** One of {@link AlertDescription}'s values. */
export type AlertDescription = (typeof AlertDescription)[keyof typeof AlertDescription];

/**
 * Python's `SSLContext.sni_callback`: called during a server's handshake
 * with the connection (the {@link SSLSocket} or {@link SSLObject}), the
 * server name the client sent (IDNA A-label, or null when it sent none) and
 * the context. Assign `conn.context = other` to answer with another
 * context's certificate; return null/undefined to go on, or an
 * {@link AlertDescription} value to fail the handshake with that alert.
 */
export type SniCallback = (
	conn: SSLSocket | SSLObject,
	serverName: string | null,
	context: SSLContext,
) => number | null | undefined | void;

const VERIFY_PEER = K('SSL_VERIFY_PEER');
const VERIFY_FAIL_IF_NO_PEER_CERT = K('SSL_VERIFY_FAIL_IF_NO_PEER_CERT');
const CTRL_SET_MIN = K('SSL_CTRL_SET_MIN_PROTO_VERSION');
const CTRL_SET_MAX = K('SSL_CTRL_SET_MAX_PROTO_VERSION');
const CTRL_GET_MIN = K('SSL_CTRL_GET_MIN_PROTO_VERSION');
const CTRL_GET_MAX = K('SSL_CTRL_GET_MAX_PROTO_VERSION');
const CTRL_MODE = K('SSL_CTRL_MODE');
/** CPython's default host-name check flags (`SSLContext.hostname_checks_common_name` aside). */
const DEFAULT_HOSTFLAGS = K('X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS');
/** The session id context a server names its sessions with (CPython uses "Python"). */
const SESSION_ID_CONTEXT = Buffer.from('node-selectors');

/** Options of {@link SSLContext.wrapSocket}. */
export interface WrapSocketOptions {
	/** Accept instead of connect (default false). */
	readonly serverSide?: boolean;
	/** The name (or IP address) the server's certificate must match; also sent as SNI when it is a name. */
	readonly serverHostname?: string | null;
	/** Handshake at once (when the socket is connected) or on `connect()`; default true. Not for non-blocking sockets. */
	readonly doHandshakeOnConnect?: boolean;
	/** `recv()` returns empty at an EOF without close_notify instead of throwing {@link SSLEOFError}; default true. */
	readonly suppressRaggedEofs?: boolean;
	/** A session to resume (client side), from {@link SSLSocket.session}. */
	readonly session?: SSLSession | null;
}

/**
 * A TLS session a client can resume on a later connection to the same
 * server (Python's `ssl.SSLSession`). Opaque; freed by the garbage
 * collector. Only the library makes them (`SSLSocket.session`).
 */
export class SSLSession {
	/** @internal */
	readonly handle: import('./native.js').SessionHandle;
	/**
	 * The context of the connection it came from: only a connection of that
	 * context may resume it (its verification settings made the session).
	 *
	 * @internal
	 */
	readonly context: SSLContext;
	/** @internal */
	constructor(handle: import('./native.js').SessionHandle, context: SSLContext) {
		this.handle = handle;
		this.context = context;
	}
}

/**
 * The exception for a failed context call: the OSError for a system error
 * (a missing file: FileNotFoundError), else an {@link SSLError} from
 * OpenSSL's queue, else `fallback`.
 */
function contextError(fallback: string, syscall: string): Error {
	return (
		queueError(ssl.errors(), K('SSL_ERROR_SSL'), syscall) ?? new SSLError(K('SSL_ERROR_SSL'), fallback)
	);
}

function checkString(value: unknown, name: string): string {
	if (typeof value !== 'string') {
		throw argTypeError(`${name} must be a string, not ${typeName(value)}`);
	}

	if (value.includes('\0')) {
		throw new ValueError(`${name}: embedded null character`, 'ERR_INVALID_ARG_VALUE');
	}

	return value;
}

/**
 * A TLS configuration shared by many connections (Python's
 * `ssl.SSLContext`).
 *
 * Defaults as CPython 3.10+: a {@link PROTOCOL_TLS_CLIENT} context verifies
 * (`verifyMode` {@link CERT_REQUIRED}, `checkHostname` true) but trusts
 * nothing until {@link SSLContext.loadVerifyLocations} or
 * {@link SSLContext.loadDefaultCerts} (or use {@link createDefaultContext});
 * a {@link PROTOCOL_TLS_SERVER} context asks for no client certificate.
 * Both: TLS 1.2 minimum, `OP_ALL | OP_NO_SSLv2 | OP_NO_SSLv3 |
 * OP_NO_COMPRESSION | OP_CIPHER_SERVER_PREFERENCE | OP_SINGLE_DH_USE |
 * OP_SINGLE_ECDH_USE`, OpenSSL's default cipher list (CPython sets its own
 * list for TLS 1.2), no partial wildcards in host names.
 *
 * Not available: `loadDhParams`,
 * `setEcdhCurve`, `keylogFilename`, `postHandshakeAuth`, `getCaCerts`,
 * `certStoreStats`, `sessionStats`.
 */
export class SSLContext {
	readonly #ctx: CtxHandle;
	readonly #protocol: number;
	#verifyMode: VerifyMode;
	#checkHostname: boolean;
	#sniCallback: SniCallback | null = null;

	/**
	 * @param protocol - {@link PROTOCOL_TLS_CLIENT}, {@link PROTOCOL_TLS_SERVER} or {@link PROTOCOL_TLS}
	 * @throws {ValueError} for another protocol (the SSLv2/SSLv3/TLSv1* ones are gone)
	 * @throws {SSLError} if OpenSSL cannot make the context
	 */
	constructor(protocol: number) {
		if (
			protocol !== PROTOCOL_TLS &&
			protocol !== PROTOCOL_TLS_CLIENT &&
			protocol !== PROTOCOL_TLS_SERVER
		) {
			throw new ValueError(
				`invalid or unsupported protocol version ${String(protocol)}`,
				'ERR_SSL_PROTOCOL',
			);
		}

		const kind = protocol === PROTOCOL_TLS_CLIENT ? 1 : protocol === PROTOCOL_TLS_SERVER ? 2 : 0;
		const ctx = ssl.ctxNew(kind);
		if (typeof ctx === 'number') {
			throw contextError('failed to allocate SSL context', 'SSL_CTX_new');
		}

		this.#ctx = ctx;
		this.#protocol = protocol;
		ssl.ctxOptions(
			ctx,
			OP_ALL |
				OP_NO_SSLv2 |
				OP_NO_SSLv3 |
				OP_NO_COMPRESSION |
				OP_CIPHER_SERVER_PREFERENCE |
				OP_SINGLE_DH_USE |
				OP_SINGLE_ECDH_USE,
			0,
		);
		ssl.ctxCtrl(ctx, CTRL_SET_MIN, TLSVersion.TLSv1_2);
		// As CPython's SSL objects: a retried SSL_write may pass the same bytes
		// from another address; renegotiation records are read through; an
		// idle connection gives its record buffers back (bpo-25672), which
		// keeps a server with thousands of connections small.
		ssl.ctxCtrl(
			ctx,
			CTRL_MODE,
			K('SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER') |
				K('SSL_MODE_AUTO_RETRY') |
				K('SSL_MODE_RELEASE_BUFFERS'),
		);
		ssl.ctxSetSessionIdContext(ctx, SESSION_ID_CONTEXT);
		if (protocol === PROTOCOL_TLS_CLIENT) {
			this.#verifyMode = CERT_REQUIRED;
			this.#checkHostname = true;
		} else {
			this.#verifyMode = CERT_NONE;
			this.#checkHostname = false;
		}

		this.#applyVerifyMode();
	}

	/** The protocol the context was made for. */
	get protocol(): number {
		return this.#protocol;
	}

	/**
	 * How the peer's certificate is verified. Setting {@link CERT_NONE}
	 * while {@link SSLContext.checkHostname} is on is a ValueError, as in Python.
	 */
	get verifyMode(): VerifyMode {
		return this.#verifyMode;
	}

	set verifyMode(mode: VerifyMode) {
		if (mode !== CERT_NONE && mode !== CERT_OPTIONAL && mode !== CERT_REQUIRED) {
			throw new ValueError('invalid value for verify_mode', 'ERR_SSL_VERIFY_MODE');
		}

		if (mode === CERT_NONE && this.#checkHostname) {
			throw new ValueError(
				'Cannot set verify_mode to CERT_NONE when check_hostname is enabled.',
				'ERR_SSL_VERIFY_MODE',
			);
		}

		this.#verifyMode = mode;
		this.#applyVerifyMode();
	}

	/**
	 * Whether a client checks that the server's certificate matches
	 * `serverHostname`. Turning it on also turns {@link CERT_NONE} into
	 * {@link CERT_REQUIRED}, as in Python.
	 */
	get checkHostname(): boolean {
		return this.#checkHostname;
	}

	set checkHostname(value: boolean) {
		const on = Boolean(value);
		if (on && this.#verifyMode === CERT_NONE) {
			this.#verifyMode = CERT_REQUIRED;
			this.#applyVerifyMode();
		}

		this.#checkHostname = on;
	}

	/** The host-name check flags (`X509_CHECK_FLAG_*`) given to each connection. */
	get hostFlags(): number {
		return DEFAULT_HOSTFLAGS;
	}

	#applyVerifyMode(): void {
		const mode = this.#verifyMode;
		ssl.ctxSetVerify(
			this.#ctx,
			mode === CERT_NONE
				? 0
				: mode === CERT_OPTIONAL
					? VERIFY_PEER
					: VERIFY_PEER | VERIFY_FAIL_IF_NO_PEER_CERT,
		);
	}

	/** The lowest protocol version allowed ({@link TLSVersion}); TLS 1.2 by default. */
	get minimumVersion(): TLSVersion {
		const v = ssl.ctxCtrl(this.#ctx, CTRL_GET_MIN, 0);
		return (v === 0 ? TLSVersion.MINIMUM_SUPPORTED : v) as TLSVersion;
	}

	set minimumVersion(version: TLSVersion) {
		this.#setVersion(CTRL_SET_MIN, version, 'minimum_version');
	}

	/** The highest protocol version allowed ({@link TLSVersion}). */
	get maximumVersion(): TLSVersion {
		const v = ssl.ctxCtrl(this.#ctx, CTRL_GET_MAX, 0);
		return (v === 0 ? TLSVersion.MAXIMUM_SUPPORTED : v) as TLSVersion;
	}

	set maximumVersion(version: TLSVersion) {
		this.#setVersion(CTRL_SET_MAX, version, 'maximum_version');
	}

	#setVersion(cmd: number, version: number, name: string): void {
		if (!(Object.values(TLSVersion) as number[]).includes(version)) {
			throw new ValueError(
				`Unsupported TLS/SSL version 0x${version.toString(16)} for ${name}`,
				'ERR_SSL_VERSION',
			);
		}

		const v =
			version === TLSVersion.MINIMUM_SUPPORTED || version === TLSVersion.MAXIMUM_SUPPORTED
				? 0
				: version;
		if (ssl.ctxCtrl(this.#ctx, cmd, v) !== 1) {
			ssl.errors();
			throw new ValueError(`Unsupported protocol version 0x${version.toString(16)}`, 'ERR_SSL_VERSION');
		}
	}

	/** OpenSSL's option bits (`OP_*`); setting replaces them (bits OpenSSL will not clear stay). */
	get options(): number {
		return ssl.ctxOptions(this.#ctx, 0, 0);
	}

	set options(value: number) {
		const current = ssl.ctxOptions(this.#ctx, 0, 0);
		const set = Number(BigInt(value) & ~BigInt(current));
		const clear = Number(BigInt(current) & ~BigInt(value));
		ssl.ctxOptions(this.#ctx, set, clear);
	}

	/**
	 * Python's `sni_callback`: see {@link SniCallback}. It runs inside the
	 * handshake call (`doHandshake()`, or the first `recv()`/`send()`), on
	 * the same thread. What it throws fails the handshake with the
	 * handshake_failure alert, and that call throws an {@link SSLError}
	 * (reason `CALLBACK_FAILED`) whose `cause` is the exception; a return
	 * value that is neither null/undefined nor an alert number sends
	 * internal_error, with a TypeError as the cause. Null removes it.
	 * Inside it, the connection's I/O methods throw (`ERR_SSL_REENTRANT`);
	 * its queries and `context` work.
	 *
	 * @throws {ValueError} on a {@link PROTOCOL_TLS_CLIENT} context
	 * @throws {TypeError} for something not a function (the callback is then removed, as Python)
	 */
	get sniCallback(): SniCallback | null {
		return this.#sniCallback;
	}

	set sniCallback(callback: SniCallback | null | undefined) {
		if (this.#protocol === PROTOCOL_TLS_CLIENT) {
			throw new ValueError('sni_callback cannot be set on TLS_CLIENT context', 'ERR_SSL_SNI_CALLBACK');
		}

		const valid = callback === null || callback === undefined || typeof callback === 'function';
		this.#sniCallback = valid ? (callback ?? null) : null;
		ssl.ctxSetSniCallback(this.#ctx, this.#sniCallback !== null);
		if (!valid) {
			throw argTypeError(`not a callable object: ${typeName(callback)}`);
		}
	}

	/**
	 * Loads this side's certificate chain and private key (PEM files).
	 *
	 * @param certfile - the certificate, then any intermediates
	 * @param keyfile - the private key (default: in `certfile`)
	 * @param password - the key's password (a function returning it is accepted too, and called once before loading, even for a key that is not encrypted: CPython calls it only when OpenSSL asks); without one an encrypted key fails (never a terminal prompt)
	 * @throws {FileNotFoundError | PermissionError} for an unreadable file
	 * @throws {SSLError} for a bad file, a wrong password, or a key that does not match
	 */
	loadCertChain(
		certfile: string,
		keyfile?: string | null,
		password?: string | (() => string) | null,
	): void {
		const cert = checkString(certfile, 'certfile');
		const key = keyfile === undefined || keyfile === null ? cert : checkString(keyfile, 'keyfile');
		let pw: string | null = null;
		if (typeof password === 'function') {
			pw = checkString(password(), 'password');
		} else if (password !== undefined && password !== null) {
			pw = checkString(password, 'password');
		}

		ssl.errors();
		if (ssl.ctxUseCert(this.#ctx, cert, key, pw) !== 1) {
			throw contextError('PEM lib', 'load_cert_chain');
		}
	}

	/**
	 * Adds trusted CA certificates (Python's `load_verify_locations`).
	 *
	 * @param cafile - a PEM file of certificates
	 * @param capath - a directory of hashed certificate files (`openssl rehash`)
	 * @param cadata - PEM text (string) or DER bytes of one certificate
	 * @throws {TypeError} when all three are missing
	 * @throws {FileNotFoundError | SSLError} for an unreadable or bad file, or data with no certificate
	 */
	loadVerifyLocations(
		cafile?: string | null,
		capath?: string | null,
		cadata?: string | BytesLike | null,
	): void {
		const file = cafile === undefined || cafile === null ? null : checkString(cafile, 'cafile');
		const path = capath === undefined || capath === null ? null : checkString(capath, 'capath');
		const hasData = cadata !== undefined && cadata !== null;
		if (file === null && path === null && !hasData) {
			throw argTypeError('cafile, capath and cadata cannot be all omitted');
		}

		ssl.errors();
		if ((file !== null || path !== null) && ssl.ctxLoadVerifyLocations(this.#ctx, file, path) !== 1) {
			throw contextError('cannot load verify locations', 'load_verify_locations');
		}

		if (hasData) {
			const pem = typeof cadata === 'string';
			let data: BytesLike;
			if (typeof cadata === 'string') {
				data = Buffer.from(cadata, 'ascii');
			} else {
				byteLength(cadata, 'cadata: a string or bytes-like object');
				data = cadata;
			}

			if (ssl.ctxAddCa(this.#ctx, data, pem) < 0) {
				throw contextError(
					pem
						? 'no start line: cadata does not contain a certificate'
						: 'not enough data: cadata does not contain a certificate',
					'load_verify_locations',
				);
			}
		}
	}

	/**
	 * Trusts the system's CA store (OpenSSL's default file and directory,
	 * overridable with `SSL_CERT_FILE`/`SSL_CERT_DIR`). On a system with no
	 * store (a minimal container) nothing is trusted: use
	 * {@link SSLContext.loadNodeRootCertificates} there.
	 *
	 * @throws {SSLError} if OpenSSL refuses
	 */
	setDefaultVerifyPaths(): void {
		ssl.errors();
		if (ssl.ctxSetDefaultVerifyPaths(this.#ctx) !== 1) {
			throw contextError('cannot set default verify paths', 'set_default_verify_paths');
		}
	}

	/**
	 * Python's `load_default_certs(purpose)`: on POSIX, the system store
	 * ({@link SSLContext.setDefaultVerifyPaths}); `purpose` is accepted for
	 * compatibility.
	 *
	 * @param purpose - {@link Purpose.SERVER_AUTH} (default) or {@link Purpose.CLIENT_AUTH}
	 */
	loadDefaultCerts(purpose: Purpose = Purpose.SERVER_AUTH): void {
		if (purpose !== Purpose.SERVER_AUTH && purpose !== Purpose.CLIENT_AUTH) {
			throw argTypeError('purpose must be Purpose.SERVER_AUTH or Purpose.CLIENT_AUTH');
		}

		this.setDefaultVerifyPaths();
	}

	/**
	 * Trusts the root certificates Node itself ships (`tls.rootCertificates`,
	 * Mozilla's list, the roots `node:https` trusts by default), for systems
	 * with no CA store. Not in Python.
	 *
	 * @returns the number of certificates added
	 */
	loadNodeRootCertificates(): number {
		ssl.errors();
		const added = ssl.ctxAddCa(this.#ctx, Buffer.from(rootCertificates.join('\n'), 'ascii'), true);
		if (added < 0) {
			throw contextError("cannot add Node's root certificates", 'load_verify_locations');
		}

		return added;
	}

	/**
	 * Sets the TLS 1.2 cipher list (OpenSSL's cipher-list syntax; TLS 1.3
	 * suites are not affected, as in Python).
	 *
	 * @throws {SSLError} `'No cipher can be selected.'` when nothing matches
	 */
	setCiphers(ciphers: string): void {
		const list = checkString(ciphers, 'cipherlist');
		ssl.errors();
		if (ssl.ctxSetCiphers(this.#ctx, list) !== 1) {
			ssl.errors();
			throw new SSLError(K('SSL_ERROR_SSL'), 'No cipher can be selected.');
		}
	}

	/**
	 * The protocols offered (client) or accepted (server) by ALPN, in order
	 * of preference. A server picks its first protocol the client offers;
	 * with none in common the connection goes on without ALPN (as Python).
	 *
	 * @param protocols - names of 1 to 255 bytes each (`['h2', 'http/1.1']`)
	 * @throws {ValueError} for an empty or too-long name
	 */
	setAlpnProtocols(protocols: Iterable<string>): void {
		const parts: Buffer[] = [];
		for (const name of protocols) {
			const bytes = Buffer.from(checkString(name, 'ALPN protocol'), 'utf8');
			if (bytes.length === 0 || bytes.length > 255) {
				throw new ValueError(
					`ALPN protocols must be 1 to 255 in length, got ${bytes.length}`,
					'ERR_SSL_ALPN',
				);
			}

			parts.push(Buffer.from([bytes.length]), bytes);
		}

		const wire = Buffer.concat(parts);
		if (wire.length > 0xffff || ssl.ctxSetAlpn(this.#ctx, wire) !== 1) {
			ssl.errors();
			throw new ValueError('ALPN protocol list too long', 'ERR_SSL_ALPN');
		}
	}

	/**
	 * Wraps a connected (or, for a client, not yet connected) stream socket
	 * in TLS (Python's `wrap_socket`). The socket is detached: use only the
	 * returned {@link SSLSocket} from now on; it keeps the fd and the
	 * timeout mode.
	 *
	 * @throws {ValueError} for inconsistent options (`serverHostname` on a server, none with `checkHostname`, a handshake on connect for a non-blocking socket)
	 * @throws {SSLError | OSError} from the handshake, when it runs here
	 */
	wrapSocket(sock: Socket, options: WrapSocketOptions = {}): SSLSocket {
		return SSLSocket._create(sock, this, options);
	}

	/**
	 * TLS over two {@link MemoryBIO}s (Python's `wrap_bio`): the caller moves
	 * the bytes between them and any transport.
	 */
	wrapBio(
		incoming: MemoryBIO,
		outgoing: MemoryBIO,
		serverSide = false,
		serverHostname: string | null = null,
		session: SSLSession | null = null,
	): SSLObject {
		return SSLObject._create(this, incoming, outgoing, serverSide, serverHostname, session);
	}

	/** @internal */
	get _handle(): CtxHandle {
		return this.#ctx;
	}
}

/**
 * A context with Python's `create_default_context()` settings: for
 * {@link Purpose.SERVER_AUTH} (a client) {@link PROTOCOL_TLS_CLIENT}
 * verifying against `cafile`/`capath`/`cadata` if given, else the system
 * store; for {@link Purpose.CLIENT_AUTH} (a server) {@link PROTOCOL_TLS_SERVER}.
 *
 * @param purpose - {@link Purpose.SERVER_AUTH} (default) or {@link Purpose.CLIENT_AUTH}
 * @param cas - trusted CAs instead of the system store
 */
export function createDefaultContext(
	purpose: Purpose = Purpose.SERVER_AUTH,
	cas: {cafile?: string | null; capath?: string | null; cadata?: string | BytesLike | null} = {},
): SSLContext {
	if (purpose !== Purpose.SERVER_AUTH && purpose !== Purpose.CLIENT_AUTH) {
		throw argTypeError('purpose must be Purpose.SERVER_AUTH or Purpose.CLIENT_AUTH');
	}

	const ctx = new SSLContext(purpose === Purpose.SERVER_AUTH ? PROTOCOL_TLS_CLIENT : PROTOCOL_TLS_SERVER);
	const {cafile = null, capath = null, cadata = null} = cas;
	if (cafile !== null || capath !== null || cadata !== null) {
		ctx.loadVerifyLocations(cafile, capath, cadata);
	} else if (ctx.verifyMode !== CERT_NONE) {
		ctx.loadDefaultCerts(purpose);
	}

	return ctx;
}
