/**
 * testSelect and testPoll2's child (CPython's test_select.py and
 * test_poll.py): a process that prints "testing..." five times, read through
 * one of the select module's waits until end of file.
 */
import {spawn} from 'node:child_process';
import type {TestContext} from 'node:test';
import * as os from '../../src/os.js';

/**
 * Starts the child and reads its stdout until EOF, calling `wait(fd, i)`
 * before each read; `wait` returns whether the fd is ready. Bounded: at most
 * `waits` calls.
 *
 * @returns all the child wrote
 */
export function readChildLines(
	t: TestContext,
	waits: number,
	wait: (fd: number, i: number) => boolean,
): string {
	const child = spawn(
		process.execPath,
		['-e', 'for (let i = 0; i < 5; i++) console.log("testing..."); setTimeout(() => {}, 50)'],
		{stdio: ['ignore', 'pipe', 'ignore']},
	);
	t.after(() => child.kill());
	const fd = (child.stdout as unknown as {_handle: {fd: number}})._handle.fd;
	child.stdout.pause();
	let text = '';
	for (let i = 0; i < waits; i++) {
		if (!wait(fd, i)) {
			continue;
		}

		let chunk: Buffer;
		try {
			chunk = os.read(fd, 100);
		} catch {
			continue; // EAGAIN: libuv's handle shares the fd
		}

		if (chunk.length === 0) {
			break;
		}

		text += chunk.toString();
	}

	return text;
}
