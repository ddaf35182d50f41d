/**
 * Test helpers for the selector suites: tiny socket/pipe wrappers over the
 * addon (independent of src/socket), readiness polling that tolerates
 * spurious events, and fd juggling.
 */
import assert from 'node:assert/strict';
import {closeSync, openSync} from 'node:fs';
import type {TestContext} from 'node:test';
import {native, constant} from '../../src/native.js';
import type {BaseSelector, SelectorKey} from '../../src/selectors/index.js';

const AF_UNIX = constant('AF_UNIX');
const SOCK_STREAM = constant('SOCK_STREAM');

/** A minimal socket: an fd with `fileno()` that returns -1 once closed, as Python's. */
export class TestSocket {
	#fd: number;

	constructor(fd: number) {
		this.#fd = fd;
	}

	fileno(): number {
		return this.#fd;
	}

	send(text: string): number {
		const data = Buffer.from(text);
		const sent = native.send(this.#fd, data, 0, data.length, 0);
		assert.ok(sent >= 0, `send failed: errno ${-sent}`);
		return sent;
	}

	recv(size: number): string {
		const buf = Buffer.alloc(size);
		const got = native.recv(this.#fd, buf, 0, size, 0);
		assert.ok(got >= 0, `recv failed: errno ${-got}`);
		return buf.subarray(0, got).toString();
	}

	close(): void {
		if (this.#fd >= 0) {
			native.close(this.#fd);
			this.#fd = -1;
		}
	}
}

/** A connected AF_UNIX stream socket pair (non-blocking), closed after the test. */
export function socketpair(t: TestContext | undefined): [TestSocket, TestSocket] {
	const fds = new Int32Array(2);
	const ret = native.socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
	assert.ok(ret >= 0, `socketpair failed: errno ${-ret}`);
	const pair: [TestSocket, TestSocket] = [new TestSocket(fds[0]!), new TestSocket(fds[1]!)];
	t?.after(() => {
		pair[0].close();
		pair[1].close();
	});
	return pair;
}

/** Closes `fd` after the test (ignoring EBADF: the test may have closed it). */
export function closeLater(t: TestContext, fd: number): void {
	t.after(() => {
		native.close(fd);
	});
}

/**
 * An fd that was valid and is now closed (CPython's `os_helper.make_bad_fd`):
 * a file opened and closed again.
 */
export function makeBadFd(): number {
	const fd = openSync(process.execPath, 'r');
	closeSync(fd);
	return fd;
}

/**
 * Makes `target` (a free fd number) a duplicate of `source`, as dup2 would:
 * dup() returns the lowest free number, so dup until it hands out `target`
 * and close the extras.
 */
export function dupTo(source: number, target: number): void {
	const extras: number[] = [];
	try {
		for (;;) {
			const fd = native.dup(source);
			assert.ok(fd >= 0, `dup failed: errno ${-fd}`);
			if (fd === target) {
				return;
			}

			extras.push(fd);
			assert.ok(fd < target, `FD ${target} is not free`);
		}
	} finally {
		for (const fd of extras) {
			native.close(fd);
		}
	}
}

/** `[fd, events]` pairs of a select() result, sorted by fd, for comparisons. */
export function fdEvents<T>(ready: Array<[SelectorKey<T>, number]>): Array<[number, number]> {
	return ready.map(([key, events]): [number, number] => [key.fd, events]).sort((a, b) => a[0] - b[0]);
}

/**
 * Selects up to `tries` times (each waiting up to `timeout` seconds) until
 * every expected `fileobj → events` pair is in one result; other entries
 * (spurious events) are tolerated. Returns that result.
 */
export function expectEvents<T>(
	sel: BaseSelector<T>,
	expected: ReadonlyArray<readonly [unknown, number]>,
	tries = 5,
	timeout = 0.2,
): Array<[SelectorKey<T>, number]> {
	let last: Array<[SelectorKey<T>, number]> = [];
	for (let i = 0; i < tries; i++) {
		last = sel.select(timeout);
		const seen = new Map<unknown, number>();
		for (const [key, events] of last) {
			seen.set(key.fileobj, (seen.get(key.fileobj) ?? 0) | events);
		}

		if (expected.every(([fileobj, events]) => ((seen.get(fileobj) ?? 0) & events) === events)) {
			return last;
		}
	}

	assert.fail(
		`expected events ${JSON.stringify(expected.map(([f, e]) => [describe(f), e]))}, ` +
			`last select() gave ${JSON.stringify(last.map(([k, e]) => [k.fd, e]))}`,
	);
}

function describe(fileobj: unknown): number | string {
	if (typeof fileobj === 'number') {
		return fileobj;
	}

	return (fileobj as {fileno(): number}).fileno();
}

/** Keys in a result whose events include `flag` (CPython's `find_ready_matching`). */
export function findReadyMatching<T>(ready: Array<[SelectorKey<T>, number]>, flag: number): unknown[] {
	return ready.filter(([, events]) => (events & flag) !== 0).map(([key]) => key.fileobj);
}

/** Seconds on a monotonic clock. */
export function now(): number {
	return performance.now() / 1000;
}

/** [soft, hard] RLIMIT_NOFILE, -1 for unlimited. */
export function getNofile(): [number, number] {
	const out = new Float64Array(2);
	assert.equal(native.getrlimitNofile(out), 0);
	return [out[0]!, out[1]!];
}

/**
 * Raises the soft RLIMIT_NOFILE to at least `wanted` (restored after the
 * test). Returns false if the hard limit does not allow it.
 */
export function raiseNofile(t: TestContext, wanted: number): boolean {
	const [soft, hard] = getNofile();
	if (soft === -1 || soft >= wanted) {
		return true;
	}

	if (hard !== -1 && hard < wanted) {
		return false;
	}

	if (native.setrlimitNofile(wanted, hard) !== 0) {
		return false;
	}

	t.after(() => {
		native.setrlimitNofile(soft, hard);
	});
	return true;
}
