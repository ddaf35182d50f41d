/**
 * The native addon, typed by one interface.
 *
 * Every function makes one system call (or a fixed sequence) and returns its
 * result, or `-errno` on failure; it never throws for an OS error. It throws
 * `TypeError` for an argument of the wrong type (`code`
 * `'ERR_INVALID_ARG_TYPE'`, `'ERR_MISSING_ARGS'`) and `RangeError`
 * (`'ERR_OUT_OF_RANGE'`) for a number out of range or an offset/length
 * outside the given buffer, naming the argument by its index; the wrappers
 * check first and name the parameter. Policy lives in TypeScript.
 *
 * @internal
 */
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

/** `[AF_INET, host, port]`, `[AF_INET6, host, port, flowinfo, scopeId]`, `[AF_UNIX, path]`, `[AF_NETLINK, pid, groups]`, `[AF_PACKET, ifname, proto, pkttype, hatype, addr]` or `[family]`. */
export type NativeAddress =
	| readonly [family: number, host: string, port: number]
	| readonly [family: number, host: string, port: number, flowinfo: number, scopeId: number]
	| readonly [family: number, path: string]
	| readonly [family: number, pid: number, groups: number]
	| readonly [
			family: number,
			ifname: string,
			proto: number,
			pkttype: number,
			hatype: number,
			addr: Uint8Array,
	  ]
	| readonly [family: number];

/** An address as the addon's bind/connect/sendto/sendmsg take it, in five arguments (family < 0: none). */
export type NativeAddressArgs = [
	family: number,
	host: string,
	port: number,
	flowinfo: number,
	scopeId: number,
];

/** One getaddrinfo(3) result. */
export type NativeAddrInfo = readonly [
	family: number,
	type: number,
	proto: number,
	canonname: string,
	address: NativeAddress,
];

/** getaddrinfo(3) failure: `eai` is the EAI_* code, `errno` is set for EAI_SYSTEM. */
export interface NativeGaiError {
	readonly eai: number;
	readonly errno: number;
	readonly message: string;
}

/** recvmsg(2)'s result: the control messages' data located in the caller's control buffer. */
export type NativeMessage = readonly [
	bytes: number,
	msgFlags: number,
	address: NativeAddress,
	cmsgs: ReadonlyArray<readonly [level: number, type: number, offset: number, length: number]>,
];

/** Bytes the addon reads from or writes into. */
export type Bytes = ArrayBufferView | ArrayBuffer;

declare const ringBrand: unique symbol;
/** Opaque handle of an io_uring instance (native/uring.c). */
export type NativeRing = object & {readonly [ringBrand]: true};

/**
 * The addon's exports (native/*.c), typed in this one place. Every function
 * makes one system call (or a fixed sequence) and returns its result or
 * `-errno`; it throws only `TypeError` for a wrong-typed argument and
 * `RangeError` for an offset or length outside a buffer. Functions a
 * platform lacks (epoll off Linux, kqueue off the BSDs) are absent.
 * Not part of the public API (no entry point exports it); its declaration
 * is emitted because the declarations of internal modules refer to it.
 */
export interface NativeBinding {
	/** AF_*, SOCK_*, SO_*, POLL*, EPOLL*, EV*, FD_SETSIZE … as numbers, by their C names. */
	readonly constants: Readonly<Record<string, number>>;

	// sockets — address arguments are (family, host|path, port, flowinfo, scopeId)
	socket(family: number, type: number, proto: number): number;
	socketpair(family: number, type: number, proto: number, out: Int32Array): number;
	bind(fd: number, ...address: NativeAddressArgs): number;
	connect(fd: number, ...address: NativeAddressArgs): number;
	listen(fd: number, backlog: number): number;
	accept(fd: number, withAddress: false): number;
	accept(fd: number, withAddress: true): number | readonly [fd: number, address: NativeAddress];
	recv(fd: number, buf: Bytes, offset: number, length: number, flags: number): number;
	send(fd: number, buf: Bytes, offset: number, length: number, flags: number): number;
	sendto(
		fd: number,
		buf: Bytes,
		offset: number,
		length: number,
		flags: number,
		...address: NativeAddressArgs
	): number;
	recvfrom(
		fd: number,
		buf: Bytes,
		offset: number,
		length: number,
		flags: number,
	): number | readonly [bytes: number, address: NativeAddress];
	shutdown(fd: number, how: number): number;
	setsockoptInt(fd: number, level: number, name: number, value: number): number;
	getsockoptInt(fd: number, level: number, name: number, out: Int32Array): number;
	setsockoptBytes(fd: number, level: number, name: number, buf: Bytes): number;
	getsockoptBytes(fd: number, level: number, name: number, buf: Bytes): number;
	getsockname(fd: number): number | NativeAddress;
	getpeername(fd: number): number | NativeAddress;
	/** family < 0: no address. `ancdata` items are copied into one control buffer. */
	sendmsg(
		fd: number,
		buffers: readonly Bytes[],
		ancdata: ReadonlyArray<readonly [level: number, type: number, data: Bytes]>,
		flags: number,
		...address: NativeAddressArgs
	): number;
	/** Scatters into `buffers`; control messages are written into `control`, located by [level, type, offset, length]. */
	recvmsg(fd: number, buffers: readonly Bytes[], control: Bytes, flags: number): number | NativeMessage;
	/** CMSG_LEN(n) (a macro; no system call). */
	cmsgLen(n: number): number;
	/** CMSG_SPACE(n) (a macro; no system call). */
	cmsgSpace(n: number): number;
	/** offset < 0: from and advancing inFd's position. -ENOSYS where unsupported. */
	sendfile(outFd: number, inFd: number, offset: number, count: number): number;
	/** The new offset. */
	lseek(fd: number, offset: number, whence: number): number;
	// names and addresses (native/netdb.c)
	gethostname(): string | number;
	/** [host, service], -errno for a non-numeric host (EINVAL) or unknown family, or a getnameinfo(3) failure. */
	getnameinfo(
		family: number,
		host: string,
		port: number,
		flowinfo: number,
		scopeId: number,
		flags: number,
	): readonly [host: string, service: string] | number | NativeGaiError;
	/** Bytes written into `out` (4 or 16), 0 for a string that is no address of the family, -errno. */
	inetPton(family: number, text: string, out: Bytes): number;
	inetNtop(family: number, packed: Bytes): string | number;
	/** 1 and `out` = the 4 bytes, or 0 for an invalid string. */
	inetAton(text: string, out: Bytes): number;
	/** The port, or -1 if not found. */
	getservbyname(name: string, proto: string | null): number;
	/** The name, or null if not found. */
	getservbyport(port: number, proto: string | null): string | null;
	/** The number, or -1 if not found. */
	getprotobyname(name: string): number;
	/** The index, 0 if no such interface. */
	ifNametoindex(name: string): number;
	ifIndextoname(index: number): string | number;
	ifNameindex(): Array<readonly [index: number, name: string]> | number;
	getaddrinfo(
		host: string | null,
		port: string | null,
		family: number,
		type: number,
		proto: number,
		flags: number,
	): NativeAddrInfo[] | NativeGaiError;

	// any fd
	close(fd: number): number;
	read(fd: number, buf: Bytes, offset: number, length: number): number;
	write(fd: number, buf: Bytes, offset: number, length: number): number;
	/** Both ends non-blocking and close-on-exec. */
	pipe(out: Int32Array): number;
	/** Only F_GETFL, F_SETFL, F_GETFD, F_SETFD. */
	fcntl(fd: number, cmd: number, arg: number): number;
	dup(fd: number): number;
	/** `out` = [soft, hard]; -1 is RLIM_INFINITY. */
	getrlimitNofile(out: Float64Array): number;
	setrlimitNofile(soft: number, hard: number): number;
	/** The C library's message for an errno (not a system call; never fails). */
	strerror(errno: number): string;

	// multiplexing — timeoutMs < 0 waits forever; every wait fills the
	// caller's buffer with (fd, bits) pairs: native/events.h, src/selectors/events.ts
	/** `fds`: n (fd, mask) pairs, mask 1 = read, 2 = write; `out`: (fd, readyMask) pairs. */
	select(fds: Int32Array, n: number, timeoutMs: number, out: Int32Array): number;
	/** `pollfds`: n `struct pollfd` (2 int32 each); `out`: (fd, revents) pairs. */
	poll(pollfds: Int32Array, n: number, timeoutMs: number, out: Int32Array): number;
	/** Linux only. */
	epollCreate?(): number;
	epollCtl?(epfd: number, op: number, fd: number, events: number): number;
	/** int32 values one `struct epoll_event` takes in {@link NativeBinding.epollWait}'s buffer (native/events.h). */
	readonly epollRecordInt32?: number;
	/** `buf` holds `maxevents` records of {@link NativeBinding.epollRecordInt32} values; filled with (fd, EPOLL* bits) pairs (src/selectors/events.ts). */
	epollWait?(epfd: number, buf: Int32Array, maxevents: number, timeoutMs: number): number;
	/** dup3(fresh, epfd, O_CLOEXEC) then close(fresh): `epfd` now names the instance `fresh`. */
	epollReplace?(fresh: number, epfd: number): number;
	/**
	 * io_uring (Linux, native/uring.c, which documents the record layouts):
	 * a ring (napi external, unmapped and closed by its finalizer or
	 * uringClose), or -errno; `info` gets (ring fd, features, SQ entries, CQ entries).
	 */
	uringSetup?(entries: number, cqEntries: number, flags: number, info: Int32Array): NativeRing | number;
	/** Writes up to `count` SQE records ({@link NativeBinding.uringSqeInt32} values each) into the SQ; returns how many fit. */
	uringQueue?(ring: NativeRing, batch: Int32Array, count: number): number;
	/** io_uring_enter(2): submits `toSubmit`, waits for `minComplete` CQEs at most `timeoutMs` (-1: no limit). */
	uringEnter?(ring: NativeRing, toSubmit: number, minComplete: number, timeoutMs: number): number;
	/** Copies and consumes up to `max` CQE records ({@link NativeBinding.uringCqeInt32} values each). */
	uringReap?(ring: NativeRing, out: Int32Array, max: number): number;
	/** Unmaps the ring and closes its fd; idempotent. */
	uringClose?(ring: NativeRing): number;
	readonly uringSqeInt32?: number;
	readonly uringCqeInt32?: number;
	/** macOS/BSD only. */
	kqueue?(): number;
	/**
	 * Applies `nchanges` (ident, filter, flags) triples (at most 16), each
	 * with EV_RECEIPT, without waiting: `errors[i]` gets change i's errno (0:
	 * applied). Returns 0, or -errno if kevent(2) itself failed.
	 */
	keventApply?(kq: number, changes: Int32Array, nchanges: number, errors: Int32Array): number;
	/** int32 values one `struct kevent` takes in {@link NativeBinding.keventWait}'s buffer (native/events.h). */
	readonly keventRecordInt32?: number;
	/** `buf` holds `nevents` records of {@link NativeBinding.keventRecordInt32} values; filled with (fd, SEL_EV_* bits) pairs (src/selectors/events.ts). */
	keventWait?(kq: number, buf: Int32Array, nevents: number, timeoutMs: number): number;

	// the reactor: waiting without blocking the event loop (native/reactor.c;
	// policy in src/async/reactor.ts). Absent where there is no epoll or kqueue.
	/** Event bits (epoll's values), control ops and the batch size. */
	readonly reactorEvents?: import('./async/reactor.js').ReactorEvents;
	/** Starts this environment's reactor thread; `callback(count)` gets `count` (token, revents) pairs in `out` (128 int32 at least), or -errno if the thread failed. -EALREADY if started. */
	reactorOpen?(callback: (count: number) => void, out: Int32Array): number;
	/** Adds the reactor's own dup of `fd` (`events`: reactor bits; `token`: uint32 handed back with the events); returns that watch fd. */
	reactorAdd?(fd: number, events: number, token: number): number;
	/** Changes a watch's events and token; -EBADF if `watchFd` is not one. */
	reactorMod?(watchFd: number, events: number, token: number): number;
	/** Removes a watch and closes its dup; -EBADF if `watchFd` is not one. */
	reactorDel?(watchFd: number): number;
	/** The number of watches open. */
	reactorCount?(): number;
	/** Whether the reactor keeps the event loop alive (threadsafe function ref/unref). */
	reactorRef?(ref: boolean): number;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function load(): NativeBinding {
	const require = createRequire(import.meta.url);
	const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
	try {
		return nodeGypBuild(root) as NativeBinding;
	} catch (error) {
		throw new Error(loadFailure(error), {cause: error});
	}
}

/**
 * One line: why no addon loaded (no build for this platform, or one that the
 * system cannot load, e.g. an older C library) and how to build one.
 */
function loadFailure(error: unknown): string {
	const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.trim();
	return (
		`node-selectors: cannot load the native addon for ${process.platform}-${process.arch} (${reason}); ` +
		'build it from source with `npm rebuild node-selectors` (needs a C compiler, make and python3; ' +
		'see "Building from source" in the README)'
	);
}

/**
 * The loaded addon, copied into an object of its own. The exports object
 * receives its functions one by one from the addon and V8 keeps it in
 * dictionary mode, where a load such as `native.recv` is a hash lookup that
 * optimized code cannot inline (a LoadIC call per system call: 2–3 % of the
 * echo server's CPU, see BENCHMARKS.md). A spread copy is a fast-mode object;
 * test/native-load.test.ts checks that it stays one.
 */
export const native: NativeBinding = {...load()};

/** The addon's numeric constants; `undefined` where the platform lacks one. */
export const C: Readonly<Record<string, number | undefined>> = native.constants;

/** A constant that exists on every POSIX platform the addon builds on. */
export function constant(name: string): number {
	const value = C[name];
	if (value === undefined) {
		throw new Error(`selectors: the addon does not define ${name}`);
	}

	return value;
}
