/**
 * File-descriptor accounting for tests: count and list this process's open
 * fds from /proc/self/fd (Linux), and a per-file leak check.
 *
 * Import and call {@link checkFdLeaks} once at the top level of a test file:
 * it snapshots the open fds before the file's first test and fails the file
 * if any fd opened since is still open after its last one.
 */
import assert from 'node:assert/strict';
import {existsSync, readdirSync, readlinkSync} from 'node:fs';
import {after, before} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {ensureReactor, reactorAvailable} from '../../src/async/reactor.js';

const FD_DIR = '/proc/self/fd';

/** Whether fds can be listed on this OS (/proc/self/fd exists). */
export const canCountFds: boolean = existsSync(FD_DIR);

/**
 * The open fds and what they point at (`socket:[123]`, `pipe:[45]`, a path).
 * The directory handle used to list them is not included.
 */
export function listOpenFds(): Map<number, string> {
	const fds = new Map<number, string>();
	for (const name of readdirSync(FD_DIR)) {
		try {
			fds.set(Number(name), readlinkSync(`${FD_DIR}/${name}`));
		} catch {
			// The directory's own fd, closed by the time it is read.
		}
	}

	return fds;
}

/** The number of open fds; -1 where they cannot be counted. */
export function openFdCount(): number {
	return canCountFds ? listOpenFds().size : -1;
}

/** The fds open now that were not open (or pointed elsewhere) in `earlier`. */
export function newFds(earlier: ReadonlyMap<number, string>): Array<[number, string]> {
	const added: Array<[number, string]> = [];
	for (const [fd, target] of listOpenFds()) {
		if (earlier.get(fd) !== target) {
			added.push([fd, target]);
		}
	}

	return added;
}

/**
 * Registers top-level `before`/`after` hooks that fail the test file if it
 * leaves fds open. fds closed by worker threads shutting down get up to
 * half a second to disappear. Prints why when fds cannot be counted.
 */
export function checkFdLeaks(): void {
	if (!canCountFds) {
		console.log(`# fd leak check skipped: ${FD_DIR} does not exist on ${process.platform}`);
		return;
	}

	let baseline = new Map<number, string>();
	before(() => {
		// The reactor (its epoll and wake fds) lives as long as the thread,
		// once started by the first selectAsync(): start it before counting.
		if (reactorAvailable) {
			ensureReactor();
		}

		baseline = listOpenFds();
	});
	after(async () => {
		let leaked = newFds(baseline);
		for (let i = 0; i < 20 && leaked.length > 0; i++) {
			await sleep(25);
			leaked = newFds(baseline);
		}

		assert.deepEqual(
			leaked,
			[],
			`fds left open by this file: ${leaked.map(([fd, target]) => `${fd} -> ${target}`).join(', ')}`,
		);
	});
}
