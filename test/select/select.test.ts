// Ported from CPython's Lib/test/test_select.py (SelectTestCase), names
// kept (camelCased), plus the except set (TCP urgent data), the error texts
// of Modules/selectmodule.c and EINTR (PEP 475).
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {readChildLines} from './child-lines.js';
import {describe, test} from 'node:test';
import * as select from '../../src/select/index.js';
import {OSError, ValueError} from '../../src/errors.js';
import {MSG_OOB} from '../../src/socket/index.js';
import * as os from '../../src/os.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {closingFds, tcpPair} from '../helpers/sockets.js';

checkFdLeaks();

describe('SelectTestCase', () => {
	test('testErrorConditions', () => {
		assert.throws(() => select.select(1 as unknown as number[], [], []), {
			name: 'TypeError',
			message: 'arguments 1-3 must be sequences',
		});
		assert.throws(() => select.select([{}], [], []), TypeError);
		assert.throws(() => select.select([], [], [], 'not a number' as unknown as number), {
			name: 'TypeError',
			message: 'timeout must be a float or None',
		});
		assert.throws(() => select.select([], [], [], -1), {
			name: 'ValueError',
			message: 'timeout must be non-negative',
		});
		assert.throws(() => select.select([], [], [], Number.NaN), ValueError);
		// Judged before rounding, as CPython (its clock keeps nanoseconds).
		for (const tiny of [-0.0001, -1e-100]) {
			assert.throws(() => select.select([], [], [], tiny), {
				name: 'ValueError',
				message: 'timeout must be non-negative',
			});
		}
	});

	test('the objects passed are returned, in their order', t => {
		const [r, w] = closingFds(t, ...os.pipe()) as [number, number];
		class F {
			readonly fd: number;
			constructor(fd: number) {
				this.fd = fd;
			}

			fileno(): number {
				return this.fd;
			}
		}

		const fr = new F(r);
		const fw = new F(w);
		os.write(w, Buffer.from('x'));
		const [rr, ww, xx] = select.select([fr, w], [fw, fw], [], 1);
		assert.equal(rr[0], fr);
		assert.equal(rr.length, 1);
		assert.deepEqual(ww, [fw, fw]);
		assert.deepEqual(xx, []);
		// Any iterable.
		const [sr] = select.select(new Set([r]), [], [], 0);
		assert.deepEqual(sr, [r]);
	});

	test('testReturnedListIdentity: three distinct lists (bpo-8329)', () => {
		const [r, w, x] = select.select([], [], [], 0.01);
		assert.notEqual(r, w);
		assert.notEqual(r, x);
		assert.notEqual(w, x);
	});

	test('testErrno: EBADF for a closed fd; negative and out-of-range fds are ValueError', t => {
		assert.throws(() => select.select([-1], [], []), {
			name: 'ValueError',
			message: 'file descriptor cannot be a negative integer (-1)',
		});
		assert.throws(() => select.select([], [select.FD_SETSIZE], []), {
			name: 'ValueError',
			message: 'filedescriptor out of range in select()',
		});
		const [r, w] = os.pipe();
		closingFds(t, w);
		os.close(r);
		assert.throws(
			() => select.select([r], [], [], 0),
			(e: unknown) => e instanceof OSError && e.code === 'EBADF',
		);
	});

	test('testSelect: a child writing lines, read through select() until EOF', t => {
		// Bounded: at most 200 waits of 0.1 s.
		const text = readChildLines(t, 200, fd => select.select([fd], [], [], 0.1)[0].length > 0);
		assert.equal(text, 'testing...\n'.repeat(5));
	});

	test('testSelectMutated: a fileno() that shortens the list ends the pass (bpo-16230)', t => {
		// CPython: ten references to one F whose fileno() deletes the list's
		// last item; select() sees the list's live length and returns a[:5].
		const w = closingFds(t, ...os.pipe())[1]!;
		const a: unknown[] = [];
		const f = {
			fileno(): number {
				a.pop();
				return w;
			},
		};
		for (let i = 0; i < 10; i++) {
			a.push(f);
		}

		assert.deepEqual(select.select([], a, [], 1), [[], a.slice(0, 5), []]);
		assert.equal(a.length, 5);
	});

	test('timeouts: nothing ready returns three empty lists after the timeout', t => {
		const [r] = closingFds(t, ...os.pipe()) as [number, number];
		const start = performance.now();
		assert.deepEqual(select.select([r], [], [r], 0.05), [[], [], []]);
		assert.ok(performance.now() - start >= 50);
	});

	test('the except set reports TCP urgent data (MSG_OOB)', t => {
		const [client, server] = tcpPair(t);
		assert.deepEqual(select.select([], [], [server], 0), [[], [], []]);
		client.send(Buffer.from('!'), MSG_OOB);
		const [, , x] = select.select([], [], [server], 1);
		assert.deepEqual(x, [server]);
	});

	test('EINTR is retried with the time left (PEP 475)', {skip: process.platform === 'win32'}, async t => {
		const [r] = closingFds(t, ...os.pipe()) as [number, number];
		// A signal that interrupts the main thread's select(2): SIGWINCH's
		// default action is to be ignored, but Node installs no handler, so
		// install one for it to be delivered as an interruption.
		const handler = (): void => {};
		process.on('SIGWINCH', handler);
		t.after(() => process.off('SIGWINCH', handler));
		const killer = spawn('sh', ['-c', `sleep 0.05; kill -WINCH ${process.pid}`], {stdio: 'ignore'});
		const exited = new Promise(resolve => killer.on('exit', resolve));
		const start = performance.now();
		assert.deepEqual(select.select([r], [], [], 0.3), [[], [], []]);
		assert.ok(performance.now() - start >= 300, 'the wait was not cut short');
		await exited;
	});
});
