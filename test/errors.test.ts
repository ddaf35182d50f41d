import assert from 'node:assert/strict';
import {constants} from 'node:os';
import {describe, test} from 'node:test';
import {C} from '../src/native.js';
import {
	BlockingIOError,
	BrokenPipeError,
	ChildProcessError,
	ConnectionAbortedError,
	ConnectionError,
	ConnectionRefusedError,
	ConnectionResetError,
	FileExistsError,
	FileNotFoundError,
	GaiError,
	InterruptedError,
	IsADirectoryError,
	KeyError,
	NotADirectoryError,
	OSError,
	PermissionError,
	ProcessLookupError,
	RuntimeError,
	TimeoutError,
	ValueError,
	check,
	errorClassFor,
} from '../src/errors.js';

const E = constants.errno;

// CPython's errnomap (Objects/exceptions.c), checked entry by entry.
const expected: Array<[string, number, new (...args: never[]) => OSError, string]> = [
	['EAGAIN', E.EAGAIN, BlockingIOError, 'BlockingIOError'],
	['EWOULDBLOCK', E.EWOULDBLOCK, BlockingIOError, 'BlockingIOError'],
	['EALREADY', E.EALREADY, BlockingIOError, 'BlockingIOError'],
	['EINPROGRESS', E.EINPROGRESS, BlockingIOError, 'BlockingIOError'],
	['EPIPE', E.EPIPE, BrokenPipeError, 'BrokenPipeError'],
	['ECHILD', E.ECHILD, ChildProcessError, 'ChildProcessError'],
	['ECONNABORTED', E.ECONNABORTED, ConnectionAbortedError, 'ConnectionAbortedError'],
	['ECONNREFUSED', E.ECONNREFUSED, ConnectionRefusedError, 'ConnectionRefusedError'],
	['ECONNRESET', E.ECONNRESET, ConnectionResetError, 'ConnectionResetError'],
	['EEXIST', E.EEXIST, FileExistsError, 'FileExistsError'],
	['ENOENT', E.ENOENT, FileNotFoundError, 'FileNotFoundError'],
	['EISDIR', E.EISDIR, IsADirectoryError, 'IsADirectoryError'],
	['ENOTDIR', E.ENOTDIR, NotADirectoryError, 'NotADirectoryError'],
	['EINTR', E.EINTR, InterruptedError, 'InterruptedError'],
	['EACCES', E.EACCES, PermissionError, 'PermissionError'],
	['EPERM', E.EPERM, PermissionError, 'PermissionError'],
	['ESRCH', E.ESRCH, ProcessLookupError, 'ProcessLookupError'],
	['ETIMEDOUT', E.ETIMEDOUT, TimeoutError, 'TimeoutError'],
];

describe('errno -> class (CPython errnomap)', () => {
	for (const [code, errno, Class, name] of expected) {
		test(`${code} -> ${name}`, () => {
			const error = OSError.fromErrno(errno, 'recv');
			assert.ok(error instanceof Class, `${error.name} is not a ${name}`);
			assert.ok(error instanceof OSError);
			assert.ok(error instanceof Error);
			assert.equal(error.name, name);
			assert.equal(error.errno, errno);
			assert.ok(error.errno > 0);
			assert.equal(error.syscall, 'recv');
			assert.equal(typeof error.strerror, 'string');
			assert.ok(error.strerror.length > 0);
			assert.equal(errorClassFor(errno), Class);
			// Node's code; EWOULDBLOCK == EAGAIN on Linux, so libuv names it EAGAIN.
			if (code !== 'EWOULDBLOCK') {
				assert.equal(error.code, code);
			}

			assert.match(error.stack ?? '', new RegExp(name));
		});
	}

	test("ESHUTDOWN -> BrokenPipeError, with its name as code, though Node's os.constants may lack it", t => {
		const errno = (E as Record<string, number | undefined>)['ESHUTDOWN'] ?? C['ESHUTDOWN'];
		if (errno === undefined) {
			t.skip('no ESHUTDOWN in this C library');
			return;
		}

		if (process.platform === 'linux') {
			assert.equal(errno, 108);
		}

		const error = OSError.fromErrno(errno, 'send');
		assert.ok(error instanceof BrokenPipeError);
		assert.equal(error.code, 'ESHUTDOWN');
		assert.equal(error.errno, errno);
	});

	test('connection errors share ConnectionError', () => {
		for (const errno of [E.EPIPE, E.ECONNABORTED, E.ECONNREFUSED, E.ECONNRESET]) {
			assert.ok(OSError.fromErrno(errno) instanceof ConnectionError);
		}

		assert.ok(!(OSError.fromErrno(E.EAGAIN) instanceof ConnectionError));
	});

	test('an unmapped errno gives a plain OSError', () => {
		const error = OSError.fromErrno(E.EBADF, 'close');
		assert.equal(error.constructor, OSError);
		assert.equal(error.name, 'OSError');
		assert.equal(error.code, 'EBADF');
		assert.equal(error.message, `[Errno ${E.EBADF}] Bad file descriptor (close EBADF)`);
	});

	test('an errno unknown to libuv has code UNKNOWN', () => {
		const error = OSError.fromErrno(4000, 'x');
		assert.equal(error.code, 'UNKNOWN');
		assert.equal(error.constructor, OSError);
	});

	test('address and port appear on the error and in the message', () => {
		const error = OSError.fromErrno(E.ECONNREFUSED, 'connect', {address: '127.0.0.1', port: 9});
		assert.equal(error.address, '127.0.0.1');
		assert.equal(error.port, 9);
		assert.match(error.message, /connect ECONNREFUSED 127\.0\.0\.1:9/);
	});
});

describe('check()', () => {
	test('passes results through', () => {
		assert.equal(check(0, 'x'), 0);
		assert.equal(check(42, 'x'), 42);
	});

	test('turns -errno into the mapped class', () => {
		assert.throws(
			() => check(-E.EAGAIN, 'recv'),
			(error: unknown) =>
				error instanceof BlockingIOError && error.syscall === 'recv' && error.errno === E.EAGAIN,
		);
	});
});

describe('non-OS errors', () => {
	for (const [Class, name] of [
		[ValueError, 'ValueError'],
		[KeyError, 'KeyError'],
		[RuntimeError, 'RuntimeError'],
	] as const) {
		test(name, () => {
			const error = new Class('boom', 'ERR_X');
			assert.ok(error instanceof Error);
			assert.ok(!(error instanceof OSError));
			assert.equal(error.name, name);
			assert.equal(error.code, 'ERR_X');
			assert.equal(error.message, 'boom');
		});
	}

	test('gaierror keeps the EAI code', () => {
		const error = new GaiError(-2, 'Name or service not known', 'nope.invalid');
		assert.ok(error instanceof OSError);
		assert.equal(error.errno, -2);
		assert.equal(error.name, 'gaierror');
		assert.equal(error.syscall, 'getaddrinfo');
	});

	test('BlockingIOError carries bytesSent', () => {
		const error = OSError.fromErrno(E.EAGAIN, 'send');
		assert.ok(error instanceof BlockingIOError);
		assert.equal(error.bytesSent, 0);
	});
});
