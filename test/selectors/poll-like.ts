/** Tests for the poll(2)-family selectors (CPython's _PollLikeSelector). */
import {test} from 'node:test';
import {native} from '../../src/native.js';
import {EVENT_READ, EVENT_WRITE} from '../../src/selectors/index.js';
import {expectEvents} from './helpers.js';
import type {SelectorClassUnderTest} from './suite.js';

/**
 * An error condition wakes the selector whatever it waits for: POLLERR
 * counts as both readable and writable, masked by the key's events.
 */
export function pollLikeTests(Cls: SelectorClassUnderTest): void {
	test(
		`${Cls.name} reports an error (POLLERR) as readable and writable`,
		{skip: Cls.available ? false : `${Cls.name} is not available`},
		t => {
			const s = new Cls();
			t.after(() => {
				s.close();
			});
			const fds = new Int32Array(2);
			if (native.pipe(fds) !== 0) {
				throw new Error('pipe failed');
			}

			const [readEnd, writeEnd] = [fds[0]!, fds[1]!];
			t.after(() => {
				native.close(writeEnd);
			});
			// The write end waits for reading, which never happens by itself...
			s.register(writeEnd, EVENT_READ);
			// ...but with no reader left the kernel reports POLLERR on it.
			native.close(readEnd);
			expectEvents(s, [[writeEnd, EVENT_READ]]);
			s.modify(writeEnd, EVENT_WRITE);
			expectEvents(s, [[writeEnd, EVENT_WRITE]]);
		},
	);
}
