// Worker for test/waker.test.ts: wakes a Waker through its handle.
import {workerData} from 'node:worker_threads';
import {Waker, type WakerHandle} from '../src/index.js';

const {handle, delayMs, after} = workerData as {handle: WakerHandle; delayMs: number; after: string};
setTimeout(() => {
	const waker = Waker.fromHandle(handle);
	if (after === 'wake-expect-false') {
		if (waker.wake() !== false) {
			throw new Error('wake() after close wrote');
		}
	} else if (after === 'wake-many') {
		for (let i = 0; i < 1000; i++) {
			waker.wake();
		}
	} else {
		waker.wake();
	}
}, delayMs);
