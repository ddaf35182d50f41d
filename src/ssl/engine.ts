/**
 * One TLS connection's OpenSSL object driven through the socket I/O loop
 * (../socket/io.ts): the handshake, read, write and shutdown steps, and
 * OpenSSL's outcome turned into CPython's exceptions.
 *
 * Each step makes one OpenSSL call and returns its result or a failure code
 * for the loop: `SSL_ERROR_WANT_READ` → `-WAIT_READ`, `SSL_ERROR_WANT_WRITE`
 * → `-WAIT_WRITE` (the loop waits for that direction in blocking and timeout
 * mode, and returns the code in non-blocking mode), `SSL_ERROR_SYSCALL` with
 * EINTR → `-EINTR` (retried), anything else → {@link SSL_FAILED}. The
 * details of a failure (`SSL_get_error`'s code and errno) are in the `out`
 * array the step was given, read right after the loop returns.
 *
 * Over memory BIOs (SSLObject) the same steps run with fd -1 and timeout 0:
 * the loop never waits and a want-read comes back as SSLWantReadError.
 *
 * @internal
 * @module
 */
import {constants as osConstants} from 'node:os';
import {typeName} from '../args.js';
import {argTypeError, OSError, TimeoutError, ValueError, withoutStack} from '../errors.js';
import {sockCall, TIMED_OUT, WAIT_READ, WAIT_WRITE} from '../socket/io.js';
import {K, type NativeSslError, type ServerNameHook, ssl, type SslHandle} from './native.js';
import {
	SSLCertVerificationError,
	SSLEOFError,
	SSLError,
	SSLSyscallError,
	SSLWantReadError,
	SSLWantWriteError,
	SSLZeroReturnError,
} from './errors.js';

const EINTR = osConstants.errno.EINTR;
const ETIMEDOUT = osConstants.errno.ETIMEDOUT;
/** A final TLS failure for the loop: no wait bits, errno 0 (see ../socket/io.ts). */
export const SSL_FAILED = -0x20_0000;

const E_SSL = K('SSL_ERROR_SSL');
const E_WANT_READ = K('SSL_ERROR_WANT_READ');
const E_WANT_WRITE = K('SSL_ERROR_WANT_WRITE');
const E_SYSCALL = K('SSL_ERROR_SYSCALL');
const E_ZERO_RETURN = K('SSL_ERROR_ZERO_RETURN');
const LIB_SSL = K('ERR_LIB_SSL');
const LIB_SYS = K('ERR_LIB_SYS');
const R_VERIFY_FAILED = K('SSL_R_CERTIFICATE_VERIFY_FAILED');
const R_UNEXPECTED_EOF = K('SSL_R_UNEXPECTED_EOF_WHILE_READING');
const AD_HANDSHAKE_FAILURE = K('SSL_AD_HANDSHAKE_FAILURE');
const AD_INTERNAL_ERROR = K('SSL_AD_INTERNAL_ERROR');

/** OpenSSL library numbers → the mnemonics CPython prints (`[SSL: …]`). */
const LIBRARIES = new Map<number, string>([
	[LIB_SYS, 'SYS'],
	[K('ERR_LIB_PEM'), 'PEM'],
	[K('ERR_LIB_X509'), 'X509'],
	[LIB_SSL, 'SSL'],
	[K('ERR_LIB_EVP'), 'EVP'],
]);

/** The loop code for an I/O call's failure, from `out` = [SSL_get_error, errno]. */
function failure(out: Int32Array): number {
	const code = out[0];
	if (code === E_WANT_READ) {
		return -WAIT_READ;
	}

	if (code === E_WANT_WRITE) {
		return -WAIT_WRITE;
	}

	if (code === E_SYSCALL && out[1] === EINTR) {
		return -EINTR;
	}

	return SSL_FAILED;
}

function handshakeStep(_fd: number, h: SslHandle, out: Int32Array, hook: ServerNameHook | undefined): number {
	return ssl.sslHandshake(h, out, hook) === 1 ? 0 : failure(out);
}

function readStep(_fd: number, h: SslHandle, buf: ArrayBufferView, len: number, out: Int32Array): number {
	const ret = ssl.sslRead(h, buf, 0, len, out);
	return ret >= 0 ? ret : failure(out);
}

function writeStep(_fd: number, h: SslHandle, data: ArrayBufferView, len: number, out: Int32Array): number {
	const ret = ssl.sslWrite(h, data, 0, len, out);
	return ret >= 0 ? ret : failure(out);
}

/**
 * SSL_shutdown as CPython's `SSLSocket.shutdown()`: the first call sends
 * close_notify (0), a second one reads the peer's (1), or wants to read; a
 * second 0 ends it too (CPython tries twice, no more).
 */
function shutdownStep(_fd: number, h: SslHandle, out: Int32Array): number {
	let ret = ssl.sslShutdown(h, out);
	if (ret === 0) {
		ret = ssl.sslShutdown(h, out);
	}

	return ret >= 0 ? 0 : failure(out);
}

/** Upper-case mnemonic of an OpenSSL reason text, as CPython names it. */
function mnemonic(text: string | null): string | null {
	return text === null ? null : text.toUpperCase().replace(/[ -]+/g, '_');
}

/**
 * The exception for OpenSSL's error queue (drained by the caller), or null
 * if it is empty: a system error (`ERR_LIB_SYS`) becomes the
 * {@link OSError} for its errno (FileNotFoundError …), as CPython's
 * context methods raise; otherwise an {@link SSLError} from the newest entry.
 */
export function queueError(
	queue: readonly NativeSslError[],
	errno = K('SSL_ERROR_SSL'),
	syscall = '',
	cause?: unknown,
): OSError | null {
	const last = queue.at(-1);
	if (last === undefined) {
		return null;
	}

	const details = queue.map(entry => entry[4]);
	const system = queue.find(entry => entry[0] === LIB_SYS);
	if (system !== undefined && system[1] > 0) {
		return OSError.fromErrno(system[1], syscall, {
			cause: new SSLError(errno, details.join('; '), {details}),
		});
	}

	const [lib, reason, libName, reasonText, text] = last;
	const options = {
		library: LIBRARIES.get(lib) ?? mnemonic(libName),
		reason: mnemonic(reasonText) ?? String(reason),
		details,
		cause,
	};
	if (lib === LIB_SSL && reason === R_UNEXPECTED_EOF) {
		return new SSLEOFError(undefined, undefined, options);
	}

	return new SSLError(errno, reasonText ?? text, options);
}

/**
 * What a connection does with the server name a client sent (null without
 * SNI), called during the handshake: its context's `sniCallback`, whose
 * result is returned (null/undefined to go on, or an alert description).
 * It may throw.
 */
export type ServerNameHandler = (serverName: string | null) => unknown;

/** Options every TLS connection object is made with. */
export interface EngineOptions {
	readonly serverSide: boolean;
	readonly suppressRaggedEofs: boolean;
	/** Called when OpenSSL's servername callback runs (see {@link ServerNameHandler}). */
	readonly serverName: ServerNameHandler;
}

/**
 * One handshake call's servername hook: the handler's result as the addon
 * takes it (< 0 go on, else the fatal alert), and why it failed. As
 * CPython's `_servername_callback` (Modules/_ssl.c): null/undefined go on, an
 * integer is the alert to send, an exception sends handshake_failure and
 * anything else internal_error. The exception is kept (CPython prints it
 * with the unraisable hook) to become the `cause` of the handshake's
 * SSLError.
 */
class ServerNameCall {
	failed = false;
	failure: unknown = undefined;
	readonly hook: ServerNameHook;

	constructor(handler: ServerNameHandler) {
		this.hook = serverName => {
			let verdict: unknown;
			try {
				verdict = handler(serverName);
			} catch (error) {
				return this.#fail(error, AD_HANDSHAKE_FAILURE);
			}

			if (verdict === null || verdict === undefined) {
				return -1;
			}

			if (typeof verdict === 'number' && Number.isInteger(verdict) && verdict >= 0 && verdict <= 255) {
				return verdict;
			}

			return this.#fail(
				argTypeError(
					`sniCallback must return null, undefined or an ALERT_DESCRIPTION_* number, not ${typeof verdict === 'number' ? String(verdict) : typeName(verdict)}`,
				),
				AD_INTERNAL_ERROR,
			);
		};
	}

	#fail(error: unknown, alert: number): number {
		this.failed = true;
		this.failure = error;
		return alert;
	}
}

/**
 * An OpenSSL `SSL` object and the calls on it. Not exported from the
 * package: SSLSocket and SSLObject hold one.
 */
export class Engine {
	/** Null once freed. */
	#h: SslHandle | null;
	readonly serverSide: boolean;
	readonly suppressRaggedEofs: boolean;
	/** [SSL_get_error code, errno] of the last failed call; read right after it. */
	readonly #out = new Int32Array(2);
	readonly #serverName: ServerNameHandler;
	/** Whether a handshake call has succeeded. */
	#established = false;
	/** Inside SSL_do_handshake (the servername handler runs there). */
	#inHandshake = false;
	/** free() was called from inside the handshake: done when it returns. */
	#freeLater = false;

	constructor(h: SslHandle, options: EngineOptions) {
		this.#h = h;
		this.serverSide = options.serverSide;
		this.suppressRaggedEofs = options.suppressRaggedEofs;
		this.#serverName = options.serverName;
	}

	/** The live handle; ValueError (`ERR_SSL_CLOSED`) once freed. */
	get handle(): SslHandle {
		if (this.#h === null || this.#freeLater) {
			throw new ValueError('the TLS connection is closed or unwrapped', 'ERR_SSL_CLOSED');
		}

		return this.#h;
	}

	get freed(): boolean {
		return this.#h === null || this.#freeLater;
	}

	/**
	 * Releases the OpenSSL object now (idempotent); from inside the
	 * handshake (a servername handler closing its socket), once the
	 * handshake call has returned.
	 */
	free(): void {
		if (this.#inHandshake) {
			this.#freeLater = true;
		} else if (this.#h !== null) {
			ssl.free(this.#h);
			this.#h = null;
		}
	}

	/** The handle for an I/O call: not from inside the handshake (OpenSSL is not re-entrant). */
	#enter(): SslHandle {
		if (this.#inHandshake) {
			throw new ValueError(
				'TLS I/O on a connection inside its own handshake (from sniCallback)',
				'ERR_SSL_REENTRANT',
			);
		}

		return this.handle;
	}

	/**
	 * SSL_do_handshake until done, in the mode `timeoutMs` gives (-1, 0, > 0).
	 * The servername handler runs inside it when the client's hello arrives.
	 *
	 * @throws {SSLError} when the handler failed the handshake, with what it threw as `cause`
	 */
	handshake(fd: number, timeoutMs: number): void {
		const h = this.#enter();
		const call = new ServerNameCall(this.#serverName);
		this.#inHandshake = true;
		try {
			const ret = sockCall(fd, timeoutMs, 0, handshakeStep, h, this.#out, call.hook, undefined);
			if (ret < 0) {
				throw this.#error(ret, 'handshake', call.failed ? call.failure : undefined);
			}

			this.#established = true;
		} finally {
			this.#inHandshake = false;
			if (this.#freeLater) {
				this.#freeLater = false;
				this.free();
			}
		}
	}

	/**
	 * Before a read or write: a connection whose handshake has not run yet
	 * runs it here, rather than inside SSL_read/SSL_write, so that the
	 * servername handler is reachable (only handshake calls carry it).
	 */
	#ready(fd: number, timeoutMs: number): SslHandle {
		if (!this.#established) {
			this.handshake(fd, timeoutMs);
		}

		return this.#enter();
	}

	/**
	 * Reads up to `len` bytes into `buf`: the count, 0 at a clean close
	 * (close_notify) and, with `suppressRaggedEofs`, at an EOF without one.
	 */
	read(fd: number, timeoutMs: number, buf: ArrayBufferView, len: number): number {
		if (len === 0) {
			return 0;
		}

		let error: unknown;
		let built = false;
		try {
			const ret = sockCall(fd, timeoutMs, 0, readStep, this.#ready(fd, timeoutMs), buf, len, this.#out);
			if (ret >= 0) {
				return ret;
			}

			// Built without a stack trace: at the end of every connection it is
			// a clean close or a suppressed ragged EOF, returned as 0, not thrown.
			error = withoutStack(() => this.#error(ret, 'read'));
			built = true;
		} catch (thrown) {
			error = thrown; // from the handshake a first read runs: its EOF is ragged too, as SSL_read's
		}

		if (
			error instanceof SSLZeroReturnError ||
			(error instanceof SSLEOFError && this.suppressRaggedEofs)
		) {
			return 0;
		}

		if (built && !(error instanceof SSLWantReadError || error instanceof SSLWantWriteError)) {
			Error.captureStackTrace(error as Error, Engine.prototype.read); // thrown: a failure, with its stack
		}

		throw error;
	}

	/**
	 * Writes all `len` bytes of `data` as records (OpenSSL's default: no
	 * partial writes). After SSLWantWriteError/SSLWantReadError in
	 * non-blocking mode, call again with the same bytes.
	 */
	write(fd: number, timeoutMs: number, data: ArrayBufferView, len: number): number {
		const ret = sockCall(fd, timeoutMs, 0, writeStep, this.#ready(fd, timeoutMs), data, len, this.#out);
		if (ret < 0) {
			throw this.#error(ret, 'write');
		}

		return ret;
	}

	/** The TLS closing handshake (CPython's `shutdown()`); the transport stays open. */
	shutdown(fd: number, timeoutMs: number): void {
		const ret = sockCall(fd, timeoutMs, 0, shutdownStep, this.#enter(), this.#out, undefined, undefined);
		if (ret < 0) {
			throw this.#error(ret, 'shutdown');
		}
	}

	/**
	 * The exception for a failure code from the loop, as CPython's
	 * `PySSL_SetError()` (Modules/_ssl.c) chooses it.
	 */
	#error(code: number, op: string, cause?: unknown): OSError {
		if (code === TIMED_OUT) {
			const text = `The ${op} operation timed out`;
			return new TimeoutError(ETIMEDOUT, text, {syscall: op, message: text});
		}

		const queue = ssl.errors();
		// Flow control, not failures: no stack trace (see withoutStack).
		if (code === -WAIT_READ) {
			return withoutStack(() => new SSLWantReadError());
		}

		if (code === -WAIT_WRITE) {
			return withoutStack(() => new SSLWantWriteError());
		}

		const sslCode = this.#out[0] ?? 0;
		const errno = this.#out[1] ?? 0;
		if (sslCode === E_ZERO_RETURN) {
			return new SSLZeroReturnError();
		}

		if (sslCode === E_SYSCALL && queue.length === 0) {
			return errno === 0 ? new SSLEOFError() : OSError.fromErrno(errno, op);
		}

		const last = queue.at(-1);
		if (last?.[0] === LIB_SSL && last[1] === R_VERIFY_FAILED && this.#h !== null) {
			const verifyCode = ssl.sslVerifyResult(this.#h);
			return new SSLCertVerificationError(verifyCode, ssl.verifyString(verifyCode), {
				library: 'SSL',
				reason: 'CERTIFICATE_VERIFY_FAILED',
				details: queue.map(entry => entry[4]),
			});
		}

		return (
			queueError(queue, sslCode, op, cause) ??
			(sslCode === E_SYSCALL
				? new SSLSyscallError(undefined, undefined, {cause})
				: new SSLError(sslCode === 0 ? E_SSL : sslCode, undefined, {cause}))
		);
	}
}
