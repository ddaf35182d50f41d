/**
 * Python's exception classes, carrying Node's error fields.
 *
 * An {@link OSError} is what the kernel said: `errno` (positive, equal to
 * `os.constants.errno.X`, as in Python), `code` (`'EAGAIN'`, as in Node),
 * `syscall`, `strerror`, and for connect/bind the address. The subclass is
 * chosen from the errno by one table, the one CPython uses
 * (`Objects/exceptions.c`, `errnomap`).
 *
 * Errors that are not the kernel's use Python's names too ({@link ValueError},
 * {@link KeyError}, {@link RuntimeError}) with a stable Node-style `code`.
 *
 * @module
 */
import {constants as osConstants} from 'node:os';
import {native} from './native.js';

const E = osConstants.errno;

/**
 * errno values Node's `os.constants.errno` lacks on some platforms
 * (ESHUTDOWN on Linux), read from the C headers by the addon.
 */
const E_EXTRA: Readonly<Record<string, number>> = (() => {
	const extra: Record<string, number> = {};
	for (const name of ['ESHUTDOWN', 'EHOSTDOWN', 'ESOCKTNOSUPPORT', 'EPFNOSUPPORT', 'ETOOMANYREFS']) {
		const value = native.constants[name];
		if (!(name in E) && value !== undefined) {
			extra[name] = value;
		}
	}

	return extra;
})();

/** The value of an errno name, from Node's table or {@link E_EXTRA}; undefined where the platform lacks it. */
function errnoValue(name: string): number | undefined {
	return (E as Record<string, number | undefined>)[name] ?? E_EXTRA[name];
}

/** Extra fields for an {@link OSError}. */
export interface OSErrorOptions {
	/** The system call that failed, e.g. `'connect'`. */
	readonly syscall?: string;
	/** The address involved (connect, bind, sendto). */
	readonly address?: string;
	/** The port involved, for IP addresses. */
	readonly port?: number;
	/** Replaces the generated message. */
	readonly message?: string;
	/** The error that caused this one. */
	readonly cause?: unknown;
	/** Replaces the errno's name as `code`: for an OSError with no errno (0), as Python raises a few. */
	readonly code?: string;
}

/** errno -> symbolic name, from `os.constants.errno` (which knows more
 * names than libuv's map: EINPROGRESS, ECHILD …). The first name wins for
 * aliases, so EAGAIN (not EWOULDBLOCK) names 11 on Linux. */
const errnoNames = new Map<number, string>();
for (const [name, value] of [...Object.entries(E), ...Object.entries(E_EXTRA)]) {
	if (!errnoNames.has(value)) {
		errnoNames.set(value, name);
	}
}

function errnoName(errno: number): string {
	return errnoNames.get(errno) ?? 'UNKNOWN';
}

const strerrorCache = new Map<number, string>();

/** The C library's message for `errno` (Python's `os.strerror`). */
export function strerror(errno: number): string {
	let text = strerrorCache.get(errno);
	if (text === undefined) {
		text = native.strerror(errno);
		strerrorCache.set(errno, text);
	}

	return text;
}

/**
 * An error reported by the operating system (Python's `OSError`).
 *
 * Thrown by every call that reaches the kernel. Use {@link OSError.fromErrno}
 * to build the right subclass for an errno; `instanceof` works at every level
 * (`err instanceof ConnectionError` catches a refused, reset or aborted
 * connection and a broken pipe).
 *
 * Differences from Node's own errno errors: `errno` is **positive** (Python,
 * `os.constants.errno`), whereas Node's carry libuv's negative number;
 * `util.getSystemErrorName(-err.errno)` converts. An errno Node does not name
 * gets `code = 'UNKNOWN'`.
 */
export class OSError extends Error {
	override name = 'OSError';
	/** Positive errno, as `os.constants.errno` (Python's `e.errno`). */
	readonly errno: number;
	/** Symbolic name of the errno, `'EAGAIN'` (Node's `err.code`). */
	readonly code: string;
	/** The failing system call, `'connect'` (Node's `err.syscall`); `''` if none. */
	readonly syscall: string;
	/** The C library's message for the errno (Python's `e.strerror`). */
	readonly strerror: string;
	/** The address involved, for connect/bind/sendto. */
	readonly address?: string;
	/** The port involved, for IP addresses. */
	readonly port?: number;

	/**
	 * @param errno - positive errno
	 * @param strerrorText - message; defaults to the C library's text for `errno`
	 * @param options - syscall, address, port, message, cause
	 */
	constructor(errno: number, strerrorText?: string, options: OSErrorOptions = {}) {
		const text = strerrorText ?? strerror(errno);
		const code = options.code ?? errnoName(errno);
		const syscall = options.syscall ?? '';
		let message = options.message;
		if (message === undefined) {
			message = `[Errno ${errno}] ${text}`;
			if (syscall) {
				message += ` (${syscall} ${code}`;
				if (options.address !== undefined) {
					message += ` ${options.address}${options.port === undefined ? '' : `:${options.port}`}`;
				}

				message += ')';
			}
		}

		super(message, options.cause === undefined ? undefined : {cause: options.cause});
		this.errno = errno;
		this.code = code;
		this.syscall = syscall;
		this.strerror = text;
		if (options.address !== undefined) {
			this.address = options.address;
		}

		if (options.port !== undefined) {
			this.port = options.port;
		}
	}

	/**
	 * The {@link OSError} subclass CPython raises for `errno`, built for `syscall`.
	 *
	 * @param errno - positive errno
	 * @param syscall - the failing system call
	 * @param options - address, port, message, cause
	 * @returns a `BlockingIOError`, `ConnectionRefusedError`, … or a plain `OSError` for an unmapped errno
	 */
	static fromErrno(errno: number, syscall = '', options: OSErrorOptions = {}): OSError {
		const Class = errnoMap.get(errno) ?? OSError;
		const error = withoutStack(() => new Class(errno, undefined, {...options, syscall}));
		// "Would block" is flow control, raised on every spurious wake-up of a
		// non-blocking loop: no stack trace (see withoutStack). The others get
		// one, captured once, from the caller.
		return Class === BlockingIOError ? error : stackFromCaller(error, OSError.fromErrno);
	}
}

/** An operation would block on a non-blocking object (EAGAIN, EWOULDBLOCK, EALREADY, EINPROGRESS). */
export class BlockingIOError extends OSError {
	override name = 'BlockingIOError';
	/**
	 * Bytes written before the operation would block: set by `Socket.sendall`
	 * on a non-blocking socket (Python loses this count), 0 otherwise.
	 */
	bytesSent = 0;
}

/** A child process operation failed (ECHILD). */
export class ChildProcessError extends OSError {
	override name = 'ChildProcessError';
}

/** Base of the connection-related errors. */
export class ConnectionError extends OSError {
	override name = 'ConnectionError';
}

/** Writing to a pipe or socket whose other end is closed (EPIPE, ESHUTDOWN). */
export class BrokenPipeError extends ConnectionError {
	override name = 'BrokenPipeError';
}

/** The peer aborted the connection attempt (ECONNABORTED). */
export class ConnectionAbortedError extends ConnectionError {
	override name = 'ConnectionAbortedError';
}

/** The peer refused the connection (ECONNREFUSED). */
export class ConnectionRefusedError extends ConnectionError {
	override name = 'ConnectionRefusedError';
}

/** The peer reset the connection (ECONNRESET). */
export class ConnectionResetError extends ConnectionError {
	override name = 'ConnectionResetError';
}

/** The file already exists (EEXIST). */
export class FileExistsError extends OSError {
	override name = 'FileExistsError';
}

/** No such file or directory (ENOENT). */
export class FileNotFoundError extends OSError {
	override name = 'FileNotFoundError';
}

/** A system call was interrupted by a signal (EINTR). */
export class InterruptedError extends OSError {
	override name = 'InterruptedError';
}

/** A file operation was requested on a directory (EISDIR). */
export class IsADirectoryError extends OSError {
	override name = 'IsADirectoryError';
}

/** A directory operation was requested on something else (ENOTDIR). */
export class NotADirectoryError extends OSError {
	override name = 'NotADirectoryError';
}

/** Not enough access rights (EACCES, EPERM). */
export class PermissionError extends OSError {
	override name = 'PermissionError';
}

/** No such process (ESRCH). */
export class ProcessLookupError extends OSError {
	override name = 'ProcessLookupError';
}

/**
 * A timeout expired: the kernel's ETIMEDOUT, or a socket timeout set with
 * `settimeout()` (message `'timed out'`, errno ETIMEDOUT; Python leaves errno
 * `None` there).
 */
export class TimeoutError extends OSError {
	override name = 'TimeoutError';
}

/**
 * A getaddrinfo(3) failure (Python's `socket.gaierror`). `errno` holds the
 * raw `EAI_*` code (negative on Linux, as in Python) and `code` its name
 * (`'EAI_NONAME'`).
 */
export class GaiError extends OSError {
	override name = 'gaierror';
	override readonly code: string;

	/**
	 * @param eai - the `EAI_*` code returned by getaddrinfo
	 * @param message - gai_strerror's text
	 * @param host - the name that was looked up
	 */
	constructor(eai: number, message: string, host?: string) {
		super(eai, message, {
			syscall: 'getaddrinfo',
			message: `[Errno ${eai}] ${message}${host === undefined ? '' : ` (getaddrinfo ${host})`}`,
			...(host === undefined ? {} : {address: host}),
		});
		this.code = eaiName(eai);
	}
}

function eaiName(eai: number): string {
	for (const [name, value] of Object.entries(native.constants)) {
		if (name.startsWith('EAI_') && value === eai) {
			return name;
		}
	}

	return 'EAI_UNKNOWN';
}

type OSErrorClass = new (errno: number, strerror?: string, options?: OSErrorOptions) => OSError;

/** CPython's errnomap (Objects/exceptions.c), the one errno → class table. */
const errnoMap = new Map<number, OSErrorClass>();
const table: ReadonlyArray<readonly [OSErrorClass, ReadonlyArray<number | undefined>]> = [
	[BlockingIOError, [E.EAGAIN, E.EWOULDBLOCK, E.EALREADY, E.EINPROGRESS]],
	[BrokenPipeError, [E.EPIPE, errnoValue('ESHUTDOWN')]],
	[ChildProcessError, [E.ECHILD]],
	[ConnectionAbortedError, [E.ECONNABORTED]],
	[ConnectionRefusedError, [E.ECONNREFUSED]],
	[ConnectionResetError, [E.ECONNRESET]],
	[FileExistsError, [E.EEXIST]],
	[FileNotFoundError, [E.ENOENT]],
	[IsADirectoryError, [E.EISDIR]],
	[NotADirectoryError, [E.ENOTDIR]],
	[InterruptedError, [E.EINTR]],
	[PermissionError, [E.EACCES, E.EPERM]],
	[ProcessLookupError, [E.ESRCH]],
	[TimeoutError, [E.ETIMEDOUT]],
];
for (const [Class, errnos] of table) {
	for (const errno of errnos) {
		if (errno !== undefined) {
			errnoMap.set(errno, Class);
		}
	}
}

/** The class {@link OSError.fromErrno} picks for `errno` (for tests and docs). */
export function errorClassFor(
	errno: number,
): new (errno: number, strerror?: string, options?: OSErrorOptions) => OSError {
	return errnoMap.get(errno) ?? OSError;
}

/**
 * Returns `ret` when the addon succeeded (`ret >= 0`), otherwise throws the
 * {@link OSError} subclass for `-ret`. The one place native results become
 * exceptions.
 *
 * @internal
 */
export function check(ret: number, syscall: string, options?: OSErrorOptions): number {
	if (ret < 0) {
		throw stackFromCaller(OSError.fromErrno(-ret, syscall, options), check);
	}

	return ret;
}

/**
 * Restarts `error`'s stack trace at the caller of `fn`, so the helper that
 * built or threw it (a validator, {@link check}) is not its top frame — as
 * Node's own validators hide theirs (`Error.captureStackTrace`).
 *
 * @returns `error`
 * @internal
 */
export function stackFromCaller<E extends Error>(error: E, fn: (...args: never[]) => unknown): E {
	Error.captureStackTrace(error, fn);
	return error;
}

/**
 * Builds an error without capturing a stack trace: its `stack` is its first
 * line only. For the errors that are flow control rather than failures,
 * raised thousands of times a second by a busy non-blocking loop
 * ({@link BlockingIOError}, `SSLWantReadError`, `SSLWantWriteError`):
 * capturing a stack walks every frame, which was 7 % of a TLS server's CPU
 * under `openssl s_time` (BENCHMARKS.md).
 *
 * @returns what `make` returns
 * @internal
 */
export function withoutStack<E extends Error>(make: () => E): E {
	const limit = Error.stackTraceLimit;
	Error.stackTraceLimit = 0;
	try {
		return make();
	} finally {
		Error.stackTraceLimit = limit;
	}
}

/** Options for the non-OS errors. */
export interface CodedErrorOptions {
	/** The error that caused this one. */
	readonly cause?: unknown;
}

/**
 * A value of the right type but wrong content (Python's `ValueError`), e.g.
 * an invalid event mask (`code: 'ERR_INVALID_EVENTS'`) or file descriptor
 * (`'ERR_INVALID_FD'`).
 */
export class ValueError extends Error {
	override name = 'ValueError';
	/** Stable machine-readable code. */
	readonly code: string;

	/**
	 * @param message - what was wrong
	 * @param code - stable code, `'ERR_INVALID_VALUE'` by default
	 */
	constructor(message: string, code = 'ERR_INVALID_VALUE', options: CodedErrorOptions = {}) {
		super(message, options.cause === undefined ? undefined : {cause: options.cause});
		this.code = code;
	}
}

/**
 * A lookup failed (Python's `KeyError`): a file object not registered
 * (`code: 'ERR_NOT_REGISTERED'`) or already registered (`'ERR_ALREADY_REGISTERED'`).
 */
export class KeyError extends Error {
	override name = 'KeyError';
	/** Stable machine-readable code. */
	readonly code: string;

	/**
	 * @param message - what was not found (or found twice)
	 * @param code - stable code, `'ERR_KEY'` by default
	 */
	constructor(message: string, code = 'ERR_KEY', options: CodedErrorOptions = {}) {
		super(message, options.cause === undefined ? undefined : {cause: options.cause});
		this.code = code;
	}
}

/**
 * An operation on an object in the wrong state (Python's `RuntimeError`),
 * e.g. `'Selector is closed'` (`code: 'ERR_SELECTOR_CLOSED'`).
 */
export class RuntimeError extends Error {
	override name = 'RuntimeError';
	/** Stable machine-readable code. */
	readonly code: string;

	/**
	 * @param message - what was wrong
	 * @param code - stable code, `'ERR_RUNTIME'` by default
	 */
	constructor(message: string, code = 'ERR_RUNTIME', options: CodedErrorOptions = {}) {
		super(message, options.cause === undefined ? undefined : {cause: options.cause});
		this.code = code;
	}
}

/** A TypeError or RangeError with Node's `code` field (`ERR_INVALID_ARG_TYPE`, `ERR_OUT_OF_RANGE` …). */
export type CodedError<E extends Error> = E & {readonly code: string};

/**
 * An argument of the wrong type: a `TypeError` with `code`
 * `'ERR_INVALID_ARG_TYPE'` (as Node's own), or `'ERR_INVALID_ARG_VALUE'`
 * for a value of the right type and wrong shape. The message names the
 * parameter.
 *
 * @internal
 */
export function argTypeError(message: string, code = 'ERR_INVALID_ARG_TYPE'): CodedError<TypeError> {
	const error = new TypeError(message) as TypeError & {code: string};
	error.code = code;
	return error;
}

/**
 * A number outside the range a parameter takes: a `RangeError` with `code`
 * `'ERR_OUT_OF_RANGE'` (as Node's own). The message names the parameter.
 *
 * @internal
 */
export function argRangeError(message: string): CodedError<RangeError> {
	const error = new RangeError(message) as RangeError & {code: string};
	error.code = 'ERR_OUT_OF_RANGE';
	return error;
}

/**
 * The user interrupted the program (Python's `KeyboardInterrupt`): thrown by
 * `defaultIntHandler` of `node-selectors/signal` when SIGINT arrives. Not an
 * {@link OSError} (Python: a `BaseException`, so `except Exception` does not
 * catch it); code `'ERR_KEYBOARD_INTERRUPT'`.
 */
export class KeyboardInterrupt extends Error {
	override name = 'KeyboardInterrupt';
	/** Stable machine-readable code. */
	readonly code: string = 'ERR_KEYBOARD_INTERRUPT';

	/** @param message - default `''`, as Python's bare `KeyboardInterrupt` */
	constructor(message = '', options: CodedErrorOptions = {}) {
		super(message, options.cause === undefined ? undefined : {cause: options.cause});
	}
}
