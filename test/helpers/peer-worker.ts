/**
 * The worker-thread side of {@link startPeer} (peer.ts): runs one task
 * against an fd or address of the main thread, so the main thread can sit
 * in a blocking call meanwhile. When run as a plain script (the test runner
 * runs every file under test/) it does nothing.
 */
import {createHash} from 'node:crypto';
import {isMainThread, parentPort, workerData} from 'node:worker_threads';
import * as os from '../../src/os.js';
import {type Address, SHUT_RDWR, Socket} from '../../src/socket/index.js';

/** What the peer does. Delays let the main thread enter its blocking call first. */
export type PeerTask =
	/** Reads fd until EOF (blocking); result: byte count and SHA-256. */
	| {readonly op: 'drain'; readonly fd: number}
	/** Sleeps, then sends all of `data` on fd. */
	| {readonly op: 'write'; readonly fd: number; readonly delayMs: number; readonly data: Uint8Array}
	/** Sleeps, then writes all of `data` to a non-socket fd (a pipe) with os.write. */
	| {readonly op: 'osWrite'; readonly fd: number; readonly delayMs: number; readonly data: Uint8Array}
	/**
	 * Sends `signal` to this process `count` times, `intervalMs` apart (the
	 * main thread's poll() sees EINTR), then writes `data` on fd, or connects
	 * to `address` and closes, if given.
	 */
	| {
			readonly op: 'signals';
			readonly signal: NodeJS.Signals;
			readonly count: number;
			readonly intervalMs: number;
			readonly fd?: number;
			readonly data?: Uint8Array;
			readonly family?: number;
			readonly address?: Address;
	  }
	/** Sleeps, connects a new socket to `address`, sends `data`, closes. */
	| {
			readonly op: 'connect';
			readonly family: number;
			readonly address: Address;
			readonly delayMs: number;
			readonly data: Uint8Array;
	  }
	/** Sleeps, then accepts `count` connections on the listening fd and closes them. */
	| {readonly op: 'accept'; readonly fd: number; readonly delayMs: number; readonly count: number}
	/** Reads up to `chunk` bytes every `intervalMs` until EOF or `maxMs` passed. */
	| {
			readonly op: 'slowDrain';
			readonly fd: number;
			readonly chunk: number;
			readonly intervalMs: number;
			readonly maxMs: number;
	  };

/** The peer's report. */
export interface PeerResult {
	readonly bytes: number;
	readonly sha256: string;
}

function sleepMs(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function run(task: PeerTask): PeerResult {
	const hash = createHash('sha256');
	let bytes = 0;
	switch (task.op) {
		case 'drain': {
			const sock = Socket.adoptFd(task.fd);
			try {
				for (;;) {
					const data = sock.recv(256 * 1024);
					if (data.length === 0) {
						break;
					}

					hash.update(data);
					bytes += data.length;
				}
			} finally {
				sock.detach();
			}

			break;
		}

		case 'write': {
			const sock = Socket.adoptFd(task.fd);
			try {
				sleepMs(task.delayMs);
				sock.sendall(task.data);
				bytes = task.data.length;
			} finally {
				sock.detach();
			}

			break;
		}

		case 'osWrite': {
			sleepMs(task.delayMs);
			while (bytes < task.data.length) {
				bytes += os.write(task.fd, task.data.subarray(bytes));
			}

			break;
		}

		case 'signals': {
			for (let i = 0; i < task.count; i++) {
				sleepMs(task.intervalMs);
				process.kill(process.pid, task.signal);
			}

			if (task.fd !== undefined && task.data !== undefined) {
				const sock = Socket.adoptFd(task.fd);
				try {
					sock.sendall(task.data);
					bytes = task.data.length;
				} finally {
					sock.detach();
				}
			}

			if (task.address !== undefined) {
				using sock = new Socket(task.family);
				sock.connect(task.address);
			}

			break;
		}

		case 'connect': {
			sleepMs(task.delayMs);
			using sock = new Socket(task.family);
			sock.connect(task.address);
			sock.sendall(task.data);
			bytes = task.data.length;
			break;
		}

		case 'accept': {
			const listener = Socket.adoptFd(task.fd);
			try {
				sleepMs(task.delayMs);
				for (let i = 0; i < task.count; i++) {
					const [conn] = listener.accept();
					conn.close();
					bytes++;
				}
			} finally {
				listener.detach();
			}

			break;
		}

		case 'slowDrain': {
			const sock = Socket.adoptFd(task.fd);
			sock.setblocking(false);
			const end = Date.now() + task.maxMs;
			try {
				while (Date.now() < end) {
					sleepMs(task.intervalMs);
					let data: Buffer;
					try {
						data = sock.recv(task.chunk);
					} catch (error) {
						if ((error as Error).name === 'BlockingIOError') {
							continue;
						}

						throw error;
					}

					if (data.length === 0) {
						break;
					}

					bytes += data.length;
				}
			} finally {
				sock.detach();
			}

			break;
		}
	}

	return {bytes, sha256: hash.digest('hex')};
}

/**
 * After a failed task: end the main thread's blocking call (it may be
 * waiting on this peer) so the test fails instead of hanging.
 */
function unblock(task: PeerTask): void {
	try {
		if (task.op === 'connect') {
			using sock = new Socket(task.family);
			sock.connect(task.address);
		} else if (task.op === 'signals') {
			if (task.address !== undefined) {
				using sock = new Socket(task.family);
				sock.connect(task.address);
			}

			if (task.fd !== undefined) {
				const sock = Socket.adoptFd(task.fd);
				try {
					sock.shutdown(SHUT_RDWR);
				} finally {
					sock.detach();
				}
			}
		} else if (task.op === 'accept') {
			os.close(task.fd); // the main thread's connect then fails instead of waiting
		} else if (task.op === 'osWrite') {
			os.close(task.fd); // the main thread's read then sees EOF
		} else {
			const sock = Socket.adoptFd(task.fd);
			try {
				sock.shutdown(SHUT_RDWR);
			} finally {
				sock.detach(); // the fd stays the main thread's
			}
		}
	} catch {
		// Nothing more can be done from here.
	}
}

if (!isMainThread && parentPort !== null && workerData !== null && typeof workerData === 'object') {
	const port = parentPort;
	port.postMessage({ready: true});
	try {
		port.postMessage({result: run(workerData as PeerTask)});
	} catch (error) {
		unblock(workerData as PeerTask);
		port.postMessage({error: error instanceof Error ? `${error.name}: ${error.message}` : String(error)});
	}
}
