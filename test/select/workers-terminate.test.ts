/**
 * A worker blocked in one of the select module's waits can be stopped:
 * terminate() settles within a second, as for the selectors (the wait is
 * cut into WORKER_WAIT_SLICE_MS kernel waits in workers, src/time.ts).
 */
import {once} from 'node:events';
import {test} from 'node:test';
import {Worker} from 'node:worker_threads';
import {EpollSelector} from '../../src/selectors/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {assertTerminatesWithin1s} from '../helpers/terminate.js';
import type {BlockedWait} from './workers-blocked.js';

checkFdLeaks();

const script = new URL('./workers-blocked.js', import.meta.url);
const waits: BlockedWait[] = EpollSelector.available ? ['select', 'poll', 'epoll'] : ['select', 'poll'];

for (const wait of waits) {
	test(`terminate() of a worker blocked in the select module's ${wait} settles within 1 s`, async () => {
		const worker = new Worker(script, {workerData: wait satisfies BlockedWait});
		const exited = once(worker, 'exit');
		const [message] = (await once(worker, 'message')) as [{blocked: number[]}];
		await assertTerminatesWithin1s(worker, exited, message.blocked);
	});
}
