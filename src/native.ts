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

/** `[AF_INET, host, port]`, `[AF_INET6, host, port, flowinfo, scopeId]`, `[AF_UNIX, path]` or `[family]`. */
export type NativeAddress =
	| readonly [family: number, host: string, port: number]
	| readonly [family: number, host: string, port: number, flowinfo: number, scopeId: number]
	| readonly [family: number, path: string]
	| readonly [family: number];

/** One getaddrinfo(3) result. */
export type NativeAddrInfo = readonly [family: number, type: number, proto: number, canonname: string, address: NativeAddress];

/** getaddrinfo(3) failure: `eai` is the EAI_* code, `errno` is set for EAI_SYSTEM. */
export type NativeGaiError = {readonly eai: number; readonly errno: number; readonly message: string};

/** Bytes the addon reads from or writes into. */
export type Bytes = ArrayBufferView | ArrayBuffer;

declare const watchBrand: unique symbol;
declare const waitBrand: unique symbol;
/** Opaque handle of a `uv_poll_t` watch (native/watch.c). */
export type NativeWatch = object & {readonly [watchBrand]: true};
/** Opaque handle of a pending helper-thread wait (native/watch.c). */
export type NativeWait = object & {readonly [waitBrand]: true};
declare const ringBrand: unique symbol;
/** Opaque handle of an io_uring instance (native/uring.c). */
export type NativeRing = object & {readonly [ringBrand]: true};

/**
 * The addon's exports (native/*.c), typed in this one place. Every function
 * makes one system call (or a fixed sequence) and returns its result or
 * `-errno`; it throws only `TypeError` for a wrong-typed argument and
 * `RangeError` for an offset or length outside a buffer. Functions a
 * platform lacks (epoll off Linux, kqueue off the BSDs) are absent.
 *
 * @internal
 */
export interface NativeBinding {
	/** AF_*, SOCK_*, SO_*, POLL*, EPOLL*, EV*, FD_SETSIZE … as numbers, by their C names. */
	readonly constants: Readonly<Record<string, number>>;

	// sockets — address arguments are (family, host|path, port, flowinfo, scopeId)
	socket(family: number, type: number, proto: number): number;
	socketpair(family: number, type: number, proto: number, out: Int32Array): number;
	bind(fd: number, family: number, host: string, port: number, flowinfo: number, scopeId: number): number;
	connect(fd: number, family: number, host: string, port: number, flowinfo: number, scopeId: number): number;
	listen(fd: number, backlog: number): number;
	accept(fd: number, withAddress: false): number;
	accept(fd: number, withAddress: true): number | readonly [fd: number, address: NativeAddress];
	recv(fd: number, buf: Bytes, offset: number, length: number, flags: number): number;
	send(fd: number, buf: Bytes, offset: number, length: number, flags: number): number;
	sendto(fd: number, buf: Bytes, offset: number, length: number, flags: number,
		family: number, host: string, port: number, flowinfo: number, scopeId: number): number;
	recvfrom(fd: number, buf: Bytes, offset: number, length: number, flags: number): number | readonly [bytes: number, address: NativeAddress];
	shutdown(fd: number, how: number): number;
	setsockoptInt(fd: number, level: number, name: number, value: number): number;
	getsockoptInt(fd: number, level: number, name: number, out: Int32Array): number;
	setsockoptBytes(fd: number, level: number, name: number, buf: Bytes): number;
	getsockoptBytes(fd: number, level: number, name: number, buf: Bytes): number;
	getsockname(fd: number): number | NativeAddress;
	getpeername(fd: number): number | NativeAddress;
	getaddrinfo(host: string | null, port: string | null, family: number, type: number, proto: number, flags: number): NativeAddrInfo[] | NativeGaiError;

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

	// waiting without blocking the event loop (native/watch.c; wrapped by src/async/)
	/** A uv_poll_t on a private dup of `fd`: `callback` runs once per {@link NativeBinding.watchStart}, with `this` = the handle. */
	watchCreate(fd: number, callback: (this: NativeWatch, status: number, events: number) => void): NativeWatch | number;
	/** Arms one notification; `events`: UV_READABLE 1 | UV_WRITABLE 2 | UV_DISCONNECT 4 | UV_PRIORITIZED 8. -EBADF after close. */
	watchStart(watch: NativeWatch, events: number): number;
	watchStop(watch: NativeWatch): number;
	/** uv_ref/uv_unref: whether an armed watch keeps the event loop alive (default true). */
	watchRef(watch: NativeWatch, ref: boolean): number;
	/** Stops, closes the dup, drops the callback. Idempotent. */
	watchClose(watch: NativeWatch): number;
	/** poll(2) on a helper thread; `pollfds` is copied, `out` is written just before `callback` runs. */
	pollAsync(pollfds: Int32Array, n: number, timeoutMs: number, out: Int32Array,
		callback: (this: NativeWait, result: number, woken: boolean) => void): NativeWait | number;
	/** select(2) on a helper thread; `fds`/`out` as for {@link NativeBinding.select}. */
	selectAsync(fds: Int32Array, n: number, timeoutMs: number, out: Int32Array,
		callback: (this: NativeWait, result: number, woken: boolean) => void): NativeWait | number;
	/** Wakes the helper thread (its callback follows with `woken` = true); no-op once completed. */
	waitCancel(wait: NativeWait): number;
	/** uv_ref/uv_unref: whether the pending wait keeps the event loop alive (default true). */
	waitRef(wait: NativeWait, ref: boolean): number;
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
	return `node-selectors: cannot load the native addon for ${process.platform}-${process.arch} (${reason}); `
		+ 'build it from source with `npm rebuild node-selectors` (needs a C compiler, make and python3; '
		+ 'see "Building from source" in the README)';
}

/** The loaded addon. */
export const native: NativeBinding = load();

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
