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
 *
 * The subclasses take the same arguments, all optional: left out, `errno`
 * and the message are the ones CPython gives that class.
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
	 * @param errno - `SSL_ERROR_*` number (default: the class's)
	 * @param message - the text, Python's `strerror` (default: the class's)
	 * @param options - library, reason, details, cause
	 */
	constructor(errno?: number, message?: string, options: SSLErrorOptions = {}) {
		const [defaultErrno, defaultMessage, code] = CLASS_DEFAULTS.get(new.target) ?? DEFAULTS;
		const text = message ?? defaultMessage;
		const library = options.library ?? null;
		const reason = options.reason ?? null;
		const prefix = library !== null && reason !== null ? `[${library}: ${reason}] ` : '';
		super(errno ?? defaultErrno, text, {message: `${prefix}${text}`, cause: options.cause});
		(this as {code: string}).code = code;
		this.library = library;
		this.reason = reason;
		this.details = options.details ?? [];
	}
}

/** `[errno, message, code]` of a class whose constructor leaves them out. */
type Defaults = readonly [errno: number, message: string, code: string];
const DEFAULTS: Defaults = [SSL_ERROR_SSL, 'A failure in the SSL library occurred', 'ERR_SSL'];
const CLASS_DEFAULTS = new Map<abstract new (...args: never[]) => SSLError, Defaults>();

/** The peer closed the TLS connection cleanly (close_notify): `SSL_ERROR_ZERO_RETURN`. */
export class SSLZeroReturnError extends SSLError {
	override name = 'SSLZeroReturnError';
}

/**
 * Non-blocking: the operation needs the socket readable before it can go
 * on (a selector's `EVENT_READ`), then call it again.
 */
export class SSLWantReadError extends SSLError {
	override name = 'SSLWantReadError';
}

/**
 * Non-blocking: the operation needs the socket writable before it can go
 * on (`EVENT_WRITE`), then call it again — with the same data, for a send.
 */
export class SSLWantWriteError extends SSLError {
	override name = 'SSLWantWriteError';
}

/** An I/O error OpenSSL could not describe: `SSL_ERROR_SYSCALL` with no errno. */
export class SSLSyscallError extends SSLError {
	override name = 'SSLSyscallError';
}

/**
 * The transport ended in the middle of the TLS stream (no close_notify): a
 * truncation attack, or a peer that just closed its socket. `recv()` returns
 * empty instead when `suppressRaggedEofs` is set (the default).
 */
export class SSLEOFError extends SSLError {
	override name = 'SSLEOFError';
}

/**
 * The peer's certificate did not verify. `verifyCode` is OpenSSL's
 * `X509_V_ERR_*` number, `verifyMessage` its text.
 */
export class SSLCertVerificationError extends SSLError {
	override name = 'SSLCertVerificationError';
	/** `X509_V_ERR_*`: 62 hostname mismatch, 10 expired, 18/19/20 unknown issuer … */
	readonly verifyCode: number;
	/** OpenSSL's text for {@link SSLCertVerificationError.verifyCode}. */
	readonly verifyMessage: string;

	/**
	 * @param verifyCode - the `X509_V_ERR_*` number
	 * @param verifyMessage - its text
	 * @param options - library, reason, details, cause
	 */
	constructor(verifyCode: number, verifyMessage: string, options: SSLErrorOptions = {}) {
		super(SSL_ERROR_SSL, `certificate verify failed: ${verifyMessage}`, options);
		this.verifyCode = verifyCode;
		this.verifyMessage = verifyMessage;
	}
}

// CPython's texts (Modules/_ssl.c, PySSL_SetError) and this package's codes.
CLASS_DEFAULTS.set(SSLZeroReturnError, [
	SSL_ERROR_ZERO_RETURN,
	'TLS/SSL connection has been closed (EOF)',
	'ERR_SSL_ZERO_RETURN',
]);
CLASS_DEFAULTS.set(SSLWantReadError, [
	SSL_ERROR_WANT_READ,
	'The operation did not complete (read)',
	'ERR_SSL_WANT_READ',
]);
CLASS_DEFAULTS.set(SSLWantWriteError, [
	SSL_ERROR_WANT_WRITE,
	'The operation did not complete (write)',
	'ERR_SSL_WANT_WRITE',
]);
CLASS_DEFAULTS.set(SSLSyscallError, [SSL_ERROR_SYSCALL, 'Some I/O error occurred', 'ERR_SSL_SYSCALL']);
CLASS_DEFAULTS.set(SSLEOFError, [SSL_ERROR_EOF, 'EOF occurred in violation of protocol', 'ERR_SSL_EOF']);
CLASS_DEFAULTS.set(SSLCertVerificationError, [
	SSL_ERROR_SSL,
	'certificate verify failed',
	'ERR_SSL_CERT_VERIFICATION',
]);
