/**
 * `node-selectors/ssl`: Python's `ssl` module for selector users — TLS on
 * the same non-blocking sockets, over the OpenSSL inside Node.
 *
 * ```ts
 * const ctx = createDefaultContext(Purpose.SERVER_AUTH, {cafile: 'ca.pem'});
 * const tls = ctx.wrapSocket(createConnection(['localhost', 8443]), {serverHostname: 'localhost'});
 * tls.sendall(Buffer.from('GET / HTTP/1.0\r\n\r\n'));
 * ```
 *
 * With a selector: wrap with `doHandshakeOnConnect: false`, make the socket
 * non-blocking, and call `doHandshake()` / `recv()` / `send()` until they
 * stop throwing {@link SSLWantReadError} / {@link SSLWantWriteError}, waiting
 * for the event each names. Drain {@link SSLSocket.pending} after every read.
 *
 * Importing this module loads a second addon (see the loader's notes: it
 * resolves OpenSSL's functions in the running Node). Where that Node has no
 * usable OpenSSL 3 the import throws an Error with code
 * `'ERR_SSL_UNAVAILABLE'`; the rest of the package is not affected.
 *
 * @module
 */
export {
	ALERT_DESCRIPTION_ACCESS_DENIED,
	ALERT_DESCRIPTION_BAD_CERTIFICATE,
	ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE,
	ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE,
	ALERT_DESCRIPTION_BAD_RECORD_MAC,
	ALERT_DESCRIPTION_CERTIFICATE_EXPIRED,
	ALERT_DESCRIPTION_CERTIFICATE_REVOKED,
	ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN,
	ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE,
	ALERT_DESCRIPTION_CLOSE_NOTIFY,
	ALERT_DESCRIPTION_DECODE_ERROR,
	ALERT_DESCRIPTION_DECOMPRESSION_FAILURE,
	ALERT_DESCRIPTION_DECRYPT_ERROR,
	ALERT_DESCRIPTION_HANDSHAKE_FAILURE,
	ALERT_DESCRIPTION_ILLEGAL_PARAMETER,
	ALERT_DESCRIPTION_INSUFFICIENT_SECURITY,
	ALERT_DESCRIPTION_INTERNAL_ERROR,
	ALERT_DESCRIPTION_NO_RENEGOTIATION,
	ALERT_DESCRIPTION_PROTOCOL_VERSION,
	ALERT_DESCRIPTION_RECORD_OVERFLOW,
	ALERT_DESCRIPTION_UNEXPECTED_MESSAGE,
	ALERT_DESCRIPTION_UNKNOWN_CA,
	ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY,
	ALERT_DESCRIPTION_UNRECOGNIZED_NAME,
	ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE,
	ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION,
	ALERT_DESCRIPTION_USER_CANCELLED,
	AlertDescription,
	CERT_NONE,
	CERT_OPTIONAL,
	CERT_REQUIRED,
	createDefaultContext,
	OP_ALL,
	OP_CIPHER_SERVER_PREFERENCE,
	OP_ENABLE_MIDDLEBOX_COMPAT,
	OP_IGNORE_UNEXPECTED_EOF,
	OP_LEGACY_SERVER_CONNECT,
	OP_NO_COMPRESSION,
	OP_NO_RENEGOTIATION,
	OP_NO_SSLv2,
	OP_NO_SSLv3,
	OP_NO_TICKET,
	OP_NO_TLSv1,
	OP_NO_TLSv1_1,
	OP_NO_TLSv1_2,
	OP_NO_TLSv1_3,
	OP_SINGLE_DH_USE,
	OP_SINGLE_ECDH_USE,
	PROTOCOL_TLS,
	PROTOCOL_TLS_CLIENT,
	PROTOCOL_TLS_SERVER,
	Purpose,
	SSLContext,
	type SniCallback,
	SSLSession,
	TLSVersion,
	type VerifyMode,
	type WrapSocketOptions,
} from './context.js';
export {type DistinguishedName, type PeerCertificate} from './common.js';
export {
	SSL_ERROR_EOF,
	SSL_ERROR_INVALID_ERROR_CODE,
	SSL_ERROR_SSL,
	SSL_ERROR_SYSCALL,
	SSL_ERROR_WANT_CONNECT,
	SSL_ERROR_WANT_READ,
	SSL_ERROR_WANT_WRITE,
	SSL_ERROR_WANT_X509_LOOKUP,
	SSL_ERROR_ZERO_RETURN,
	SSLCertVerificationError,
	SSLEOFError,
	SSLError,
	type SSLErrorOptions,
	SSLSyscallError,
	SSLWantReadError,
	SSLWantWriteError,
	SSLZeroReturnError,
} from './errors.js';
export {MemoryBIO, SSLObject} from './object.js';
export {SSLSocket} from './socket.js';
export {OPENSSL_VERSION, OPENSSL_VERSION_NUMBER} from './version.js';
