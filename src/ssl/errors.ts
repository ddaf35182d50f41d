/**
 * Python's `ssl` exceptions, all {@link OSError} subclasses as in CPython,
 * each with a stable `code`:
 *
 * | class | `code` | `errno` (Python's `SSL_ERROR_*`) |
 * | --- | --- | --- |
 * | {@link SSLError} | `ERR_SSL` | 1 (`SSL_ERROR_SSL`), others |
 * | {@link SSLZeroReturnError} | `ERR_SSL_ZERO_RETURN` | 6 |
 * | {@link SSLWantReadError} | `ERR_SSL_WANT_READ` | 2 |
 * | {@link SSLWantWriteError} | `ERR_SSL_WANT_WRITE` | 3 |
 * | {@link SSLSyscallError} | `ERR_SSL_SYSCALL` | 5 |
 * | {@link SSLEOFError} | `ERR_SSL_EOF` | 8 (`SSL_ERROR_EOF`, Python's own) |
 * | {@link SSLCertVerificationError} | `ERR_SSL_CERT_VERIFICATION` | 1 |
 *
 * `library` and `reason` are OpenSSL's names as CPython spells them
 * (`'SSL'`, `'CERTIFICATE_VERIFY_FAILED'`): the library from its number,
 * the reason from OpenSSL's reason text in upper case with underscores
 * (CPython keeps a generated table of the same mnemonics, Modules/_ssl_data*.h).
 *
 * @module
 */
import {OSError} from '../errors.js';

/** Python's `ssl.SSL_ERROR_*` numbers (`SSL_ERROR_EOF` is Python's own, 8). */
export const SSL_ERROR_SSL = 1;
export const SSL_ERROR_WANT_READ = 2;
export const SSL_ERROR_WANT_WRITE = 3;
export const SSL_ERROR_WANT_X509_LOOKUP = 4;
export const SSL_ERROR_SYSCALL = 5;
export const SSL_ERROR_ZERO_RETURN = 6;
export const SSL_ERROR_WANT_CONNECT = 7;
export const SSL_ERROR_EOF = 8;
export const SSL_ERROR_INVALID_ERROR_CODE = 10;

/** Fields of an {@link SSLError}. */
export interface SSLErrorOptions {
	/** OpenSSL library name, `'SSL'`, `'PEM'`, `'X509'`, `'SYS'` … */
	readonly library?: string | null;
	/** OpenSSL reason mnemonic, `'CERTIFICATE_VERIFY_FAILED'` … */
	readonly reason?: string | null;
	/** OpenSSL's whole error-queue text, for the curious. */
	readonly details?: readonly string[];
	readonly cause?: unknown;
}

/**
 * An error from the TLS layer (Python's `ssl.SSLError`). `errno` is the
 * `SSL_ERROR_*` number, `strerror` the message; `library`/`reason` name the
 * OpenSSL error when there is one.
 */
export class SSLError extends OSError {
	override name = 'SSLError';
	/** OpenSSL library mnemonic (`'SSL'`), or null. */
	readonly library: string | null;
	/** OpenSSL reason mnemonic (`'WRONG_VERSION_NUMBER'`), or null. */
	readonly reason: string | null;
	/** Every entry OpenSSL's error queue held, oldest first. */
	readonly details: readonly string[];

	/**
	 * @param errno - `SSL_ERROR_*` number
	 * @param message - the text (Python's `strerror`)
	 * @param options - library, reason, details, cause
	 * @param code - the stable code of the class
	 */
	constructor(errno: number, message: string, options: SSLErrorOptions = {}, code = 'ERR_SSL') {
		const library = options.library ?? null;
		const reason = options.reason ?? null;
		const prefix = library !== null && reason !== null ? `[${library}: ${reason}] ` : '';
		super(errno, message, {message: `${prefix}${message}`, cause: options.cause});
		(this as {code: string}).code = code;
		this.library = library;
		this.reason = reason;
		this.details = options.details ?? [];
	}
}

/** The peer closed the TLS connection cleanly (close_notify): `SSL_ERROR_ZERO_RETURN`. */
export class SSLZeroReturnError extends SSLError {
	override name = 'SSLZeroReturnError';
	constructor(message = 'TLS/SSL connection has been closed (EOF)', options: SSLErrorOptions = {}) {
		super(SSL_ERROR_ZERO_RETURN, message, options, 'ERR_SSL_ZERO_RETURN');
	}
}

/**
 * Non-blocking: the operation needs the socket readable before it can go
 * on (a selector's `EVENT_READ`), then call it again.
 */
export class SSLWantReadError extends SSLError {
	override name = 'SSLWantReadError';
	constructor(message = 'The operation did not complete (read)', options: SSLErrorOptions = {}) {
		super(SSL_ERROR_WANT_READ, message, options, 'ERR_SSL_WANT_READ');
	}
}

/**
 * Non-blocking: the operation needs the socket writable before it can go
 * on (`EVENT_WRITE`), then call it again — with the same data, for a send.
 */
export class SSLWantWriteError extends SSLError {
	override name = 'SSLWantWriteError';
	constructor(message = 'The operation did not complete (write)', options: SSLErrorOptions = {}) {
		super(SSL_ERROR_WANT_WRITE, message, options, 'ERR_SSL_WANT_WRITE');
	}
}

/** An I/O error OpenSSL could not describe: `SSL_ERROR_SYSCALL` with no errno. */
export class SSLSyscallError extends SSLError {
	override name = 'SSLSyscallError';
	constructor(message = 'Some I/O error occurred', options: SSLErrorOptions = {}) {
		super(SSL_ERROR_SYSCALL, message, options, 'ERR_SSL_SYSCALL');
	}
}

/**
 * The transport ended in the middle of the TLS stream (no close_notify): a
 * truncation attack, or a peer that just closed its socket. `recv()` returns
 * empty instead when `suppressRaggedEofs` is set (the default).
 */
export class SSLEOFError extends SSLError {
	override name = 'SSLEOFError';
	constructor(message = 'EOF occurred in violation of protocol', options: SSLErrorOptions = {}) {
		super(SSL_ERROR_EOF, message, options, 'ERR_SSL_EOF');
	}
}

/**
 * The peer's certificate did not verify. `verifyCode` is OpenSSL's
 * `X509_V_ERR_*` number (`ssl` exports the common ones), `verifyMessage` its text.
 */
export class SSLCertVerificationError extends SSLError {
	override name = 'SSLCertVerificationError';
	/** `X509_V_ERR_*`: 62 hostname mismatch, 10 expired, 20 unknown issuer … */
	readonly verifyCode: number;
	/** OpenSSL's text for {@link SSLCertVerificationError.verifyCode}. */
	readonly verifyMessage: string;

	constructor(verifyCode: number, verifyMessage: string, options: SSLErrorOptions = {}) {
		super(SSL_ERROR_SSL, `certificate verify failed: ${verifyMessage}`, options, 'ERR_SSL_CERT_VERIFICATION');
		this.verifyCode = verifyCode;
		this.verifyMessage = verifyMessage;
	}
}
