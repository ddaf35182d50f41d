/**
 * `node-selectors` — Python's `selectors` module for Node.js: readiness-based
 * I/O multiplexing over select(2), poll(2), epoll(7) and kqueue(2), with
 * CPython's semantics (`Lib/selectors.py`) and camelCased names.
 *
 * ```ts
 * import {DefaultSelector, EVENT_READ} from 'node-selectors';
 * ```
 *
 * The socket module (Python's `socket`: `Socket`, `socketpair()`, …) is a
 * separate entry point, `node-selectors/socket`, and `os` helpers are in
 * `node-selectors/os`.
 *
 * @module
 */

// The selectors API.
export {
	EVENT_READ,
	EVENT_WRITE,
	BaseSelector,
	SelectorKey,
	SelectSelector,
	PollSelector,
	EpollSelector,
	KqueueSelector,
	IoUringSelector,
	DevpollSelector,
	DefaultSelector,
	fileobjToFd,
	type DataArgument,
	type EpollArguments,
	type EpollRegisterOptions,
	type FileDescriptorLike,
	type HasFileno,
	type SelectAsyncOptions,
	type SelectorClass,
	type SelectorMapping,
} from './selectors/index.js';

// Every error class (Python's names), so `instanceof` checks need one import.
export {
	OSError,
	BlockingIOError,
	ChildProcessError,
	ConnectionError,
	BrokenPipeError,
	ConnectionAbortedError,
	ConnectionRefusedError,
	ConnectionResetError,
	FileExistsError,
	FileNotFoundError,
	InterruptedError,
	IsADirectoryError,
	NotADirectoryError,
	PermissionError,
	ProcessLookupError,
	TimeoutError,
	GaiError,
	ValueError,
	KeyError,
	RuntimeError,
	KeyboardInterrupt,
	type OSErrorOptions,
	type CodedErrorOptions,
} from './errors.js';

// ---------------------------------------------------------------------------
// NOT HERE: the socket module's exports (Socket, socketpair, create_connection
// …). They live under the 'node-selectors/socket' entry point (src/socket/index.ts,
// package.json "exports"), not in the main entry, so importing the selectors
// does not load the socket module. Do not re-export them from this file.
// ---------------------------------------------------------------------------
export {Waker, type WakerHandle} from './waker.js';
