/**
 * What SSLSocket and SSLObject share: making the OpenSSL object for a
 * connection, and Python's dict form of a peer certificate.
 *
 * @internal
 * @module
 */
import {X509Certificate} from 'node:crypto';
import {isIP} from 'node:net';
import {domainToASCII} from 'node:url';
import {typeName} from '../args.js';
import {argTypeError, ValueError} from '../errors.js';
import type {SSLSession} from './context.js';
import {type ServerNameHandler, queueError} from './engine.js';
import {SSLError} from './errors.js';
import {K, ssl, type SslHandle} from './native.js';
import {CERT_NONE, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLContext} from './context.js';
import type {SSLObject} from './object.js';
import type {SSLSocket} from './socket.js';

/**
 * Checks `serverHostname` against the side and the context, as CPython's
 * `SSLObject`/`SSLSocket` constructors do.
 *
 * @returns the name to use (IDNA-encoded, no trailing dot), or null
 */
export function checkServerHostname(
	context: SSLContext,
	serverSide: boolean,
	serverHostname: unknown,
): string | null {
	if (serverHostname === undefined || serverHostname === null) {
		if (!serverSide && context.checkHostname) {
			throw new ValueError('check_hostname requires server_hostname', 'ERR_SSL_HOSTNAME_REQUIRED');
		}

		return null;
	}

	if (typeof serverHostname !== 'string') {
		throw argTypeError(`server_hostname must be a string, not ${typeName(serverHostname)}`);
	}

	if (serverSide) {
		throw new ValueError(
			'server_hostname can only be specified in client mode',
			'ERR_SSL_HOSTNAME_SERVER',
		);
	}

	if (serverHostname === '' || serverHostname.startsWith('.') || serverHostname.includes('\0')) {
		throw new ValueError(
			'server_hostname cannot be an empty string or start with a leading dot.',
			'ERR_SSL_HOSTNAME',
		);
	}

	if (isIP(serverHostname) !== 0) {
		return serverHostname;
	}

	const ascii = domainToASCII(serverHostname.endsWith('.') ? serverHostname.slice(0, -1) : serverHostname);
	if (ascii === '') {
		throw new ValueError(`invalid server_hostname ${JSON.stringify(serverHostname)}`, 'ERR_SSL_HOSTNAME');
	}

	return ascii;
}

/**
 * A new OpenSSL object for one connection of `context`: accept or connect
 * state, SNI (for a name, not an IP address, as Python) and, with
 * `checkHostname`, the name or address the certificate must match.
 */
export function newConnection(
	context: SSLContext,
	serverSide: boolean,
	hostname: string | null,
	session: SSLSession | null | undefined,
): SslHandle {
	// CPython's newPySSLSocket refuses a side its context was not made for.
	if (serverSide && context.protocol === PROTOCOL_TLS_CLIENT) {
		throw new SSLError(
			K('SSL_ERROR_SSL'),
			'Cannot create a server socket with a PROTOCOL_TLS_CLIENT context',
		);
	}

	if (!serverSide && context.protocol === PROTOCOL_TLS_SERVER) {
		throw new SSLError(
			K('SSL_ERROR_SSL'),
			'Cannot create a client socket with a PROTOCOL_TLS_SERVER context',
		);
	}

	ssl.errors();
	const h = ssl.sslNew(context._handle, serverSide);
	if (typeof h === 'number') {
		throw queueError(ssl.errors()) ?? new SSLError(K('SSL_ERROR_SSL'), 'SSL_new failed');
	}

	try {
		if (hostname !== null) {
			const ip = isIP(hostname) !== 0;
			if (!ip && ssl.sslSetSni(h, hostname) !== 1) {
				throw (
					queueError(ssl.errors()) ?? new ValueError('invalid server_hostname', 'ERR_SSL_HOSTNAME')
				);
			}

			if (context.checkHostname && ssl.sslSetVerifyHost(h, hostname, ip, context.hostFlags) !== 1) {
				throw (
					queueError(ssl.errors()) ?? new ValueError('invalid server_hostname', 'ERR_SSL_HOSTNAME')
				);
			}
		}

		if (session !== undefined && session !== null) {
			applySession(h, context, serverSide, session);
		}
	} catch (error) {
		ssl.free(h);
		throw error;
	}

	return h;
}

/**
 * Sets the session a client connection is to resume, with CPython's checks
 * (`PySSL_set_session`, Modules/_ssl.c): client side only, not once the
 * handshake is done, and only a session of the same context — one made
 * under another context's verification settings must not resume here.
 */
export function applySession(
	h: SslHandle,
	context: SSLContext,
	serverSide: boolean,
	session: SSLSession,
): void {
	if (session.context !== context) {
		throw new ValueError('Session refers to a different SSLContext.', 'ERR_SSL_SESSION');
	}

	if (serverSide) {
		throw new ValueError('Cannot set session for server-side SSLSocket.', 'ERR_SSL_SESSION');
	}

	if (ssl.sslIsInitFinished(h)) {
		throw new ValueError('Cannot set session after handshake.', 'ERR_SSL_SESSION');
	}

	if (ssl.sslSetSession(h, session.handle) !== 1) {
		throw queueError(ssl.errors()) ?? new SSLError(K('SSL_ERROR_SSL'), 'SSL_set_session failed');
	}
}

/**
 * A connection's servername handler: the `sniCallback` of its context at
 * that moment (the one whose callback OpenSSL runs), given the connection,
 * the name and that context.
 */
export function serverNameHandler(conn: SSLSocket | SSLObject): ServerNameHandler {
	return serverName => {
		const context = conn.context;
		const callback = context.sniCallback;
		return callback === null ? undefined : callback(conn, serverName, context);
	};
}

/**
 * Python's `conn.context = value`: checks the value and, on a live
 * connection, moves it to that context (SSL_set_SSL_CTX: its certificate
 * and key; verification settings and options stay the connection's own).
 *
 * @returns the new context
 */
export function switchContext(h: SslHandle | null, value: unknown): SSLContext {
	if (!(value instanceof SSLContext)) {
		throw argTypeError(`The value must be a SSLContext, not ${typeName(value)}`);
	}

	if (h !== null && ssl.sslSetCtx(h, value._handle) !== 1) {
		throw queueError(ssl.errors()) ?? new SSLError(K('SSL_ERROR_SSL'), 'cannot switch the context');
	}

	return value;
}

/** One relative distinguished name list, Python's form: `[[['commonName', 'x']], …]`. */
export type DistinguishedName = Array<Array<[string, string]>>;

/** Python's `getpeercert()` dict. */
export interface PeerCertificate {
	subject: DistinguishedName;
	issuer: DistinguishedName;
	version: number;
	serialNumber: string;
	notBefore: string;
	notAfter: string;
	subjectAltName?: Array<[string, string]>;
}

const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
	CN: 'commonName',
	O: 'organizationName',
	OU: 'organizationalUnitName',
	C: 'countryName',
	ST: 'stateOrProvinceName',
	L: 'localityName',
	emailAddress: 'emailAddress',
	DC: 'domainComponent',
	serialNumber: 'serialNumber',
};

function distinguishedName(text: string): DistinguishedName {
	return text
		.split('\n')
		.filter(line => line !== '')
		.map(line => {
			const eq = line.indexOf('=');
			const key = line.slice(0, eq);
			return [[ATTRIBUTE_NAMES[key] ?? key, line.slice(eq + 1)]];
		});
}

/**
 * Python's dict form of a DER certificate, read with Node's
 * `crypto.X509Certificate` (the same OpenSSL).
 */
export function certificateDict(der: Buffer): PeerCertificate {
	const x = new X509Certificate(der);
	const dict: PeerCertificate = {
		subject: distinguishedName(x.subject),
		issuer: distinguishedName(x.issuer),
		version: 3,
		serialNumber: x.serialNumber.toUpperCase(),
		notBefore: x.validFrom,
		notAfter: x.validTo,
	};
	if (x.subjectAltName !== undefined) {
		dict.subjectAltName = x.subjectAltName.split(', ').map(entry => {
			const colon = entry.indexOf(':');
			return [entry.slice(0, colon), entry.slice(colon + 1)] as [string, string];
		});
	}

	return dict;
}

/**
 * The peer's certificate of a connection: DER bytes with `binary`, else
 * Python's dict (`{}` when the context does not verify); null without one.
 */
export function peerCertificate(
	h: SslHandle,
	context: SSLContext,
	binary: boolean,
): PeerCertificate | Record<string, never> | Buffer | null {
	const der = ssl.sslPeerCert(h);
	if (der === null || typeof der === 'number') {
		return null;
	}

	if (binary) {
		return der;
	}

	return context.verifyMode === CERT_NONE ? {} : certificateDict(der);
}

/** `[name, protocol, secret bits]` of the cipher in use, or null. */
export function cipherOf(h: SslHandle): [string, string, number] | null {
	const c = ssl.sslCipher(h);
	return c === null ? null : [c[0], c[1], c[2]];
}

/** The protocol ALPN selected, or null. */
export function alpnOf(h: SslHandle): string | null {
	const p = ssl.sslAlpn(h);
	return p === null ? null : p.toString('utf8');
}
