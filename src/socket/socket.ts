/**
 * Python's `socket.socket` over the addon's system calls.
 *
 * The file descriptor is **always** O_NONBLOCK. Python's three modes are
 * implemented above it, the way CPython's `sock_call_ex()`
 * (Modules/socketmodule.c) implements timeouts:
 *
 * - **blocking** (the default, `gettimeout() === null`): a call that would
 *   block waits in poll() until the socket is ready, then retries;
 * - **non-blocking** (`setblocking(false)`, timeout 0): it throws
 *   {@link BlockingIOError} instead;
 * - **timeout** (`settimeout(seconds)`): it waits at most that long in total,
 *   the remaining time recomputed from a monotonic clock after every wake-up,
 *   then throws `TimeoutError('timed out')`.
 *
 * EINTR is retried in every mode (PEP 475).
 *
 * **Blocking and timeout calls block the thread they run on — on the main
 * thread, the whole Node event loop: no timer, I/O callback or promise runs
 * until they return.** Use non-blocking sockets with a selector to serve
 * many connections, or run blocking code in a `worker_thread`.
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {constants as osConstants} from 'node:os';
import {inspect} from 'node:util';
import {type BlockingIOError, OSError, TimeoutError, ValueError, check} from '../errors.js';
import {constant, native, type NativeAddress} from '../native.js';
import {monotonicMs, timeoutToMs} from '../time.js';
import {type Address, parseAddress, parsed, type SocketAddress, toAddress} from './address.js';
import {
	AF_INET, AF_UNIX, MSG_DONTWAIT, MSG_NOSIGNAL, MSG_WAITALL, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_NONBLOCK,
	SOCK_STREAM, SOL_SOCKET, SO_DOMAIN, SO_ERROR, SO_PROTOCOL, SO_TYPE, SOMAXCONN,
} from './constants.js';
import {
	byteLength, type BytesLike, EAGAIN, EBADF, ECONNRESET, EINPROGRESS, EINTR, EISCONN, EWOULDBLOCK, POLLIN,
	POLLOUT, receiveBuffer, receivedBytes, sleepUntil, toBufsize, toInt32, typeName, waitFd,
} from './internal.js';

/** Added to every send()'s flags: no SIGPIPE, the EPIPE error instead (Node ignores SIGPIPE anyway). */
const NOSIGNAL = MSG_NOSIGNAL ?? 0;
/** Flag that makes one call non-blocking even in blocking mode (0 where the OS lacks it). */
const DONTWAIT = MSG_DONTWAIT ?? 0;
/**
 * How long to sleep before retrying when poll() cannot say when the call
 * would succeed (a full AF_UNIX listen backlog, an unconnected AF_UNIX
 * datagram sender whose receiver is full): short, so a waiting sender starts
 * soon after room appears, and long enough not to spin.
 */
const RETRY_SLEEP_MS = 1;
const TYPE_FLAGS = (SOCK_NONBLOCK ?? 0) | (SOCK_CLOEXEC ?? 0);
const O_NONBLOCK = constant('O_NONBLOCK');
const F_GETFL = constant('F_GETFL');
const F_SETFL = constant('F_SETFL');
const F_GETFD = constant('F_GETFD');
const F_SETFD = constant('F_SETFD');
const FD_CLOEXEC = constant('FD_CLOEXEC');
const EAFNOSUPPORT = osConstants.errno.EAFNOSUPPORT;
const EINVAL = osConstants.errno.EINVAL;
/** Python's default listen() backlog: min(SOMAXCONN, 128). */
const DEFAULT_BACKLOG = Math.min(SOMAXCONN, 128);
/** Longest single send/recv length the addon takes (a uint32; the kernel caps lower anyway). */
const MAX_CHUNK = 0x7fff_f000;
/** "No deadline computed yet" (a deadline is computed at the first wait). */
const NO_DEADLINE = -1;

/** Scratch for getsockopt(int) and SO_ERROR. */
const intOut = new Int32Array(1);

let defaultTimeout: number | null = null;

/** Set while this module wraps an fd it just created (already non-blocking, family/type/proto known). */
let adopting = false;

/**
 * Validates a timeout in seconds as Python's `settimeout()` does.
 *
 * @returns the timeout (null = blocking)
 */
function checkTimeout(value: unknown): number | null {
	if (value === null || value === undefined) {
		return null;
	}

	if (typeof value !== 'number') {
		throw new TypeError(`timeout must be a number or null, not ${typeName(value)}`);
	}

	if (Number.isNaN(value)) {
		throw new ValueError('Invalid value NaN (not a number)', 'ERR_INVALID_TIMEOUT');
	}

	if (value < 0) {
		throw new ValueError('Timeout value out of range', 'ERR_INVALID_TIMEOUT');
	}

	// Python: OverflowError ("timestamp too large to convert to C _PyTime_t").
	if (value === Number.POSITIVE_INFINITY) {
		throw new RangeError('timeout too large: use null to block');
	}

	return value;
}

/**
 * The default timeout, in seconds, of new sockets (`null`: blocking).
 * Python's `socket.getdefaulttimeout()`.
 *
 * @returns seconds, or `null`
 */
export function getdefaulttimeout(): number | null {
	return defaultTimeout;
}

/**
 * Sets the timeout, in seconds, that new sockets (created, accepted or
 * adopted from an fd) start with. Python's `socket.setdefaulttimeout()`.
 *
 * @param timeout - seconds (0: non-blocking), or `null` to block
 * @throws {TypeError} if `timeout` is not a number or null
 * @throws {ValueError} if `timeout` is negative or NaN
 */
export function setdefaulttimeout(timeout: number | null): void {
	defaultTimeout = checkTimeout(timeout);
}

/** A socket address for error messages: `{address, port}`. */
function addressOptions(family: number): {address: string; port?: number} {
	const address = parsed.host === '' ? parsed.label : parsed.host;
	return family === AF_UNIX ? {address} : {address, port: parsed.port};
}

function raise(errno: number, syscall: string): never {
	throw OSError.fromErrno(errno, syscall);
}

/**
 * A network socket: Python's `socket.socket`.
 *
 * Every system call reports failure as an {@link OSError} subclass chosen
 * from the errno as CPython does (`ConnectionRefusedError`,
 * `BlockingIOError`, …) with `errno`, `code`, `syscall` and, for bind and
 * connect, `address` and `port`. A closed socket's methods throw
 * `OSError(EBADF)`, as Python's do.
 *
 * **Blocking and timeout-mode calls block the calling thread, which on the
 * main thread is the Node event loop.** See the module notes.
 *
 * @example
 * ```ts
 * using server = createServer(['127.0.0.1', 0]);
 * using client = createConnection(server.getsockname() as IPv4Address);
 * const [conn] = server.accept();
 * client.sendall(Buffer.from('hi'));
 * conn.recv(1024); // <Buffer 68 69>
 * conn.close();
 * ```
 */
export class Socket implements Disposable {
	#fd: number;
	readonly #family: number;
	readonly #type: number;
	readonly #proto: number;
	/** What gettimeout() returns. */
	#timeout: number | null;
	/** -1 blocking, 0 non-blocking, > 0 timeout in whole ms (rounded up). */
	#timeoutMs: number;

	/**
	 * Creates a socket, or wraps an existing one (Python's
	 * `socket.socket(family, type, proto, fileno)`).
	 *
	 * With `fileno`, the socket takes ownership of that fd (no dup: `close()`
	 * closes it); a `family`, `type` or `proto` left out (or -1) is read from the
	 * fd (SO_DOMAIN/SO_TYPE/SO_PROTOCOL where the OS has them, else
	 * getsockname), and the fd is switched to O_NONBLOCK, which it shares with
	 * every dup of it.
	 *
	 * The new socket starts in the mode {@link getdefaulttimeout} gives
	 * (blocking by default), or non-blocking if `type` includes `SOCK_NONBLOCK`.
	 * The fd is non-blocking and close-on-exec underneath in every mode.
	 *
	 * @param family - `AF_INET` (default), `AF_INET6`, `AF_UNIX`
	 * @param type - `SOCK_STREAM` (default), `SOCK_DGRAM`, …, optionally `| SOCK_NONBLOCK`
	 * @param proto - protocol number, 0 (default) for the family's default
	 * @param fileno - an open socket fd to wrap instead of creating one
	 * @throws {TypeError} if an argument is not an integer
	 * @throws {RangeError} if an argument does not fit a C int
	 * @throws {ValueError} if `fileno` is negative
	 * @throws {OSError} if socket(2) fails (EAFNOSUPPORT, EPROTONOSUPPORT, EMFILE …), or `fileno` is not a socket (ENOTSOCK)
	 */
	constructor(family?: number, type?: number, proto?: number, fileno?: number | null) {
		const trusted = adopting;
		adopting = false;
		let fam = family === undefined ? -1 : toInt32(family, 'family');
		let typ = type === undefined ? -1 : toInt32(type, 'type');
		let pro = proto === undefined ? -1 : toInt32(proto, 'proto');
		if (fileno === undefined || fileno === null) {
			if (fam === -1) {
				fam = AF_INET;
			}

			if (typ === -1) {
				typ = SOCK_STREAM;
			}

			if (pro === -1) {
				pro = 0;
			}

			this.#fd = check(native.socket(fam, typ, pro), 'socket');
		} else {
			const fd = toInt32(fileno, 'fileno');
			if (fd < 0) {
				throw new ValueError(`negative file descriptor`, 'ERR_INVALID_FD');
			}

			if (!trusted) {
				if (fam === -1) {
					fam = detectFamily(fd);
				}

				if (typ === -1) {
					typ = getIntOption(fd, SOL_SOCKET, SO_TYPE);
				}

				if (pro === -1) {
					pro = SO_PROTOCOL === undefined ? 0 : getIntOption(fd, SOL_SOCKET, SO_PROTOCOL);
				}

				const flags = check(native.fcntl(fd, F_GETFL, 0), 'fcntl');
				if ((flags & O_NONBLOCK) === 0) {
					check(native.fcntl(fd, F_SETFL, flags | O_NONBLOCK), 'fcntl');
				}
			}

			this.#fd = fd;
		}

		this.#family = fam;
		// As CPython's init_sockobject(): the type attribute never carries the
		// creation flags, and SOCK_NONBLOCK means "start non-blocking".
		this.#type = typ & ~TYPE_FLAGS;
		this.#proto = pro;
		if (SOCK_NONBLOCK !== undefined && (typ & SOCK_NONBLOCK) !== 0) {
			this.#timeout = 0;
			this.#timeoutMs = 0;
		} else {
			this.#timeout = defaultTimeout;
			this.#timeoutMs = defaultTimeout === null ? -1 : timeoutToMs(defaultTimeout);
		}
	}

	/**
	 * Wraps an open socket fd, taking ownership of it (Python's
	 * `socket.socket(fileno=fd)`; unlike Python's `socket.fromfd()` it does
	 * not dup). Family, type and protocol are detected unless given.
	 *
	 * @param fd - an open socket file descriptor
	 * @param family - overrides the detected family
	 * @param type - overrides the detected type
	 * @param proto - overrides the detected protocol
	 * @returns the socket, in the default timeout mode, its fd now O_NONBLOCK
	 * @throws {ValueError} if `fd` is negative
	 * @throws {OSError} if `fd` is not an open socket (EBADF, ENOTSOCK)
	 */
	static fromFd(fd: number, family?: number, type?: number, proto?: number): Socket {
		return new Socket(family, type, proto, fd);
	}

	/**
	 * Wraps an fd this module just created (non-blocking and close-on-exec
	 * already), with no system call.
	 *
	 * @internal
	 */
	static _adopt(fd: number, family: number, type: number, proto: number): Socket {
		adopting = true;
		try {
			return new Socket(family, type, proto, fd);
		} finally {
			adopting = false;
		}
	}

	/** The address family (`AF_INET`, …). */
	get family(): number {
		return this.#family;
	}

	/** The socket type (`SOCK_STREAM`, …), without `SOCK_NONBLOCK`/`SOCK_CLOEXEC`. */
	get type(): number {
		return this.#type;
	}

	/** The protocol number. */
	get proto(): number {
		return this.#proto;
	}

	/** The timeout in seconds (`null`: blocking, 0: non-blocking), as {@link Socket.gettimeout}. */
	get timeout(): number | null {
		return this.#timeout;
	}

	/**
	 * The file descriptor, or -1 once the socket is closed or detached
	 * (Python's `fileno()`). This is what a selector registers.
	 *
	 * @returns the fd, or -1
	 */
	fileno(): number {
		return this.#fd;
	}

	/**
	 * Binds the socket to a local address.
	 *
	 * @param address - `[host, port]` (AF_INET), `[host, port, flowinfo?, scopeId?]` (AF_INET6), a path (AF_UNIX); host `''` = any address, port 0 = any free port
	 * @throws {TypeError} for a wrongly shaped address
	 * @throws {RangeError} for a port outside 0-65535 (Python: OverflowError)
	 * @throws {GaiError} if the host name does not resolve
	 * @throws {OSError} EADDRINUSE, EACCES (PermissionError), EADDRNOTAVAIL …, with `address` and `port`
	 */
	bind(address: Address): void {
		parseAddress(this.#family, address, 'bind');
		const ret = native.bind(this.#fd, this.#family, parsed.host, parsed.port, parsed.flowinfo, parsed.scopeId);
		if (ret < 0) {
			throw OSError.fromErrno(-ret, 'bind', addressOptions(this.#family));
		}
	}

	/**
	 * Listens for connections.
	 *
	 * @param backlog - queue length; default min(SOMAXCONN, 128) as Python; negative values count as 0
	 * @throws {OSError} e.g. EOPNOTSUPP for a datagram socket
	 */
	listen(backlog?: number): void {
		let n = backlog === undefined ? DEFAULT_BACKLOG : toInt32(backlog, 'backlog');
		if (n < 0) {
			n = 0;
		}

		check(native.listen(this.#fd, n), 'listen');
	}

	/**
	 * Accepts a connection. The new socket has this one's family, type and
	 * protocol, the default timeout mode, and a non-blocking close-on-exec fd.
	 * Waits for a connection in blocking and timeout mode (blocking the event
	 * loop).
	 *
	 * @returns `[socket, address]`, the address of the peer
	 * @throws {BlockingIOError} in non-blocking mode when no connection is pending
	 * @throws {TimeoutError} in timeout mode when none arrives in time
	 * @throws {OSError} EINVAL if the socket is not listening, ECONNABORTED …
	 */
	accept(): [Socket, SocketAddress] {
		let deadline = NO_DEADLINE;
		for (;;) {
			const ret = native.accept(this.#fd, true);
			if (typeof ret !== 'number') {
				const sock = Socket._adopt(ret[0], this.#family, this.#type, this.#proto);
				try {
					return [sock, this.#address(ret[1], 'accept')];
				} catch (error) {
					sock.close(); // never leak the accepted fd
					throw error;
				}
			}

			deadline = this.#again(ret, POLLIN, 'accept', deadline);
		}
	}

	/**
	 * Connects to a remote address. In blocking and timeout mode this waits
	 * for the connection to complete (poll for writable, then SO_ERROR).
	 *
	 * In blocking and timeout mode a wait blocks the calling thread (the Node
	 * event loop on the main thread).
	 *
	 * @param address - see {@link Socket.bind}; host names resolve with getaddrinfo (blocking)
	 * @throws {BlockingIOError} EINPROGRESS in non-blocking mode: wait until writable, then read SO_ERROR (or call connectEx again);
	 * EAGAIN for an AF_UNIX listener whose backlog is full, in non-blocking and timeout mode (blocking mode waits, as the kernel would)
	 * @throws {ConnectionRefusedError} ECONNREFUSED, and other OSErrors, with `address` and `port`
	 * @throws {TimeoutError} `'timed out'` in timeout mode
	 * @throws {GaiError} if the host name does not resolve
	 */
	connect(address: Address): void {
		parseAddress(this.#family, address, 'connect');
		const ret = this.#connect();
		if (ret === 0) {
			return;
		}

		const errno = this.#finishConnect(-ret, true);
		if (errno !== 0) {
			throw OSError.fromErrno(errno, 'connect', addressOptions(this.#family));
		}
	}

	/**
	 * Like {@link Socket.connect}, but returns the errno instead of throwing
	 * for an OS error (Python's `connect_ex`): 0 on success, `EINPROGRESS` in
	 * non-blocking mode, `EAGAIN`/`EWOULDBLOCK` when a timeout expires (as
	 * CPython returns SOCK_TIMEOUT_ERR).
	 *
	 * In blocking and timeout mode a wait blocks the calling thread (the Node
	 * event loop on the main thread).
	 *
	 * @param address - see {@link Socket.connect}
	 * @returns 0 or a positive errno (compare with `os.constants.errno`)
	 * @throws {TypeError | RangeError | GaiError} for a bad or unresolvable address, as Python does
	 */
	connectEx(address: Address): number {
		parseAddress(this.#family, address, 'connect');
		const ret = this.#connect();
		return ret === 0 ? 0 : this.#finishConnect(-ret, false);
	}

	/**
	 * connect(2) to the address in `parsed`. A non-blocking AF_UNIX connect
	 * to a listener whose backlog is full fails with EAGAIN at once (where a
	 * blocking fd would sleep in the kernel), and poll() cannot tell when to
	 * retry: in blocking mode retry after short sleeps, as the kernel would
	 * wait. Timeout mode raises it, as CPython does (its fd is non-blocking too).
	 */
	#connect(): number {
		for (;;) {
			const ret = native.connect(this.#fd, this.#family, parsed.host, parsed.port, parsed.flowinfo, parsed.scopeId);
			if (ret !== -EAGAIN || this.#family !== AF_UNIX || this.#timeoutMs >= 0) {
				return ret;
			}

			sleepUntil(monotonicMs() + RETRY_SLEEP_MS);
		}
	}

	/**
	 * After connect(2) failed with `errno`: in blocking/timeout mode wait for
	 * an in-progress connection and return its SO_ERROR (CPython
	 * `internal_connect()`); otherwise return `errno`.
	 */
	#finishConnect(errno: number, raiseErrors: boolean): number {
		// EINTR: the connection goes on asynchronously, like EINPROGRESS.
		if ((errno !== EINPROGRESS && errno !== EINTR) || this.#timeoutMs === 0) {
			return errno;
		}

		const deadline = this.#timeoutMs < 0 ? Number.POSITIVE_INFINITY : monotonicMs() + this.#timeoutMs;
		try {
			waitFd(this.#fd, POLLOUT, deadline, 'connect');
		} catch (error) {
			if (!raiseErrors && error instanceof TimeoutError) {
				return EWOULDBLOCK;
			}

			throw error;
		}

		const ret = native.getsockoptInt(this.#fd, SOL_SOCKET, SO_ERROR, intOut);
		if (ret < 0) {
			return -ret;
		}

		const soError = intOut[0] ?? 0;
		return soError === EISCONN ? 0 : soError;
	}

	/**
	 * Receives up to `bufsize` bytes.
	 *
	 * In blocking and timeout mode a wait blocks the calling thread (the Node
	 * event loop on the main thread).
	 *
	 * @param bufsize - the most bytes to return
	 * @param flags - `MSG_*` flags. In blocking mode `MSG_WAITALL` waits for
	 * all `bufsize` bytes (fewer only at end of stream or on an error) and
	 * `MSG_DONTWAIT` makes this one call non-blocking; with `MSG_TRUNC` the
	 * result still holds at most `bufsize` bytes
	 * @returns exactly the bytes received, empty at end of stream (the peer shut down or closed)
	 * @throws {BlockingIOError} in non-blocking mode when nothing is available
	 * @throws {TimeoutError} in timeout mode
	 * @throws {ValueError} if `bufsize` is negative
	 * @throws {ConnectionResetError} and other OSErrors
	 */
	recv(bufsize: number, flags = 0): Buffer {
		const n = toBufsize(bufsize, 'recv');
		if ((flags | 0) !== flags) {
			toInt32(flags, 'flags');
		}

		const buf = receiveBuffer(n);
		if (this.#waitAll(flags)) {
			return receivedBytes(buf, this.#recvAll(buf, n, flags));
		}

		let deadline = NO_DEADLINE;
		for (;;) {
			const ret = native.recv(this.#fd, buf, 0, n, flags);
			if (ret >= 0) {
				// MSG_TRUNC makes the kernel return the real length, which
				// may exceed what was received into the buffer.
				return receivedBytes(buf, ret < n ? ret : n);
			}

			deadline = this.#again(ret, POLLIN, 'recv', deadline, flags);
		}
	}

	/**
	 * `MSG_WAITALL` in blocking mode: the fd is non-blocking, so the kernel
	 * ignores the flag; keep receiving until `n` bytes, end of stream or an
	 * error, as a blocking recv(2) with MSG_WAITALL would (an error after
	 * some bytes returns those bytes; the next call reports it).
	 */
	#waitAll(flags: number): boolean {
		return (flags & MSG_WAITALL) !== 0 && this.#timeoutMs < 0 && !this.#eagainIsFinal(flags)
			&& this.#type === SOCK_STREAM;
	}

	/**
	 * Whether EAGAIN ends a call with these flags: in non-blocking mode, and
	 * for `MSG_DONTWAIT` in blocking mode (CPython's blocking fd returns it).
	 * In timeout mode CPython waits first and retries, and so does this.
	 */
	#eagainIsFinal(flags: number): boolean {
		return this.#timeoutMs === 0 || ((flags & DONTWAIT) !== 0 && this.#timeoutMs < 0);
	}

	#recvAll(buffer: BytesLike, n: number, flags: number): number {
		let got = 0;
		let deadline = NO_DEADLINE;
		while (got < n) {
			const ret = native.recv(this.#fd, buffer, got, n - got, flags);
			if (ret > 0) {
				got += ret;
			} else if (ret === 0) {
				break;
			} else if (got > 0 && ret !== -EINTR && ret !== -EAGAIN && ret !== -EWOULDBLOCK) {
				break;
			} else {
				deadline = this.#again(ret, POLLIN, 'recv', deadline, flags);
			}
		}

		return got;
	}

	/**
	 * Receives into `buffer` (Python's `recv_into`), with no allocation.
	 *
	 * In blocking and timeout mode a wait blocks the calling thread (the Node
	 * event loop on the main thread).
	 *
	 * @param buffer - where to write (a Buffer, any TypedArray, DataView or ArrayBuffer)
	 * @param nbytes - the most bytes to receive; 0 (default) = the whole buffer
	 * @param flags - `MSG_*` flags, as {@link Socket.recv}
	 * @returns the number of bytes received, 0 at end of stream; with
	 * `MSG_TRUNC`, the kernel's count (a datagram's real length, possibly more
	 * than `nbytes`, as in Python), though only `nbytes` are written
	 * @throws {ValueError} if `nbytes` is negative or larger than the buffer
	 * @throws {BlockingIOError | TimeoutError | OSError} as {@link Socket.recv}
	 */
	recvInto(buffer: BytesLike, nbytes = 0, flags = 0): number {
		const n = this.#intoLength(buffer, nbytes, flags, 'recv_into');
		if (this.#waitAll(flags)) {
			return this.#recvAll(buffer, n, flags);
		}

		let deadline = NO_DEADLINE;
		for (;;) {
			const ret = native.recv(this.#fd, buffer, 0, n, flags);
			if (ret >= 0) {
				return ret;
			}

			deadline = this.#again(ret, POLLIN, 'recv', deadline, flags);
		}
	}

	/**
	 * Receives a datagram (or stream bytes) and the sender's address.
	 *
	 * In blocking and timeout mode a wait blocks the calling thread (the Node
	 * event loop on the main thread).
	 *
	 * @param bufsize - the most bytes to return (a longer datagram is truncated)
	 * @param flags - `MSG_*` flags
	 * @returns `[bytes, address]`; the address is `null` when the kernel gives none (a connected stream socket)
	 * @throws {BlockingIOError | TimeoutError | ValueError | OSError} as {@link Socket.recv}
	 */
	recvfrom(bufsize: number, flags = 0): [Buffer, SocketAddress | null] {
		const n = toBufsize(bufsize, 'recvfrom');
		if ((flags | 0) !== flags) {
			toInt32(flags, 'flags');
		}

		const buf = receiveBuffer(n);
		let deadline = NO_DEADLINE;
		for (;;) {
			const ret = native.recvfrom(this.#fd, buf, 0, n, flags);
			if (typeof ret !== 'number') {
				return [receivedBytes(buf, ret[0] < n ? ret[0] : n), toAddress(ret[1])];
			}

			deadline = this.#again(ret, POLLIN, 'recvfrom', deadline, flags);
		}
	}

	/**
	 * Receives into `buffer` and returns the sender's address (Python's
	 * `recvfrom_into`).
	 *
	 * In blocking and timeout mode a wait blocks the calling thread (the Node
	 * event loop on the main thread).
	 *
	 * @param buffer - where to write
	 * @param nbytes - the most bytes to receive; 0 (default) = the whole buffer
	 * @param flags - `MSG_*` flags
	 * @returns `[count, address]` (address `null` when the kernel gives none)
	 * @throws {BlockingIOError | TimeoutError | ValueError | OSError} as {@link Socket.recvInto}
	 */
	recvfromInto(buffer: BytesLike, nbytes = 0, flags = 0): [number, SocketAddress | null] {
		const n = this.#intoLength(buffer, nbytes, flags, 'recvfrom_into');
		let deadline = NO_DEADLINE;
		for (;;) {
			const ret = native.recvfrom(this.#fd, buffer, 0, n, flags);
			if (typeof ret !== 'number') {
				return [ret[0], toAddress(ret[1])];
			}

			deadline = this.#again(ret, POLLIN, 'recvfrom', deadline, flags);
		}
	}

	/**
	 * Sends bytes; may send fewer than given (see {@link Socket.sendall}).
	 * `MSG_NOSIGNAL` is added where the OS has it: a closed peer gives
	 * {@link BrokenPipeError} (EPIPE), never SIGPIPE.
	 *
	 * In blocking and timeout mode a wait blocks the calling thread (the Node
	 * event loop on the main thread).
	 *
	 * @param data - the bytes
	 * @param flags - `MSG_*` flags
	 * @returns the number of bytes sent
	 * @throws {BlockingIOError} in non-blocking mode when the send buffer is full
	 * @throws {TimeoutError} in timeout mode
	 * @throws {BrokenPipeError | ConnectionResetError | OSError}
	 * @throws {TypeError} if `data` is not bytes
	 */
	send(data: BytesLike, flags = 0): number {
		const n = byteLength(data);
		if ((flags | 0) !== flags) {
			toInt32(flags, 'flags');
		}

		const len = n > MAX_CHUNK ? MAX_CHUNK : n;
		const f = flags | NOSIGNAL;
		let deadline = NO_DEADLINE;
		for (;;) {
			const ret = native.send(this.#fd, data, 0, len, f);
			if (ret >= 0) {
				return ret;
			}

			deadline = this.#again(ret, POLLOUT, 'send', deadline, flags);
		}
	}

	/**
	 * Sends all of `data`, calling send(2) until done.
	 *
	 * In blocking mode it waits for room as needed; in timeout mode the
	 * timeout bounds the **whole** call (as Python 3.5+), not each send.
	 * In non-blocking mode it sends what fits and then throws
	 * {@link BlockingIOError} whose `bytesSent` says how much went out
	 * (Python loses that count).
	 *
	 * In blocking and timeout mode a wait blocks the calling thread (the Node
	 * event loop on the main thread).
	 *
	 * @param data - the bytes
	 * @param flags - `MSG_*` flags
	 * @throws {BlockingIOError} non-blocking and the data did not all fit; `bytesSent` set
	 * @throws {TimeoutError} when the timeout expires first (how much was sent is then unknown, as in Python)
	 * @throws {BrokenPipeError | ConnectionResetError | OSError}
	 */
	sendall(data: BytesLike, flags = 0): void {
		const total = byteLength(data);
		if ((flags | 0) !== flags) {
			toInt32(flags, 'flags');
		}

		if (total > 0xffff_ffff) {
			throw new RangeError('sendall(): data larger than 4 GiB; send it in parts');
		}

		const f = flags | NOSIGNAL;
		let sent = 0;
		let deadline = NO_DEADLINE;
		do {
			const left = total - sent;
			const ret = native.send(this.#fd, data, sent, left > MAX_CHUNK ? MAX_CHUNK : left, f);
			if (ret >= 0) {
				sent += ret;
				continue;
			}

			if ((ret === -EAGAIN || ret === -EWOULDBLOCK) && this.#eagainIsFinal(flags)) {
				const error = OSError.fromErrno(-ret, 'send') as BlockingIOError;
				error.bytesSent = sent;
				throw error;
			}

			deadline = this.#again(ret, POLLOUT, 'send', deadline, flags);
		} while (sent < total);
	}

	/**
	 * Sends a datagram to `address` (Python's `sendto(data[, flags], address)`).
	 *
	 * In blocking and timeout mode a wait blocks the calling thread (the Node
	 * event loop on the main thread).
	 *
	 * @param data - the bytes
	 * @param address - the destination
	 * @returns the number of bytes sent
	 * @throws {TypeError | RangeError | GaiError} for a bad or unresolvable address
	 * @throws {BlockingIOError | TimeoutError | OSError} as {@link Socket.send}
	 */
	sendto(data: BytesLike, address: Address): number;
	/**
	 * Sends a datagram to `address` with `MSG_*` `flags`, as the two-argument form.
	 *
	 * @param data - the bytes
	 * @param flags - `MSG_*` flags
	 * @param address - the destination
	 * @returns the number of bytes sent
	 */
	sendto(data: BytesLike, flags: number, address: Address): number;
	sendto(data: BytesLike, flagsOrAddress: number | Address, address?: Address): number {
		let flags = 0;
		let target: unknown = flagsOrAddress;
		if (address !== undefined) {
			flags = toInt32(flagsOrAddress, 'flags');
			target = address;
		}

		const n = byteLength(data);
		parseAddress(this.#family, target, 'sendto');
		const len = n > MAX_CHUNK ? MAX_CHUNK : n;
		const f = flags | NOSIGNAL;
		let deadline = NO_DEADLINE;
		for (;;) {
			const ret = native.sendto(this.#fd, data, 0, len, f, this.#family, parsed.host, parsed.port, parsed.flowinfo,
				parsed.scopeId);
			if (ret >= 0) {
				return ret;
			}

			deadline = this.#again(ret, POLLOUT, 'sendto', deadline, flags);
		}
	}

	/**
	 * Shuts down one or both directions.
	 *
	 * @param how - `SHUT_RD`, `SHUT_WR` or `SHUT_RDWR`
	 * @throws {OSError} ENOTCONN if not connected, EINVAL for a bad `how`
	 */
	shutdown(how: number): void {
		check(native.shutdown(this.#fd, toInt32(how, 'how')), 'shutdown');
	}

	/**
	 * Closes the socket; `fileno()` returns -1 afterwards. Closing twice is a
	 * no-op. ECONNRESET from close(2) is ignored, as in Python.
	 *
	 * @throws {OSError} if close(2) fails otherwise (the fd is released anyway)
	 */
	close(): void {
		const fd = this.#fd;
		if (fd < 0) {
			return;
		}

		this.#fd = -1;
		const ret = native.close(fd);
		if (ret < 0 && ret !== -ECONNRESET) {
			throw OSError.fromErrno(-ret, 'close');
		}
	}

	/**
	 * Closes the socket (for `using`).
	 */
	[Symbol.dispose](): void {
		this.close();
	}

	/**
	 * Gives up the fd without closing it: the socket acts as closed and the
	 * caller now owns the fd (which stays O_NONBLOCK).
	 *
	 * @returns the fd (-1 if already closed or detached)
	 */
	detach(): number {
		const fd = this.#fd;
		this.#fd = -1;
		return fd;
	}

	/**
	 * A new socket on a duplicate of the fd (close-on-exec), with the same
	 * family, type, protocol and timeout (Python's `dup()`).
	 *
	 * @returns the new socket
	 * @throws {OSError} EBADF if closed, EMFILE …
	 */
	dup(): Socket {
		const fd = check(native.dup(this.#fd), 'dup');
		const sock = Socket._adopt(fd, this.#family, this.#type, this.#proto);
		sock.settimeout(this.#timeout);
		return sock;
	}

	/**
	 * Sets blocking (`true`: timeout `null`) or non-blocking (`false`:
	 * timeout 0) mode. Only the module's behaviour changes: the fd stays
	 * O_NONBLOCK.
	 *
	 * @param flag - `true`/`false` (or 1/0, as Python accepts ints)
	 * @throws {TypeError} if `flag` is not a boolean or number
	 * @throws {OSError} EBADF if the socket is closed
	 */
	setblocking(flag: boolean): void {
		if (typeof flag !== 'boolean' && typeof flag !== 'number') {
			throw new TypeError(`setblocking(): flag must be a boolean, not ${typeName(flag)}`);
		}

		this.#checkOpen();
		this.#timeout = flag ? null : 0;
		this.#timeoutMs = flag ? -1 : 0;
	}

	/**
	 * Whether the socket is in blocking mode, which includes timeout mode
	 * (Python: `gettimeout() != 0`).
	 *
	 * @returns `false` only in non-blocking mode
	 */
	getblocking(): boolean {
		return this.#timeoutMs !== 0;
	}

	/**
	 * Sets the timeout of blocking calls, in **seconds** (not ms): `null`
	 * blocks without limit, 0 makes the socket non-blocking, a positive
	 * number bounds each call (rounded up to whole milliseconds).
	 *
	 * @param timeout - seconds, or `null`
	 * @throws {TypeError} if not a number or null
	 * @throws {ValueError} if negative or NaN
	 * @throws {RangeError} for `Infinity` (use `null`; Python: OverflowError)
	 * @throws {OSError} EBADF if the socket is closed
	 */
	settimeout(timeout: number | null): void {
		const value = checkTimeout(timeout);
		this.#checkOpen();
		this.#timeout = value;
		this.#timeoutMs = value === null ? -1 : timeoutToMs(value);
	}

	/**
	 * The timeout in seconds: `null` in blocking mode, 0 in non-blocking mode.
	 *
	 * @returns seconds or `null`
	 */
	gettimeout(): number | null {
		return this.#timeout;
	}

	/**
	 * Sets a socket option.
	 *
	 * @param level - `SOL_SOCKET`, `IPPROTO_TCP`, …
	 * @param option - `SO_REUSEADDR`, `TCP_NODELAY`, …
	 * @param value - an int (booleans count as 1/0), or bytes for a struct option (e.g. SO_LINGER: `new Int32Array([1, 0])`)
	 * @throws {TypeError} for a wrongly typed value
	 * @throws {OSError} ENOPROTOOPT, EINVAL …
	 */
	setsockopt(level: number, option: number, value: number | boolean | BytesLike): void {
		const lvl = toInt32(level, 'level');
		const opt = toInt32(option, 'option');
		let ret: number;
		if (typeof value === 'number' || typeof value === 'boolean') {
			ret = native.setsockoptInt(this.#fd, lvl, opt, typeof value === 'boolean' ? Number(value) : toInt32(value, 'value'));
		} else {
			byteLength(value, 'value: an int or a bytes-like object');
			ret = native.setsockoptBytes(this.#fd, lvl, opt, value);
		}

		check(ret, 'setsockopt');
	}

	/**
	 * Reads a socket option: an int, or with `buflen` the raw bytes.
	 *
	 * @param level - `SOL_SOCKET`, …
	 * @param option - `SO_ERROR`, `SO_RCVBUF`, …
	 * @returns the int value
	 * @throws {OSError} kernel errors
	 */
	getsockopt(level: number, option: number): number;
	/**
	 * Reads a socket option as raw bytes.
	 *
	 * @param level - `SOL_SOCKET`, …
	 * @param option - the option
	 * @param buflen - when > 0, the option is read as up to `buflen` bytes (1-1024, as Python)
	 * @returns a Buffer of the bytes the kernel wrote
	 * @throws {OSError} EINVAL `'getsockopt buflen out of range'` for `buflen` outside 0-1024; kernel errors
	 */
	getsockopt(level: number, option: number, buflen: number): Buffer;
	getsockopt(level: number, option: number, buflen?: number): number | Buffer {
		const lvl = toInt32(level, 'level');
		const opt = toInt32(option, 'option');
		const len = buflen === undefined ? 0 : toInt32(buflen, 'buflen');
		if (len === 0) {
			return getIntOption(this.#fd, lvl, opt);
		}

		if (len < 0 || len > 1024) {
			throw new OSError(EINVAL, undefined, {syscall: 'getsockopt', message: 'getsockopt buflen out of range'});
		}

		const buf = Buffer.alloc(len);
		const ret = check(native.getsockoptBytes(this.#fd, lvl, opt, buf), 'getsockopt');
		return buf.subarray(0, ret);
	}

	/**
	 * The socket's own address.
	 *
	 * @returns `[host, port]`, `[host, port, flowinfo, scopeId]` or a path (`''` if unbound)
	 * @throws {OSError} EBADF if closed
	 */
	getsockname(): SocketAddress {
		const ret = native.getsockname(this.#fd);
		if (typeof ret === 'number') {
			throw OSError.fromErrno(-ret, 'getsockname');
		}

		return this.#address(ret, 'getsockname');
	}

	/**
	 * The address of the connected peer.
	 *
	 * @returns the peer's address
	 * @throws {OSError} ENOTCONN if not connected, EBADF if closed
	 */
	getpeername(): SocketAddress {
		const ret = native.getpeername(this.#fd);
		if (typeof ret === 'number') {
			throw OSError.fromErrno(-ret, 'getpeername');
		}

		return this.#address(ret, 'getpeername');
	}

	/**
	 * Whether the fd is inherited by programs started with exec (Python's
	 * `get_inheritable()`); `false` for every fd this module creates.
	 *
	 * @returns `true` when FD_CLOEXEC is clear
	 */
	getInheritable(): boolean {
		return (check(native.fcntl(this.#fd, F_GETFD, 0), 'fcntl') & FD_CLOEXEC) === 0;
	}

	/**
	 * Sets or clears close-on-exec (Python's `set_inheritable()`).
	 *
	 * @param inheritable - `true` to let exec'd programs inherit the fd
	 */
	setInheritable(inheritable: boolean): void {
		const flags = check(native.fcntl(this.#fd, F_GETFD, 0), 'fcntl');
		check(native.fcntl(this.#fd, F_SETFD, inheritable ? flags & ~FD_CLOEXEC : flags | FD_CLOEXEC), 'fcntl');
	}

	/**
	 * Python's repr: `<Socket fd=5, family=2, type=1, proto=0, laddr=…, raddr=…>`.
	 *
	 * @returns a description for logs
	 */
	toString(): string {
		let text = `<Socket fd=${this.#fd}, family=${this.#family}, type=${this.#type}, proto=${this.#proto}`;
		if (this.#fd >= 0) {
			const laddr = native.getsockname(this.#fd);
			if (typeof laddr !== 'number') {
				text += `, laddr=${JSON.stringify(toAddress(laddr))}`;
			}

			const raddr = native.getpeername(this.#fd);
			if (typeof raddr !== 'number') {
				text += `, raddr=${JSON.stringify(toAddress(raddr))}`;
			}
		} else {
			text = text.replace('<Socket', '<Socket [closed]');
		}

		return `${text}>`;
	}

	/** @internal */
	[inspect.custom](): string {
		return this.toString();
	}

	/**
	 * One retry step after a failed call returned `ret` (-errno): returns the
	 * deadline to keep using when the call should be retried (EINTR, or
	 * EAGAIN after waiting for `events`), throws otherwise.
	 * Whether EAGAIN is final depends on the mode and `flags` (see `#eagainIsFinal`).
	 */
	#again(ret: number, events: number, syscall: string, deadline: number, flags = 0): number {
		if (ret === -EINTR) {
			return deadline;
		}

		if ((ret !== -EAGAIN && ret !== -EWOULDBLOCK) || this.#eagainIsFinal(flags)) {
			raise(-ret, syscall);
		}

		if (deadline === NO_DEADLINE) {
			deadline = this.#timeoutMs < 0 ? Number.POSITIVE_INFINITY : monotonicMs() + this.#timeoutMs;
		}

		waitFd(this.#fd, events, deadline, syscall);
		if (events === POLLOUT && this.#family === AF_UNIX && this.#type === SOCK_DGRAM) {
			// poll() reports an AF_UNIX datagram socket writable while its
			// own buffer has room, even when the receiver of an unconnected
			// sendto() is full (EAGAIN again): sleep a little instead of spinning.
			sleepUntil(Math.min(deadline, monotonicMs() + RETRY_SLEEP_MS));
		}

		return deadline;
	}

	#intoLength(buffer: BytesLike, nbytes: number, flags: number, fn: string): number {
		const size = byteLength(buffer, `${fn}(): a writable bytes-like object`);
		if (typeof nbytes !== 'number' || !Number.isInteger(nbytes)) {
			throw new TypeError(`${fn}(): nbytes must be an integer, not ${typeName(nbytes)}`);
		}

		if (nbytes < 0) {
			throw new ValueError(`negative buffersize in ${fn}`, 'ERR_INVALID_BUFSIZE');
		}

		if (nbytes > size) {
			throw new ValueError(`buffer too small for requested bytes`, 'ERR_INVALID_BUFSIZE');
		}

		if ((flags | 0) !== flags) {
			toInt32(flags, 'flags');
		}

		const n = nbytes === 0 ? size : nbytes;
		return n > MAX_CHUNK ? MAX_CHUNK : n;
	}

	#checkOpen(): void {
		if (this.#fd < 0) {
			throw OSError.fromErrno(EBADF);
		}
	}

	#address(na: NativeAddress, syscall: string): SocketAddress {
		const address = toAddress(na);
		if (address === null) {
			throw new OSError(EAFNOSUPPORT, undefined, {
				syscall,
				message: `${syscall}(): address family ${na[0]} is not supported by this module`,
			});
		}

		return address;
	}
}

function getIntOption(fd: number, level: number, option: number): number {
	check(native.getsockoptInt(fd, level, option, intOut), 'getsockopt');
	return intOut[0] ?? 0;
}

function detectFamily(fd: number): number {
	if (SO_DOMAIN !== undefined) {
		return getIntOption(fd, SOL_SOCKET, SO_DOMAIN);
	}

	const ret = native.getsockname(fd);
	if (typeof ret === 'number') {
		throw OSError.fromErrno(-ret, 'getsockname');
	}

	return ret[0];
}
