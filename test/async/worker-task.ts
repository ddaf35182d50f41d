/**
 * Worker-thread side of workers.test.ts: loads the addon in a worker and
 * runs one {@link WorkerTask}. Run as a plain script (the test runner runs
 * every file under test/) it does nothing.
 */
import {isMainThread, parentPort, workerData} from 'node:worker_threads';
import {FdWatch} from '../../src/async/fd-watch.js';
import {PollSelector} from '../../src/selectors/poll.js';
import {SelectSelector} from '../../src/selectors/select.js';
import {EVENT_READ} from '../../src/constants.js';
import {check} from '../../src/errors.js';
import {constant, native} from '../../src/native.js';

/** What the worker does. */
export type WorkerTask =
	/**
	 * Socketpair + epoll (or poll) set; posts `{ready, fds}`; blocks in a
	 * native wait until the main thread writes to `fds[1]`; then one
	 * FdWatch wait and one PollSelector selectAsync(); closes everything; posts
	 * `{done}` and exits by itself.
	 */
	| {readonly op: 'roundtrip'}
	/**
	 * Leaves a watch and/or PollSelector/SelectSelector selectAsync() pending (ref'd unless
	 * `unref`), posts `{holding, fds}`; then exits with process.exit() if
	 * `selfExit`, else waits to be terminated (or, unref'd, exits by itself).
	 */
	| {
			readonly op: 'hold';
			readonly watch: boolean;
			readonly poll: boolean;
			readonly select: boolean;
			readonly unref: boolean;
			readonly selfExit: boolean;
	  };

/** Messages from the worker. */
export type WorkerMessage =
	| {readonly ready: true; readonly fds: readonly number[]}
	| {
			readonly done: true;
			readonly blockingResult: number;
			readonly watchEvents: number;
			readonly pollCount: number;
	  }
	| {readonly holding: true; readonly fds: readonly number[]};

function post(message: WorkerMessage): void {
	parentPort!.postMessage(message);
}

function pipeFds(): [number, number] {
	const p = new Int32Array(2);
	check(native.pipe(p), 'pipe');
	return [p[0]!, p[1]!];
}

const one = new Uint8Array([0x78]);

async function roundtrip(): Promise<void> {
	const pair = new Int32Array(2);
	check(native.socketpair(constant('AF_UNIX'), constant('SOCK_STREAM'), 0, pair), 'socketpair');
	const a = pair[0]!;
	const b = pair[1]!;
	const ep = native.epollCreate === undefined ? -1 : check(native.epollCreate(), 'epoll_create1');
	if (ep >= 0) {
		check(native.epollCtl!(ep, constant('EPOLL_CTL_ADD'), a, constant('EPOLLIN')), 'epoll_ctl');
	}

	post({ready: true, fds: [a, b]});
	// A blocking wait in this worker while the main thread's loop runs.
	let blockingResult: number;
	if (ep >= 0) {
		blockingResult = native.epollWait!(ep, new Int32Array(16), 4, 10_000);
	} else {
		blockingResult = native.poll(new Int32Array([a, constant('POLLIN')]), 1, 10_000, new Int32Array(2));
	}

	const buf = new Uint8Array(16);
	native.read(a, buf, 0, buf.length);
	// An FdWatch in the worker's own event loop.
	const watch = new FdWatch(ep >= 0 ? ep : a);
	setTimeout(() => native.write(b, one, 0, 1), 20);
	const watchEvents = await watch.wait({timeoutMs: 10_000});
	watch.close();
	native.read(a, buf, 0, buf.length);
	// A PollSelector's selectAsync() from the worker (a watch per registration).
	setTimeout(() => native.write(b, one, 0, 1), 20);
	const poll = new PollSelector();
	poll.register(a, EVENT_READ);
	const pollCount = (await poll.selectAsync(10)).length;
	poll.close();
	for (const fd of [a, b, ep]) {
		if (fd >= 0) {
			native.close(fd);
		}
	}

	post({done: true, blockingResult, watchEvents, pollCount});
	// Nothing left open: the worker exits by itself.
}

const held: object[] = [];

function hold(task: Extract<WorkerTask, {op: 'hold'}>): void {
	const [rd, wr] = pipeFds();
	const fds = [rd, wr];
	const ignore = (): void => undefined;
	if (task.watch) {
		const ep = native.epollCreate === undefined ? -1 : check(native.epollCreate(), 'epoll_create1');
		if (ep >= 0) {
			fds.push(ep);
			check(native.epollCtl!(ep, constant('EPOLL_CTL_ADD'), rd, constant('EPOLLIN')), 'epoll_ctl');
		}

		const watch = new FdWatch(ep >= 0 ? ep : rd, {ref: !task.unref});
		watch.wait().then(ignore, ignore);
	}

	// Kept reachable: an unref'd wait does not hold its selector.
	if (task.poll) {
		const sel = new PollSelector();
		held.push(sel);
		sel.register(rd, EVENT_READ);
		sel.selectAsync(null, {ref: !task.unref}).then(ignore, ignore);
	}

	if (task.select) {
		const sel = new SelectSelector();
		held.push(sel);
		sel.register(rd, EVENT_READ);
		sel.selectAsync(null, {ref: !task.unref}).then(ignore, ignore);
	}

	post({holding: true, fds});
	if (task.selfExit) {
		setTimeout(() => process.exit(0), 50);
	}
}

if (!isMainThread && parentPort !== null) {
	const task = workerData as WorkerTask;
	if (task.op === 'roundtrip') {
		await roundtrip();
	} else {
		hold(task);
	}
}
