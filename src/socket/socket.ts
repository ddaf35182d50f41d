/**
 * Python's `socket.socket` over the addon's system calls.
 *
 * The file descriptor is **always** O_NONBLOCK. Python's three modes are
 * implemented above it by one I/O loop (./io.ts), the way CPython's
 * `sock_call_ex()` (Modules/socketmodule.c) implements timeouts:
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
 * O_NONBLOCK belongs to the file description, which every dup of the fd
 * shares (a child process given the fd as its stdin may clear it). So no
 * call relies on the flag: recv/send/recvfrom/sendto pass `MSG_DONTWAIT`
 * (free: it is part of the call), so a wait always happens in poll(), never
 * in the kernel call; `setblocking()`/`settimeout()` set O_NONBLOCK again
 * (fcntl, as CPython calls it every time); accept and connect in
 * non-blocking and timeout mode read the flags first (one fcntl(F_GETFL),
 * plus F_SETFL if another holder cleared it). In blocking mode accept and
 * connect do not check: if O_NONBLOCK was cleared they block in the kernel,
 * which is what blocking mode asks for.
 *
 * **Blocking and timeout calls block the thread they run on — on the main
 * thread, the whole Node event loop: no timer, I/O callback or promise runs
 * until they return.** Use non-blocking sockets with a selector to serve
 * many connections, or run blocking code in a `worker_thread`. In a worker
 * the wait is cut into poll() calls of at most 250 ms, so `terminate()` and
 * `process.exit()` stop a worker blocked in a socket call within that time
 * (the cost: a blocked worker wakes four times a second; the main thread
 * waits in one poll()).
 *
 * @module
 */
import {Buffer} from 'node:buffer';
import {constants as osConstants} from 'node:os';
import {inspect} from 'node:util';
import {toBufsize, toInt32, typeName} from '../args.js';
import {byteLength, type BytesLike, receiveBuffer, receivedBytes} from '../bytes.js';
import {argRangeError, argTypeError, type BlockingIOError, OSError, ValueError, check} from '../errors.js';
import {CLOEXEC, getFdFlag, NONBLOCK, setFdFlag} from '../fd-flags.js';
import {native, type NativeAddress} from '../native.js';
import {monotonicMs, remainingMs, timeoutToMs} from '../time.js';
import {
	type Address,
	addressArgs,
	parseAddress,
	type SockAddr,
	type SocketAddress,
	toAddress,
} from './address.js';
import {
	AF_INET,
	AF_UNIX,
	MSG_DONTWAIT,
	MSG_NOSIGNAL,
	MSG_WAITALL,
	SOCK_CLOEXEC,
	SOCK_DGRAM,
	SOCK_NONBLOCK,
	SOCK_STREAM,
	SOL_SOCKET,
	SO_DOMAIN,
	SO_ERROR,
	SO_PROTOCOL,
	SO_TYPE,
	SOMAXCONN,
} from './constants.js';
import {type SendfileSource, socketSendfile} from './sendfile.js';
import {type MakefileOptions, makefileMode, SocketFile, TextSocketFile} from './makefile.js';
import {
	recvmsgBytes,
	recvmsgCall,
	type RecvmsgIntoResult,
	type RecvmsgResult,
	sendmsgStep,
	toAncbufsize,
	toAncillary,
	toBufferList,
} from './msg.js';
import {
	ioErrno,
	ioError,
	isWouldBlock,
	sockCall,
	TIMED_OUT,
	WAIT_FIRST,
	WAIT_NAP,
	WAIT_READ,
	WAIT_WRITE,
} from './io.js';

/** Added to every send()'s flags: no SIGPIPE, the EPIPE error instead (Node ignores SIGPIPE anyway). */
const NOSIGNAL = MSG_NOSIGNAL ?? 0;
/**
 * Flag that makes one call non-blocking even on a blocking fd (0 where the
 * OS lacks it). Added to every recv/send/recvfrom/sendto: the fd's own
 * O_NONBLOCK may have been cleared by another holder of the file description.
 */
const DONTWAIT = MSG_DONTWAIT ?? 0;
const TYPE_FLAGS = (SOCK_NONBLOCK ?? 0) | (SOCK_CLOEXEC ?? 0);
const E = osConstants.errno;
const EAFNOSUPPORT = E.EAFNOSUPPORT;
const EINVAL = E.EINVAL;
const EBADF = E.EBADF;
const ECONNRESET = E.ECONNRESET;
const EINPROGRESS = E.EINPROGRESS;
const EINTR = E.EINTR;
const EISCONN = E.EISCONN;
const EWOULDBLOCK = E.EWOULDBLOCK;
/** Python's default listen() backlog: min(SOMAXCONN, 128). */
const DEFAULT_BACKLOG = Math.min(SOMAXCONN, 128);
/** Longest single send/recv length the addon takes (a uint32; the kernel caps lower anyway). */
const MAX_CHUNK = 0x7fff_f000;

/**
 * Scratch for getsockopt(int) and SO_ERROR: written by the addon and read
 * right after, with no JavaScript in between.
 */
const intOut = new Int32Array(1);

let defaultTimeout: number | null = null;

/**
 * The constructor's last argument when this module wraps an fd it just
 * created (non-blocking and close-on-exec already, family/type/proto known):
 * no system call. Not exported, so only this module can pass it.
 */
const TRUSTED: unique symbol = Symbol('trusted fd');

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
		throw argTypeError(`timeout must be a number or null, not ${typeName(value)}`);
	}

	if (Number.isNaN(value)) {
		throw new ValueError('Invalid value NaN (not a number)', 'ERR_INVALID_TIMEOUT');
	}

	if (value < 0) {
		throw new ValueError('Timeout value out of range', 'ERR_INVALID_TIMEOUT');
	}

	// Python: OverflowError ("timestamp too large to convert to C _PyTime_t").
	if (value === Number.POSITIVE_INFINITY) {
		throw argRangeError('timeout too large: use null to block');
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
function addressOptions(addr: SockAddr): {address: string; port?: number} {
	const address = addr.host === '' ? addr.label : addr.host;
	return addr.family === AF_UNIX ? {address} : {address, port: addr.port};
}

/** Sets O_NONBLOCK on `fd` if it is clear. @returns 0, or -errno */
function setNonblocking(fd: number): number {
	return setFdFlag(fd, NONBLOCK, true);
}

// The steps the I/O loop runs that are not addon functions as they are.

/** sendto(2) with the address in the addon's form. */
function sendtoStep(fd: number, data: BytesLike, len: number, flags: number, addr: SockAddr): number {
	return native.sendto(fd, data, 0, len, flags, ...addressArgs(addr));
}

/**
 * connect(2). The fd is non-blocking, so connect does not sleep and EINTR
 * can only come if another holder cleared O_NONBLOCK: the connection then
 * goes on in the background (CPython bpo-23618), as after EINPROGRESS.
 */
function connectStep(fd: number, addr: SockAddr): number {
	const ret = native.connect(fd, ...addressArgs(addr));
	return ret === -EINTR ? -EINPROGRESS : ret;
}

/** The outcome of an in-progress connect: SO_ERROR (EISCONN counts as connected), as CPython's `sock_connect_impl()`. */
function soErrorStep(fd: number, out: Int32Array): number {
	const ret = native.getsockoptInt(fd, SOL_SOCKET, SO_ERROR, out);
	if (ret < 0) {
		return ret;
	}

	const soError = out[0] ?? 0;
	return soError === 0 || soError === EISCONN ? 0 : -soError;
}

/** The flags argument as a C int. */
function toFlags(flags: number): number {
	return (flags | 0) === flags ? flags : toInt32(flags, 'flags');
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
	/** What send/sendto wait for on EAGAIN: writable, plus a nap for AF_UNIX datagrams (set in the constructor). */
	readonly #writeWait: number;

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
	 * @param trusted - for this module only (a private symbol: wrap an fd it just created without system calls); leave it out
	 * @throws {TypeError} if an argument is not an integer
	 * @throws {RangeError} if an argument does not fit a C int
	 * @throws {ValueError} if `fileno` is negative
	 * @throws {OSError} if socket(2) fails (EAFNOSUPPORT, EPROTONOSUPPORT, EMFILE …), or `fileno` is not a socket (ENOTSOCK)
	 */
	constructor(family?: number, type?: number, proto?: number, fileno?: number | null, trusted?: symbol) {
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

			if (trusted !== TRUSTED) {
				if (fam === -1) {
					fam = detectFamily(fd);
				}

				if (typ === -1) {
					typ = getIntOption(fd, SOL_SOCKET, SO_TYPE);
				}

				if (pro === -1) {
					pro = SO_PROTOCOL === undefined ? 0 : getIntOption(fd, SOL_SOCKET, SO_PROTOCOL);
				}

				check(setNonblocking(fd), 'fcntl');
			}

			this.#fd = fd;
		}

		this.#family = fam;
		// As CPython's init_sockobject(): the type attribute never carries the
		// creation flags, and SOCK_NONBLOCK means "start non-blocking".
		this.#type = typ & ~TYPE_FLAGS;
		this.#proto = pro;
		// poll() reports an AF_UNIX datagram socket writable while its own
		// buffer has room, even when the receiver of an unconnected sendto()
		// is full (EAGAIN again): nap between retries instead of spinning.
		this.#writeWait = fam === AF_UNIX && this.#type === SOCK_DGRAM ? WAIT_WRITE | WAIT_NAP : WAIT_WRITE;
		if (SOCK_NONBLOCK !== undefined && (typ & SOCK_NONBLOCK) !== 0) {
			this.#timeout = 0;
			this.#timeoutMs = 0;
		} else {
			this.#timeout = defaultTimeout;
			this.#timeoutMs = defaultTimeout === null ? -1 : timeoutToMs(defaultTimeout);
		}
	}

	/**
	 * Wraps an open socket fd, **taking ownership of it** (Python's
	 * `socket.socket(fileno=fd)`): no dup, and `close()` closes `fd` itself.
	 * Family, type and protocol are detected unless given. To wrap a
	 * duplicate instead, as Python's `socket.fromfd()`, use {@link fromfd}.
	 *
	 * **The double-close trap:** after this call the socket owns `fd`. Do
	 * not also close `fd` yourself (with `os.close`, `fs.closeSync`, another
	 * socket adopting it, a Node handle that owns it): once one owner closes
	 * it, the number may be reused at once by any new fd of the process, and
	 * the second close (or any call on the stale socket) then hits that
	 * unrelated file. Give up ownership with {@link Socket.detach}, or adopt a
	 * dup (`fromfd`) when something else keeps the original.
	 *
	 * @param fd - an open socket file descriptor
	 * @param family - overrides the detected family
	 * @param type - overrides the detected type
	 * @param proto - overrides the detected protocol
	 * @returns the socket, in the default timeout mode, its fd now O_NONBLOCK
	 * @throws {ValueError} if `fd` is negative
	 * @throws {OSError} if `fd` is not an open socket (EBADF, ENOTSOCK)
	 */
	static adoptFd(fd: number, family?: number, type?: number, proto?: number): Socket {
		return new Socket(family, type, proto, fd);
	}

	/**
	 * Wraps an fd this module just created (non-blocking and close-on-exec
	 * already), with no system call.
	 *
	 * @internal
	 */
	static _adopt(fd: number, family: number, type: number, proto: number): Socket {
		return new Socket(family, type, proto, fd, TRUSTED);
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
		const addr = parseAddress(this.#family, address, 'bind');
		const ret = native.bind(this.#fd, ...addressArgs(addr));
		if (ret < 0) {
			throw OSError.fromErrno(-ret, 'bind', addressOptions(addr));
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
		if (this.#timeoutMs >= 0) {
			// accept(2) has no MSG_DONTWAIT: make sure the listening fd is
			// still non-blocking, or a non-blocking/timeout accept could sleep.
			setNonblocking(this.#fd);
		}

		const ret = sockCall(
			this.#fd,
			this.#timeoutMs,
			WAIT_READ,
			native.accept,
			true,
			undefined,
			undefined,
			undefined,
		);
		if (typeof ret === 'number') {
			throw ioError(ret, 'accept');
		}

		const sock = Socket._adopt(ret[0], this.#family, this.#type, this.#proto);
		try {
			return [sock, this.#address(ret[1], 'accept')];
		} catch (error) {
			sock.close(); // never leak the accepted fd
			throw error;
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
		const addr = parseAddress(this.#family, address, 'connect');
		const ret = this.#connect(addr);
		if (ret === TIMED_OUT) {
			throw ioError(ret, 'connect');
		}

		if (ret < 0) {
			throw OSError.fromErrno(ioErrno(ret), 'connect', addressOptions(addr));
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
		const ret = this.#connect(parseAddress(this.#family, address, 'connect'));
		if (ret === TIMED_OUT) {
			return EWOULDBLOCK; // CPython's SOCK_TIMEOUT_ERR
		}

		return ret < 0 ? ioErrno(ret) : 0;
	}

	/**
	 * connect(2) to `addr`, then in blocking and timeout mode wait for an
	 * in-progress connection and take its SO_ERROR (CPython
	 * `internal_connect()`).
	 *
	 * A non-blocking AF_UNIX connect to a listener whose backlog is full fails
	 * with EAGAIN at once (where a blocking fd would sleep in the kernel), and
	 * poll() cannot tell when to retry: blocking mode retries after short naps,
	 * as the kernel would wait; timeout mode raises it, as CPython does (its fd
	 * is non-blocking there too).
	 *
	 * @returns 0, a failure code or TIMED_OUT (see ./io.ts)
	 */
	#connect(addr: SockAddr): number {
		const fd = this.#fd;
		const mode = this.#timeoutMs;
		if (mode >= 0) {
			// connect(2) has no MSG_DONTWAIT: make sure the fd is still
			// non-blocking, or a non-blocking/timeout connect could sleep.
			setNonblocking(fd);
		}

		const wait = mode < 0 && this.#family === AF_UNIX ? WAIT_NAP : 0;
		const ret = sockCall(fd, mode, wait, connectStep, addr, undefined, undefined, undefined);
		if (ret !== -EINPROGRESS || mode === 0) {
			return ret;
		}

		return sockCall(
			fd,
			mode,
			WAIT_FIRST | WAIT_WRITE,
			soErrorStep,
			intOut,
			undefined,
			undefined,
			undefined,
		);
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
		const f = toFlags(flags);
		const buf = receiveBuffer(n);
		if (this.#waitAll(f)) {
			return receivedBytes(buf, this.#recvAll(buf, n, f));
		}

		const ret = sockCall(this.#fd, this.#mode(f), WAIT_READ, native.recv, buf, 0, n, f | DONTWAIT);
		if (ret < 0) {
			throw ioError(ret, 'recv');
		}

		// MSG_TRUNC makes the kernel return the real length, which may
		// exceed what was received into the buffer.
		return receivedBytes(buf, ret < n ? ret : n);
	}

	/**
	 * The timeout (ms) a call with these flags runs with: the socket's, except
	 * that `MSG_DONTWAIT` makes a blocking-mode call non-blocking (CPython's
	 * blocking fd returns EAGAIN then). In timeout mode CPython waits and
	 * retries even with MSG_DONTWAIT, and so does this.
	 */
	#mode(flags: number): number {
		return this.#timeoutMs < 0 && (flags & DONTWAIT) !== 0 ? 0 : this.#timeoutMs;
	}

	/**
	 * `MSG_WAITALL` in blocking mode: the fd is non-blocking, so the kernel
	 * ignores the flag; keep receiving until `n` bytes, end of stream or an
	 * error, as a blocking recv(2) with MSG_WAITALL would (an error after
	 * some bytes returns those bytes; the next call reports it).
	 */
	#waitAll(flags: number): boolean {
		return (flags & MSG_WAITALL) !== 0 && this.#mode(flags) < 0 && this.#type === SOCK_STREAM;
	}

	#recvAll(buffer: BytesLike, n: number, flags: number): number {
		const f = flags | DONTWAIT;
		let got = 0;
		while (got < n) {
			const ret = sockCall(this.#fd, -1, WAIT_READ, native.recv, buffer, got, n - got, f);
			if (ret > 0) {
				got += ret;
			} else if (ret === 0 || got > 0) {
				break;
			} else {
				throw ioError(ret, 'recv');
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

		const ret = sockCall(
			this.#fd,
			this.#mode(flags),
			WAIT_READ,
			native.recv,
			buffer,
			0,
			n,
			flags | DONTWAIT,
		);
		if (ret < 0) {
			throw ioError(ret, 'recv');
		}

		return ret;
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
		const f = toFlags(flags);
		const buf = receiveBuffer(n);
		const ret = sockCall(this.#fd, this.#mode(f), WAIT_READ, native.recvfrom, buf, 0, n, f | DONTWAIT);
		if (typeof ret === 'number') {
			throw ioError(ret, 'recvfrom');
		}

		return [receivedBytes(buf, ret[0] < n ? ret[0] : n), toAddress(ret[1])];
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
		const ret = sockCall(
			this.#fd,
			this.#mode(flags),
			WAIT_READ,
			native.recvfrom,
			buffer,
			0,
			n,
			flags | DONTWAIT,
		);
		if (typeof ret === 'number') {
			throw ioError(ret, 'recvfrom');
		}

		return [ret[0], toAddress(ret[1])];
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
		const f = toFlags(flags);
		const len = n > MAX_CHUNK ? MAX_CHUNK : n;
		const ret = sockCall(
			this.#fd,
			this.#mode(f),
			this.#writeWait,
			native.send,
			data,
			0,
			len,
			f | NOSIGNAL | DONTWAIT,
		);
		if (ret < 0) {
			throw ioError(ret, 'send');
		}

		return ret;
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
		const f = toFlags(flags);
		if (total > 0xffff_ffff) {
			throw argRangeError('sendall(): data larger than 4 GiB; send it in parts');
		}

		const kernelFlags = f | NOSIGNAL | DONTWAIT;
		const mode = this.#mode(f);
		// As CPython's sock_sendall(): one deadline for the whole call.
		const deadline = mode > 0 ? monotonicMs() + mode : 0;
		let sent = 0;
		do {
			let timeoutMs = mode;
			if (mode > 0) {
				timeoutMs = remainingMs(deadline);
				if (timeoutMs <= 0) {
					throw ioError(TIMED_OUT, 'send');
				}
			}

			const left = total - sent;
			const ret = sockCall(
				this.#fd,
				timeoutMs,
				this.#writeWait,
				native.send,
				data,
				sent,
				left > MAX_CHUNK ? MAX_CHUNK : left,
				kernelFlags,
			);
			if (ret < 0) {
				const error = ioError(ret, 'send');
				if (isWouldBlock(ret)) {
					(error as BlockingIOError).bytesSent = sent;
				}

				throw error;
			}

			sent += ret;
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
		const addr = parseAddress(this.#family, target, 'sendto');
		const len = n > MAX_CHUNK ? MAX_CHUNK : n;
		const ret = sockCall(
			this.#fd,
			this.#mode(flags),
			this.#writeWait,
			sendtoStep,
			data,
			len,
			flags | NOSIGNAL | DONTWAIT,
			addr,
		);
		if (ret < 0) {
			throw ioError(ret, 'sendto');
		}

		return ret;
	}

	/**
	 * Sends the data of `buffers` (gathered, in order) with ancillary data
	 * in one sendmsg(2) (Python's `sendmsg(buffers[, ancdata[, flags[,
	 * address]]])`). See {@link sendFds} for passing file descriptors.
	 *
	 * In blocking and timeout mode a wait blocks the calling thread (the Node
	 * event loop on the main thread).
	 *
	 * @param buffers - an iterable of bytes (Buffer, TypedArray, DataView, ArrayBuffer)
	 * @param ancdata - `[level, type, data]` items, e.g. `[SOL_SOCKET, SCM_RIGHTS, Int32Array.of(fd)]`
	 * @param flags - `MSG_*` flags (`MSG_NOSIGNAL` is added)
	 * @param address - the destination for an unconnected datagram socket; `null`/omitted for none
	 * @returns the number of data bytes sent
	 * @throws {TypeError} for wrongly typed buffers or items (Python's messages)
	 * @throws {BlockingIOError | TimeoutError | OSError} as {@link Socket.send}; EINVAL/EBADF for bad ancillary data
	 */
	sendmsg(
		buffers: Iterable<BytesLike>,
		ancdata: Iterable<readonly [number, number, BytesLike]> = [],
		flags = 0,
		address?: unknown,
	): number {
		const list = toBufferList(buffers, 'sendmsg');
		const anc = toAncillary(ancdata);
		const f = toFlags(flags);
		const addr =
			address === undefined || address === null ? null : parseAddress(this.#family, address, 'sendmsg');
		const ret = sockCall(
			this.#fd,
			this.#mode(f),
			this.#writeWait,
			sendmsgStep,
			list,
			anc,
			f | NOSIGNAL | DONTWAIT,
			addr,
		);
		if (ret < 0) {
			throw ioError(ret, 'sendmsg');
		}

		return ret;
	}

	/**
	 * Receives up to `bufsize` bytes and up to `ancbufsize` bytes of
	 * ancillary data in one recvmsg(2) (Python's `recvmsg`). Size
	 * `ancbufsize` with {@link CMSG_SPACE} (or {@link CMSG_LEN} for one
	 * item). File descriptors received in SCM_RIGHTS items are close-on-exec
	 * and the caller's to close, including those of a message the kernel
	 * truncated (`MSG_CTRUNC` in the flags: this method closes nothing; see
	 * {@link recvFds}).
	 *
	 * In blocking and timeout mode a wait blocks the calling thread (the Node
	 * event loop on the main thread).
	 *
	 * @param bufsize - the most data bytes
	 * @param ancbufsize - the control buffer size (0: no ancillary data)
	 * @param flags - `MSG_*` flags
	 * @returns `[data, ancdata, msgFlags, address]`; each ancdata item is `[level, type, data]` with a copy of its bytes; the address is `null` when the kernel gives none
	 * @throws {ValueError} if a size is negative
	 * @throws {BlockingIOError | TimeoutError | OSError} as {@link Socket.recv}
	 */
	recvmsg(bufsize: number, ancbufsize = 0, flags = 0): RecvmsgResult {
		const f = toFlags(flags);
		return recvmsgBytes(this.#fd, this.#mode(f), bufsize, ancbufsize, f | DONTWAIT);
	}

	/**
	 * Like {@link Socket.recvmsg}, but scatters the data into `buffers` in
	 * order, with no allocation for it (Python's `recvmsg_into`).
	 *
	 * @param buffers - an iterable of writable bytes
	 * @param ancbufsize - the control buffer size
	 * @param flags - `MSG_*` flags
	 * @returns `[nbytes, ancdata, msgFlags, address]`
	 * @throws {TypeError | ValueError | BlockingIOError | TimeoutError | OSError} as {@link Socket.recvmsg}
	 */
	recvmsgInto(buffers: Iterable<BytesLike>, ancbufsize = 0, flags = 0): RecvmsgIntoResult {
		const list = toBufferList(buffers, 'recvmsg_into');
		const anc = toAncbufsize(ancbufsize, 'recvmsg_into');
		const f = toFlags(flags);
		const [message, items] = recvmsgCall(this.#fd, this.#mode(f), list, anc, f | DONTWAIT);
		return [message[0], items, message[1], toAddress(message[2])];
	}

	/**
	 * Sends a file over this stream socket (Python's `socket.sendfile(file,
	 * offset=0, count=None)`): zero-copy with sendfile(2), in blocks of at
	 * most 1 GiB, falling back to read() and send() when the kernel refuses
	 * the first sendfile (not a regular file, e.g. a pipe; no sendfile on this
	 * OS) or the file is empty by fstat.
	 *
	 * `file` is an fd number, a `FileHandle` from `fs/promises` (or anything
	 * with a numeric `fd`, such as an open `fs.ReadStream`), or an object
	 * with `fileno()`. Reading starts at `offset` (not at the file position).
	 * Afterwards, as in Python, the file position is set to just past the last
	 * byte sent (when anything was sent; a pipe has no position). The file is
	 * not closed.
	 *
	 * Blocking and timeout mode only; each wait for room is bounded by the
	 * timeout (as CPython's). Blocks the calling thread (the Node event loop
	 * on the main thread) until done: use `os.sendfile` with a selector for
	 * non-blocking sockets.
	 *
	 * @param file - the source (see above)
	 * @param offset - the first byte to send (default 0)
	 * @param count - the most bytes to send; `null` (default) = to end of file
	 * @returns the number of bytes sent
	 * @throws {ValueError} on a non-blocking socket, a non-SOCK_STREAM socket, or `count` <= 0
	 * @throws {TypeError} for an unusable `file`, a non-integer `count`/`offset`
	 * @throws {TimeoutError} in timeout mode when a wait lasts longer than the timeout
	 * @throws {BrokenPipeError | ConnectionResetError | OSError}
	 */
	sendfile(file: SendfileSource, offset = 0, count: number | null = null): number {
		this.#checkOpen();
		return socketSendfile(this.#fd, this.#type, this.#timeoutMs, file, offset, count);
	}

	/**
	 * A file over this socket (Python's `makefile(mode='r',
	 * buffering=None, *, encoding=None, errors=None, newline=None)`): in a
	 * binary mode (`'rb'`, `'wb'`, `'rwb'`) a buffered {@link SocketFile}
	 * (`readline()`, `read(n)`, `read1()`, `readinto()`, iteration by
	 * lines, `write()`, `flush()`); in text mode (`'r'`, the default, `'w'`,
	 * `'rw'`) a {@link TextSocketFile} of strings with Python's newline rules.
	 * Python's rules for each socket mode apply (see {@link SocketFile}).
	 *
	 * **Differences from Python:** `buffering` 0 (an unbuffered raw file) is
	 * refused; text mode decodes UTF-8 or Latin-1 only and counts lengths in
	 * UTF-16 code units; closing the file never closes the socket (Python
	 * closes it with its last file once `socket.close()` was called): close
	 * the socket yourself, after the files.
	 *
	 * @param mode - `'r'` (default), `'w'`, `'rw'`, or with `'b'` for bytes
	 * @param buffering - the buffer size; `null`/-1 = 8192 (`io.DEFAULT_BUFFER_SIZE`)
	 * @param options - text mode: `encoding`, `errors`, `newline`
	 * @returns the file
	 * @throws {ValueError} `invalid mode …`, buffering 0, an unknown encoding or newline
	 * @throws {TypeError} for a non-string mode or non-integer buffering
	 */
	makefile(mode: `${string}b${string}`, buffering?: number | null, options?: MakefileOptions): SocketFile;
	/**
	 * A text file over this socket, as the binary form but of strings.
	 *
	 * @param mode - `'r'` (default), `'w'`, `'rw'`
	 * @param buffering - the buffer size
	 * @param options - `encoding`, `errors`, `newline`
	 * @returns the file
	 */
	makefile(mode?: string, buffering?: number | null, options?: MakefileOptions): TextSocketFile;
	makefile(
		mode = 'r',
		buffering: number | null = null,
		options: MakefileOptions = {},
	): SocketFile | TextSocketFile {
		const [readable, writable, size, binary] = makefileMode(mode, buffering);
		if (binary) {
			for (const name of ['encoding', 'errors', 'newline'] as const) {
				if (options[name] !== undefined && options[name] !== null) {
					throw new ValueError(
						`binary mode doesn't take an ${name} argument`,
						'ERR_INVALID_ARG_VALUE',
					);
				}
			}

			return new SocketFile(this, mode, readable, writable, size);
		}

		return new TextSocketFile(new SocketFile(this, `${mode}b`, readable, writable, size), mode, options);
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
		// The dup shares the file description, O_NONBLOCK included: no fcntl.
		sock.#timeout = this.#timeout;
		sock.#timeoutMs = this.#timeoutMs;
		return sock;
	}

	/**
	 * Sets blocking (`true`: timeout `null`) or non-blocking (`false`:
	 * timeout 0) mode. The fd stays O_NONBLOCK in both: this sets the flag
	 * again if another holder of the file description cleared it (an fcntl
	 * every time, as CPython's).
	 *
	 * @param flag - `true`/`false` (or 1/0, as Python accepts ints)
	 * @throws {TypeError} if `flag` is not a boolean or number
	 * @throws {OSError} EBADF if the socket is closed
	 */
	setblocking(flag: boolean): void {
		if (typeof flag !== 'boolean' && typeof flag !== 'number') {
			throw argTypeError(`setblocking(): flag must be a boolean, not ${typeName(flag)}`);
		}

		this.#checkOpen();
		check(setNonblocking(this.#fd), 'fcntl');
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
	 * number bounds each call (rounded up to whole milliseconds). Like
	 * {@link Socket.setblocking}, sets O_NONBLOCK again if it was cleared.
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
		check(setNonblocking(this.#fd), 'fcntl');
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
			ret = native.setsockoptInt(
				this.#fd,
				lvl,
				opt,
				typeof value === 'boolean' ? Number(value) : toInt32(value, 'value'),
			);
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
			throw new OSError(EINVAL, undefined, {
				syscall: 'getsockopt',
				message: 'getsockopt buflen out of range',
			});
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
		return check(getFdFlag(this.#fd, CLOEXEC), 'fcntl') === 0;
	}

	/**
	 * Sets or clears close-on-exec (Python's `set_inheritable()`).
	 *
	 * @param inheritable - `true` to let exec'd programs inherit the fd
	 */
	setInheritable(inheritable: boolean): void {
		check(setFdFlag(this.#fd, CLOEXEC, !inheritable), 'fcntl');
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

	#intoLength(buffer: BytesLike, nbytes: number, flags: number, fn: string): number {
		const size = byteLength(buffer, `${fn}(): a writable bytes-like object`);
		if (typeof nbytes !== 'number' || !Number.isInteger(nbytes)) {
			throw argTypeError(`${fn}(): nbytes must be an integer, not ${typeName(nbytes)}`);
		}

		if (nbytes < 0) {
			throw new ValueError(`negative buffersize in ${fn}`, 'ERR_INVALID_BUFSIZE');
		}

		if (nbytes > size) {
			throw new ValueError(`buffer too small for requested bytes`, 'ERR_INVALID_BUFSIZE');
		}

		toFlags(flags);
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
